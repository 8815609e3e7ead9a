/**
 * GET under the rules for attacker-controlled URLs: http(s) only; every connection's resolved
 * address checked at connect time (a custom `lookup` on the request, so DNS rebinding cannot
 * swap in a private address after a check) and on every redirect (at most 5); a connect timeout
 * and a total one; a byte cap enforced while streaming, on the decompressed body too, so a gzip
 * bomb stops at the cap. Node's own http(s) rather than fetch: undici gives no per-connection
 * lookup hook without a dependency we do not have.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { FeedFetchError } from '../../core/sources/index.ts';
import { isIpLiteral, refusedRange } from './address-policy.ts';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface SafeHttpOptions {
  /** FEEDS_ALLOW_PRIVATE=1: local tests and fixtures only; never set on deployed functions. */
  allowPrivate: boolean;
  userAgent: string;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Name resolution; tests inject one that answers 10.0.0.1. */
  resolve: Resolver;
  /**
   * Why an address may not be connected to (undefined: it may). refusedRange unless a test
   * stands a local server in for a public host.
   */
  refuse: (address: string, hostname: string) => string | undefined;
}

export const DEFAULT_SAFE_HTTP: Omit<SafeHttpOptions, 'allowPrivate' | 'userAgent'> = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 20_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  resolve: (hostname) => dnsLookup(hostname, { all: true, verbatim: true }),
  refuse: (address) => refusedRange(address),
};

export interface SafeResponse {
  /** After redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function fail(
  message: string,
  reason: ConstructorParameters<typeof FeedFetchError>[1],
  cause?: unknown,
  retryAfter?: number,
): FeedFetchError {
  return new FeedFetchError(message, reason, retryAfter, cause === undefined ? undefined : { cause });
}

function checkAddress(address: string, hostname: string, options: SafeHttpOptions): void {
  if (options.allowPrivate) return;
  const refused = options.refuse(address, hostname);
  if (refused !== undefined) throw fail(`${hostname} resolves to ${address} (${refused}), which feeds may not reach`, 'blocked-address');
}

/** A `lookup` for http(s).request that refuses any answer in a blocked range, for this connection. */
function checkedLookup(options: SafeHttpOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    options
      .resolve(hostname)
      .then((found) => {
        const family =
          lookupOptions.family === 6 || lookupOptions.family === 'IPv6'
            ? 6
            : lookupOptions.family === 4 || lookupOptions.family === 'IPv4'
              ? 4
              : 0;
        const addresses = found.filter((entry) => family === 0 || entry.family === family);
        if (addresses.length === 0) throw fail(`${hostname} has no address`, 'dns');
        // Every answer is checked, not only the one used: a name that mixes public and private answers is refused.
        for (const entry of addresses) checkAddress(entry.address, hostname, options);
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      })
      .catch((error: unknown) => {
        const wrapped = error instanceof FeedFetchError ? error : fail(`cannot resolve ${hostname}`, 'dns', error);
        callback(wrapped as NodeJS.ErrnoException, '', 0);
      });
  };
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function decoderFor(encoding: string | undefined) {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/** One request, no redirects followed; resolves with the response head, rejects on connect timeout. */
function send(url: URL, headers: Record<string, string>, options: SafeHttpOptions, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers,
      lookup: checkedLookup(options),
      // A fresh connection per request, so every connection goes through the lookup check.
      agent: false,
      signal,
    });
    const connectTimer = setTimeout(
      () => request.destroy(fail(`no connection to ${url.host} within ${options.connectTimeoutMs} ms`, 'timeout')),
      options.connectTimeoutMs,
    );
    request.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    request.once('response', (response) => {
      clearTimeout(connectTimer);
      resolve(response);
    });
    request.once('error', (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    request.end();
  });
}

function readBody(response: IncomingMessage, url: URL, options: SafeHttpOptions, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    response.destroy();
    return Promise.reject(fail(`${url.host} sent ${declared} bytes; at most ${options.maxBytes} are read`, 'too-large'));
  }
  const decoder = decoderFor(response.headers['content-encoding']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let decoded = 0;
    let settled = false;
    const stop = (error: Error): void => {
      if (settled) return;
      settled = true;
      response.destroy();
      decoder?.destroy();
      reject(error);
    };
    const tooLarge = (): FeedFetchError =>
      fail(`${url.host} sent more than ${options.maxBytes} bytes (decompressed); stopped there`, 'too-large');
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.maxBytes) stop(tooLarge());
    });
    response.once('error', stop);
    // An abort (the total timeout) closes the response without an end or, on some versions, an error.
    response.once('close', () => {
      if (!response.complete) {
        stop(
          signal.aborted
            ? fail(`${url.host} did not answer in full within ${options.totalTimeoutMs} ms`, 'timeout')
            : fail(`${url.host} closed the connection early`, 'network'),
        );
      }
    });
    const source = decoder ? response.pipe(decoder) : response;
    source.on('data', (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > options.maxBytes) return stop(tooLarge());
      chunks.push(chunk);
    });
    source.once('error', (error) => stop(fail(`${url.host} sent a body that does not decompress`, 'network', error)));
    source.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    });
  });
}

function toFetchError(error: unknown, url: URL, options: SafeHttpOptions, signal: AbortSignal): FeedFetchError {
  if (error instanceof FeedFetchError && error.reason !== 'network') return error;
  if (signal.aborted) return fail(`${url.host} did not answer in full within ${options.totalTimeoutMs} ms`, 'timeout', error);
  if (error instanceof FeedFetchError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof FeedFetchError) return cause;
  if ((error as Error).name === 'AbortError')
    return fail(`${url.host} did not answer in full within ${options.totalTimeoutMs} ms`, 'timeout', error);
  return fail(`cannot fetch ${url.host}: ${(error as Error).message ?? String(error)}`, 'network', error);
}

/** Only http(s), and an IP literal is checked here since no lookup runs for one. */
function checkUrl(url: URL, options: SafeHttpOptions): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fail(`${url.protocol} URLs are not fetched; only http and https`, 'not-http');
  if (url.username !== '' || url.password !== '') throw fail('URLs with a user name or password are not fetched', 'not-http');
  if (isIpLiteral(url.hostname)) checkAddress(url.hostname.replace(/^\[|\]$/g, ''), url.hostname, options);
}

/**
 * GETs `target`, following at most maxRedirects redirects, each checked as the first. 2xx and
 * 304 resolve (304 with an empty body); 429 and 503 reject with their Retry-After; anything else
 * rejects with its status. Rejections are FeedFetchError.
 */
export async function safeGet(
  target: string,
  headers: Record<string, string>,
  options: SafeHttpOptions,
  /** Runs before each request, the first and every redirect's; throwing stops the fetch there (robots.txt of the hop's origin). */
  beforeEachHop?: (url: URL) => Promise<void>,
): Promise<SafeResponse> {
  const parsed = URL.parse(target);
  if (!parsed) throw fail(`not a URL: ${target}`, 'not-http');
  let url = parsed;
  const controller = new AbortController();
  const total = setTimeout(() => controller.abort(), options.totalTimeoutMs);
  try {
    for (let redirects = 0; ; redirects += 1) {
      checkUrl(url, options);
      await beforeEachHop?.(url);
      let response: IncomingMessage;
      try {
        response = await send(
          url,
          { 'user-agent': options.userAgent, 'accept-encoding': 'gzip, deflate, br', ...headers },
          options,
          controller.signal,
        );
      } catch (error) {
        throw toFetchError(error, url, options, controller.signal);
      }
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
        response.destroy();
        if (redirects >= options.maxRedirects)
          throw fail(`more than ${options.maxRedirects} redirects from ${target}`, 'too-many-redirects');
        const next = URL.parse(location, url.href);
        if (!next) throw fail(`${url.host} redirected to an invalid URL`, 'network');
        url = next;
        continue;
      }
      if (status === 304) {
        response.destroy();
        return { url: url.href, status, headers: response.headers, body: Buffer.alloc(0) };
      }
      if (status < 200 || status > 299) {
        response.destroy();
        const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
        throw fail(`${url.host} answered HTTP ${status}`, 'http-status', undefined, retryAfter);
      }
      try {
        return { url: url.href, status, headers: response.headers, body: await readBody(response, url, options, controller.signal) };
      } catch (error) {
        throw toFetchError(error, url, options, controller.signal);
      }
    }
  } finally {
    clearTimeout(total);
  }
}
