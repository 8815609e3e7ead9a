/**
 * GET /confirm?token= (the link in the confirmation email) shows a confirm button; its POST
 * confirms. Mail scanners follow links with GETs, so a GET alone must not subscribe anyone.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { confirmedPage, confirmPage, errorPage } from '../adapters/render/pages.ts';
import { type ConfirmLinkState, confirmLinkState, confirmSubscription } from '../core/subscribers/index.ts';
import { logger, observeHttp } from '../adapters/runtime/observability.ts';
import { html, httpRoute, queryParam, type HttpHandler } from '../adapters/http/http.ts';

/** Why a valid link confirms nothing, in the reader's words. None carries a link token. */
const REFUSAL_PAGES = {
  'already-confirmed': {
    status: 200,
    title: 'Already confirmed',
    message: 'This subscription is confirmed. To change it, use the Preferences link in your welcome email or in any digest.',
  },
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
} as const satisfies Record<Exclude<ConfirmLinkState, 'pending'>, { status: number; title: string; message: string }>;

export function confirmHandler(deps: DepsProvider<'api-confirm'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const app = await deps();
      const token = queryParam(event, 'token');
      if (event.requestContext?.http?.method !== 'POST') {
        const state = await confirmLinkState(token, app);
        if (state === 'pending') return html(200, confirmPage({ token: token ?? '' }, app.site));
        return html(REFUSAL_PAGES[state].status, errorPage(REFUSAL_PAGES[state], app.site));
      }
      const { outcome, preferencesToken, failures } = await confirmSubscription(token, app);
      for (const { what, cause } of failures) logger.error(what, { error: cause });
      if (outcome !== 'confirmed' || preferencesToken === undefined) {
        const page = REFUSAL_PAGES[outcome === 'confirmed' ? 'already-confirmed' : outcome];
        return html(page.status, errorPage(page, app.site));
      }
      return html(200, confirmedPage({ preferencesToken }, app.site));
    },
    { html: true },
  );
}

export const handler = observeHttp(confirmHandler(lambdaDeps('api-confirm')));
