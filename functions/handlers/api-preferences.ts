/**
 * GET /preferences?token= shows the preference centre; POST carries an `action`: save the
 * preferences, download or erase the reader's data, or sign out of old links.
 */
import { z } from 'zod';
import { lambdaDeps, type DepsProvider, type FunctionDeps } from '../adapters/runtime/wiring.ts';
import { dataErasedPage, preferencesPage } from '../adapters/render/pages.ts';
import { type FieldIssue, parseOrThrow, ValidationError } from '../core/shared/index.ts';
import { preferenceCentreView, readPreferences, signOutOfOldLinks, updatePreferences, type Preferences } from '../core/subscribers/index.ts';
import { erasePersonalData, exportPersonalData } from '../core/privacy/index.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { html, httpRoute, json, parseBodyWithLists, queryParam, type HttpHandler, type HttpResult } from '../adapters/http/http.ts';

const MAX_BODY_BYTES = 8 * 1024;

const actionSchema = z.object({
  action: z.enum(['save', 'download', 'erase', 'sign-out'], 'must be save, download, erase or sign-out').default('save'),
});

/** Notices after a redirect, by name, so no text from the URL reaches the page. */
const NOTICES = { 'signed-out': 'Done: older links to this page no longer work. Use this page or your next digest.' } as const;
const doneSchema = z.enum(Object.keys(NOTICES) as [keyof typeof NOTICES]).optional().catch(undefined);

type Deps = FunctionDeps<'api-preferences'>;
type Extra = { notice?: string | undefined; error?: FieldIssue[] };

async function page(app: Deps, token: string | undefined, preferences: Preferences, extra: Extra, status = 200): Promise<HttpResult> {
  return html(status, preferencesPage({ ...(await preferenceCentreView(token, preferences, app)), ...extra }, app.site));
}

async function act(app: Deps, token: string | undefined, body: unknown): Promise<HttpResult> {
  const { action } = parseOrThrow(actionSchema, body ?? {}, 'preferences form');
  if (action === 'download') {
    return json(200, await exportPersonalData(token, app), { 'content-disposition': 'attachment; filename="my-digest-data.json"' });
  }
  if (action === 'erase') {
    await erasePersonalData(token, body, app);
    return html(200, dataErasedPage(app.site));
  }
  if (action === 'sign-out') {
    // Post/redirect/get: the address bar (and a reload) must not keep the link that just stopped working.
    const fresh = await signOutOfOldLinks(token, app);
    return { statusCode: 303, headers: { location: `/preferences?token=${encodeURIComponent(fresh)}&done=signed-out`, 'cache-control': 'no-store' } };
  }
  return page(app, token, await updatePreferences(token, body, app), { notice: 'Saved. The change applies from the next digest.' });
}

export function preferencesHandler(deps: DepsProvider<'api-preferences'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const app = await deps();
      const token = queryParam(event, 'token');
      if (event.requestContext?.http?.method !== 'POST') {
        const done = doneSchema.parse(queryParam(event, 'done'));
        return page(app, token, await readPreferences(token, app), { notice: done && NOTICES[done] });
      }
      const body = parseBodyWithLists(event, MAX_BODY_BYTES);
      try {
        return await act(app, token, body);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return page(app, token, await readPreferences(token, app), { error: error.issues }, 400);
      }
    },
    { html: true },
  );
}

export const handler = observeHttp(preferencesHandler(lambdaDeps('api-preferences')));
