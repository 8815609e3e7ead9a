/**
 * Sealed link tokens: the claims in a compact binary form, encrypted and authenticated with
 * AES-256-GCM, so a URL in browser history, a proxy log or a click record shows nothing about
 * the reader, and changing any of its bytes makes it fail.
 *
 *   key id (1) | IV (12, random) | ciphertext of the claims | GCM tag (16)   -> base64url
 *   claims: purpose and flags (1) | token version (LEB128) | expiry (u32 seconds, if any) | address (UTF-8)
 *
 * The key for key id N is HKDF(token secret, "link-token-key-N"); the key id byte is also the
 * GCM additional data. Random 96-bit IVs keep the chance of an IV repeating under one key
 * negligible only up to 2^32 tokens (NIST SP 800-38D), so a key id is retired well before
 * that: raising CURRENT_TOKEN_KEY_ID issues new links under a fresh key, and links under
 * older key ids still open, as their key is derived from the same secret.
 */
import { InvalidTokenError } from './errors.ts';
import { openSealedBytes, sealBytes } from './sealed-box.ts';
import type { TokenClaims, TokenPurpose } from './token-claims.ts';

/** The key id new links are sealed under. */
export const CURRENT_TOKEN_KEY_ID = 1;

const PURPOSE_CODES = { confirm: 1, unsubscribe: 2, preferences: 3 } as const satisfies Record<TokenPurpose, number>;
const PURPOSE_MASK = 0x03;
const HAS_EXPIRY = 0x80;
const MAX_U32 = 0xffff_ffff;
const MIN_EMAIL_BYTES = 3;
const MAX_EMAIL_BYTES = 254;
/** Purpose byte, one version byte and the shortest address ("a@b"). */
const MIN_CLAIM_BYTES = 1 + 1 + MIN_EMAIL_BYTES;

/** The HKDF use the keys of reader links are derived for (sealed-box.ts). */
const LINK_TOKEN_KEYS = 'link-token-key';

function encodeVersion(version: number): number[] {
  if (!Number.isInteger(version) || version < 0 || version > MAX_U32) throw new RangeError(`token version out of range: ${version}`);
  const bytes: number[] = [];
  let rest = version;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return bytes;
}

function encodeClaims(claims: TokenClaims): Buffer {
  const { expiresAt } = claims;
  if (expiresAt !== undefined && (!Number.isInteger(expiresAt) || expiresAt <= 0 || expiresAt > MAX_U32)) {
    throw new RangeError(`token expiry out of range: ${expiresAt}`);
  }
  const email = Buffer.from(claims.email, 'utf8');
  // Opening refuses what the address validation never lets through; sealing such a link would mail a dead one.
  if (email.length < MIN_EMAIL_BYTES || email.length > MAX_EMAIL_BYTES) throw new RangeError(`token address of ${email.length} bytes`);
  const expiry = Buffer.alloc(expiresAt === undefined ? 0 : 4);
  if (expiresAt !== undefined) expiry.writeUInt32BE(expiresAt);
  const flags = PURPOSE_CODES[claims.purpose] | (expiresAt === undefined ? 0 : HAS_EXPIRY);
  return Buffer.concat([Buffer.from([flags, ...encodeVersion(claims.version)]), expiry, email]);
}

const malformed = () => new InvalidTokenError('The link is malformed.', 'malformed');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeClaims(bytes: Buffer): TokenClaims {
  const flags = bytes[0]!;
  const purpose = (Object.keys(PURPOSE_CODES) as TokenPurpose[]).find((name) => PURPOSE_CODES[name] === (flags & PURPOSE_MASK));
  if (purpose === undefined || (flags & ~(PURPOSE_MASK | HAS_EXPIRY)) !== 0) throw malformed();
  let at = 1;
  let version = 0;
  for (let shift = 1; ; shift *= 128) {
    const byte = bytes[at++];
    if (byte === undefined || shift > 128 ** 4) throw malformed();
    version += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
  }
  let expiresAt: number | undefined;
  if ((flags & HAS_EXPIRY) !== 0) {
    if (bytes.length < at + 4) throw malformed();
    expiresAt = bytes.readUInt32BE(at);
    at += 4;
  }
  const emailBytes = bytes.subarray(at);
  if (emailBytes.length < MIN_EMAIL_BYTES || emailBytes.length > MAX_EMAIL_BYTES) throw malformed();
  let email: string;
  try {
    email = utf8.decode(emailBytes);
  } catch (error) {
    throw new InvalidTokenError('The link is malformed.', 'malformed', { cause: error });
  }
  return { purpose, email, expiresAt, version };
}

/** The claims sealed into a URL-safe token under `keyId` (CURRENT_TOKEN_KEY_ID unless given). */
export function sealToken(secret: string, claims: TokenClaims, keyId: number = CURRENT_TOKEN_KEY_ID): string {
  return sealBytes(secret, LINK_TOKEN_KEYS, keyId, encodeClaims(claims));
}

/** The claims of a sealed token, or InvalidTokenError: 'signature' for anything that fails authentication. */
export function openSealedToken(secret: string, token: string): TokenClaims {
  return decodeClaims(openSealedBytes(secret, LINK_TOKEN_KEYS, token, MIN_CLAIM_BYTES));
}
