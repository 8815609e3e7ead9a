/**
 * Mailbox feedback from SES: a permanent bounce or a complaint suppresses the address for good.
 * SES pauses accounts whose bounce or complaint rates climb, so this is not optional. SES's Send
 * event also lands here, and confirms a digest the sender could not mark sent itself.
 */
import { z } from 'zod';
import { type Clock, parseOrThrow } from '../shared/index.ts';
import type { DeliveryLedger, SendStatsStore } from './ports.ts';
import { emailSchema, type SubscriberStatus, type SubscriberStore } from '../subscribers/index.ts';
import { CHUNK_TAG, EDITION_TAG, parseChunkTagValue } from './send-chunk.ts';
import { EDITION_ID_PATTERN } from '../edition/index.ts';

const recipients = z.array(z.object({ emailAddress: z.string() })).default([]);

/**
 * SES's event-publishing shape (`eventType`, from a configuration set) and its older
 * identity-notification shape (`notificationType`); only the fields we act on are checked.
 */
export const sesFeedbackSchema = z
  .looseObject({
    eventType: z.string().optional(),
    notificationType: z.string().optional(),
    bounce: z.looseObject({ bounceType: z.string(), bouncedRecipients: recipients }).optional(),
    complaint: z.looseObject({ complainedRecipients: recipients }).optional(),
    mail: z
      .looseObject({
        messageId: z.string().optional(),
        destination: z.array(z.string()).optional(),
        tags: z.record(z.string(), z.array(z.string())).optional(),
      })
      .optional(),
  })
  .refine((event) => event.eventType ?? event.notificationType, { message: 'must carry eventType or notificationType' });

export type SesFeedback = z.infer<typeof sesFeedbackSchema>;

export interface SuppressionReport {
  suppressed: { email: string; status: SubscriberStatus }[];
  /** Transient bounces and deliveries: counted by the caller, never a reason to stop mailing. */
  ignored: number;
  /** SES could not render the template for this many recipients (a Rendering Failure event): counted failed, and alarmed on. */
  renderingFailed?: number;
}

/** The edition deliverDigest tagged the message with; mail from elsewhere (confirmations) has none. */
function taggedEdition(event: SesFeedback): string | undefined {
  const editionId = event.mail?.tags?.[EDITION_TAG]?.[0];
  return editionId !== undefined && EDITION_ID_PATTERN.test(editionId) ? editionId : undefined;
}

/** Addresses from SES are mostly well formed; one that is not is skipped, not fatal for the rest. */
function addresses(list: { emailAddress: string }[]): string[] {
  return list.flatMap(({ emailAddress }) => {
    const bare = /<([^<>]+)>\s*$/.exec(emailAddress)?.[1] ?? emailAddress;
    const parsed = emailSchema.safeParse(bare);
    return parsed.success ? [parsed.data] : [];
  });
}

function verdict(event: SesFeedback): { status: 'bounced' | 'complained'; emails: string[] } | undefined {
  const type = event.eventType ?? event.notificationType;
  if (type === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    return { status: 'bounced', emails: addresses(event.bounce.bouncedRecipients) };
  }
  if (type === 'Complaint' && event.complaint) {
    return { status: 'complained', emails: addresses(event.complaint.complainedRecipients) };
  }
  return undefined;
}

export async function applySesFeedback(
  input: unknown,
  deps: { subscribers: SubscriberStore; clock: Clock; sendStats?: SendStatsStore },
): Promise<SuppressionReport> {
  const event = parseOrThrow(sesFeedbackSchema, input, 'SES event');
  const found = verdict(event);
  if ((event.eventType ?? event.notificationType) === 'Rendering Failure') {
    const editionId = taggedEdition(event);
    const count = Math.max(1, event.mail?.destination?.length ?? 0);
    if (deps.sendStats && editionId !== undefined) await deps.sendStats.add(editionId, { failed: count });
    return { suppressed: [], ignored: 0, renderingFailed: count };
  }
  if (!found) return { suppressed: [], ignored: 1 };
  const editionId = taggedEdition(event);
  if (deps.sendStats && editionId !== undefined && found.emails.length > 0) {
    await deps.sendStats.add(editionId, { [found.status]: found.emails.length });
  }
  const at = deps.clock.now().toISOString();
  const suppressed: SuppressionReport['suppressed'] = [];
  for (const email of found.emails) {
    const subscriber = await deps.subscribers.get(email);
    // A complaint outranks a bounce: it is the one that can get the account paused.
    if (!subscriber || subscriber.status === 'complained' || subscriber.status === found.status) continue;
    await deps.subscribers.put({ ...subscriber, status: found.status, updatedAt: at });
    suppressed.push({ email, status: found.status });
  }
  return { suppressed, ignored: 0 };
}

/**
 * SES's Send event says it accepted a digest. Marking its recipients sent in their chunk closes
 * most of the one window the sender cannot: SES accepted, then the sender died (or its call
 * timed out) before recording it. The event arrives within seconds, long before the claim lease
 * lets another sender take the chunk over. Returns how many recipients it marked.
 */
export async function confirmSesSend(input: unknown, deps: { deliveries: DeliveryLedger; clock: Clock }): Promise<number> {
  const event = parseOrThrow(sesFeedbackSchema, input, 'SES event');
  const chunkTag = event.mail?.tags?.[CHUNK_TAG]?.[0];
  const ref = chunkTag === undefined ? undefined : parseChunkTagValue(chunkTag);
  const messageId = event.mail?.messageId;
  if ((event.eventType ?? event.notificationType) !== 'Send' || ref === undefined || !messageId) return 0;
  const sent: Record<string, string> = {};
  for (const email of addresses((event.mail?.destination ?? []).map((emailAddress) => ({ emailAddress })))) sent[email] = messageId;
  if (Object.keys(sent).length > 0) await deps.deliveries.confirmSent(ref, sent);
  return Object.keys(sent).length;
}
