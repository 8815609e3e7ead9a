/** GET /confirm?token=: the link in the confirmation email. */
import { lambdaDeps, type DepsProvider } from '../adapters/app-deps.ts';
import { confirmedPage, errorPage } from '../adapters/pages.ts';
import { confirmSubscription } from '../core/subscriptions.ts';
import { html, httpRoute, queryParam, type HttpHandler } from './http.ts';

export function confirmHandler(deps: DepsProvider): HttpHandler {
  return httpRoute(
    async (event) => {
      const outcome = await confirmSubscription(queryParam(event, 'token'), await deps());
      if (outcome === 'not-pending') {
        return html(
          409,
          errorPage({
            status: 409,
            title: 'Nothing to confirm',
            message: 'This subscription is no longer waiting for confirmation. Subscribe again from the home page if you want the digest.',
          }),
        );
      }
      return html(200, confirmedPage());
    },
    { html: true },
  );
}

export const handler = confirmHandler(lambdaDeps());
