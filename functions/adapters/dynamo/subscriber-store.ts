/** Readers: one item each; confirmed readers also sit in the sparse GSI2 under their (zone, local hour) slot. */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type Clock, CorruptRecordError } from '../../core/shared/index.ts';
import type { Subscriber, SubscriberStatus, SubscriberStore, TimeSlot } from '../../core/subscribers/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { toUtcIso } from './item-time.ts';
import { keyOf, subscriberKey, ZONES_KEY } from './keys.ts';
import { mergeAsync } from './merge-async.ts';
import { parseRecord, subscriberRecord } from './records.ts';
import { TABLE } from './schema.ts';
import { slotPartition, subscriberAttributes } from './subscriber-item.ts';
import { systemClock } from '../runtime/system-clock.ts';

/** Slot queries in flight at once: enough to hide latency for the few dozen zones due each hour. */
const SLOT_QUERY_CONCURRENCY = 8;

/**
 * Moved only by recordDigest; put() sets them on a new record but never changes them. put()
 * comes from a reader's own action (confirm, preferences, unsubscribe) on a record read moments
 * earlier; were it to overwrite these, a digest recorded in between would be rolled back and its
 * stories sent again.
 */
const WATERMARK_FIELDS = ['lastDigestCutoff', 'lastEditionId'] as const satisfies readonly (keyof Subscriber)[];

/**
 * Fields put() takes for a new record only and otherwise leaves alone: the watermark, and the
 * confirmation-email claim, which only claimConfirmationEmail and releaseConfirmationEmail move
 * (a put from a stale read must not undo a claim another request just made).
 */
const INSERT_ONLY_FIELDS = [...WATERMARK_FIELDS, 'confirmSentAt'] as const satisfies readonly (keyof Subscriber)[];

const zonesRecord = z.set(z.string());

/** Attributes put() clears when the record it is given lacks them. */
const REMOVABLE_FIELDS = [
  'consent',
  'confirmedAt',
  'unsubscribedAt',
  'gsi2pk',
  'gsi2sk',
  'pausedUntil',
  'expiresAt',
  'softBounces',
] as const;

export class DynamoSubscriberStore implements SubscriberStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(email: string): Promise<Subscriber | undefined> {
    const key = subscriberKey(email);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(subscriberRecord, Item, key);
  }

  async put(subscriber: Subscriber): Promise<void> {
    await this.#write(subscriber);
  }

  async putIfStatus(subscriber: Subscriber, expected: SubscriberStatus | undefined): Promise<boolean> {
    try {
      await this.#write(subscriber, { status: expected });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async claimConfirmationEmail(email: string, at: string, since: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriberKey(email),
          UpdateExpression: 'SET confirmSentAt = :at',
          ConditionExpression:
            'attribute_exists(pk) AND #status = :pending AND (attribute_not_exists(confirmSentAt) OR confirmSentAt <= :since)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': toUtcIso(at), ':pending': 'pending', ':since': toUtcIso(since) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async releaseConfirmationEmail(email: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriberKey(email),
          UpdateExpression: 'REMOVE confirmSentAt',
          ConditionExpression: 'confirmSentAt = :at',
          ExpressionAttributeValues: { ':at': toUtcIso(at) },
        }),
      );
    } catch (error) {
      // A later claim holds it now, or the reader is gone: nothing of ours to give back.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** One UpdateItem; with `expected`, conditional on the stored status (undefined: no item yet). */
  async #write(subscriber: Subscriber, expected?: { status: SubscriberStatus | undefined }): Promise<void> {
    // Registered before the reader enters the slot index, so no confirmed reader is in a zone the run skips.
    if (subscriber.status === 'confirmed') await registerTimeZones(this.doc, this.tableName, [subscriber.timezone]);
    const fields = subscriberAttributes(subscriber);
    const insertOnly = INSERT_ONLY_FIELDS.filter((name) => fields[name] !== undefined);
    for (const name of INSERT_ONLY_FIELDS) delete fields[name];
    const set = Object.entries(fields).filter(([, value]) => value !== undefined);
    const remove = [...REMOVABLE_FIELDS].filter((name) => fields[name] === undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    set.forEach(([name, value], i) => {
      names[`#s${i}`] = name;
      values[`:s${i}`] = value;
    });
    remove.forEach((name, i) => {
      names[`#r${i}`] = name;
    });
    insertOnly.forEach((name, i) => {
      names[`#w${i}`] = name;
      values[`:w${i}`] = subscriber[name];
    });
    const assignments = [...set.map((_, i) => `#s${i} = :s${i}`), ...insertOnly.map((_, i) => `#w${i} = if_not_exists(#w${i}, :w${i})`)];
    const expression = [
      `SET ${assignments.join(', ')}`,
      remove.length > 0 ? `REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : '',
    ].join(' ');
    let condition: string | undefined;
    if (expected) {
      names['#expectedStatus'] = 'status';
      if (expected.status === undefined) condition = 'attribute_not_exists(#expectedStatus)';
      else {
        condition = '#expectedStatus = :expectedStatus';
        values[':expectedStatus'] = expected.status;
      }
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: subscriberKey(subscriber.email),
        UpdateExpression: expression.trim(),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(condition !== undefined && { ConditionExpression: condition }),
      }),
    );
  }

  async listTimeZones(): Promise<string[]> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: ZONES_KEY, ConsistentRead: true }));
    const zones = zonesRecord.safeParse(Item?.['zones'] ?? new Set());
    if (!zones.success) throw new CorruptRecordError(`The zone list (${ZONES_KEY.pk}) is not a set of strings.`);
    return [...zones.data].sort();
  }

  async *listDue(slots: readonly TimeSlot[]): AsyncIterable<Subscriber> {
    const partitions = new Set(slots.map((slot) => slotPartition({ timezone: slot.timezone, sendHour: slot.hour })));
    const perSlot = [...partitions].map((partition) => this.querySlot(partition));
    for await (const subscriber of mergeAsync(perSlot, SLOT_QUERY_CONCURRENCY)) {
      // The index lags the table; a reader who left a moment ago may still be listed there.
      if (subscriber.status === 'confirmed') yield subscriber;
    }
  }

  async *listConfirmed(): AsyncIterable<Subscriber> {
    // Scanning the sparse slot index reads confirmed readers only, not every article and edition in the table.
    const pages = paginateScan(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: TABLE.bySendSlot.indexName,
        FilterExpression: '#status = :confirmed AND sk = :sk',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':confirmed': 'confirmed', ':sk': 'SUB' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield parseRecord(subscriberRecord, item, keyOf(item));
    }
  }

  async recordDigest(email: string, editionId: string, cutoff: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriberKey(email),
          UpdateExpression: 'SET lastDigestCutoff = :cutoff, lastEditionId = :editionId, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastDigestCutoff) OR lastDigestCutoff < :cutoff)',
          ExpressionAttributeValues: {
            ':cutoff': toUtcIso(cutoff),
            ':editionId': editionId,
            ':now': this.clock.now().toISOString(),
          },
        }),
      );
    } catch (error) {
      // The watermark is already at or past this cutoff, or the reader deleted their data: nothing to move.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async clearSoftBounces(email: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriberKey(email),
          UpdateExpression: 'REMOVE softBounces',
          ConditionExpression: 'attribute_exists(softBounces)',
        }),
      );
    } catch (error) {
      // No run to end: the common case.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  private async *querySlot(partition: string): AsyncIterable<Subscriber> {
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: TABLE.bySendSlot.indexName,
        KeyConditionExpression: 'gsi2pk = :slot',
        ExpressionAttributeValues: { ':slot': partition },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield parseRecord(subscriberRecord, item, keyOf(item));
    }
  }
}

/**
 * Adds zones to the list the hourly run visits. Call it before a confirmed reader's item is
 * written, so no confirmed reader sits in a zone the run skips.
 */
export async function registerTimeZones(doc: DynamoDBDocumentClient, tableName: string, zones: Iterable<string>): Promise<void> {
  const added = new Set(zones);
  if (added.size === 0) return;
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: ZONES_KEY,
      UpdateExpression: 'ADD zones :zones',
      ExpressionAttributeValues: { ':zones': added },
    }),
  );
}
