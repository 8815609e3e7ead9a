/**
 * The delivery ledger in the single table (docs/architecture.md, "Delivery ledger"):
 *   LEDGER#<date>#<hour>#<zone> / LOCK        the slot-day's owner (conditional put), renewed while it
 *                                             plans and marked complete after; an abandoned one is taken over,
 *                                             a completed one reopened by a later run for readers in no live chunk
 *   LEDGER#<date>#<hour>#<zone> / CHUNK#<id>  up to 50 readers of one edition and one send, with who
 *                                             was sent; in GSI1 (`OPENCHUNKS`) while open, claimed or paused
 *   SEND#<send> / SEND                        one planning run: mode, state, editions (delivery-sends.ts)
 *   SUB#<email> / WM                          the reader's watermark (beside, never inside, the subscriber item)
 *   ED#<edition> / TO#<email>                 the delivery record download-my-data shows
 * Claims and results are conditional writes on one chunk item; watermarks and records are blind
 * batch writes of items only the sender of that reader's one chunk writes. No transactions.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import type {
  ChunkRef,
  ChunkResults,
  ClaimResult,
  Delivery,
  DeliveryChunk,
  DeliveryLedger,
  Settlement,
  SlotDay,
  SlotDayLock,
  Watermark,
} from '../../core/delivery/index.ts';
import type { Subscriber } from '../../core/subscribers/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, batchGet, batchWrite } from './batch.ts';
import { expiresAfterDays } from './item-time.ts';
import { deliveryKey, type ItemKey, subscriberKey, watermarkKey } from './keys.ts';
import { parseRecord, subscriberRecord } from './records.ts';
import { chunkKey, chunkRecord, ledgerPartition, mapEntries, OPEN_CHUNKS, settlementRecord, watermarkRecord } from './delivery-items.ts';
import { DynamoSendLedger } from './delivery-sends.ts';
import { forgetChunkAddresses } from './chunk-addresses.ts';
import { DELIVERY_TTL_DAYS } from './schema.ts';

/** Chunks name readers; they are needed for a day or two, and kept a little longer for support questions. */
export const CHUNK_TTL_DAYS = 14;
/** Slot-day locks not yet completed, in GSI1, so a restarted local stack can hand them on. */
const OPEN_LOCKS = 'OPENLOCKS';
/** A lease start before any run's: a lock renewed "then" is stale for every later run. */
const ABANDONED_AT = '1970-01-01T00:00:00.000Z';
const SETTLED_KEY: ItemKey = { pk: 'SEND_STATUS', sk: 'SETTLED' };

export class DynamoDeliveryLedger extends DynamoSendLedger implements DeliveryLedger {
  async lockSlotDay(slotDay: SlotDay, owner: string, at: string, staleBefore: string): Promise<SlotDayLock> {
    const key = { pk: ledgerPartition(slotDay), sk: 'LOCK' };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            slotDay,
            owner,
            lockedAt: at,
            renewedAt: at,
            gsi1pk: OPEN_LOCKS,
            gsi1sk: `${at}#${key.pk}`,
            expiresAt: expiresAfterDays(at, CHUNK_TTL_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'acquired';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    try {
      // Ours (a retried run), completed (reopened for late readers), or abandoned: not renewed since staleBefore.
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #owner = :owner, renewedAt = :at, gsi1pk = :open, gsi1sk = :openAt REMOVE completedAt',
          ConditionExpression:
            '#owner = :owner OR attribute_exists(completedAt) OR renewedAt <= :stale OR (attribute_not_exists(renewedAt) AND lockedAt <= :stale)',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':at': at,
            ':stale': staleBefore,
            ':open': OPEN_LOCKS,
            ':openAt': `${at}#${key.pk}`,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (Attributes?.['owner'] === owner) return 'resumed';
      return Attributes?.['completedAt'] === undefined ? 'taken-over' : 'reopened';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return 'taken';
    }
  }

  async renewSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<boolean> {
    return this.#updateLock(slotDay, owner, 'SET renewedAt = :at', at);
  }

  async completeSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<void> {
    await this.#updateLock(slotDay, owner, 'SET completedAt = :at REMOVE gsi1pk, gsi1sk', at);
  }

  async abandonOpenSlotDays(): Promise<number> {
    let abandoned = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'gsi1pk = :open',
          ExpressionAttributeValues: { ':open': OPEN_LOCKS },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: String(item['pk']), sk: 'LOCK' },
              UpdateExpression: 'SET renewedAt = :never, lockedAt = :never',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(completedAt)',
              ExpressionAttributeValues: { ':never': ABANDONED_AT },
            }),
          );
          abandoned += 1;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return abandoned;
  }

  async #updateLock(slotDay: SlotDay, owner: string, update: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ledgerPartition(slotDay), sk: 'LOCK' },
          UpdateExpression: update,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return false;
    }
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
          // Never a paused or cancelled chunk; `pending` is `open` on items written before explicit states.
          ConditionExpression:
            'attribute_exists(pk) AND (#status = :open OR #status = :pending OR (#status = :claimed AND claimedAt <= :stale AND attribute_not_exists(stopAs)))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':open': 'open',
            ':pending': 'pending',
            ':at': at,
            ':stale': staleBefore,
            ':one': 1,
          },
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
    if (!current || current.status === 'sent') return { result: 'done' };
    if (current.status === 'paused' || current.status === 'cancelled') return { result: 'stopped', state: current.status };
    return (await this.stopStaleClaim(current, staleBefore)) ?? { result: 'held', chunk: current };
  }

  async #get(ref: ChunkRef): Promise<DeliveryChunk | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: chunkKey(ref), ConsistentRead: true }));
    return Item === undefined ? undefined : this.#parse(Item);
  }

  async recordResults(ref: ChunkRef, claimedAt: string, results: ChunkResults): Promise<boolean> {
    const sent = mapEntries('sent', 's', results.sent);
    const rejected = mapEntries('rejected', 'r', results.rejected);
    // Unfinished: open again, or the state its send took meanwhile (stopAs, or the sender's own reading); a cancel outranks a pause.
    const release = results.stopAs === 'cancelled' ? ':open' : `if_not_exists(stopAs, :open)`;
    const sets = [...sent.sets, ...rejected.sets, results.finished ? '#status = :sent' : `#status = ${release}`];
    // A finished chunk leaves GSI1 with its addresses (forgetChunkAddresses): until then an erasure still finds it there.
    const removes = results.finished ? ['claimedAt', 'stopAs', '#error'] : ['claimedAt', 'stopAs'];
    if (!results.finished && results.error !== undefined) sets.push('#error = :error');
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(ref),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: '#status = :claimed AND claimedAt = :claimedAt',
          ExpressionAttributeNames: {
            ...sent.names,
            ...rejected.names,
            '#status': 'status',
            ...(results.finished || results.error !== undefined ? { '#error': 'error' } : {}),
          },
          ExpressionAttributeValues: {
            ...sent.values,
            ...rejected.values,
            ...(results.finished ? { ':sent': 'sent' } : { ':open': results.stopAs ?? 'open' }),
            ':claimed': 'claimed',
            ':claimedAt': claimedAt,
            ...(!results.finished && results.error !== undefined ? { ':error': results.error.slice(0, 500) } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (results.finished) await forgetChunkAddresses(this.doc, this.tableName, ref, Attributes);
      else await this.leaveOpenChunksIfCancelled(ref, Attributes);
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
          // A sent or cancelled chunk sends nobody again and holds counts, not addresses.
          ConditionExpression: 'attribute_exists(pk) AND #status <> :sent AND #status <> :cancelled',
          ExpressionAttributeNames: { ...sent.names, '#status': 'status' },
          ExpressionAttributeValues: { ...sent.values, ':sent': 'sent', ':cancelled': 'cancelled' },
        }),
      );
    } catch (error) {
      // A chunk that has expired, been sent or been cancelled has nothing left to protect.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async release(ref: ChunkRef): Promise<void> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(ref),
          UpdateExpression: 'SET #status = if_not_exists(stopAs, :open) REMOVE claimedAt, stopAs',
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': 'open', ':claimed': 'claimed' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.leaveOpenChunksIfCancelled(ref, Attributes);
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
      const items = await batchGet(
        this.doc,
        this.tableName,
        batch.flatMap((email) => [subscriberKey(email), watermarkKey(email)]),
      );
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
