/** The queue message of a chunk: what the planner enqueues, and a restarted local stack enqueues again. */
import type { ChunkJob, DeliveryChunk } from './types.ts';

/** `adopted` when a run other than the chunk's own enqueues it: a fresh claim held elsewhere is then not a reason to retry. */
export function chunkJobOf(chunk: DeliveryChunk, adopted = false): ChunkJob {
  return { slotDay: chunk.slotDay, id: chunk.id, send: chunk.send, editionId: chunk.editionId, emails: chunk.emails, ...(adopted ? { adopted } : {}) };
}
