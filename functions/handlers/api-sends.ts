/** GET /sends/{id}/stats: what one send did, for keys with the admin scope; the report `digest sends stats --json` prints. */
import { lambdaDeps, type DepsProvider } from '../adapters/runtime/wiring.ts';
import { observeHttp } from '../adapters/runtime/observability.ts';
import { httpRoute, json, RouteNotFoundError, type HttpHandler } from '../adapters/http/http.ts';
import { authorizeKeyedRequest } from '../adapters/http/api-key-auth.ts';
import { readSendStats } from '../core/delivery/index.ts';

export function sendsHandler(deps: DepsProvider<'api-sends'>): HttpHandler {
  return httpRoute(async (event) => {
    const { apiKeys, limits, clock, deliveries, sendStats, editions } = await deps();
    await authorizeKeyedRequest(event, { apiKeys, limits, clock });
    const id = event.pathParameters?.['id'] ?? /^\/sends\/([^/]+)\/stats$/.exec(event.rawPath)?.[1];
    if (event.requestContext.http.method !== 'GET' || id === undefined) {
      throw new RouteNotFoundError(`There is nothing at ${event.requestContext.http.method} ${event.rawPath}.`);
    }
    const { report } = await readSendStats(safeDecode(id), { deliveries, sendStats, editions }, 'id');
    return json(200, report);
  });
}

/** A malformed escape is no send id: readSendStats answers it as one, naming the field. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const handler = observeHttp(sendsHandler(lambdaDeps('api-sends')));
