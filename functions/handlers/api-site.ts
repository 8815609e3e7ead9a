/** GET / (subscribe page), GET /health, GET /editions/{id} (the "view in browser" copy). */
import { lambdaDeps, type DepsProvider } from '../adapters/app-deps.ts';
import { subscribePage } from '../adapters/pages.ts';
import { EDITION_ID_PATTERN, webEditionHtml } from '../core/edition.ts';
import { NotFoundError } from '../core/errors.ts';
import { observeHttp } from '../adapters/observability.ts';
import { EMAIL_CONTENT_SECURITY_POLICY, html, httpRoute, json, type HttpHandler } from './http.ts';


export function siteHandler(deps: DepsProvider): HttpHandler {
  return httpRoute(
    async (event) => {
      const path = event.rawPath ?? '/';
      if (path === '/health') return json(200, { status: 'ok' });
      if (path === '/') return html(200, subscribePage({}, (await deps()).site));
      const editionId = path.startsWith('/editions/') ? path.slice('/editions/'.length) : undefined;
      if (editionId && EDITION_ID_PATTERN.test(editionId)) {
        const { editions, settings } = await deps();
        const edition = await editions.get(editionId);
        if (edition) return html(200, webEditionHtml(edition, settings), EMAIL_CONTENT_SECURITY_POLICY);
      }
      throw new NotFoundError('There is no page here.');
    },
    { html: true },
  );
}

export const handler = observeHttp(siteHandler(lambdaDeps()));
