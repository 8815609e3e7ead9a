/** GET /confirm?token=: the link in the confirmation email. */
import { lambdaDeps, type DepsProvider } from '../adapters/app-deps.ts';
import { confirmedPage, errorPage } from '../adapters/pages.ts';
import { confirmSubscription } from '../core/subscriptions.ts';
import { observeHttp } from '../adapters/observability.ts';
import { html, httpRoute, queryParam, type HttpHandler } from './http.ts';

export function confirmHandler(deps: DepsProvider): HttpHandler {
  return httpRoute(
    async (event) => {
      const app = await deps();
      const outcome = await confirmSubscription(queryParam(event, 'token'), app);
      if (outcome === 'not-pending') {
        const page = errorPage(
          {
            status: 409,
            title: 'Nothing to confirm',
            message: 'This subscription is no longer waiting for confirmation. Subscribe again from the home page if you want the digest.',
          },
          app.site,
        );
        return html(409, page);
      }
      return html(200, confirmedPage(app.site));
    },
    { html: true },
  );
}

export const handler = observeHttp(confirmHandler(lambdaDeps()));
