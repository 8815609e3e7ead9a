/**
 * Keys derived from the one token secret (HKDF-SHA256, RFC 5869), one per use. Each use names
 * itself in HKDF's info, so a key made for link tokens can never stand in for one made for
 * anything else (hashing addresses, say), and the operator still keeps a single secret.
 */
import { hkdfSync } from 'node:crypto';

/**
 * A `length`-byte key for `use` (e.g. `link-token-key-1`): the same for the same secret and use,
 * unrelated for any other use.
 */
export function deriveSecretKey(secret: string, use: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `digest-mailer/${use}`, length));
}
