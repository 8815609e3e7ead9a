import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChunkJob } from '../../../../functions/core/delivery/types.ts';
import { jobWithoutAddresses } from '../../../../functions/core/delivery/chunk-job.ts';
import { QueueEnqueueError, SqsQueue } from '../../../../functions/adapters/sqs/sqs-queue.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/send';
const sqs = mockClient(SQSClient);

afterEach(() => {
  sqs.reset();
});

function jobs(count: number): ChunkJob[] {
  return Array.from({ length: count }, (_, i) => ({
    slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-26' },
    id: `run-${i}`,
    editionId: 'ED1',
    emails: [`reader${i}@example.org`],
  }));
}

function sentInputs(): SendMessageBatchCommandInput[] {
  return sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
}

function queue(): SqsQueue {
  return new SqsQueue(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, { retryDelayMs: 1, concurrency: 2 });
}

describe('SqsQueue.enqueue', () => {
  it('sends the jobs ten to a batch as JSON bodies of chunk references, with no address in them', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await queue().enqueue(jobs(23));

    const inputs = sentInputs();
    expect(inputs.map((input) => input.Entries?.length)).toEqual([10, 10, 3]);
    expect(inputs.every((input) => input.QueueUrl === QUEUE_URL)).toBe(true);
    const bodies = inputs.flatMap((input) => input.Entries ?? []).map((entry) => JSON.parse(entry.MessageBody ?? ''));
    expect(bodies).toEqual(jobs(23).map(({ emails: _emails, ...reference }) => ({ ...reference, recipients: 1 })));
    expect(inputs.flatMap((input) => input.Entries ?? []).filter((entry) => entry.MessageBody?.includes('@'))).toEqual([]);
  });

  it('sends nothing for no jobs', async () => {
    await queue().enqueue([]);
    expect(sentInputs()).toEqual([]);
  });

  it('sends again only the entries that failed', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '3', Code: 'InternalError', SenderFault: false }], Successful: [] })
      .resolves({ Failed: [], Successful: [] });

    await queue().enqueue(jobs(5));

    const [first, second] = sentInputs();
    expect(first?.Entries).toHaveLength(5);
    expect(second?.Entries?.map((entry) => JSON.parse(entry.MessageBody ?? ''))).toEqual([jobWithoutAddresses(jobs(5)[3]!)]);
  });

  it('gives up after a few attempts and names the jobs that never made it', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'ServiceUnavailable', SenderFault: false }] });

    const error = await queue()
      .enqueue(jobs(2))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueueEnqueueError);
    expect((error as QueueEnqueueError).failed).toEqual([{ job: jobs(2)[1], code: 'ServiceUnavailable', senderFault: false }]);
    expect(sentInputs()).toHaveLength(4);
  });

  it('does not resend an entry SQS rejected as malformed, but still retries the others', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [
          { Id: '0', Code: 'InvalidMessageContents', SenderFault: true },
          { Id: '1', Code: 'InternalError', SenderFault: false },
        ],
      })
      .resolves({ Failed: [] });

    const error = await queue()
      .enqueue(jobs(3))
      .catch((e: unknown) => e);

    expect((error as QueueEnqueueError).failed).toEqual([{ job: jobs(3)[0], code: 'InvalidMessageContents', senderFault: true }]);
    expect(sentInputs()[1]?.Entries?.map((entry) => entry.Id)).toEqual(['1']);
  });
});
