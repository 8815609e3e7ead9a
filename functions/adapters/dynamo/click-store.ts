/**
 * Clicks in the single table, all cheap aggregates and short-lived markers:
 *   ED#<edition> / STATS    ADD clicks_<story>, uclicks_<story>   (beside the send counters)
 *   SEND#<send> / STATS     ADD clicks, uniqueClicks
 *   CLICK#<hash> / CLICK    one message's latest click and counted stories, TTL 7 days
 *   SUB#<email> / SUB       lastClickedAt, only while the reader is confirmed
 * No item is kept per click or per reader beyond the marker's week.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ClickCounter, ClickMarkers, MessageClicks, ReaderEngagement, StoryClick } from '../../core/engagement/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { expiresAfterDays, toUtcIso } from './item-time.ts';
import { editionKey, type ItemKey, subscriberKey } from './keys.ts';
import { DELIVERY_TTL_DAYS, EDITION_TTL_DAYS } from './schema.ts';

const STATS_SK = 'STATS';

export function sendStatsKey(send: string): ItemKey {
  return { pk: `SEND#${send}`, sk: STATS_SK };
}

export function clickMarkerKey(message: string): ItemKey {
  return { pk: `CLICK#${message}`, sk: 'CLICK' };
}

const markerRecord = z.object({
  lastAt: z.number(),
  lastStory: z.number().int(),
  countedStory: z.number().int().optional(),
  countedUnique: z.boolean().optional(),
  uniqueStories: z.set(z.number()).optional(),
});

export class DynamoClickCounter implements ClickCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowIso: () => string = () => new Date().toISOString(),
  ) {}

  recordClick(click: StoryClick): Promise<void> {
    return this.#add(click, 1);
  }

  retractClick(click: StoryClick): Promise<void> {
    return this.#add(click, -1);
  }

  async #add(click: StoryClick, by: 1 | -1): Promise<void> {
    const unique = click.unique ? by : 0;
    const now = this.nowIso();
    await Promise.all([
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: editionKey(click.editionId).pk, sk: STATS_SK },
          UpdateExpression: 'ADD #clicks :by, #unique :unique SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ExpressionAttributeNames: { '#clicks': `clicks_${click.story}`, '#unique': `uclicks_${click.story}` },
          ExpressionAttributeValues: { ':by': by, ':unique': unique, ':expiresAt': expiresAfterDays(now, EDITION_TTL_DAYS) },
        }),
      ),
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sendStatsKey(click.send),
          UpdateExpression: 'ADD clicks :by, uniqueClicks :unique SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ExpressionAttributeValues: { ':by': by, ':unique': unique, ':expiresAt': expiresAfterDays(now, DELIVERY_TTL_DAYS) },
        }),
      ),
    ]);
  }
}

export class DynamoClickMarkers implements ClickMarkers {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async swap(message: string, click: { at: number; story: number }, expiresAt: number): Promise<MessageClicks | undefined> {
    // One atomic write: concurrent counters of one message each see the click before theirs.
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: clickMarkerKey(message),
        UpdateExpression:
          'SET lastAt = :at, lastStory = :story, expiresAt = if_not_exists(expiresAt, :expiresAt) REMOVE countedStory, countedUnique',
        ExpressionAttributeValues: { ':at': click.at, ':story': click.story, ':expiresAt': expiresAt },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (Attributes === undefined) return undefined;
    const parsed = markerRecord.safeParse(Attributes);
    if (!parsed.success) return undefined;
    const { lastAt, lastStory, countedStory, countedUnique, uniqueStories } = parsed.data;
    return {
      lastAt,
      lastStory,
      ...(countedStory !== undefined && { counted: { story: countedStory, unique: countedUnique ?? false } }),
      uniqueStories: [...(uniqueStories ?? [])],
    };
  }

  async markCounted(message: string, counted: { story: number; unique: boolean }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: clickMarkerKey(message),
        UpdateExpression: `SET countedStory = :story, countedUnique = :unique${counted.unique ? ' ADD uniqueStories :stories' : ''}`,
        ExpressionAttributeValues: {
          ':story': counted.story,
          ':unique': counted.unique,
          ...(counted.unique && { ':stories': new Set([counted.story]) }),
        },
      }),
    );
  }

  async markRetracted(message: string, retracted: { story: number; unique: boolean }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: clickMarkerKey(message),
        UpdateExpression: `REMOVE countedStory, countedUnique${retracted.unique ? ' DELETE uniqueStories :stories' : ''}`,
        ...(retracted.unique && { ExpressionAttributeValues: { ':stories': new Set([retracted.story]) } }),
      }),
    );
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
