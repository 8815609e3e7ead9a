/**
 * A reader's personal data across the table: their subscriber item and their rows in the send
 * ledger. Delivery rows live in their edition's partition under a key we can compute, so one
 * reader's rows are found by listing the editions still stored (a few thousand keys at most:
 * editions expire with their deliveries) and batch-getting (edition, reader) keys. That costs
 * tens of requests whatever the number of readers, where a filtered scan would read every
 * delivery row in the table, and it spares every send a second, per-reader index.
 */
import { createHash } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  DeleteCommand,
  GetCommand,
  paginateQuery,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Delivery } from '../../core/delivery/index.ts';
import type { PersonalDataStore } from '../../core/privacy/index.ts';
import { deliveryKey, erasedKey, keyOf, subscriberKey, type ItemKey } from './keys.ts';
import { BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, batchGet, batchWrite } from './batch.ts';
import { deliveryRecord, parseRecord } from './records.ts';
import { EDITIONS_PARTITION } from './edition-store.ts';
import { TABLE } from './schema.ts';
import { eraseFromChunks } from './chunk-addresses.ts';
import { normaliseEmailAddress } from '../../core/subscribers/index.ts';


/** The only thing kept about an erased reader. Unkeyed, so the CLI can check an import without the token secret. */
export function addressHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}

/** Chunks hold addresses as the subscriber item does: normalised (punycode domain, lower case). */
function storedSpellings(email: string): string[] {
  const normalised = normaliseEmailAddress(email);
  return [...new Set([email.trim().toLowerCase(), ...(normalised.ok ? [normalised.address] : [])])];
}

export class DynamoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *deliveriesTo(email: string): AsyncIterable<Delivery> {
    for await (const item of this.findDeliveries(email)) yield parseRecord(deliveryRecord, item, keyOf(item));
  }

  async erase(email: string, at: string): Promise<{ deliveries: number }> {
    // The mark goes first: were the erase to stop half way, the address is still protected from re-import.
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...erasedKey(addressHash(email)), erasedAt: at } }),
    );
    const keys: ItemKey[] = [];
    for await (const item of this.findDeliveries(email, 'pk, sk')) keys.push(keyOf(item));
    for (let start = 0; start < keys.length; start += BATCH_WRITE_LIMIT) {
      await batchWrite(
        this.doc,
        this.tableName,
        keys.slice(start, start + BATCH_WRITE_LIMIT).map((key) => ({ DeleteRequest: { Key: key } })),
      );
    }
    // The delivery watermark lives beside the subscriber item (delivery-ledger.ts) and goes with it.
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: subscriberKey(email).pk, sk: 'WM' } }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: subscriberKey(email) }));
    // Last, so a planner that read the reader before the delete has written their chunk by now.
    for (const spelling of storedSpellings(email)) await eraseFromChunks(this.doc, this.tableName, spelling);
    return { deliveries: keys.length };
  }

  async isErased(email: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: erasedKey(addressHash(email)), ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async clearErasure(email: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: erasedKey(addressHash(email)) }));
  }

  private async *findDeliveries(email: string, projection?: string): AsyncIterable<Record<string, unknown>> {
    let keys: ItemKey[] = [];
    for await (const editionId of this.storedEditionIds()) {
      keys.push(deliveryKey(editionId, email));
      if (keys.length === BATCH_GET_LIMIT) {
        yield* await batchGet(this.doc, this.tableName, keys, projection);
        keys = [];
      }
    }
    if (keys.length > 0) yield* await batchGet(this.doc, this.tableName, keys, projection);
  }

  private async *storedEditionIds(): AsyncIterable<string> {
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: TABLE.byIngestDay.indexName,
        KeyConditionExpression: 'gsi1pk = :editions',
        ExpressionAttributeValues: { ':editions': EDITIONS_PARTITION },
        ProjectionExpression: 'pk',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield String(item['pk']).slice('ED#'.length);
    }
  }
}
