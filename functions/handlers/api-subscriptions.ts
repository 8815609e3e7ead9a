/** POST /subscriptions: JSON from API clients, a form post from the subscribe page. */
import { setTimeout as delay } from 'node:timers/promises';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { checkInboxPage, subscribePage } from '../adapters/render/pages.ts';
import { requestSubscription } from '../core/subscribers/index.ts';
import { logger, observeHttp } from '../adapters/runtime/observability.ts';
import { header, html, httpRoute, json, parseBody, wantsHtml, type HttpHandler } from '../adapters/http/http.ts';

const MAX_BODY_BYTES = 8 * 1024;
/**
 * Every accepted request takes at least this long, so the time to answer does not tell a new
 * address (render + SES call) from a subscribed or suppressed one (no email).
 */
const MIN_ACCEPTED_MS = 400;
const ACCEPTED = { status: 'pending', message: 'If this address can subscribe, a confirmation link is on its way.' };

export function subscriptionsHandler(deps: DepsProvider<'api-subscriptions'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const asHtml = wantsHtml(event);
      const body = parseBody(event, MAX_BODY_BYTES);
      const started = performance.now();
      const app = await deps();
      const context = { ip: event.requestContext?.http?.sourceIp, userAgent: header(event, 'user-agent') };
      const { failures } = await requestSubscription(body, context, app);
      for (const { what, cause } of failures) logger.error(what, { error: cause });
      // Identical answer whatever the address's state: the endpoint must not reveal who subscribes.
      await delay(Math.max(0, started + MIN_ACCEPTED_MS - performance.now()));
      return asHtml ? html(202, checkInboxPage(app.site)) : json(202, ACCEPTED);
    },
    {
      html: wantsHtml,
      // A form user gets the form back with the message beside it rather than a bare error page.
      formWithIssues: async (issues, event) =>
        subscribePage({ error: issues, values: parseBody(event, MAX_BODY_BYTES) as Record<string, string> }, (await deps()).site),
    },
  );
}

export const handler = observeHttp(subscriptionsHandler(lambdaDeps('api-subscriptions')));
