/**
 * The local stand-in for the SQS send queue and its event source: chunk jobs go out in batches
 * to the sender's batch use case (core's sendBatch, as in the Lambda), with the redeliveries SQS
 * would give: a job not done (failed, or its claim held by another sender) comes back after a
 * delay until maxAttempts, like maxReceiveCount before the DLQ, and then goes to the dead-letter
 * list (dead-letters.ts) until a redrive; a deferred job (daily quota) comes back after the
 * deferral's delay. Each recipient's final outcome is reported once.
 */
import pMap from 'p-map';
import {
  type ChunkJob,
  type DeliverOutcome,
  type DeliveryJob,
  type JobDeferral,
  type QueuedDelivery,
  type QueuedJobReceipt,
  SEND_FLEET,
  type SendBatchReport,
} from '../core/delivery/index.ts';
import type { Queue } from '../core/planning/index.ts';
import { type DeadLetterList, MemoryDeadLetters } from './dead-letters.ts';

/** A job's last word: what delivery made of it, or that the queue gave up, or that it waits for the quota. */
export type QueueOutcome = DeliverOutcome | 'failed' | 'deferred';

export interface InProcessQueueOptions {
  /** Runs one batch; `maxReceiveCount` is this queue's maxAttempts, so failures are counted on the last one. */
  deliverBatch(messages: readonly QueuedDelivery[], maxReceiveCount: number): Promise<SendBatchReport>;
  /** Jobs per batch, like the event source's batch size. */
  batchSize?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** Attempts per job, like the queue's maxReceiveCount before the DLQ. */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Where jobs go after their last attempt; kept in memory unless given. */
  deadLetters?: DeadLetterList;
  onOutcome?(job: DeliveryJob, outcome: QueueOutcome, error?: unknown): void;
}

const QUEUE_ARN = 'in-process';

export class InProcessQueue implements Queue, JobDeferral {
  readonly #options: Required<Omit<InProcessQueueOptions, 'onOutcome'>> & Pick<InProcessQueueOptions, 'onOutcome'>;
  /** Messages handed to a batch and not yet settled, by receipt handle, so a deferral can find them. */
  readonly #inFlight = new Map<string, { message: QueuedDelivery; job: ChunkJob }>();
  /** Recipients of a chunk whose outcome was reported, so a redelivered chunk reports the rest only. */
  readonly #reported = new Map<string, Set<string>>();
  #nextId = 0;

  constructor(options: InProcessQueueOptions) {
    this.#options = {
      batchSize: SEND_FLEET.batchSize,
      concurrency: 1,
      maxAttempts: 3,
      retryDelayMs: 500,
      deadLetters: new MemoryDeadLetters(),
      ...options,
    };
  }

  get deadLetters(): DeadLetterList {
    return this.#options.deadLetters;
  }

  /** Sends every dead-lettered job again, as a DLQ redrive does; returns how many. */
  async redrive(): Promise<number> {
    const jobs = await this.#options.deadLetters.takeAll();
    if (jobs.length > 0) await this.enqueue(jobs);
    return jobs.length;
  }

  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    const messages = jobs.map((job) => this.#message(job));
    const batches: QueuedDelivery[][] = [];
    for (let i = 0; i < messages.length; i += this.#options.batchSize) batches.push(messages.slice(i, i + this.#options.batchSize));
    await pMap(batches, (batch) => this.#run(batch), { concurrency: this.#options.concurrency });
  }

  /** The sender found the daily quota used up: these messages come back after `seconds`, without holding up the rest. */
  async defer(receipts: readonly QueuedJobReceipt[], seconds: number): Promise<void> {
    for (const receipt of receipts) {
      const entry = this.#inFlight.get(receipt.receiptHandle);
      if (!entry) continue;
      this.#inFlight.delete(receipt.receiptHandle);
      // Reported, not settled: the chunk comes back and reports its recipients' final outcomes then.
      const reported = this.#reportedFor(entry);
      for (const email of (entry.job.emails ?? []).filter((e) => !reported.has(e)))
        this.#options.onOutcome?.({ editionId: entry.job.editionId, email }, 'deferred');
      const again = { ...entry.message, receiveCount: entry.message.receiveCount + 1 };
      // Unref'd: a deferred job must not keep `digest send-now` or a stopping `npm start` alive.
      setTimeout(() => void this.#run([again]), seconds * 1000).unref();
    }
  }

  /** The receipt handle is the message id: one queue, no visibility timeout to tell deliveries apart. */
  #message(job: ChunkJob): QueuedDelivery {
    const id = `local-${(this.#nextId += 1)}`;
    return { id, body: JSON.stringify(job), receiveCount: 1, receipt: { queueArn: QUEUE_ARN, receiptHandle: id } };
  }

  #reportedFor(entry: { message: QueuedDelivery }): Set<string> {
    let reported = this.#reported.get(entry.message.id);
    if (!reported) {
      reported = new Set();
      this.#reported.set(entry.message.id, reported);
    }
    return reported;
  }

  /** The chunk's recipients with no outcome reported yet; marks them reported. */
  #unreported(entry: { message: QueuedDelivery; job: ChunkJob }): string[] {
    const reported = this.#reportedFor(entry);
    const left = (entry.job.emails ?? []).filter((email) => !reported.has(email));
    for (const email of left) reported.add(email);
    return left;
  }

  async #run(batch: readonly QueuedDelivery[]): Promise<void> {
    const { deliverBatch, maxAttempts, retryDelayMs, onOutcome, deadLetters } = this.#options;
    for (const message of batch) this.#inFlight.set(message.receipt.receiptHandle, { message, job: JSON.parse(message.body) as ChunkJob });
    let report: SendBatchReport;
    try {
      report = await deliverBatch(batch, maxAttempts);
    } catch (error) {
      report = {
        items: batch.map((message) => ({ id: message.id, job: undefined, outcome: 'failed', recipients: new Map(), error })),
        notDone: batch.map((m) => m.id),
        counts: {},
      };
    }
    const again: QueuedDelivery[] = [];
    for (const item of report.items) {
      const entry = this.#inFlight.get(item.id);
      // Deferred messages left the map in defer(); their timer brings them back.
      if (!entry || item.outcome === 'deferred') continue;
      this.#inFlight.delete(item.id);
      const reported = this.#reportedFor(entry);
      for (const [email, outcome] of item.recipients) {
        if (reported.has(email) || (item.outcome !== 'done' && outcome !== 'sent' && outcome !== 'rejected')) continue;
        reported.add(email);
        onOutcome?.({ editionId: entry.job.editionId, email }, outcome, outcome === 'rejected' ? item.error : undefined);
      }
      if (item.outcome === 'done') this.#reported.delete(entry.message.id);
      else if (entry.message.receiveCount >= maxAttempts) {
        for (const email of this.#unreported(entry)) onOutcome?.({ editionId: entry.job.editionId, email }, 'failed', item.error);
        this.#reported.delete(entry.message.id);
        await deadLetters.add(entry.job, item.error instanceof Error ? `${item.error.name}: ${item.error.message}` : String(item.error));
      } else again.push({ ...entry.message, receiveCount: entry.message.receiveCount + 1 });
    }
    if (again.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs * ((again[0]?.receiveCount ?? 2) - 1)));
    await this.#run(again);
  }
}
