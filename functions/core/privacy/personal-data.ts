/**
 * A reader's own data behind their preferences link: "download my data" (every item about the
 * reader: the subscriber record, the delivery watermark, every delivery row) and "delete my data".
 */
import { z } from 'zod';
import type { Delivery, Watermark } from '../delivery/index.ts';
import { parseOrThrow } from '../shared/index.ts';
import { readerBehind, type LinkDeps, type Subscriber } from '../subscribers/index.ts';
import type { PersonalDataStore } from './ports.ts';

export type PersonalDataDeps = LinkDeps & { personalData: PersonalDataStore };

export interface PersonalDataExport {
  exportedAt: string;
  /** Everything the subscriber record holds, as stored; null when there is none. */
  subscriber: Subscriber | null;
  /** The last edition sent and where the next starts; null before the first digest. */
  watermark: Watermark | null;
  deliveries: Delivery[];
}

/** "Download my data": the subscriber record, the watermark and every delivery row addressed to the reader. */
export async function exportPersonalData(token: unknown, deps: PersonalDataDeps): Promise<PersonalDataExport> {
  const { now, email, subscriber } = await readerBehind(token, 'preferences', deps);
  const deliveries: Delivery[] = [];
  for await (const delivery of deps.personalData.deliveriesTo(email)) deliveries.push(delivery);
  const watermark = (await deps.personalData.watermarkOf(email)) ?? null;
  return { exportedAt: now.toISOString(), subscriber: subscriber ?? null, watermark, deliveries };
}

const eraseRequestSchema = z.object({
  confirmErase: z.literal('yes', 'tick the box to confirm that you want your data deleted'),
});

/** "Delete my data", behind a tick box so a stray click cannot erase anyone. */
export async function erasePersonalData(token: unknown, input: unknown, deps: PersonalDataDeps): Promise<void> {
  const { now, email } = await readerBehind(token, 'preferences', deps);
  parseOrThrow(eraseRequestSchema, input ?? {}, 'erase request');
  await deps.personalData.erase(email, now.toISOString());
}
