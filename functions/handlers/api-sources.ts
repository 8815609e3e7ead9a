/** POST /sources, GET /sources, DELETE /sources/{id}: feed sources, for keys with the sources scope. */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { httpRoute, json, parseBody, RouteNotFoundError, type HttpHandler } from '../adapters/http/http.ts';
import { sourceViewSchema, type SourceView } from '../adapters/http/route-docs.ts';
import { authorizeKeyedRequest } from '../adapters/http/api-key-auth.ts';
import { addSource, displayName, listSources, removeSource, type Source } from '../core/sources/index.ts';

const MAX_SOURCE_BODY_BYTES = 16 * 1024;

/**
 * What a client sees of a source: exactly the documented fields (the schema drops the rest, such
 * as the conditional-request validators), so a field added to Source is not published by accident.
 */
export function sourceView(source: Source): SourceView {
  return sourceViewSchema.parse({ ...source, name: displayName(source) });
}

export function sourcesHandler(deps: DepsProvider<'api-sources'>): HttpHandler {
  return httpRoute(async (event) => {
    const { apiKeys, limits, sources, clock, sourceLimits } = await deps();
    await authorizeKeyedRequest(event, { apiKeys, limits, clock });
    const method = event.requestContext.http.method;
    const id = event.pathParameters?.['id'] ?? /^\/sources\/([^/]+)$/.exec(event.rawPath)?.[1];
    if (method === 'POST' && id === undefined) {
      const { source, created } = await addSource(parseBody(event, MAX_SOURCE_BODY_BYTES), { sources, clock, sourceLimits });
      return json(created ? 201 : 200, { created, ...(!created && { message: 'already a source' }), source: sourceView(source) });
    }
    if (method === 'GET' && id === undefined) return json(200, { sources: (await listSources({ sources })).map(sourceView) });
    if (method === 'DELETE' && id !== undefined) {
      const removed = await removeSource(decodeURIComponent(id), { sources });
      return json(200, { removed: sourceView(removed) });
    }
    throw new RouteNotFoundError(`There is nothing at ${method} ${event.rawPath}.`);
  });
}

export const handler = observeHttp(sourcesHandler(lambdaDeps('api-sources')));
