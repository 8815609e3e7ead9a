/**
 * GET /c/{token}: a story link of a digest. Answers 302 to the story's URL as the stored edition
 * has it (core/engagement/follow-click.ts), and hands the click to the queue to be counted off
 * the reader's path. HEAD answers the same without counting; a tampered or unknown link is a
 * 4xx page with no Location.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { DIGEST_METRICS } from '../adapters/runtime/metric-names.ts';
import { logger, observability, observeHttp } from '../adapters/runtime/observability.ts';
import { httpRoute, type HttpHandler } from '../adapters/http/http.ts';
import { followClick } from '../core/engagement/index.ts';

export function clicksHandler(deps: DepsProvider<'api-clicks'>): HttpHandler {
  return async (event) => {
    // httpRoute answers HEAD with the GET route; the redirect must know it was a HEAD, which scanners send.
    const method = event.requestContext?.http?.method ?? 'GET';
    const route = httpRoute(
      async (routed) => {
        const click = await followClick(routed.pathParameters?.['token'], method, await deps());
        for (const { what, cause } of click.failures) logger.warn(what, { error: cause });
        observability.count(click.disposition === 'queued' ? DIGEST_METRICS.clicksQueued : DIGEST_METRICS.clicksFiltered);
        // The security headers add no-referrer (the article's site never sees the token) and no-store.
        return { statusCode: 302, headers: { location: click.location }, body: '' };
      },
      { html: true },
    );
    return route(event);
  };
}

export const handler = observeHttp(clicksHandler(lambdaDeps('api-clicks')));
