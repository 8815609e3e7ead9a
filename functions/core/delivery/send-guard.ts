/**
 * The send guard: a send that stops itself before SES stops the account. SES reviews an account
 * at a 5% bounce rate or a 0.1% complaint rate; one send to an old imported list can get there.
 * The guard counts, per send, the recipients whose outcome SES has reported (delivered or
 * permanently bounced) and the complaints among them, and pauses the rest of the send when:
 * - permanent bounces reach `bounceRate` of at least `bounceMinKnown` known outcomes, or
 * - complaints reach `complaintsMax`, or `complaintRate` of at least `complaintMinKnown`.
 *
 * Rates are over known outcomes only: mail still in flight says nothing yet. Outcomes arrive
 * after acceptance, so the guard overshoots by about (send rate x event latency) + (senders x
 * chunk share still in flight): see docs/architecture.md, "The send guard".
 *
 * A resume restarts the count (`since`), so a list that keeps bouncing pauses again; outcomes of
 * mail sent before the resume are not counted in the new one.
 */
import { z } from 'zod';
import type { Clock } from '../shared/index.ts';
import type { DeliveryLedger } from './ports.ts';
import { CHUNK_TAG, parseChunkTagValue } from './send-chunk.ts';
import { type SendId, sendOfChunkId } from './types.ts';

export interface GuardThresholds {
  /** Share of known outcomes that are permanent bounces at which a send pauses (0.05). */
  bounceRate: number;
  /** Known outcomes needed before the bounce rate counts (100). */
  bounceMinKnown: number;
  /** Share of known outcomes that are complaints at which a send pauses (0.001). */
  complaintRate: number;
  /** Known outcomes needed before the complaint rate counts (1,000). */
  complaintMinKnown: number;
  /** Complaints that pause a send whatever the rate (3). */
  complaintsMax: number;
}

export const DEFAULT_GUARD_THRESHOLDS: GuardThresholds = {
  bounceRate: 0.05,
  bounceMinKnown: 100,
  complaintRate: 0.001,
  complaintMinKnown: 1000,
  complaintsMax: 3,
};

/** What the guard counts of one send since its count started. */
export interface GuardCounts {
  /** Recipients with a known outcome: delivered or permanently bounced. */
  known: number;
  bounced: number;
  complained: number;
}

export interface GuardState {
  /** 0 for the first count; each resume starts the next. */
  epoch: number;
  /** When this count started (a resume), whole seconds; absent for the first. */
  since?: string;
  counts: GuardCounts;
  /** Set once this count paused the send. */
  tripped?: { reason: string; at: string };
}

/** The guard's own counters, one small item per send, bumped with ADD (not the publisher's stats). */
export interface SendGuardStore {
  /**
   * Adds `tally` to the send's current count, unless the mail was sent before that count started
   * (`mailAt` before `since`): then nothing, and undefined. Returns the state after the add.
   */
  count(send: SendId, mailAt: string, tally: GuardCounts): Promise<GuardState | undefined>;
  /** Marks count `epoch` as having paused the send; true for the one caller that marked it. */
  trip(send: SendId, epoch: number, reason: string, at: string): Promise<boolean>;
  /** Starts a fresh count at `at` (a resume). */
  restart(send: SendId, at: string): Promise<void>;
  get(send: SendId): Promise<GuardState | undefined>;
}

/** `count` of `total`, never tripped by floating point (0.05 x 120 is 6.000000000000001). */
function reaches(count: number, rate: number, total: number): boolean {
  return count > 0 && count >= Math.ceil(rate * total - 1e-9);
}

const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;

/** Why the send must pause, in words an operator reads; undefined while it may go on. */
export function guardVerdict(counts: GuardCounts, limits: GuardThresholds): string | undefined {
  const { known, bounced, complained } = counts;
  if (known >= limits.bounceMinKnown && reaches(bounced, limits.bounceRate, known)) {
    return (
      `permanent bounces reached ${bounced} of ${known} recipients with a known outcome (${percent(bounced, known)}; ` +
      `the limit is ${limits.bounceRate * 100}% of at least ${limits.bounceMinKnown})`
    );
  }
  if (complained >= limits.complaintsMax) {
    return `complaints reached ${complained} (the limit is ${limits.complaintsMax} complaints, or ${limits.complaintRate * 100}% of at least ${limits.complaintMinKnown})`;
  }
  if (known >= limits.complaintMinKnown && reaches(complained, limits.complaintRate, known)) {
    return (
      `complaints reached ${complained} of ${known} recipients with a known outcome (${percent(complained, known)}; ` +
      `the limit is ${limits.complaintRate * 100}% of at least ${limits.complaintMinKnown})`
    );
  }
  return undefined;
}

const recipientList = z.array(z.unknown()).default([]);

/** The fields of an SES event the guard reads; the rest is feedback.ts's business. */
const guardEventSchema = z.looseObject({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  mail: z.looseObject({ timestamp: z.string().optional(), tags: z.record(z.string(), z.array(z.string())).optional() }).optional(),
  delivery: z.looseObject({ recipients: recipientList }).optional(),
  bounce: z.looseObject({ bounceType: z.string(), bouncedRecipients: recipientList }).optional(),
  complaint: z.looseObject({ complainedRecipients: recipientList }).optional(),
});

/** The send an event's message belongs to, when it is a digest (its chunk tag), and what the event adds to its count. */
export function guardTallyOf(input: unknown): { send: SendId; mailAt: string; tally: GuardCounts } | undefined {
  const parsed = guardEventSchema.safeParse(input);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const tag = event.mail?.tags?.[CHUNK_TAG]?.[0];
  const ref = tag === undefined ? undefined : parseChunkTagValue(tag);
  const mailAt = event.mail?.timestamp;
  if (ref === undefined || mailAt === undefined) return undefined;
  const type = event.eventType ?? event.notificationType;
  let tally: GuardCounts | undefined;
  if (type === 'Delivery') tally = { known: event.delivery?.recipients.length ?? 0, bounced: 0, complained: 0 };
  else if (type === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    const bounced = event.bounce.bouncedRecipients.length;
    tally = { known: bounced, bounced, complained: 0 };
  }
  // A complaint follows the recipient's Delivery, which made its outcome known already.
  else if (type === 'Complaint') tally = { known: 0, bounced: 0, complained: event.complaint?.complainedRecipients.length ?? 0 };
  if (tally === undefined || tally.known + tally.bounced + tally.complained === 0) return undefined;
  return { send: sendOfChunkId(ref.id), mailAt, tally };
}

export interface SendGuardDeps {
  sendGuard: SendGuardStore;
  guardThresholds: GuardThresholds;
  deliveries: Pick<DeliveryLedger, 'pauseSend'>;
  clock: Clock;
}

export interface SendGuardReport {
  /** Set when this event paused its send. */
  paused?: { send: SendId; reason: string; chunks: number };
}

/**
 * Counts one SES event against its send and pauses the send when the guard trips. Every event
 * that finds the limits reached pauses (pauseSend is idempotent), so a failed pause heals with
 * the next event; the one that marks the count tripped reports it.
 */
export async function applySendGuard(input: unknown, deps: SendGuardDeps): Promise<SendGuardReport> {
  const found = guardTallyOf(input);
  if (found === undefined) return {};
  const state = await deps.sendGuard.count(found.send, found.mailAt, found.tally);
  if (state === undefined || state.tripped !== undefined) return {};
  const reason = guardVerdict(state.counts, deps.guardThresholds);
  if (reason === undefined) return {};
  const chunks = await deps.deliveries.pauseSend(found.send);
  const marked = await deps.sendGuard.trip(found.send, state.epoch, reason, deps.clock.now().toISOString());
  return marked ? { paused: { send: found.send, reason, chunks } } : {};
}
