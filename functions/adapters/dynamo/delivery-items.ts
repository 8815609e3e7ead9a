/** The delivery ledger's items as read back (checked with zod before core sees them) and the map updates of a chunk. */
import { z } from 'zod';
import {
  type ChunkRef,
  type DeliveryChunk,
  type SendId,
  type SendRecord,
  sendOfChunkId,
  type Settlement,
  type SlotDay,
  type Watermark,
} from '../../core/delivery/index.ts';
import type { ItemKey } from './keys.ts';

/** Chunks open, claimed or paused are in GSI1 under this key; sent and cancelled ones leave it. */
export const OPEN_CHUNKS = 'OPENCHUNKS';
/** GSI1 partition of every send record, sorted by `<createdAt>#<send>`. */
export const RECENT_SENDS = 'RECENTSENDS';

export function ledgerPartition(slotDay: SlotDay): string {
  return `LEDGER#${slotDay.date}#${slotDay.hour}#${slotDay.timezone}`;
}

export function chunkKey(ref: ChunkRef): ItemKey {
  return { pk: ledgerPartition(ref.slotDay), sk: `CHUNK#${ref.id}` };
}

export function sendKey(send: SendId): ItemKey {
  return { pk: `SEND#${send}`, sk: 'SEND' };
}

/** Chunk states as stored; items written before explicit states say `pending` (open) and `done` (sent). */
const storedChunkStatus = z
  .enum(['open', 'claimed', 'sent', 'paused', 'cancelled', 'pending', 'done'])
  .transform((status) => (status === 'pending' ? 'open' : status === 'done' ? 'sent' : status));

export const chunkRecord: z.ZodType<DeliveryChunk> = z
  .object({
    slotDay: z.object({ timezone: z.string(), hour: z.int().min(0).max(23), date: z.string() }),
    id: z.string(),
    /** Absent on items written before send ids: their id starts with it. */
    send: z.string().optional(),
    editionId: z.string(),
    /** Absent, as `sent` and `rejected` are, once a chunk is sent or cancelled: `counts` stand for them. */
    emails: z.array(z.string()).default([]),
    status: storedChunkStatus,
    createdAt: z.string(),
    claimedAt: z.string().optional(),
    stopAs: z.enum(['paused', 'cancelled']).optional(),
    attempts: z.int().min(0),
    sent: z.record(z.string(), z.string()).default({}),
    rejected: z.record(z.string(), z.string()).default({}),
    counts: z.object({ recipients: z.int().min(0), sent: z.int().min(0), rejected: z.int().min(0) }).optional(),
    error: z.string().optional(),
  })
  .transform(({ send, ...chunk }) => ({ ...chunk, send: send ?? sendOfChunkId(chunk.id) }));

export const sendRecord: z.ZodType<SendRecord> = z.object({
  send: z.string(),
  mode: z.enum(['scheduled', 'now']),
  createdAt: z.string(),
  state: z.enum(['running', 'paused', 'cancelled']),
  plannedAt: z.string().optional(),
  editions: z.array(z.string()),
});

export const watermarkRecord: z.ZodType<Watermark> = z.object({
  email: z.string(),
  editionId: z.string(),
  cutoff: z.string(),
  date: z.string(),
  sentAt: z.string(),
});

export const settlementRecord: z.ZodType<Settlement> = z.object({
  at: z.string(),
  chunks: z.int().min(0),
  confirmed: z.int().min(0),
  released: z.int().min(0),
  slotDays: z.int().min(0).optional(),
});

/** `SET m.#k0 = :v0, ...` for a map of email -> value, with names and values numbered from `prefix`. */
export function mapEntries(attribute: string, prefix: string, entries: Record<string, string>) {
  const sets: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  Object.entries(entries).forEach(([email, value], index) => {
    names[`#${prefix}${index}`] = email;
    values[`:${prefix}${index}`] = value;
    sets.push(`${attribute}.#${prefix}${index} = :${prefix}${index}`);
  });
  return { sets, names, values };
}
