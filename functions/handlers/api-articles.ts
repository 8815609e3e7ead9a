/**
 * POST /articles: a publisher's batch; DELETE /articles/{id}: a takedown; POST
 * /articles/{id}/restore: its undoing. Keyed by x-api-key, scoped as the route table says.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { ingestBatch, MAX_BATCH_BYTES } from '../core/ingest/index.ts';
import { restoreArticle, withdrawArticle } from '../core/edition/index.ts';
import { DEFAULT_DIGEST_NAME } from '../core/shared/index.ts';
import { logger, observability, observeHttp } from '../adapters/runtime/observability.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { httpRoute, json, parseBody, type HttpHandler } from '../adapters/http/http.ts';
import { authorizeKeyedRequest } from '../adapters/http/api-key-auth.ts';

const ARTICLE_PATH = /^\/articles\/([^/]+)(\/restore)?\/?$/;

export function articlesHandler(deps: DepsProvider<'api-articles'>): HttpHandler {
  return httpRoute(async (event) => {
    const { apiKeys, limits, articles, clock, topics, editions, renderer, site } = await deps();
    const { publisher, onlyPublisher } = await authorizeKeyedRequest(event, { apiKeys, limits, clock });
    const [, rawId, restore] = ARTICLE_PATH.exec(event.rawPath ?? '') ?? [];
    const id = decodeURIComponent(event.pathParameters?.['id'] ?? rawId ?? '');
    if (restore !== undefined) {
      const report = await restoreArticle(id, { articles, clock }, { onlyPublisher });
      logger.info('article restored', { articleId: report.articleId, status: report.status });
      return json(200, { id: report.articleId, status: report.status, ingestedAt: report.ingestedAt });
    }
    if (event.requestContext.http.method === 'DELETE') {
      const settings = { digestName: site.digestName ?? DEFAULT_DIGEST_NAME, publicUrl: site.publicUrl };
      const report = await withdrawArticle(id, { articles, editions, renderer, clock, settings }, { onlyPublisher });
      logger.info('article withdrawn', { articleId: report.articleId, editions: report.editions });
      return json(200, { id: report.articleId, status: 'withdrawn', withdrawnAt: report.withdrawnAt, editions: report.editions });
    }
    const { report, failures } = await ingestBatch(parseBody(event, MAX_BATCH_BYTES), { articles, clock, topics, publisher });
    for (const { what, cause } of failures) logger.error(what, { error: cause });
    observability.count(DIGEST_METRICS.articlesIngested, report.counts.created);
    return json(200, report);
  });
}

export const handler = observeHttp(articlesHandler(lambdaDeps('api-articles')));
