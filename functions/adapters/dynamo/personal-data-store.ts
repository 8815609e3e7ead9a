/**
 * A reader's personal data across the table: their subscriber item and their rows in the send
 * ledger. Delivery rows live in their edition's partition under a key we can compute, so one
 * reader's rows are found by listing the editions still stored (a few thousand keys at most:
 * editions expire with their deliveries) and batch-getting (edition, reader) keys. That costs
 * tens of requests whatever the number of readers, where a filtered scan would read every
 * delivery row in the table, and it spares every send a second, per-reader index.
 */
import { type DynamoDBDocumentClient, DeleteCommand, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery, Watermark } from '../../core/delivery/index.ts';
import type { PersonalDataStore } from '../../core/privacy/index.ts';
import { deliveryKey, keyOf, subscriberKey, type ItemKey, watermarkKey } from './keys.ts';
import type { ErasureMarks } from './erasure-marks.ts';
import { BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, batchGet, batchWrite } from './batch.ts';
import { deliveryRecord, parseRecord } from './records.ts';
import { watermarkRecord } from './delivery-items.ts';
import { EDITIONS_PARTITION } from './edition-store.ts';
import { TABLE } from './schema.ts';
import { eraseFromChunks } from './chunk-addresses.ts';
import { normaliseEmailAddress } from '../../core/subscribers/index.ts';

/** Chunks hold addresses as the subscriber item does: normalised (punycode domain, lower case). */
function storedSpellings(email: string): string[] {
  const normalised = normaliseEmailAddress(email);
  return [...new Set([email.trim().toLowerCase(), ...(normalised.ok ? [normalised.address] : [])])];
}

export class DynamoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly marks: ErasureMarks,
  ) {}

  async *deliveriesTo(email: string): AsyncIterable<Delivery> {
    for await (const item of this.findDeliveries(email)) yield parseRecord(deliveryRecord, item, keyOf(item));
  }

  async erase(email: string, at: string): Promise<{ deliveries: number }> {
    // The mark goes first: were the erase to stop half way, the address is still protected from re-import.
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...this.marks.keyFor(email), erasedAt: at } }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.marks.legacyKeyFor(email) }));
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
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: watermarkKey(email) }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: subscriberKey(email) }));
    // Last, so a planner that read the reader before the delete has written their chunk by now.
    for (const spelling of storedSpellings(email)) await eraseFromChunks(this.doc, this.tableName, spelling);
    return { deliveries: keys.length };
  }

  async isErased(email: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: this.marks.keyFor(email), ConsistentRead: true }),
    );
    if (Item !== undefined) return true;
    const legacy = this.marks.legacyKeyFor(email);
    const { Item: old } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: legacy, ConsistentRead: true }));
    if (old === undefined) return false;
    await this.marks.rewrite(this.doc, this.tableName, legacy, old['erasedAt']);
    return true;
  }

  async clearErasure(email: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.marks.keyFor(email) }));
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.marks.legacyKeyFor(email) }));
  }

  async watermarkOf(email: string): Promise<Watermark | undefined> {
    const key = watermarkKey(email);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(watermarkRecord, Item, key);
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
