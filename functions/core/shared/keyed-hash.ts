/**
 * Keyed hashes of personal data kept as lookup keys (erasure markers, rate-limit counters): an
 * HMAC-SHA-256 under a key derived (HKDF) from the token secret for one purpose, so someone who
 * can read the table cannot confirm an address by hashing it, and no two uses share a key.
 */
import { createHash, createHmac } from 'node:crypto';
import { deriveSecretKey } from './secret-keys.ts';

export type KeyedHashPurpose = 'erasure-marker' | 'rate-limit' | 'click-marker';

/** A 32-byte key for `purpose`, derived from the token secret: the secret itself never keys a hash. */
export function derivedKey(secret: string, purpose: KeyedHashPurpose): Buffer {
  return deriveSecretKey(secret, `${purpose}-v1`);
}

export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** An address as every hash of it sees it: trimmed and lower-cased. */
export function addressSha256(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}
