/**
 * GET /unsubscribe?token= shows a page with a button (link scanners follow GETs, so a GET must
 * not unsubscribe); POST is the RFC 8058 one-click request from mailbox providers and the button.
 * A mail client's one-click POST carries `List-Unsubscribe=One-Click` (RFC 8058 section 3.2); the
 * page's button posts nothing, which is how the send's counters tell the two apart.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { unsubscribedPage, unsubscribePage } from '../adapters/render/pages.ts';
import { checkUnsubscribeToken, unsubscribe } from '../core/subscribers/index.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { html, httpRoute, queryParam, bodyBytes, rawBody, type HttpEvent, type HttpHandler } from '../adapters/http/http.ts';

/** Far above the one-click body (26 bytes); a bigger body is no mail client's and reads as the page's. */
const ONE_CLICK_BODY_MAX_BYTES = 1024;

function isOneClick(event: HttpEvent): boolean {
  if (bodyBytes(event) > ONE_CLICK_BODY_MAX_BYTES) return false;
  return /(?:^|&)List-Unsubscribe=One-Click(?:&|$)/.test(rawBody(event, ONE_CLICK_BODY_MAX_BYTES).trim());
}

export function unsubscribeHandler(deps: DepsProvider<'api-unsubscribe'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const token = queryParam(event, 'token');
      const app = await deps();
      if (event.requestContext?.http?.method === 'POST') {
        await unsubscribe(token, app, isOneClick(event) ? 'one-click' : 'page');
        return html(200, unsubscribedPage(app.site));
      }
      checkUnsubscribeToken(token, app);
      return html(200, unsubscribePage({ token: token ?? '' }, app.site));
    },
    { html: true },
  );
}

export const handler = observeHttp(unsubscribeHandler(lambdaDeps('api-unsubscribe')));
