/**
 * SES's Delivery, Bounce and Complaint events counted against the send and edition a digest
 * belongs to: the message's chunk tag names the chunk, whose id starts with its send's id, and
 * the edition tag names the edition. One atomic add per event, whatever the recipients; mail
 * without those tags (confirmations, welcomes) counts nowhere.
 */
import { z } from 'zod';
import { EDITION_ID_PATTERN } from '../edition/index.ts';
import type { SendStatsStore } from './ports.ts';
import type { SendResultCounts } from './send-results.ts';
import { CHUNK_TAG, EDITION_TAG, parseChunkTagValue } from './send-chunk.ts';
import { sendOfChunkId, type SendId } from './types.ts';

const recipientCount = z.array(z.unknown()).default([]);

/** Only the fields counted; anything else in the event is SES's business. */
const outcomeEventSchema = z.looseObject({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  delivery: z.looseObject({ recipients: recipientCount }).optional(),
  bounce: z.looseObject({ bounceType: z.string(), bouncedRecipients: recipientCount }).optional(),
  complaint: z.looseObject({ complainedRecipients: recipientCount }).optional(),
  mail: z.looseObject({ tags: z.record(z.string(), z.array(z.string())).optional() }).optional(),
});

type OutcomeEvent = z.infer<typeof outcomeEventSchema>;

export interface CountedOutcome {
  send: SendId;
  editionId: string;
  counts: Partial<SendResultCounts>;
}

/** The send and edition a digest's message was tagged with, if it is one. */
function digestOf(event: OutcomeEvent): { send: SendId; editionId: string } | undefined {
  const chunk = event.mail?.tags?.[CHUNK_TAG]?.[0];
  const editionId = event.mail?.tags?.[EDITION_TAG]?.[0];
  const ref = chunk === undefined ? undefined : parseChunkTagValue(chunk);
  if (ref === undefined || editionId === undefined || !EDITION_ID_PATTERN.test(editionId)) return undefined;
  return { send: sendOfChunkId(ref.id), editionId };
}

function countsOf(event: OutcomeEvent): Partial<SendResultCounts> | undefined {
  switch (event.eventType ?? event.notificationType) {
    case 'Delivery':
      return { delivered: Math.max(1, event.delivery?.recipients.length ?? 0) };
    case 'Bounce': {
      const bounced = Math.max(1, event.bounce?.bouncedRecipients.length ?? 0);
      // SES's third type, Undetermined, says nothing about the address: neither kind.
      if (event.bounce?.bounceType === 'Permanent') return { bouncedPermanent: bounced };
      if (event.bounce?.bounceType === 'Transient') return { bouncedTransient: bounced };
      return undefined;
    }
    case 'Complaint':
      return { complained: Math.max(1, event.complaint?.complainedRecipients.length ?? 0) };
    default:
      return undefined;
  }
}

/** What the event adds to its send's counters, or undefined when it adds nothing (not a digest, or not an outcome). */
export function sendOutcomeOf(input: unknown): CountedOutcome | undefined {
  const parsed = outcomeEventSchema.safeParse(input);
  if (!parsed.success) return undefined;
  const digest = digestOf(parsed.data);
  const counts = digest && countsOf(parsed.data);
  return digest && counts ? { ...digest, counts } : undefined;
}

/** Counts one SES event against its send and edition; returns what it counted. */
export async function countSendOutcome(input: unknown, deps: { sendStats: SendStatsStore }): Promise<CountedOutcome | undefined> {
  const outcome = sendOutcomeOf(input);
  if (outcome) await deps.sendStats.addToSend(outcome.send, outcome.editionId, outcome.counts);
  return outcome;
}
