/** GET /preferences?token= shows the reader's send hour and zone; POST saves them. */
import { lambdaDeps, type DepsProvider } from '../adapters/app-deps.ts';
import { preferencesPage } from '../adapters/pages.ts';
import { ValidationError } from '../core/errors.ts';
import { allTimeZones } from '../core/slots.ts';
import { readPreferences, updatePreferences, type Preferences } from '../core/subscriptions.ts';
import { signToken } from '../core/tokens.ts';
import { observeHttp } from '../adapters/observability.ts';
import { html, httpRoute, parseBody, queryParam, type HttpHandler } from './http.ts';

const MAX_BODY_BYTES = 4 * 1024;

export function preferencesHandler(deps: DepsProvider): HttpHandler {
  return httpRoute(
    async (event) => {
      const app = await deps();
      const token = queryParam(event, 'token');
      const page = (preferences: Preferences, extra: { notice?: string; error?: ValidationError['issues'] }) =>
        preferencesPage(
          {
            token: token ?? '',
            unsubscribeToken: signToken(app.settings.tokenSecret, 'unsubscribe', preferences.email, app.clock.now()),
            ...preferences,
            timeZones: allTimeZones(),
            ...extra,
          },
          app.site,
        );

      if (event.requestContext?.http?.method !== 'POST') return html(200, page(await readPreferences(token, app), {}));
      try {
        const saved = await updatePreferences(token, parseBody(event, MAX_BODY_BYTES), app);
        return html(200, page(saved, { notice: 'Saved. The change applies from the next digest.' }));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return html(400, page(await readPreferences(token, app), { error: error.issues }));
      }
    },
    { html: true },
  );
}

export const handler = observeHttp(preferencesHandler(lambdaDeps()));
