/**
 * Clicks in the single table, all cheap aggregates and short-lived markers:
 *   SEND#<send> / STATS#<edition>   ADD clicks, uniqueClicks, clicks_<story>, uclicks_<story>
 *                                   (the send counters, send-stats-store.ts, which is the ClickCounter)
 *   CLICK#<hash> / CLICK    one message's latest click, the click counted last, each story's first click; TTL 7 days
 *   SUB#<email> / SUB       lastClickedAt, only while the reader is confirmed
 * No item is kept per click or per reader beyond the marker's week.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ClickMarkers, MarkedClick, ReaderEngagement } from '../../core/engagement/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { toUtcIso } from './item-time.ts';
import { type ItemKey, subscriberKey } from './keys.ts';

export function clickMarkerKey(message: string): ItemKey {
  return { pk: `CLICK#${message}`, sk: 'CLICK' };
}

/** What a burst reads of the click it follows. */
const countedRecord = z.looseObject({ countedStory: z.number().int().optional(), countedAt: z.number().optional() });

/**
 * The burst rule as conditional writes on one item, so counters running at once over a scanner's
 * simultaneous clicks agree: a click is counted when the marker's latest click is on the same
 * story or outside the window (`u<story>` keeps the time of the story's first counted click:
 * unique when it was unset); otherwise it becomes the latest, and takes away the counted click it
 * finds (REMOVE with ALL_OLD: only one burst click ever sees a given counted click).
 */
export class DynamoClickMarkers implements ClickMarkers {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async mark(message: string, click: { at: number; story: number }, burstWindowMs: number, expiresAt: number): Promise<MarkedClick> {
    const key = clickMarkerKey(message);
    const first = `u${click.story}`;
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET lastAt = :at, lastStory = :story, countedStory = :story, countedAt = :at, #first = if_not_exists(#first, :at), expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(lastAt) OR lastStory = :story OR lastAt <= :windowStart OR lastAt >= :windowEnd',
          ExpressionAttributeNames: { '#first': first },
          ExpressionAttributeValues: {
            ':at': click.at,
            ':story': click.story,
            ':expiresAt': expiresAt,
            ':windowStart': click.at - burstWindowMs,
            ':windowEnd': click.at + burstWindowMs,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { counted: true, unique: Attributes?.[first] === undefined };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET lastAt = :at, lastStory = :story REMOVE countedStory, countedAt',
        ExpressionAttributeValues: { ':at': click.at, ':story': click.story },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const counted = countedRecord.safeParse(Attributes ?? {});
    const { countedStory, countedAt } = counted.success ? counted.data : {};
    if (countedStory === undefined || countedAt === undefined) return { counted: false };
    const firstOfStory = `u${countedStory}`;
    const unique = Attributes?.[firstOfStory] === countedAt;
    if (unique) await this.#forgetFirst(key, firstOfStory, countedAt);
    return { counted: false, retract: { story: countedStory, unique } };
  }

  /** The taken-back click was the story's first: a later genuine click on it is unique again. */
  async #forgetFirst(key: ItemKey, name: string, at: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE #first',
          ConditionExpression: '#first = :at',
          ExpressionAttributeNames: { '#first': name },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

export class DynamoReaderEngagement implements ReaderEngagement {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordClick(email: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriberKey(email),
          // A click answers the sunset question: the reader is engaged again.
          UpdateExpression: 'SET lastClickedAt = :at REMOVE sunsetAskedAt',
          ConditionExpression:
            'attribute_exists(pk) AND #status = :confirmed AND (attribute_not_exists(lastClickedAt) OR lastClickedAt < :at)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':at': toUtcIso(at), ':confirmed': 'confirmed' },
        }),
      );
    } catch (error) {
      // Left, erased, or a later click already recorded: nothing about them to keep.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
