/**
 * GET /unsubscribe?token= shows a page with a button (link scanners follow GETs, so a GET must
 * not unsubscribe); POST is the RFC 8058 one-click request from mailbox providers and the button.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { unsubscribedPage, unsubscribePage } from '../adapters/render/pages.ts';
import { checkUnsubscribeToken, unsubscribe } from '../core/subscribers/index.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { html, httpRoute, queryParam, type HttpHandler } from '../adapters/http/http.ts';

export function unsubscribeHandler(deps: DepsProvider<'api-unsubscribe'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const token = queryParam(event, 'token');
      const app = await deps();
      if (event.requestContext?.http?.method === 'POST') {
        await unsubscribe(token, app);
        return html(200, unsubscribedPage(app.site));
      }
      checkUnsubscribeToken(token, app);
      return html(200, unsubscribePage({ token: token ?? '' }, app.site));
    },
    { html: true },
  );
}

export const handler = observeHttp(unsubscribeHandler(lambdaDeps('api-unsubscribe')));
