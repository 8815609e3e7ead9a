/**
 * The delivery ledger in the single table (docs/architecture.md, "Delivery ledger"):
 *   LEDGER#<date>#<hour>#<zone> / LOCK        the slot-day's owner (conditional put)
 *   LEDGER#<date>#<hour>#<zone> / CHUNK#<id>  up to 50 readers of one edition, with who was sent;
 *                                             in GSI1 (`OPENCHUNKS`) while not done
 *   SUB#<email> / WM                          the reader's watermark (beside, never inside, the subscriber item)
 *   ED#<edition> / TO#<email>                 the delivery record download-my-data shows
 * Claims and results are conditional writes on one chunk item; watermarks and records are blind
 * batch writes of items only the sender of that reader's one chunk writes. No transactions.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { z } from 'zod';
import type { ChunkRef, ClaimResult, Delivery, DeliveryChunk, DeliveryLedger, Settlement, SlotDay, Watermark } from '../../core/delivery/index.ts';
import type { Subscriber } from '../../core/subscribers/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, batchGet, batchWrite } from './batch.ts';
import { expiresAfterDays } from './item-time.ts';
import { deliveryKey, type ItemKey, subscriberKey } from './keys.ts';
import { parseRecord, subscriberRecord } from './records.ts';
import { DELIVERY_TTL_DAYS } from './schema.ts';

/** Chunks name readers; they are needed for a day or two, and kept a little longer for support questions. */
export const CHUNK_TTL_DAYS = 14;
const OPEN_CHUNKS = 'OPENCHUNKS';
const SETTLED_KEY: ItemKey = { pk: 'SEND_STATUS', sk: 'SETTLED' };

export function ledgerPartition(slotDay: SlotDay): string {
  return `LEDGER#${slotDay.date}#${slotDay.hour}#${slotDay.timezone}`;
}

export function chunkKey(ref: ChunkRef): ItemKey {
  return { pk: ledgerPartition(ref.slotDay), sk: `CHUNK#${ref.id}` };
}

export function watermarkKey(email: string): ItemKey {
  return { pk: subscriberKey(email).pk, sk: 'WM' };
}

const chunkRecord: z.ZodType<DeliveryChunk> = z.object({
  slotDay: z.object({ timezone: z.string(), hour: z.int().min(0).max(23), date: z.string() }),
  id: z.string(),
  editionId: z.string(),
  emails: z.array(z.string()),
  status: z.enum(['pending', 'claimed', 'done']),
  createdAt: z.string(),
  claimedAt: z.string().optional(),
  attempts: z.int().min(0),
  sent: z.record(z.string(), z.string()),
  rejected: z.record(z.string(), z.string()),
  error: z.string().optional(),
});

const watermarkRecord: z.ZodType<Watermark> = z.object({
  email: z.string(),
  editionId: z.string(),
  cutoff: z.string(),
  date: z.string(),
  sentAt: z.string(),
});

const settlementRecord: z.ZodType<Settlement> = z.object({
  at: z.string(),
  chunks: z.int().min(0),
  confirmed: z.int().min(0),
  released: z.int().min(0),
});

/** `SET m.#k0 = :v0, ...` for a map of email -> value, with names and values numbered from `prefix`. */
function mapEntries(attribute: string, prefix: string, entries: Record<string, string>) {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  Object.entries(entries).forEach(([email, value], index) => {
    names[`#${prefix}${index}`] = email;
    values[`:${prefix}${index}`] = value;
    sets.push(`${attribute}.#${prefix}${index} = :${prefix}${index}`);
  });
  return { sets, names, values };
}

export class DynamoDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async lockSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<'acquired' | 'resumed' | 'taken'> {
    const key = { pk: ledgerPartition(slotDay), sk: 'LOCK' };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, owner, lockedAt: at, expiresAt: expiresAfterDays(at, CHUNK_TTL_DAYS) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'acquired';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item?.['owner'] === owner ? 'resumed' : 'taken';
  }

  async addChunks(chunks: readonly DeliveryChunk[]): Promise<void> {
    const puts = chunks.map((chunk) => ({
      PutRequest: {
        Item: {
          ...chunkKey(chunk),
          ...chunk,
          gsi1pk: OPEN_CHUNKS,
          gsi1sk: `${chunk.createdAt}#${chunkKey(chunk).pk}#${chunk.id}`,
          expiresAt: expiresAfterDays(chunk.createdAt, CHUNK_TTL_DAYS),
        },
      },
    }));
    const batches: (typeof puts)[] = [];
    for (let i = 0; i < puts.length; i += BATCH_WRITE_LIMIT) batches.push(puts.slice(i, i + BATCH_WRITE_LIMIT));
    await pMap(batches, (batch) => batchWrite(this.doc, this.tableName, batch), { concurrency: 4 });
  }

  async chunksOf(slotDay: SlotDay): Promise<DeliveryChunk[]> {
    return this.#query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
      ExpressionAttributeValues: { ':pk': ledgerPartition(slotDay), ':chunk': 'CHUNK#' },
      ConsistentRead: true,
    });
  }

  async openChunks(): Promise<DeliveryChunk[]> {
    return this.#query({
      IndexName: 'GSI1',
      KeyConditionExpression: 'gsi1pk = :open',
      ExpressionAttributeValues: { ':open': OPEN_CHUNKS },
    });
  }

  async #query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<DeliveryChunk[]> {
    const chunks: DeliveryChunk[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) chunks.push(this.#parse(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return chunks;
  }

  #parse(item: Record<string, unknown>): DeliveryChunk {
    return parseRecord(chunkRecord, item, { pk: String(item['pk']), sk: String(item['sk']) });
  }

  async claimChunk(ref: ChunkRef, at: string, staleBefore: string): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(ref),
          UpdateExpression: 'SET #status = :claimed, claimedAt = :at, attempts = attempts + :one',
          ConditionExpression: 'attribute_exists(pk) AND (#status = :pending OR (#status = :claimed AND claimedAt <= :stale))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':pending': 'pending', ':at': at, ':stale': staleBefore, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const chunk = this.#parse(Attributes ?? {});
      return { result: 'claimed', chunk: { ...chunk, claimedAt: at } };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const current = await this.#get(ref);
    // A chunk that is gone has expired: nothing of it is left to send.
    if (!current || current.status === 'done') return { result: 'done' };
    return { result: 'held', chunk: current };
  }

  async #get(ref: ChunkRef): Promise<DeliveryChunk | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: chunkKey(ref), ConsistentRead: true }));
    return Item === undefined ? undefined : this.#parse(Item);
  }

  async recordResults(
    ref: ChunkRef,
    claimedAt: string,
    results: { sent: Record<string, string>; rejected: Record<string, string>; finished: boolean; error?: string },
  ): Promise<boolean> {
    const sent = mapEntries('sent', 's', results.sent);
    const rejected = mapEntries('rejected', 'r', results.rejected);
    const sets = [...sent.sets, ...rejected.sets, '#status = :next'];
    const removes = results.finished ? ['gsi1pk', 'gsi1sk', 'claimedAt', '#error'] : ['claimedAt'];
    if (!results.finished && results.error !== undefined) sets.push('#error = :error');
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(ref),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: '#status = :claimed AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { ...sent.names, ...rejected.names, '#status': 'status', ...(results.finished || results.error !== undefined ? { '#error': 'error' } : {}) },
          ExpressionAttributeValues: {
            ...sent.values,
            ...rejected.values,
            ':next': results.finished ? 'done' : 'pending',
            ':claimed': 'claimed',
            ':claimedAt': claimedAt,
            ...(!results.finished && results.error !== undefined ? { ':error': results.error.slice(0, 500) } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Taken over meanwhile: what SES accepted still counts, so the new owner skips those readers.
    await this.confirmSent(ref, results.sent);
    return false;
  }

  async confirmSent(ref: ChunkRef, sentTo: Record<string, string>): Promise<void> {
    const sent = mapEntries('sent', 's', sentTo);
    if (sent.sets.length === 0) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(ref),
          UpdateExpression: `SET ${sent.sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: sent.names,
          ExpressionAttributeValues: sent.values,
        }),
      );
    } catch (error) {
      // A chunk that has expired has nothing left to protect.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async release(ref: ChunkRef): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(ref),
          UpdateExpression: 'SET #status = :pending REMOVE claimedAt',
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':claimed': 'claimed' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async recipients(emails: readonly string[]): Promise<Map<string, { subscriber?: Subscriber; watermark?: Watermark }>> {
    const found = new Map<string, { subscriber?: Subscriber; watermark?: Watermark }>();
    const perRequest = BATCH_GET_LIMIT / 2;
    const batches: string[][] = [];
    for (let i = 0; i < emails.length; i += perRequest) batches.push(emails.slice(i, i + perRequest));
    const byKey = new Map(emails.map((email) => [subscriberKey(email).pk, email]));
    await pMap(batches, async (batch) => {
      const items = await batchGet(this.doc, this.tableName, batch.flatMap((email) => [subscriberKey(email), watermarkKey(email)]));
      for (const item of items) {
        const email = byKey.get(String(item['pk']));
        if (email === undefined) continue;
        const entry = found.get(email) ?? {};
        if (item['sk'] === 'WM') entry.watermark = parseRecord(watermarkRecord, item, watermarkKey(email));
        else entry.subscriber = parseRecord(subscriberRecord, item, subscriberKey(email));
        found.set(email, entry);
      }
    });
    return found;
  }

  async watermarks(emails: readonly string[]): Promise<Map<string, Watermark>> {
    const found = new Map<string, Watermark>();
    const batches: string[][] = [];
    for (let i = 0; i < emails.length; i += BATCH_GET_LIMIT) batches.push(emails.slice(i, i + BATCH_GET_LIMIT));
    await pMap(batches, async (batch) => {
      for (const item of await batchGet(this.doc, this.tableName, batch.map(watermarkKey))) {
        const mark = parseRecord(watermarkRecord, item, { pk: String(item['pk']), sk: 'WM' });
        found.set(mark.email, mark);
      }
    });
    return found;
  }

  async recordDeliveries(watermarks: readonly Watermark[], deliveries: readonly Delivery[]): Promise<void> {
    const puts = [
      ...watermarks.map((mark) => ({ PutRequest: { Item: { ...watermarkKey(mark.email), ...mark } } })),
      ...deliveries.map((delivery) => ({
        PutRequest: {
          Item: {
            ...deliveryKey(delivery.editionId, delivery.email),
            ...delivery,
            expiresAt: expiresAfterDays(delivery.claimedAt, DELIVERY_TTL_DAYS),
          },
        },
      })),
    ];
    const batches: (typeof puts)[] = [];
    for (let i = 0; i < puts.length; i += BATCH_WRITE_LIMIT) batches.push(puts.slice(i, i + BATCH_WRITE_LIMIT));
    await pMap(batches, (batch) => batchWrite(this.doc, this.tableName, batch), { concurrency: 4 });
  }

  async recordSettlement(settlement: Settlement): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...SETTLED_KEY, ...settlement } }));
  }

  async lastSettlement(): Promise<Settlement | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: SETTLED_KEY }));
    return Item === undefined ? undefined : parseRecord(settlementRecord, Item, SETTLED_KEY);
  }
}
