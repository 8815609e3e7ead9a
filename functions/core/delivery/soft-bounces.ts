/**
 * List hygiene for soft bounces. A transient bounce (mailbox full, message refused for now) says
 * nothing alone, but an address that soft-bounces send after send is mailed forever otherwise,
 * which mailbox providers read as not caring who we mail. So a reader whose digests of
 * SOFT_BOUNCE_SENDS different sends in a row bounced transiently becomes `soft-bounced`; a delivery
 * on any later send ends the run. Auto-replies (out of office) arrive as transient bounces too, and
 * say the mailbox works: they never count.
 *
 * Per reader only the run is kept (the last send and the count, on the reader's item): no item
 * per bounce. A delivery costs one conditional write that matches nothing for readers with no run.
 */
import { z } from 'zod';
import type { Clock } from '../shared/index.ts';
import { emailSchema, type SubscriberStore } from '../subscribers/index.ts';
import { CHUNK_TAG, parseChunkTagValue } from './send-chunk.ts';
import { type SendId, sendOfChunkId } from './types.ts';

/** Sends in a row with a transient bounce that suppress a reader. */
export const SOFT_BOUNCE_SENDS = 3;

const bouncedRecipient = z.looseObject({
  emailAddress: z.string(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

const hygieneEventSchema = z.looseObject({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  mail: z.looseObject({ tags: z.record(z.string(), z.array(z.string())).optional() }).optional(),
  delivery: z.looseObject({ recipients: z.array(z.string()).default([]) }).optional(),
  bounce: z
    .looseObject({ bounceType: z.string(), bounceSubType: z.string().optional(), bouncedRecipients: z.array(bouncedRecipient).default([]) })
    .optional(),
});

/** Out-of-office and other automatic answers: SES reports some as transient bounces. */
const AUTO_REPLY = /auto[- ]?(reply|replied|responder|submitted)|out of (the )?office|vacation|away from (the )?office/i;

/** An enhanced status code of class 2 is a success: whatever came back was not a failure to deliver. */
export function isAutoReply(recipient: { status?: string | undefined; diagnosticCode?: string | undefined }): boolean {
  return /^2\./.test(recipient.status ?? '') || AUTO_REPLY.test(recipient.diagnosticCode ?? '');
}

function bareAddress(address: string): string | undefined {
  const bare = /<([^<>]+)>\s*$/.exec(address)?.[1] ?? address;
  const parsed = emailSchema.safeParse(bare);
  return parsed.success ? parsed.data : undefined;
}

export interface SoftBounceReport {
  /** Readers suppressed as soft-bounced repeatedly by this event. */
  suppressed: string[];
  /** Readers whose run this event lengthened (suppressed ones included). */
  counted: number;
}

/** The next run after a transient bounce on `send`: the same send again counts once. */
export function nextRun(run: { send: SendId; count: number } | undefined, send: SendId): { send: SendId; count: number } {
  if (run?.send === send) return run;
  return { send, count: (run?.count ?? 0) + 1 };
}

export async function applySoftBounceHygiene(
  input: unknown,
  deps: { subscribers: SubscriberStore; clock: Clock },
): Promise<SoftBounceReport> {
  const report: SoftBounceReport = { suppressed: [], counted: 0 };
  const parsed = hygieneEventSchema.safeParse(input);
  if (!parsed.success) return report;
  const event = parsed.data;
  const tag = event.mail?.tags?.[CHUNK_TAG]?.[0];
  const ref = tag === undefined ? undefined : parseChunkTagValue(tag);
  // Only digests count: a confirmation email's bounce is the confirmation flow's business.
  if (ref === undefined) return report;
  const type = event.eventType ?? event.notificationType;
  if (type === 'Delivery') {
    for (const address of event.delivery?.recipients ?? []) {
      const email = bareAddress(address);
      if (email !== undefined) await deps.subscribers.clearSoftBounces(email);
    }
    return report;
  }
  if (type !== 'Bounce' || event.bounce?.bounceType !== 'Transient') return report;
  const send = sendOfChunkId(ref.id);
  for (const recipient of event.bounce.bouncedRecipients) {
    const email = bareAddress(recipient.emailAddress);
    if (email === undefined || isAutoReply(recipient)) continue;
    const reader = await deps.subscribers.get(email);
    if (reader?.status !== 'confirmed') continue;
    const run = nextRun(reader.softBounces, send);
    if (run === reader.softBounces) continue;
    report.counted += 1;
    const updatedAt = deps.clock.now().toISOString();
    if (run.count >= SOFT_BOUNCE_SENDS) {
      const { softBounces: _ended, ...rest } = reader;
      if (await deps.subscribers.putIfStatus({ ...rest, status: 'soft-bounced', updatedAt }, 'confirmed')) report.suppressed.push(email);
    } else await deps.subscribers.putIfStatus({ ...reader, softBounces: run, updatedAt }, 'confirmed');
  }
  return report;
}
