/**
 * GET /confirm?token= (the link in the confirmation email) shows a confirm button; its POST
 * confirms. Mail scanners follow links with GETs, so a GET alone must not subscribe anyone.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { confirmedPage, confirmPage, errorPage } from '../adapters/render/pages.ts';
import { checkConfirmToken, type ConfirmOutcome, confirmSubscription, preferencesTokenAfterConfirm } from '../core/subscribers/index.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { html, httpRoute, queryParam, type HttpHandler } from '../adapters/http/http.ts';

/** Why a valid link confirms nothing, in the reader's words. */
const REFUSAL_PAGES = {
  expired: {
    status: 410,
    title: 'This request has expired',
    message: 'Subscriptions not confirmed within 7 days lapse. Subscribe again from the home page to get a new link.',
  },
  'not-pending': {
    status: 409,
    title: 'Nothing to confirm',
    message: 'This subscription is no longer waiting for confirmation. Subscribe again from the home page if you want the digest.',
  },
} as const satisfies Partial<Record<ConfirmOutcome, { status: number; title: string; message: string }>>;

export function confirmHandler(deps: DepsProvider<'api-confirm'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const app = await deps();
      const token = queryParam(event, 'token');
      if (event.requestContext?.http?.method !== 'POST') {
        checkConfirmToken(token, app);
        return html(200, confirmPage({ token: token ?? '' }, app.site));
      }
      const outcome = await confirmSubscription(token, app);
      if (outcome === 'expired' || outcome === 'not-pending') {
        const page = REFUSAL_PAGES[outcome];
        return html(page.status, errorPage(page, app.site));
      }
      return html(200, confirmedPage({ preferencesToken: await preferencesTokenAfterConfirm(token, app) }, app.site));
    },
    { html: true },
  );
}

export const handler = observeHttp(confirmHandler(lambdaDeps('api-confirm')));
