/**
 * The keyed routes' door: the x-api-key is authenticated, counted against its per-minute limit,
 * and checked for the scope the route table declares for the route (api-routes.ts), so a
 * handler cannot forget a check and the table, OpenAPI and the checks cannot disagree.
 */
import {
  type ApiKey,
  type ApiKeyStore,
  authenticateApiKey,
  hasScope,
  keyPublisher,
  MissingScopeError,
  type Publisher,
  type RequestLimiter,
  throttleApiKey,
} from '../../core/ingest/index.ts';
import type { Clock } from '../../core/shared/index.ts';
import { API_ROUTES, matchRoute } from './api-routes.ts';
import { header, type HttpEvent } from './http.ts';

export interface KeyedRequest {
  key: ApiKey;
  /** What the key's posts record and scope their ids to. */
  publisher: Publisher;
  /** Set when the key may act only on the articles it posted (ingest scope on a takedown route). */
  onlyPublisher?: string;
}

export async function authorizeKeyedRequest(
  event: HttpEvent,
  deps: { apiKeys: ApiKeyStore; limits: RequestLimiter; clock: Clock },
): Promise<KeyedRequest> {
  const key = await authenticateApiKey(header(event, 'x-api-key'), deps.apiKeys, deps.clock.now());
  await throttleApiKey(key, deps.limits, deps.clock.now());
  const publisher = keyPublisher(key);
  const method = event.requestContext?.http?.method ?? 'GET';
  const match = matchRoute(API_ROUTES, method, event.rawPath ?? '/');
  if (match.kind !== 'route' || !('scope' in match.route)) return { key, publisher };
  const route = match.route;
  if (hasScope(key, route.scope)) return { key, publisher };
  if ('ownArticlesScope' in route && hasScope(key, route.ownArticlesScope)) return { key, publisher, onlyPublisher: publisher.id };
  throw new MissingScopeError(route.scope);
}
