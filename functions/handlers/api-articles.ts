/** POST /articles: a publisher's batch; DELETE /articles/{id}: a takedown. Both authenticated by x-api-key. */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { authenticateApiKey, ingestBatch, MAX_BATCH_BYTES, throttleApiKey } from '../core/ingest/index.ts';
import { withdrawArticle } from '../core/edition/index.ts';
import { DEFAULT_DIGEST_NAME } from '../core/shared/index.ts';
import { logger, observability, observeHttp } from '../adapters/runtime/observability.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { header, httpRoute, json, parseBody, type HttpHandler } from '../adapters/http/http.ts';

const ARTICLE_PREFIX = '/articles/';

export function articlesHandler(deps: DepsProvider<'api-articles'>): HttpHandler {
  return httpRoute(async (event) => {
    const { apiKeys, limits, articles, clock, topics, editions, renderer, site } = await deps();
    await throttleApiKey(await authenticateApiKey(header(event, 'x-api-key'), apiKeys, clock.now()), limits, clock.now());
    if (event.requestContext.http.method === 'DELETE') {
      const id = decodeURIComponent((event.rawPath ?? '').slice(ARTICLE_PREFIX.length));
      const settings = { digestName: site.digestName ?? DEFAULT_DIGEST_NAME, publicUrl: site.publicUrl };
      const report = await withdrawArticle(id, { articles, editions, renderer, clock, settings });
      logger.info('article withdrawn', { articleId: report.articleId, editions: report.editions });
      return json(200, { id: report.articleId, status: 'withdrawn', withdrawnAt: report.withdrawnAt, editions: report.editions });
    }
    const { report, failures } = await ingestBatch(parseBody(event, MAX_BATCH_BYTES), { articles, clock, topics });
    for (const { what, cause } of failures) logger.error(what, { error: cause });
    observability.count(DIGEST_METRICS.articlesIngested, report.counts.created);
    return json(200, report);
  });
}

export const handler = observeHttp(articlesHandler(lambdaDeps('api-articles')));
