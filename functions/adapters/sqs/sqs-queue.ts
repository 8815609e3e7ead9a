/**
 * Queue over Amazon SQS: delivery jobs go out ten to a SendMessageBatch (the SQS maximum).
 * A batch call can succeed while some entries fail; only those entries are sent again.
 */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import pMap from 'p-map';
import { type ChunkJob, jobWithoutAddresses } from '../../core/delivery/index.ts';
import type { Queue } from '../../core/planning/index.ts';

export interface FailedJob {
  job: ChunkJob;
  code: string;
  /** True when SQS blames the message itself, so sending it again cannot help. */
  senderFault: boolean;
}

export class QueueEnqueueError extends Error {
  override name = 'QueueEnqueueError';
  constructor(
    message: string,
    readonly failed: FailedJob[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface SqsQueueOptions {
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  /** Wait before the first retry; doubles each time. */
  retryDelayMs?: number;
  /** Batches in flight at once: a 100k-recipient edition is 10k batches. */
  concurrency?: number;
}

const BATCH_SIZE = 10;

export class SqsQueue implements Queue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #concurrency: number;

  constructor(client: SQSClient, queueUrl: string, options: SqsQueueOptions = {}) {
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
  }

  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    const batches: ChunkJob[][] = [];
    for (let i = 0; i < jobs.length; i += BATCH_SIZE) batches.push(jobs.slice(i, i + BATCH_SIZE));

    const failed = (await pMap(batches, (batch) => this.#sendBatch(batch), { concurrency: this.#concurrency })).flat();

    if (failed.length > 0) {
      const codes = [...new Set(failed.map((f) => f.code))].join(', ');
      throw new QueueEnqueueError(`${failed.length} of ${jobs.length} delivery jobs were not queued (${codes})`, failed);
    }
  }

  /** Sends one batch, retrying the entries SQS did not take; returns those that never made it. */
  async #sendBatch(batch: ChunkJob[]): Promise<FailedJob[]> {
    let pending = new Map(batch.map((job, index) => [String(index), job]));
    const rejected: FailedJob[] = [];
    let lastFailures: FailedJob[] = [];
    for (let attempt = 1; pending.size > 0 && attempt <= this.#maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.#retryDelayMs * 2 ** (attempt - 2));
      const entries: SendMessageBatchRequestEntry[] = [...pending].map(([id, job]) => ({
        Id: id,
        MessageBody: JSON.stringify(jobWithoutAddresses(job)),
      }));
      const result = await this.#client.send(new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: entries }));

      const retry = new Map<string, ChunkJob>();
      lastFailures = [];
      for (const entry of result.Failed ?? []) {
        const job = entry.Id === undefined ? undefined : pending.get(entry.Id);
        if (entry.Id === undefined || job === undefined) continue;
        const failure = { job, code: entry.Code ?? 'Unknown', senderFault: entry.SenderFault === true };
        if (failure.senderFault) rejected.push(failure);
        else {
          lastFailures.push(failure);
          retry.set(entry.Id, job);
        }
      }
      pending = retry;
    }
    return [...rejected, ...lastFailures];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
