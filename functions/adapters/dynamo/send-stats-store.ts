/**
 * Send counters: one item per edition (pk ED#<id>, sk STATS) beside its delivery rows, bumped with
 * ADD, so `digest status` reads one small item per edition instead of 100k delivery rows, and the
 * edition item itself (tens of KB of HTML, billed per KB on every update) is never rewritten.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { SEND_COUNT_NAMES, type SendCounts, type SendStatsStore, zeroCounts } from '../../core/delivery/index.ts';
import { expiresAfterDays } from './item-time.ts';
import { editionKey } from './keys.ts';
import { EDITION_TTL_DAYS } from './schema.ts';

const STATS_SK = 'STATS';
const QUOTA_KEY = { pk: 'SEND_STATUS', sk: 'QUOTA' };

// A plain object schema drops the item's key and TTL attributes, so get() returns the counts alone.
const countsRecord = z.object(Object.fromEntries(SEND_COUNT_NAMES.map((name) => [name, z.number().int().min(0).default(0)])));
const quotaRecord = z.looseObject({ at: z.string(), detail: z.string() });

export class DynamoSendStatsStore implements SendStatsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowIso: () => string = () => new Date().toISOString(),
  ) {}

  async add(editionId: string, counts: Partial<SendCounts>): Promise<void> {
    const entries = Object.entries(counts).filter(([, value]) => value !== undefined && value > 0);
    if (entries.length === 0) return;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':expiresAt': expiresAfterDays(this.nowIso(), EDITION_TTL_DAYS) };
    entries.forEach(([name, value], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = value;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: editionKey(editionId).pk, sk: STATS_SK },
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET expiresAt = if_not_exists(expiresAt, :expiresAt)`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async get(editionId: string): Promise<SendCounts> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: editionKey(editionId).pk, sk: STATS_SK } }),
    );
    if (Item === undefined) return zeroCounts();
    const parsed = countsRecord.safeParse(Item);
    return parsed.success ? { ...zeroCounts(), ...(parsed.data as Partial<SendCounts>) } : zeroCounts();
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
