/**
 * GET / (subscribe page), GET /health, GET /editions (the archive), GET /editions/{id} (the web
 * edition), GET /openapi.json; and API Gateway's $default route: JSON 404, or 405 with Allow.
 */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { ARCHIVE_READ_LIMIT, archivePage, editionPage } from '../adapters/render/edition-pages.ts';
import { subscribePage } from '../adapters/render/pages.ts';
import { EDITION_ID_PATTERN, EditionNotFoundError } from '../core/edition/index.ts';
import { ValidationError } from '../core/shared/index.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import {
  EMAIL_CONTENT_SECURITY_POLICY,
  html,
  httpRoute,
  json,
  RouteNotFoundError,
  unroutedError,
  type HttpHandler,
} from '../adapters/http/http.ts';
import { openApiDocument } from '../adapters/http/openapi.ts';

const EDITION_PREFIX = '/editions/';

export function siteHandler(deps: DepsProvider<'api-site'>): HttpHandler {
  return httpRoute(
    async (event) => {
      const unrouted = unroutedError(event, 'api-site');
      if (unrouted) throw unrouted;
      // One trailing slash is the same page, as the route table matches it.
      const path = (event.rawPath ?? '/').replace(/(.)\/$/, '$1');
      if (path === '/openapi.json')
        return json(200, openApiDocument((await deps()).site.publicUrl), { 'cache-control': 'public, max-age=300' });
      if (path === '/health') return json(200, { status: 'ok' });
      if (path === '/') return html(200, subscribePage({}, (await deps()).site));
      if (path === '/editions') {
        const { editions, site } = await deps();
        return html(200, archivePage(await editions.listRecent(ARCHIVE_READ_LIMIT), site));
      }
      if (path.startsWith(EDITION_PREFIX)) {
        const id = path.slice(EDITION_PREFIX.length);
        if (!EDITION_ID_PATTERN.test(id)) {
          throw new ValidationError('That is not an edition address.', [
            { field: 'id', message: 'must look like 20261126T070000-20261125T070000' },
          ]);
        }
        const { editions, site } = await deps();
        const edition = await editions.get(id);
        if (!edition) throw new EditionNotFoundError('There is no edition with that date.');
        return html(200, editionPage(edition, site), EMAIL_CONTENT_SECURITY_POLICY);
      }
      throw new RouteNotFoundError('There is no page here.');
    },
    // Pages answer with pages; a request no route answers gets the API's JSON 404 or 405.
    { html: (event) => unroutedError(event, 'api-site') === undefined },
  );
}

export const handler = observeHttp(siteHandler(lambdaDeps('api-site')));
