/**
 * The headers every response of the product carries, whoever made it: a handler, the error
 * mapping, the local router's own 404/405/413/500, or the Lambda edge. One function, so the
 * local stack and the Lambdas cannot drift apart.
 */

/** For answers that are not pages (JSON, redirects, empty HEAD answers): nothing may load or frame them. */
export const NON_PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** One year, the minimum the HSTS preload list asks for; no `preload`, which is the operator's call for their domain. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/** Always set, replacing anything a handler chose: none of them has a reason to differ per route. */
const FIXED_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
} as const;

/** Set unless the handler chose its own: a page's CSP allows its own hashed style and script. */
const DEFAULT_HEADERS = {
  'content-security-policy': NON_PAGE_CONTENT_SECURITY_POLICY,
  // Pages and answers carry readers' tokens and addresses: no shared cache may keep them.
  'cache-control': 'no-store',
} as const;

export const SECURITY_HEADER_NAMES = [...Object.keys(FIXED_HEADERS), ...Object.keys(DEFAULT_HEADERS)];

export interface Transport {
  /** The request reached us over TLS (API Gateway is HTTPS-only; the local stack is plain HTTP). */
  secure: boolean;
}

/**
 * `headers` with the security headers added, names lower-cased. HSTS only over TLS: RFC 6797
 * forbids it on plain HTTP, and on localhost it would pin every local port of the developer's
 * machine to HTTPS for a year as soon as anything there is served over TLS.
 */
export function withSecurityHeaders(
  headers: Record<string, string | number | boolean> | undefined,
  transport: Transport,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = String(value);
  for (const [name, value] of Object.entries(DEFAULT_HEADERS)) result[name] ??= value;
  Object.assign(result, FIXED_HEADERS);
  if (transport.secure) result['strict-transport-security'] = STRICT_TRANSPORT_SECURITY;
  else delete result['strict-transport-security'];
  return result;
}
