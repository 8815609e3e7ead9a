/** Primary keys of every item kind (docs/architecture.md, "DynamoDB"). */
import { TABLE } from './schema.ts';

// The stores spell attribute names literally in items and expressions; this stops compiling if schema.ts renames one.
TABLE satisfies {
  partitionKey: 'pk';
  sortKey: 'sk';
  ttlAttribute: 'expiresAt';
  byIngestDay: { partitionKey: 'gsi1pk'; sortKey: 'gsi1sk' };
  bySendSlot: { partitionKey: 'gsi2pk'; sortKey: 'gsi2sk' };
};

export interface ItemKey {
  pk: string;
  sk: string;
}

export function articleKey(id: string): ItemKey {
  return { pk: `ART#${id}`, sk: 'ART' };
}

/** Addresses are case-insensitive in practice, so the key is too, whatever the caller passes. */
export function subscriberKey(email: string): ItemKey {
  return { pk: `SUB#${email.toLowerCase()}`, sk: 'SUB' };
}

export function editionKey(id: string): ItemKey {
  return { pk: `ED#${id}`, sk: 'ED' };
}

/** Deliveries share their edition's partition, one row per recipient. */
export function deliveryKey(editionId: string, email: string): ItemKey {
  return { pk: `ED#${editionId}`, sk: `TO#${email.toLowerCase()}` };
}

/** One item listing every zone a confirmed reader has ever used: the zones the hourly run visits. */
export const ZONES_KEY: ItemKey = { pk: 'ZONES', sk: 'ZONES' };

/** One item listing every topic seen in ingested articles: what the preference centre offers. */
export const TOPICS_KEY: ItemKey = { pk: 'TOPICS', sk: 'TOPICS' };

/** A fixed-window counter; the key is already hashed by the caller. */
export function rateLimitKey(key: string, windowStart: number): ItemKey {
  return { pk: `RATE#${key}#${windowStart}`, sk: 'RATE' };
}

/** What is left of a reader who deleted their data: the sha256 of the address, nothing else. */
export function erasedKey(addressHash: string): ItemKey {
  return { pk: `ERASED#${addressHash}`, sk: 'ERASED' };
}

export function apiKeyKey(hash: string): ItemKey {
  return { pk: `KEY#${hash}`, sk: 'KEY' };
}

/** The key of an item as read back, to name it in errors even when the rest is damaged. */
export function keyOf(item: Record<string, unknown>): ItemKey {
  return { pk: String(item['pk']), sk: String(item['sk']) };
}

/** The reader's delivery watermark: beside the subscriber item, never inside it (delivery-ledger.ts). */
export function watermarkKey(email: string): ItemKey {
  return { pk: subscriberKey(email).pk, sk: 'WM' };
}
