import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchGet, batchWrite, type BatchRetry, UnprocessedItemsError } from '../../../../functions/adapters/dynamo/batch.ts';

const TABLE = 'digest';
const PUT = { PutRequest: { Item: { pk: 'A', sk: 'A' } } };

/** A client whose first `unprocessedFor` calls hand the whole batch back unprocessed. */
function partialClient(unprocessedFor: number): { doc: DynamoDBDocumentClient; calls: () => number } {
  let calls = 0;
  const send = async (command: { input: { RequestItems: Record<string, unknown> } }) => {
    calls += 1;
    const requested = command.input.RequestItems[TABLE] as { Keys?: unknown[] } | unknown[];
    const unprocessed = calls <= unprocessedFor;
    if (Array.isArray(requested)) return { UnprocessedItems: unprocessed ? { [TABLE]: requested } : {} };
    return unprocessed
      ? { Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: requested } }
      : { Responses: { [TABLE]: requested.Keys ?? [] } };
  };
  return { doc: { send } as unknown as DynamoDBDocumentClient, calls: () => calls };
}

function recordingRetry(random: () => number): { retry: BatchRetry; pauses: number[] } {
  const pauses: number[] = [];
  return { retry: { baseMs: 50, capMs: 5_000, random, sleep: async (ms) => pauses.push(ms) }, pauses };
}

describe('batch retries of unprocessed items', () => {
  it('pauses a random fraction of the exponential ceiling, so throttled writers do not retry in step', async () => {
    const { doc, calls } = partialClient(3);
    const { retry, pauses } = recordingRetry(() => 0.25);

    await batchWrite(doc, TABLE, [PUT], retry);

    expect(calls()).toBe(4);
    expect(pauses).toEqual([0.25 * 200, 0.25 * 400, 0.25 * 800]);
  });

  it('may retry at once when the draw is zero, and never waits past the cap', async () => {
    const zero = recordingRetry(() => 0);
    await batchWrite(partialClient(2).doc, TABLE, [PUT], zero.retry);
    expect(zero.pauses).toEqual([0, 0]);

    const high = recordingRetry(() => 0.999);
    await expect(batchWrite(partialClient(99).doc, TABLE, [PUT], high.retry)).rejects.toBeInstanceOf(UnprocessedItemsError);
    expect(high.pauses).toHaveLength(7);
    expect(Math.max(...high.pauses)).toBeLessThan(5_000);
  });

  it('jitters BatchGetItem retries the same way and returns every item once processed', async () => {
    const { retry, pauses } = recordingRetry(() => 0.5);
    const found = await batchGet(partialClient(1).doc, TABLE, [{ pk: 'A', sk: 'A' }], undefined, retry);
    expect(found).toEqual([{ pk: 'A', sk: 'A' }]);
    expect(pauses).toEqual([100]);
  });
});
