/**
 * Purpose-bound link tokens. Stateless so a link in an email works without a database lookup to
 * validate it, and purpose-bound so an unsubscribe link can never confirm a subscription.
 * Confirm and preferences links expire; unsubscribe links never do.
 *
 * New links are sealed (sealed-token.ts: encrypted, nothing readable in the URL); links in the
 * first format, `<JSON>.<HMAC>` (signed-json-token.ts), mailed before, are still accepted.
 */
import { z } from 'zod';
import type { DigestOrigin } from './digest-origin.ts';
import { InvalidTokenError } from './errors.ts';
import { openSealedToken, sealToken } from './sealed-token.ts';
import { openSignedJsonToken } from './signed-json-token.ts';
import type { TokenClaims, TokenPurpose } from './token-claims.ts';

export type { TokenPurpose } from './token-claims.ts';

/** Seconds a link works; null: for ever. */
export const TOKEN_LIFETIME_SECONDS = {
  confirm: 7 * 24 * 3600,
  // An unsubscribe link in a digest from years ago must still work: RFC 8058, CAN-SPAM and readers expect it.
  unsubscribe: null,
  preferences: 180 * 24 * 3600,
} as const satisfies Record<TokenPurpose, number | null>;

/** Shape check for the raw query value before any crypto work: a sealed token, or a signed one with its dot. */
export const tokenStringSchema = z
  .string()
  .min(10)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?$/, 'must be a link token');

export interface SignTokenOptions {
  secret: string;
  purpose: TokenPurpose;
  email: string;
  now: Date;
  /** TOKEN_LIFETIME_SECONDS for the purpose unless given; null for a link that never expires. */
  lifetimeSeconds?: number | null;
  /** The reader's tokenVersion; 0 unless given. */
  version?: number;
  /** The key id to seal under; CURRENT_TOKEN_KEY_ID unless given. */
  keyId?: number;
  /** For links in a digest: its send and edition, so what the link leads to is counted for that send. */
  origin?: DigestOrigin;
}

/** A new link token, sealed: it reads as random characters. */
export function signToken({
  secret,
  purpose,
  email,
  now,
  lifetimeSeconds = TOKEN_LIFETIME_SECONDS[purpose],
  version = 0,
  keyId,
  origin,
}: SignTokenOptions): string {
  const expiresAt = lifetimeSeconds === null ? undefined : Math.floor(now.getTime() / 1000) + lifetimeSeconds;
  return sealToken(secret, { purpose, email, expiresAt, version, ...(origin ? { origin } : {}) }, keyId);
}

/** Returns the address the token was issued for, or throws InvalidTokenError saying why. */
export function verifyToken(secret: string, token: unknown, purpose: TokenPurpose, now: Date): { email: string } {
  return { email: verifyTokenClaims(secret, token, purpose, now).email };
}

/** verifyToken plus the reader's token version the link was issued with and the digest it came in, if any. */
export function verifyTokenClaims(
  secret: string,
  token: unknown,
  purpose: TokenPurpose,
  now: Date,
): { email: string; version: number; origin?: DigestOrigin } {
  const shape = tokenStringSchema.safeParse(token);
  if (!shape.success) throw new InvalidTokenError('The link is malformed.', 'malformed');
  const claims: TokenClaims = shape.data.includes('.') ? openSignedJsonToken(secret, shape.data) : openSealedToken(secret, shape.data);

  if (claims.purpose !== purpose) throw new InvalidTokenError('The link is meant for something else.', 'purpose');
  // Unsubscribe links never expire, including those mailed when they still carried an expiry.
  if (purpose !== 'unsubscribe') {
    if (claims.expiresAt === undefined) throw new InvalidTokenError('The link is malformed.', 'malformed');
    if (claims.expiresAt * 1000 <= now.getTime()) throw new InvalidTokenError('The link has expired.', 'expired');
  }
  return { email: claims.email, version: claims.version, ...(claims.origin ? { origin: claims.origin } : {}) };
}
