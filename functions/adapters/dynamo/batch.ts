/**
 * BatchWriteItem and BatchGetItem with DynamoDB's partial answers handled: whatever comes back
 * unprocessed is sent again after a growing, randomised pause, a bounded number of times.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fullJitterDelayMs } from '../../core/delivery/index.ts';
import type { ItemKey } from './keys.ts';

/** DynamoDB's limit per BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;
/** DynamoDB's limit per BatchGetItem call. */
export const BATCH_GET_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 8;

/**
 * Unprocessed items mean the partition is throttled; writers that back off in lockstep hit it
 * again together, so each pause is drawn uniformly below an exponential ceiling ("full jitter").
 */
export interface BatchRetry {
  baseMs: number;
  capMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<unknown>;
}

/** The ceiling doubles from 200 ms; the cap keeps eight attempts within a Lambda's patience. */
const DEFAULT_RETRY: BatchRetry = { baseMs: 50, capMs: 5_000, random: Math.random, sleep: delay };

/** DynamoDB kept handing back part of a batch; the caller may retry the whole operation, which is idempotent. */
export class UnprocessedItemsError extends Error {
  override name = 'UnprocessedItemsError';
}

type WriteRequest = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string][number];

/** Sends `pending` until nothing comes back unprocessed; `send` returns what did. */
async function untilProcessed<T>(what: string, pending: T[], send: (batch: T[]) => Promise<T[]>, retry: BatchRetry): Promise<void> {
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > MAX_BATCH_ATTEMPTS) {
      throw new UnprocessedItemsError(`${pending.length} ${what} still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
    }
    if (attempt > 1) await retry.sleep(fullJitterDelayMs(attempt, retry.baseMs, retry.capMs, retry.random));
    pending = await send(pending);
  }
}

/** One BatchWriteItem of at most 25 requests. */
export async function batchWrite(
  doc: DynamoDBDocumentClient,
  tableName: string,
  requests: WriteRequest[],
  retry: BatchRetry = DEFAULT_RETRY,
): Promise<void> {
  await untilProcessed(
    'writes',
    requests,
    async (batch) => {
      const { UnprocessedItems } = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
      return UnprocessedItems?.[tableName] ?? [];
    },
    retry,
  );
}

/** One BatchGetItem of at most 100 keys; the items found, in no particular order. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  projection?: string,
  retry: BatchRetry = DEFAULT_RETRY,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await untilProcessed<Record<string, unknown>>(
    'reads',
    keys.map((key) => ({ ...key })),
    async (batch) => {
      const { Responses, UnprocessedKeys } = await doc.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: batch, ...(projection ? { ProjectionExpression: projection } : {}) } },
        }),
      );
      found.push(...(Responses?.[tableName] ?? []));
      return UnprocessedKeys?.[tableName]?.Keys ?? [];
    },
    retry,
  );
  return found;
}
