/**
 * The first link format, `<base64url JSON>.<base64url HMAC-SHA256>`, read only: links mailed
 * before tokens were sealed keep working (unsubscribe links for ever, the others until their
 * expiry), but no new link is issued in it, since its JSON shows the reader's address to anyone
 * who sees the URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidTokenError } from './errors.ts';
import type { TokenClaims } from './token-claims.ts';

const payloadSchema = z.object({
  p: z.enum(['confirm', 'unsubscribe', 'preferences']),
  e: z.string().min(3).max(254),
  /** Expiry in Unix seconds; absent in unsubscribe links, which never expire. */
  x: z.number().int().positive().optional(),
  /** The reader's tokenVersion when signed; absent in links from before rotation existed, read as 0. */
  v: z.number().int().min(0).optional(),
});

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`v1.${payload}`).digest();
}

/** The claims of a `payload.signature` token, or InvalidTokenError ('signature' or 'malformed'). */
export function openSignedJsonToken(secret: string, token: string): TokenClaims {
  const [payload, signature] = token.split('.') as [string, string];
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
  return { purpose: claims.p, email: claims.e, expiresAt: claims.x, version: claims.v ?? 0 };
}
