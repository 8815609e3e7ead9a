/**
 * GET /preferences?token= shows the preference centre; POST carries an `action`: save the
 * preferences, download or erase the reader's data, or sign out of old links.
 */
import { z } from 'zod';
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { dataErasedPage } from '../adapters/render/pages.ts';
import { noticeNamed, preferenceCentrePage } from '../adapters/render/preference-centre-page.ts';
import { parseOrThrow } from '../core/shared/index.ts';
import { readPreferences, signOutOfOldLinks, updatePreferences } from '../core/subscribers/index.ts';
import { erasePersonalData, exportPersonalData } from '../core/privacy/index.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { html, httpRoute, json, parseBodyWithLists, queryParam, type HttpHandler, type HttpResult } from '../adapters/http/http.ts';

const MAX_BODY_BYTES = 8 * 1024;

const actionSchema = z.object({
  action: z.enum(['save', 'download', 'erase', 'sign-out'], 'must be save, download, erase or sign-out').default('save'),
});

export function preferencesHandler(deps: DepsProvider<'api-preferences'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const app = await deps();
      const token = queryParam(event, 'token');
      if (event.requestContext?.http?.method !== 'POST') {
        const notice = noticeNamed(queryParam(event, 'done'));
        return html(200, await preferenceCentrePage(app, token, await readPreferences(token, app), { notice }));
      }
      const body = parseBodyWithLists(event, MAX_BODY_BYTES);
      const { action } = parseOrThrow(actionSchema, body ?? {}, 'preferences form');
      if (action === 'download') return download(await exportPersonalData(token, app));
      if (action === 'erase') {
        await erasePersonalData(token, body, app);
        return html(200, dataErasedPage(app.site));
      }
      if (action === 'sign-out') {
        // Post/redirect/get: the address bar (and a reload) must not keep the link that just stopped working.
        const fresh = await signOutOfOldLinks(token, app);
        return {
          statusCode: 303,
          headers: { location: `/preferences?token=${encodeURIComponent(fresh)}&done=signed-out`, 'cache-control': 'no-store' },
        };
      }
      const saved = await updatePreferences(token, body, app);
      return html(200, await preferenceCentrePage(app, token, saved, { notice: 'Saved. The change applies from the next digest.' }));
    },
    {
      html: true,
      formWithIssues: async (issues, event) => {
        const app = await deps();
        const token = queryParam(event, 'token');
        return preferenceCentrePage(app, token, await readPreferences(token, app), { error: issues });
      },
    },
  );
}

function download(data: unknown): HttpResult {
  return json(200, data, { 'content-disposition': 'attachment; filename="my-digest-data.json"' });
}

export const handler = observeHttp(preferencesHandler(lambdaDeps('api-preferences')));
