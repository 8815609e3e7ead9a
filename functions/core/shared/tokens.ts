/**
 * Signed, purpose-bound link tokens: `<payload>.<signature>`, both canonical base64url.
 * Stateless so a link in an email works without a database lookup to validate it, and
 * purpose-bound so an unsubscribe link can never confirm a subscription. Confirm and
 * preferences links expire; unsubscribe links never do.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidTokenError } from './errors.ts';

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

/** Seconds a link works; null: for ever. */
export const TOKEN_LIFETIME_SECONDS = {
  confirm: 7 * 24 * 3600,
  // An unsubscribe link in a digest from years ago must still work: RFC 8058, CAN-SPAM and readers expect it.
  unsubscribe: null,
  preferences: 180 * 24 * 3600,
} as const satisfies Record<TokenPurpose, number | null>;

const payloadSchema = z.object({
  p: z.enum(['confirm', 'unsubscribe', 'preferences']),
  e: z.string().min(3).max(254),
  /** Expiry in Unix seconds; absent in unsubscribe links, which never expire. */
  x: z.number().int().positive().optional(),
  /** The reader's tokenVersion when signed; absent in links from before rotation existed, read as 0. */
  v: z.number().int().min(0).optional(),
});

/** Shape check for the raw query value before any crypto work. */
export const tokenStringSchema = z
  .string()
  .min(10)
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a link token');

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`v1.${payload}`).digest();
}

export interface SignTokenOptions {
  secret: string;
  purpose: TokenPurpose;
  email: string;
  now: Date;
  /** TOKEN_LIFETIME_SECONDS for the purpose unless given; null for a link that never expires. */
  lifetimeSeconds?: number | null;
  /** The reader's tokenVersion; 0 (the default) is left out of the payload, as in links from before rotation. */
  version?: number;
}

export function signToken({ secret, purpose, email, now, lifetimeSeconds = TOKEN_LIFETIME_SECONDS[purpose], version = 0 }: SignTokenOptions): string {
  const claims = {
    p: purpose,
    e: email,
    ...(lifetimeSeconds !== null && { x: Math.floor(now.getTime() / 1000) + lifetimeSeconds }),
    ...(version > 0 && { v: version }),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** Returns the address the token was issued for, or throws InvalidTokenError saying why. */
export function verifyToken(secret: string, token: unknown, purpose: TokenPurpose, now: Date): { email: string } {
  return { email: verifyTokenClaims(secret, token, purpose, now).email };
}

/** verifyToken plus the reader's token version the link was signed with. */
export function verifyTokenClaims(
  secret: string,
  token: unknown,
  purpose: TokenPurpose,
  now: Date,
): { email: string; version: number } {
  const shape = tokenStringSchema.safeParse(token);
  if (!shape.success) throw new InvalidTokenError('The link is malformed.', 'malformed');
  const [payload, signature] = shape.data.split('.') as [string, string];

  const expected = sign(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  // The decoder ignores a last character's unused bits, so several spellings decode alike; only
  // the one the signer wrote is accepted, so a token has exactly one spelling.
  const canonical = given.toString('base64url') === signature;
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || !canonical) {
    throw new InvalidTokenError('The link signature is not valid.', 'signature');
  }

  let claims: z.infer<typeof payloadSchema>;
  try {
    claims = payloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch (error) {
    throw new InvalidTokenError('The link is malformed.', 'malformed', { cause: error });
  }
  if (claims.p !== purpose) throw new InvalidTokenError('The link is meant for something else.', 'purpose');
  // Unsubscribe links never expire, including those mailed when they still carried an expiry.
  if (purpose !== 'unsubscribe') {
    if (claims.x === undefined) throw new InvalidTokenError('The link is malformed.', 'malformed');
    if (claims.x * 1000 <= now.getTime()) throw new InvalidTokenError('The link has expired.', 'expired');
  }
  return { email: claims.e, version: claims.v ?? 0 };
}
