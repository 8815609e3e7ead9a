/**
 * The HTTP API's one route table: what the local router serves, what API Gateway routes to
 * which Lambda (infra/application/http-api.ts), what the OpenAPI document describes
 * (route-docs.ts must document every key, or the type check fails), and the body limit each
 * route enforces before anything parses the body. Pure data and a matcher: the CDK app and every
 * api-* Lambda import it.
 *
 * To add a route: one line here (naming the Lambda whose handler serves it), its entry in
 * route-docs.ts, its handler in functions/local/local-app.ts; infra routes it from this line.
 */
import { type ApiKeyScope, MAX_BATCH_BYTES } from '../../core/ingest/index.ts';
import type { FunctionName } from '../runtime/function-ports.ts';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRoute {
  readonly method: RouteMethod;
  /** OpenAPI and API Gateway path template: `{name}` matches one non-empty path segment. */
  readonly path: string;
  /** The Lambda (its handler file in functions/handlers/) that answers this route. */
  readonly function: FunctionName;
  /** Largest request body, checked before it is read or decoded; DEFAULT_MAX_BODY_BYTES when absent. */
  readonly maxBodyBytes?: number;
  /** A keyed route: the x-api-key must carry this scope (api-key-auth.ts), else 403 naming it. */
  readonly scope?: ApiKeyScope;
  /** A key with this scope instead may act on the articles it posted only. */
  readonly ownArticlesScope?: ApiKeyScope;
}

/** Forms and small JSON: a subscription or a preferences form is well under 1 KB. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024;

export const API_ROUTES = [
  { method: 'POST', path: '/articles', function: 'api-articles', maxBodyBytes: MAX_BATCH_BYTES, scope: 'ingest' },
  { method: 'DELETE', path: '/articles/{id}', function: 'api-articles', scope: 'takedown', ownArticlesScope: 'ingest' },
  { method: 'POST', path: '/articles/{id}/restore', function: 'api-articles', scope: 'takedown', ownArticlesScope: 'ingest' },
  { method: 'POST', path: '/subscriptions', function: 'api-subscriptions' },
  { method: 'GET', path: '/confirm', function: 'api-confirm' },
  { method: 'POST', path: '/confirm', function: 'api-confirm' },
  { method: 'GET', path: '/unsubscribe', function: 'api-unsubscribe' },
  { method: 'POST', path: '/unsubscribe', function: 'api-unsubscribe' },
  { method: 'GET', path: '/preferences', function: 'api-preferences' },
  { method: 'POST', path: '/preferences', function: 'api-preferences' },
  { method: 'GET', path: '/', function: 'api-site' },
  { method: 'GET', path: '/health', function: 'api-site' },
  { method: 'GET', path: '/editions', function: 'api-site' },
  { method: 'GET', path: '/editions/{id}', function: 'api-site' },
  { method: 'GET', path: '/openapi.json', function: 'api-site' },
  { method: 'GET', path: '/c/{token}', function: 'api-clicks' },
  { method: 'POST', path: '/sources', function: 'api-sources', scope: 'sources' },
  { method: 'GET', path: '/sources', function: 'api-sources', scope: 'sources' },
  { method: 'DELETE', path: '/sources/{id}', function: 'api-sources', scope: 'sources' },
  { method: 'GET', path: '/sends/{id}/stats', function: 'api-sends', scope: 'admin' },
] as const satisfies readonly ApiRoute[];

type KeyOf<R> = R extends { readonly method: infer M extends string; readonly path: infer P extends string } ? `${M} ${P}` : never;
/** `METHOD /path/{template}` of every route in the table. */
export type RouteKey = KeyOf<(typeof API_ROUTES)[number]>;

export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export function maxBodyBytes(route: ApiRoute): number {
  return route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
}

export type RouteMatch<R extends ApiRoute> =
  | { kind: 'route'; route: R; params: Record<string, string> }
  /** The path exists, the method does not: `allow` lists what does (HEAD wherever GET is). */
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

function segments(path: string): string[] {
  // One trailing slash is the same path: `/editions/` is the archive.
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/');
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = segments(template);
  const got = segments(path);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i]!;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (actual === '') return undefined;
      params[name] = actual;
    } else if (part !== actual) return undefined;
  }
  return params;
}

/** The methods a path answers, as an `Allow` header lists them: HEAD goes wherever GET does. */
export function allowedMethods(routes: readonly ApiRoute[]): string[] {
  const methods = new Set(routes.map((r) => r.method as string));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/** Finds the route for a request; a HEAD request is answered by the GET route. */
export function matchRoute<R extends ApiRoute>(routes: readonly R[], method: string, path: string): RouteMatch<R> {
  const onPath = routes.flatMap((route) => {
    const params = matchPath(route.path, path);
    return params ? [{ route, params }] : [];
  });
  if (onPath.length === 0) return { kind: 'not-found' };
  const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const found = onPath.find(({ route }) => route.method === wanted);
  if (found) return { kind: 'route', ...found };
  return { kind: 'method-not-allowed', allow: allowedMethods(onPath.map(({ route }) => route)) };
}
