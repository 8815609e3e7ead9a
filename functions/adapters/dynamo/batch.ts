/**
 * BatchWriteItem and BatchGetItem with DynamoDB's partial answers handled: whatever comes back
 * unprocessed is sent again after a growing pause, a bounded number of times.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './keys.ts';

/** DynamoDB's limit per BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;
/** DynamoDB's limit per BatchGetItem call. */
export const BATCH_GET_LIMIT = 100;
const MAX_BATCH_ATTEMPTS = 8;

/** DynamoDB kept handing back part of a batch; the caller may retry the whole operation, which is idempotent. */
export class UnprocessedItemsError extends Error {
  override name = 'UnprocessedItemsError';
}

type WriteRequest = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string][number];

/** Sends `pending` until nothing comes back unprocessed; `send` returns what did. */
async function untilProcessed<T>(what: string, pending: T[], send: (batch: T[]) => Promise<T[]>): Promise<void> {
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > MAX_BATCH_ATTEMPTS) {
      throw new UnprocessedItemsError(`${pending.length} ${what} still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
    }
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    pending = await send(pending);
  }
}

/** One BatchWriteItem of at most 25 requests. */
export async function batchWrite(doc: DynamoDBDocumentClient, tableName: string, requests: WriteRequest[]): Promise<void> {
  await untilProcessed('writes', requests, async (batch) => {
    const { UnprocessedItems } = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }));
    return UnprocessedItems?.[tableName] ?? [];
  });
}

/** One BatchGetItem of at most 100 keys; the items found, in no particular order. */
export async function batchGet(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
  projection?: string,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  await untilProcessed<Record<string, unknown>>('reads', keys.map((key) => ({ ...key })), async (batch) => {
    const { Responses, UnprocessedKeys } = await doc.send(
      new BatchGetCommand({
        RequestItems: { [tableName]: { Keys: batch, ...(projection ? { ProjectionExpression: projection } : {}) } },
      }),
    );
    found.push(...(Responses?.[tableName] ?? []));
    return UnprocessedKeys?.[tableName]?.Keys ?? [];
  });
  return found;
}
