/**
 * Sends in the single table: `SEND#<id>` / `SEND` is what the planner records of one planning run
 * (mode, createdAt, state, the editions it planned), and a send's chunks are paused, resumed and
 * cancelled here, each with one conditional write on its state, so a chunk a sender claimed
 * meanwhile is left to that sender (marked `stopAs`, the state it takes when released unfinished
 * or when its lease runs out) and a sent or cancelled one is never opened again. A send's
 * chunks are found among the open ones (GSI1 `OPENCHUNKS`, paused ones stay there until
 * cancelled), which hold a day or so of chunks.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ChunkRef, ClaimResult, DeliveryChunk, SendId, SendRecord, SendState } from '../../core/delivery/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { forgetChunkAddresses } from './chunk-addresses.ts';
import { chunkKey, chunkRecord, OPEN_CHUNKS, RECENT_SENDS, sendKey, sendRecord } from './delivery-items.ts';
import { expiresAfterDays } from './item-time.ts';
import { parseRecord } from './records.ts';
import { DELIVERY_TTL_DAYS } from './schema.ts';

/** The chunk states a transition starts from; `pending` is how items written before explicit states say `open`. */
const FROM = { open: ['open', 'pending'], paused: ['paused'], openOrPaused: ['open', 'pending', 'paused'] } as const;

/** The send half of the delivery ledger; DynamoDeliveryLedger adds slot-days, chunks and watermarks. */
export class DynamoSendLedger {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  async startSend(record: SendRecord): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...sendKey(record.send),
            ...record,
            // Listed newest first by `digest sends list` (GSI1 RECENTSENDS).
            gsi1pk: RECENT_SENDS,
            gsi1sk: `${record.createdAt}#${record.send}`,
            expiresAt: expiresAfterDays(record.createdAt, DELIVERY_TTL_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // A retried run: the record its first attempt wrote stands.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async completeSend(send: SendId, editions: readonly string[], at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: sendKey(send),
        UpdateExpression: 'SET plannedAt = :at, editions = :editions',
        ExpressionAttributeValues: { ':at': at, ':editions': [...editions] },
      }),
    );
  }

  async sendRecord(send: SendId): Promise<SendRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: sendKey(send), ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(sendRecord, Item, sendKey(send));
  }

  async recentSends(limit: number): Promise<SendRecord[]> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'gsi1pk = :sends',
        ExpressionAttributeValues: { ':sends': RECENT_SENDS },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => parseRecord(sendRecord, item, { pk: String(item['pk']), sk: String(item['sk']) }));
  }

  async pauseSend(send: SendId): Promise<number> {
    await this.#setState(send, 'paused');
    return (await this.#move(send, FROM.open, 'paused')).length;
  }

  async resumeSend(send: SendId): Promise<DeliveryChunk[]> {
    await this.#setState(send, 'running');
    return this.#move(send, FROM.paused, 'open');
  }

  async cancelSend(send: SendId): Promise<number> {
    await this.#setState(send, 'cancelled');
    return (await this.#move(send, FROM.openOrPaused, 'cancelled')).length;
  }

  /** A cancelled send stays cancelled. */
  async #setState(send: SendId, state: SendState): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sendKey(send),
          UpdateExpression: 'SET #state = :state',
          ConditionExpression: 'attribute_exists(pk) AND #state <> :cancelled',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':state': state, ':cancelled': 'cancelled' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Moves each of the send's chunks in one of `from` to `to`; returns the chunks moved, as they are now. */
  async #move(send: SendId, from: readonly string[], to: 'open' | 'paused' | 'cancelled'): Promise<DeliveryChunk[]> {
    const moved: DeliveryChunk[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'gsi1pk = :open',
          FilterExpression: '#send = :send',
          ExpressionAttributeNames: { '#send': 'send' },
          ExpressionAttributeValues: { ':open': OPEN_CHUNKS, ':send': send },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const chunk = parseRecord(chunkRecord, item, { pk: String(item['pk']), sk: String(item['sk']) });
        if (chunk.status === 'claimed') await this.#markClaimed(chunk, to);
        const updated = chunk.status === 'claimed' ? undefined : await this.#transition(chunk, from, to);
        if (updated) moved.push(updated);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return moved;
  }

  /** A claimed chunk is its sender's: it takes the send's state when released, unless resumed first; a cancel stands. */
  async #markClaimed(chunk: DeliveryChunk, to: 'open' | 'paused' | 'cancelled'): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(chunk),
          UpdateExpression: to === 'open' ? 'REMOVE stopAs' : 'SET stopAs = :to',
          ConditionExpression: '#status = :claimed AND (attribute_not_exists(stopAs) OR stopAs <> :cancelled)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':cancelled': 'cancelled', ...(to === 'open' ? {} : { ':to': to }) },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** After a claim ends unfinished: a chunk whose send was cancelled meanwhile leaves the open chunks, and its addresses go. */
  protected async leaveOpenChunksIfCancelled(ref: ChunkRef, item: Record<string, unknown> | undefined): Promise<void> {
    if (item?.['status'] !== 'cancelled') return;
    await forgetChunkAddresses(this.doc, this.tableName, ref, item);
  }

  /** A claim whose sender is gone, on a chunk whose send was stopped meanwhile: the chunk takes the send's state, unsent. */
  protected async stopStaleClaim(chunk: DeliveryChunk, staleBefore: string): Promise<ClaimResult | undefined> {
    const state = chunk.stopAs;
    if (chunk.status !== 'claimed' || state === undefined || chunk.claimedAt === undefined || chunk.claimedAt > staleBefore)
      return undefined;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(chunk),
          UpdateExpression: `SET #status = :state REMOVE claimedAt, stopAs${state === 'cancelled' ? ', gsi1pk, gsi1sk' : ''}`,
          ConditionExpression: '#status = :claimed AND claimedAt = :seen AND stopAs = :state',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':state': state, ':claimed': 'claimed', ':seen': chunk.claimedAt },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return undefined;
    }
    if (state === 'cancelled') await forgetChunkAddresses(this.doc, this.tableName, chunk);
    return { result: 'stopped', state };
  }

  async #transition(
    chunk: DeliveryChunk,
    from: readonly string[],
    to: 'open' | 'paused' | 'cancelled',
  ): Promise<DeliveryChunk | undefined> {
    const values = Object.fromEntries(from.map((state, i) => [`:from${i}`, state]));
    const condition = Object.keys(values)
      .map((name) => `#status = ${name}`)
      .join(' OR ');
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: chunkKey(chunk),
          // A cancelled chunk leaves the open chunks; nothing sends it again.
          UpdateExpression: to === 'cancelled' ? 'SET #status = :to REMOVE gsi1pk, gsi1sk' : 'SET #status = :to',
          ConditionExpression: `attribute_exists(pk) AND (${condition})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...values, ':to': to },
          ReturnValues: 'ALL_NEW',
        }),
      );
      // The chunk as moved: a cancelled one's addresses go just after (forgetChunkAddresses).
      const moved = parseRecord(chunkRecord, Attributes ?? {}, chunkKey(chunk));
      if (to === 'cancelled') await forgetChunkAddresses(this.doc, this.tableName, chunk, Attributes);
      return moved;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return undefined;
    }
  }
}
