/**
 * Sealed link tokens: the claims in a compact binary form, encrypted and authenticated with
 * AES-256-GCM, so a URL in browser history, a proxy log or a click record shows nothing about
 * the reader, and changing any of its bytes makes it fail.
 *
 *   key id (1) | IV (12, random) | ciphertext of the claims | GCM tag (16)   -> base64url
 *   claims: purpose and flags (1) | token version (LEB128) | expiry (u32 seconds, if any) |
 *           digest origin (edition window 8, topic hash 5 if a variant, send 7 or 17: digest-origin.ts; if any) |
 *           address (UTF-8)
 *
 * The origin flag is a bit that links sealed before it never set, so they open unchanged.
 *
 * The key for key id N is HKDF(token secret, "link-token-key-N"); the key id byte is also the
 * GCM additional data. Random 96-bit IVs keep the chance of an IV repeating under one key
 * negligible only up to 2^32 tokens (NIST SP 800-38D), so a key id is retired well before
 * that: raising CURRENT_TOKEN_KEY_ID issues new links under a fresh key, and links under
 * older key ids still open, as their key is derived from the same secret.
 */
import { InvalidTokenError } from './errors.ts';
import { ByteReader, decodeEditionId, decodeSendId, decodeUtf8, encodeEditionId, encodeSendId } from './digest-origin.ts';
import { openSealedBytes, sealBytes } from './sealed-box.ts';
import type { TokenClaims, TokenPurpose } from './token-claims.ts';

/** The key id new links are sealed under. */
export const CURRENT_TOKEN_KEY_ID = 1;

const PURPOSE_CODES = { confirm: 1, unsubscribe: 2, preferences: 3 } as const satisfies Record<TokenPurpose, number>;
const PURPOSE_MASK = 0x03;
const HAS_EXPIRY = 0x80;
/** The link names the send and edition of the digest it was mailed in. */
const HAS_ORIGIN = 0x40;
const TOPIC_VARIANT = 0x20;
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
  const edition = claims.origin === undefined ? undefined : encodeEditionId(claims.origin.editionId);
  const origin = edition ? [edition.window, edition.topic ?? Buffer.alloc(0), encodeSendId(claims.origin!.send)] : [];
  const flags =
    PURPOSE_CODES[claims.purpose] |
    (expiresAt === undefined ? 0 : HAS_EXPIRY) |
    (edition === undefined ? 0 : HAS_ORIGIN) |
    (edition?.topic === undefined ? 0 : TOPIC_VARIANT);
  return Buffer.concat([Buffer.from([flags, ...encodeVersion(claims.version)]), expiry, ...origin, email]);
}

const malformed = () => new InvalidTokenError('The link is malformed.', 'malformed');
const KNOWN_FLAGS = PURPOSE_MASK | HAS_EXPIRY | HAS_ORIGIN | TOPIC_VARIANT;

function decodeClaims(bytes: Buffer): TokenClaims {
  const reader = new ByteReader(bytes);
  const flags = reader.byte();
  const purpose = (Object.keys(PURPOSE_CODES) as TokenPurpose[]).find((name) => PURPOSE_CODES[name] === (flags & PURPOSE_MASK));
  if (purpose === undefined || (flags & ~KNOWN_FLAGS) !== 0) throw malformed();
  if ((flags & TOPIC_VARIANT) !== 0 && (flags & HAS_ORIGIN) === 0) throw malformed();
  let version = 0;
  for (let shift = 1; ; shift *= 128) {
    if (shift > 128 ** 4) throw malformed();
    const byte = reader.byte();
    version += (byte & 0x7f) * shift;
    if ((byte & 0x80) === 0) break;
  }
  const expiresAt = (flags & HAS_EXPIRY) !== 0 ? reader.take(4).readUInt32BE(0) : undefined;
  let origin: TokenClaims['origin'];
  if ((flags & HAS_ORIGIN) !== 0) {
    const editionId = decodeEditionId(reader, (flags & TOPIC_VARIANT) !== 0);
    origin = { editionId, send: decodeSendId(reader) };
  }
  const emailBytes = reader.rest();
  if (emailBytes.length < MIN_EMAIL_BYTES || emailBytes.length > MAX_EMAIL_BYTES) throw malformed();
  return { purpose, email: decodeUtf8(emailBytes), expiresAt, version, ...(origin ? { origin } : {}) };
}

/** The claims sealed into a URL-safe token under `keyId` (CURRENT_TOKEN_KEY_ID unless given). */
export function sealToken(secret: string, claims: TokenClaims, keyId: number = CURRENT_TOKEN_KEY_ID): string {
  return sealBytes(secret, LINK_TOKEN_KEYS, keyId, encodeClaims(claims));
}

/** The claims of a sealed token, or InvalidTokenError: 'signature' for anything that fails authentication. */
export function openSealedToken(secret: string, token: string): TokenClaims {
  return decodeClaims(openSealedBytes(secret, LINK_TOKEN_KEYS, token, MIN_CLAIM_BYTES));
}
