/**
 * What is kept of an erased reader: an ERASED# marker whose key is a keyed hash of the address
 * (HMAC-SHA-256 under a key derived from the token secret, over the address's sha256), so no one
 * reading the table can confirm an address by hashing it. Markers written before were the plain
 * sha256 ("legacy"): they are still honoured, rewritten when their address is seen again, and
 * all rewritten by rehashErasureMarks (run by `npm start` and `digest subscribers rehash-erasures`);
 * since the new hash is taken over the old one, a legacy marker converts without the address.
 */
import { type DynamoDBDocumentClient, DeleteCommand, paginateScan, PutCommand } from '@aws-sdk/lib-dynamodb';
import { addressSha256, derivedKey, keyedHash } from '../../core/shared/index.ts';
import { erasedKey, type ItemKey } from './keys.ts';

/** Marks of the keyed kind start with this, so a legacy (bare hex) marker is told apart. */
const KEYED_PREFIX = 'k1.';

export class ErasureMarks {
  readonly #key: Buffer;

  constructor(tokenSecret: string) {
    this.#key = derivedKey(tokenSecret, 'erasure-marker');
  }

  /** The marker's key for this address now. */
  keyFor(email: string): ItemKey {
    return erasedKey(this.#fromSha256(addressSha256(email)));
  }

  /** Where a marker written before keyed hashes sits for this address. */
  legacyKeyFor(email: string): ItemKey {
    return erasedKey(addressSha256(email));
  }

  #fromSha256(sha256: string): string {
    return `${KEYED_PREFIX}${keyedHash(this.#key, sha256)}`;
  }

  /** Moves a legacy marker (found by its key) to its keyed place, keeping when it was erased. */
  async rewrite(doc: DynamoDBDocumentClient, tableName: string, legacy: ItemKey, erasedAt: unknown): Promise<void> {
    const sha256 = legacy.pk.slice('ERASED#'.length);
    const item = { ...erasedKey(this.#fromSha256(sha256)), ...(erasedAt !== undefined && { erasedAt }) };
    await doc.send(new PutCommand({ TableName: tableName, Item: item }));
    await doc.send(new DeleteCommand({ TableName: tableName, Key: legacy }));
  }

  /** Rewrites every legacy marker in the table; how many there were. Idempotent. */
  async rehashAll(doc: DynamoDBDocumentClient, tableName: string): Promise<number> {
    const pages = paginateScan(
      { client: doc },
      {
        TableName: tableName,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': 'ERASED' },
        ProjectionExpression: 'pk, erasedAt',
      },
    );
    let rewritten = 0;
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const pk = String(item['pk']);
        if (!/^ERASED#[0-9a-f]{64}$/.test(pk)) continue;
        await this.rewrite(doc, tableName, { pk, sk: 'ERASED' }, item['erasedAt']);
        rewritten += 1;
      }
    }
    return rewritten;
  }
}
