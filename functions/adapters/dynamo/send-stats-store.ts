/**
 * Send counters: one item per edition (pk ED#<id>, sk STATS) beside its delivery rows, bumped with
 * ADD, so `digest status` reads one small item per edition instead of 100k delivery rows, and the
 * edition item itself (tens of KB of HTML, billed per KB on every update) is never rewritten.
 * A send's results are one item per edition it sent (pk SEND#<send>, sk STATS#<edition>) beside
 * its record, with a story's clicks in `clicks_<n>` / `uclicks_<n>` (n: its index in the edition):
 * one update per event, one query per report, nothing per reader.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  type CountedClick,
  type CountedOpen,
  type EditionResults,
  SEND_COUNT_NAMES,
  SEND_RESULT_NAMES,
  type SendCounts,
  type SendId,
  type SendResultCounts,
  type SendStatsStore,
  type StoryClicks,
  zeroCounts,
  zeroResults,
} from '../../core/delivery/index.ts';
import type { ClickCounter } from '../../core/engagement/index.ts';
import { sendKey } from './delivery-items.ts';
import { expiresAfterDays } from './item-time.ts';
import { editionKey, type ItemKey } from './keys.ts';
import { DELIVERY_TTL_DAYS, EDITION_TTL_DAYS } from './schema.ts';

const STATS_SK = 'STATS';
const QUOTA_KEY = { pk: 'SEND_STATUS', sk: 'QUOTA' };

// A plain object schema drops the item's key and TTL attributes, so get() returns the counts alone.
const countsRecord = z.object(Object.fromEntries(SEND_COUNT_NAMES.map((name) => [name, z.number().int().min(0).default(0)])));
const quotaRecord = z.looseObject({ at: z.string(), detail: z.string() });
const SEND_STATS_PREFIX = 'STATS#';
const STORY_COUNTER = /^(u?)clicks_(\d{1,4})$/;
/** Story indexes beyond this are no story an email lists: not counted, so an item cannot grow without bound. */
const MAX_STORY_INDEX = 999;

function sendStatsKey(send: SendId, editionId: string): ItemKey {
  return { pk: sendKey(send).pk, sk: `${SEND_STATS_PREFIX}${editionId}` };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** One send-and-edition item as counters; attributes it does not know are left out. */
function editionResultsOf(item: Record<string, unknown>): EditionResults {
  const counts = zeroResults();
  for (const name of SEND_RESULT_NAMES) counts[name] = count(item[name]);
  const stories = new Map<number, StoryClicks>();
  for (const [name, value] of Object.entries(item)) {
    const match = STORY_COUNTER.exec(name);
    if (!match) continue;
    const story = Number(match[2]);
    const entry = stories.get(story) ?? { story, clicks: 0, uniqueClicks: 0 };
    if (match[1] === 'u') entry.uniqueClicks = count(value);
    else entry.clicks = count(value);
    stories.set(story, entry);
  }
  return {
    editionId: String(item['sk']).slice(SEND_STATS_PREFIX.length),
    counts,
    stories: [...stories.values()].sort((a, b) => a.story - b.story),
  };
}

export class DynamoSendStatsStore implements SendStatsStore, ClickCounter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowIso: () => string = () => new Date().toISOString(),
  ) {}

  async add(editionId: string, counts: Partial<SendCounts>): Promise<void> {
    await this.#addCounters({ pk: editionKey(editionId).pk, sk: STATS_SK }, Object.entries(counts), EDITION_TTL_DAYS);
  }

  async get(editionId: string): Promise<SendCounts> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: editionKey(editionId).pk, sk: STATS_SK } }),
    );
    if (Item === undefined) return zeroCounts();
    const parsed = countsRecord.safeParse(Item);
    return parsed.success ? { ...zeroCounts(), ...(parsed.data as Partial<SendCounts>) } : zeroCounts();
  }

  async addToSend(send: SendId, editionId: string, counts: Partial<SendResultCounts>): Promise<void> {
    await this.#addCounters(sendStatsKey(send, editionId), Object.entries(counts), DELIVERY_TTL_DAYS);
  }

  async addClick(click: CountedClick): Promise<void> {
    await this.#countClick(click, 1);
  }

  /** The click counter's side of these counters (core/engagement's ClickCounter). */
  recordClick(click: CountedClick): Promise<void> {
    return this.#countClick(click, 1);
  }

  /** Takes back a click that turned out to open a scanner's burst: the same counters, less one. */
  retractClick(click: CountedClick): Promise<void> {
    return this.#countClick(click, -1);
  }

  async #countClick({ send, editionId, story, unique }: CountedClick, by: 1 | -1): Promise<void> {
    const counters: [string, number][] = [['clicks', by]];
    if (unique) counters.push(['uniqueClicks', by]);
    if (Number.isInteger(story) && story >= 0 && story <= MAX_STORY_INDEX) {
      counters.push([`clicks_${story}`, by]);
      if (unique) counters.push([`uclicks_${story}`, by]);
    }
    await this.#addCounters(sendStatsKey(send, editionId), counters, DELIVERY_TTL_DAYS);
  }

  async addOpen({ send, editionId, unique }: CountedOpen): Promise<void> {
    await this.#addCounters(
      sendStatsKey(send, editionId),
      unique
        ? [
            ['opens', 1],
            ['uniqueOpens', 1],
          ]
        : [['opens', 1]],
      DELIVERY_TTL_DAYS,
    );
  }

  async sendResults(send: SendId): Promise<EditionResults[]> {
    const results: EditionResults[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': sendKey(send).pk, ':prefix': SEND_STATS_PREFIX },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) results.push(editionResultsOf(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return results;
  }

  /** One ADD of every positive counter; a send's items live as long as its record, an edition's as long as the edition. */
  async #addCounters(key: ItemKey, counters: readonly [string, number | undefined][], ttlDays: number): Promise<void> {
    // Zeros are skipped; a negative count is a retraction (a scanner's click taken back).
    const entries = counters.filter((entry): entry is [string, number] => entry[1] !== undefined && entry[1] !== 0);
    if (entries.length === 0) return;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':expiresAt': expiresAfterDays(this.nowIso(), ttlDays) };
    entries.forEach(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET expiresAt = if_not_exists(expiresAt, :expiresAt)`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async recordQuotaExhausted(at: string, detail: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: QUOTA_KEY,
        UpdateExpression: 'SET #at = :at, detail = :detail',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': at, ':detail': detail },
      }),
    );
  }

  async lastQuotaExhausted(): Promise<{ at: string; detail: string } | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: QUOTA_KEY }));
    if (Item === undefined) return undefined;
    const parsed = quotaRecord.safeParse(Item);
    return parsed.success ? { at: parsed.data.at, detail: parsed.data.detail } : undefined;
  }
}
