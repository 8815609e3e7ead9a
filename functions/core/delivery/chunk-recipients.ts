/**
 * Who of a claimed chunk gets the edition now: each reader not yet settled is either turned
 * away with the reason (no longer subscribed, already has this edition or today's digest, moved
 * to another slot) or becomes one destination of the bulk call, with their replacement data.
 */
import type { Settings } from '../shared/index.ts';
import { type Edition, recipientSubstitution } from '../edition/index.ts';
import { clickLinkData } from '../engagement/index.ts';
import { hadTodaysDigest, memoisedLocalRunDate, type Subscriber } from '../subscribers/index.ts';
import type { BulkRecipient } from './ports.ts';
import { ChunkTooLargeError } from './errors.ts';
import type { DeliverOutcome, DeliveryChunk, SlotDay, Watermark } from './types.ts';

/** SES v2: TemplateData and ReplacementTemplateData are at most 262,144 characters each. */
export const TEMPLATE_DATA_MAX_CHARS = 262_144;

/** What a sender knows of each reader still to do: their item and their watermark, read together. */
export type FoundRecipients = Map<string, { subscriber?: Subscriber; watermark?: Watermark }>;

export interface RecipientsToSend {
  recipients: BulkRecipient[];
  /** The request's size so far from these recipients' data and headers. */
  requestBytes: number;
}

function sameSlot(slotDay: SlotDay, timezone: string, hour: number): boolean {
  return slotDay.timezone === timezone && slotDay.hour === hour;
}

/** Why `reader` gets no digest from this chunk now, or undefined when they do. */
function turnedAway(
  reader: Subscriber | undefined,
  watermark: Watermark | undefined,
  chunk: DeliveryChunk,
  edition: Edition,
  runDate: ReturnType<typeof memoisedLocalRunDate>,
): DeliverOutcome | undefined {
  if (!reader || reader.status !== 'confirmed') return 'not-subscribed';
  if (watermark?.editionId === edition.id) return 'duplicate';
  if (!sameSlot(chunk.slotDay, reader.timezone, reader.sendHour)) return 'moved';
  if (watermark?.date === chunk.slotDay.date) return 'already-served-today';
  if (hadTodaysDigest(reader, edition.cutoff, runDate) && reader.lastEditionId !== edition.id) return 'already-served-today';
  return undefined;
}

/** Sets the outcome of every reader turned away, and returns the destinations of those who are not. */
export function classifyRecipients(
  todo: readonly string[],
  found: FoundRecipients,
  chunk: DeliveryChunk,
  edition: Edition,
  context: { now: Date; settings: Settings; header: { name: string; value: string }; outcomes: Map<string, DeliverOutcome> },
): RecipientsToSend {
  const recipients: BulkRecipient[] = [];
  // The chunk's readers share a zone and so a handful of local dates: Intl once per distinct one.
  const runDate = memoisedLocalRunDate();
  let requestBytes = 0;
  for (const email of todo) {
    const { subscriber: reader, watermark } = found.get(email) ?? {};
    const outcome = turnedAway(reader, watermark, chunk, edition, runDate);
    if (outcome !== undefined || !reader) {
      context.outcomes.set(email, outcome ?? 'not-subscribed');
      continue;
    }
    const { data, headers } = recipientSubstitution(edition, reader, context.now, context.settings, 'links', chunk.send);
    if (context.settings.clickTracking)
      Object.assign(data, clickLinkData(edition, { email, send: chunk.send, sentAt: context.now }, context.settings));
    const dataJson = JSON.stringify(data);
    if (dataJson.length > TEMPLATE_DATA_MAX_CHARS)
      throw new ChunkTooLargeError(`replacement data for ${email} is over ${TEMPLATE_DATA_MAX_CHARS} characters`);
    requestBytes += dataJson.length + 200;
    headers.push(context.header);
    recipients.push({ to: email, dataJson, headers });
  }
  return { recipients, requestBytes };
}
