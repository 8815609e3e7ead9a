/** The queue message of a chunk: what the planner enqueues, and a restarted local stack enqueues again. */
import type { ChunkJob, DeliveryChunk } from './types.ts';

/** `adopted` when a run other than the chunk's own enqueues it: a fresh claim held elsewhere is then not a reason to retry. */
export function chunkJobOf(chunk: DeliveryChunk, adopted = false): ChunkJob {
  return {
    slotDay: chunk.slotDay,
    id: chunk.id,
    send: chunk.send,
    editionId: chunk.editionId,
    emails: chunk.emails,
    recipients: chunk.emails.length,
    ...(adopted ? { adopted } : {}),
  };
}

/** The job as a queue that outlives the process (SQS, its DLQ) carries it: the chunk's reference and size, no address. */
export function jobWithoutAddresses(job: ChunkJob): ChunkJob {
  const { emails, ...reference } = job;
  return { ...reference, recipients: job.recipients ?? emails?.length ?? 0 };
}

/** Readers a job stands for, for rate tokens and counters. */
export function recipientsOf(job: ChunkJob): number {
  return job.recipients ?? job.emails?.length ?? 0;
}
