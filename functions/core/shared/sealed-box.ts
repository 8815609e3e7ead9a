/**
 * AES-256-GCM sealing of short binary payloads for URLs, shared by every kind of link token:
 *
 *   key id (1) | IV (12, random) | ciphertext of the payload | GCM tag (16)   -> base64url
 *
 * The key for key id N is HKDF(token secret, "<use>-N"), so each kind of token (`link-token-key`,
 * `click-link-key`) has keys of its own and one kind can never be opened as another; the key id
 * byte is also the GCM additional data. Random 96-bit IVs keep the chance of an IV repeating
 * under one key negligible only up to 2^32 tokens (NIST SP 800-38D), so a key id is retired well
 * before that, and payloads sealed under older key ids still open, as their key is derived from
 * the same secret.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { InvalidTokenError } from './errors.ts';
import { LruCache } from './lru-cache.ts';
import { deriveSecretKey } from './secret-keys.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key id, IV and tag around the payload. */
export const SEALED_OVERHEAD_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** HKDF costs more than the sealing itself, and a digest run seals several links per reader. */
const derivedKeys = new LruCache<string, KeyObject>(16);

function sealingKey(secret: string, use: string, keyId: number): KeyObject {
  const cacheKey = `${use}-${keyId}:${secret}`;
  let key = derivedKeys.get(cacheKey);
  if (key === undefined) {
    key = createSecretKey(deriveSecretKey(secret, `${use}-${keyId}`));
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

/** `payload` sealed into a URL-safe string under the key `use`-`keyId`. */
export function sealBytes(secret: string, use: string, keyId: number, payload: Buffer): string {
  if (!Number.isInteger(keyId) || keyId < 1 || keyId > 255) throw new RangeError(`token key id out of range: ${keyId}`);
  const header = Buffer.from([keyId]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret, use, keyId), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const sealed = Buffer.concat([cipher.update(payload), cipher.final()]);
  return Buffer.concat([header, iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/**
 * The payload of a sealed string, or InvalidTokenError: 'malformed' when it is shorter than any
 * payload of at least `minPayloadBytes`, 'signature' for anything that fails authentication.
 */
export function openSealedBytes(secret: string, use: string, token: string, minPayloadBytes: number): Buffer {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < SEALED_OVERHEAD_BYTES + minPayloadBytes) throw new InvalidTokenError('The link is malformed.', 'malformed');
  // The decoder ignores a last character's unused bits; only the spelling that was issued opens.
  if (bytes.toString('base64url') !== token) throw new InvalidTokenError('The link signature is not valid.', 'signature');
  const keyId = bytes[0]!;
  if (keyId === 0) throw new InvalidTokenError('The link signature is not valid.', 'signature');
  const iv = bytes.subarray(1, 1 + IV_BYTES);
  const sealed = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret, use, keyId), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(bytes.subarray(0, 1));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch (error) {
    throw new InvalidTokenError('The link signature is not valid.', 'signature', { cause: error });
  }
}
