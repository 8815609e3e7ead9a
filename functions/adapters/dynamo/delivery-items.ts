/** The delivery ledger's items as read back (checked with zod before core sees them) and the map updates of a chunk. */
import { z } from 'zod';
import type { DeliveryChunk, Settlement, Watermark } from '../../core/delivery/index.ts';

export const chunkRecord: z.ZodType<DeliveryChunk> = z.object({
  slotDay: z.object({ timezone: z.string(), hour: z.int().min(0).max(23), date: z.string() }),
  id: z.string(),
  editionId: z.string(),
  emails: z.array(z.string()),
  status: z.enum(['pending', 'claimed', 'done']),
  createdAt: z.string(),
  claimedAt: z.string().optional(),
  attempts: z.int().min(0),
  sent: z.record(z.string(), z.string()),
  rejected: z.record(z.string(), z.string()),
  error: z.string().optional(),
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
