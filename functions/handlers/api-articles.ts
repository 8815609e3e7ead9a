/** POST /articles: a publisher's batch, authenticated by x-api-key. */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { authenticateApiKey, ingestBatch, MAX_BATCH_BYTES } from '../core/ingest/index.ts';
import { logger, observability, observeHttp } from '../adapters/runtime/observability.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { header, httpRoute, json, parseBody, type HttpHandler } from '../adapters/http/http.ts';

export function articlesHandler(deps: DepsProvider<'api-articles'>): HttpHandler {
  return httpRoute(async (event) => {
    const { apiKeys, articles, clock, topics } = await deps();
    await authenticateApiKey(header(event, 'x-api-key'), apiKeys);
    const { report, failures } = await ingestBatch(parseBody(event, MAX_BATCH_BYTES), { articles, clock, topics });
    for (const { what, cause } of failures) logger.error(what, { error: cause });
    observability.count(DIGEST_METRICS.articlesIngested, report.counts.created);
    return json(200, report);
  });
}

export const handler = observeHttp(articlesHandler(lambdaDeps('api-articles')));
