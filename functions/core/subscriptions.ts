/** Double opt-in: request -> confirmation email -> confirm; and one-click unsubscribe. */
import { z } from 'zod';
import type { Clock, Mailer, Renderer, SubscriberStore } from '../ports.ts';
import { linkTo, type Settings } from './settings.ts';
import { NotFoundError } from './errors.ts';
import {
  DEFAULT_SEND_HOUR,
  DEFAULT_TIME_ZONE,
  isSuppressed,
  parseSubscriptionRequest,
  subscriptionRequestSchema,
  toConfirmed,
  toPending,
  toUnsubscribed,
} from './subscriber.ts';
import { signToken, verifyToken, type TokenPurpose } from './tokens.ts';
import type { Subscriber } from './types.ts';
import { parseOrThrow } from './validation.ts';

/** One confirmation email per address per this many ms, so the form cannot be used to flood an inbox. */
export const CONFIRM_RESEND_INTERVAL_MS = 10 * 60 * 1000;

export interface SubscriptionDeps {
  subscribers: SubscriberStore;
  mailer: Mailer;
  renderer: Renderer;
  clock: Clock;
  settings: Settings;
  /** Told when a confirmation email could not be sent; the caller still answers as usual. */
  onMailError?: (error: unknown) => void;
}

export interface RequestContext {
  ip?: string;
  userAgent?: string;
}

export type SubscribeOutcome =
  | 'confirmation-sent'
  | 'confirmation-throttled'
  | 'confirmation-failed'
  | 'already-confirmed'
  | 'suppressed';

/**
 * Records a pending subscription and mails a confirmation link. The caller answers the same
 * way whatever the outcome, so the endpoint never reveals whether an address is subscribed.
 */
export async function requestSubscription(
  input: unknown,
  context: RequestContext,
  deps: SubscriptionDeps,
): Promise<SubscribeOutcome> {
  const request = parseSubscriptionRequest(input);
  const now = deps.clock.now();
  const at = now.toISOString();
  const existing = await deps.subscribers.get(request.email);

  if (existing && isSuppressed(existing)) return 'suppressed';
  if (existing?.status === 'confirmed') return 'already-confirmed';

  const pending = toPending(request, { at, ip: context.ip, userAgent: context.userAgent?.slice(0, 256) }, existing);
  const lastSent = existing?.status === 'pending' && existing.confirmSentAt ? Date.parse(existing.confirmSentAt) : 0;
  if (now.getTime() - lastSent < CONFIRM_RESEND_INTERVAL_MS) {
    await deps.subscribers.put({ ...pending, confirmSentAt: existing?.confirmSentAt });
    return 'confirmation-throttled';
  }

  const token = signToken(deps.settings.tokenSecret, 'confirm', request.email, now);
  const email = await deps.renderer.renderConfirmEmail({
    confirmUrl: linkTo(deps.settings, '/confirm', token),
    publicUrl: deps.settings.publicUrl,
  });
  // Store before sending: a crash after the send still leaves a subscriber the link can confirm.
  await deps.subscribers.put({ ...pending, confirmSentAt: at });
  try {
    await deps.mailer.send({ from: deps.settings.mailFrom, to: request.email, headers: [], ...email });
  } catch (error) {
    // A failure must look like any other answer (no probing), and must not throttle the retry.
    deps.onMailError?.(error);
    await deps.subscribers.put({ ...pending, confirmSentAt: undefined });
    return 'confirmation-failed';
  }
  return 'confirmation-sent';
}

/** What the signed links (confirm, unsubscribe, preferences) need. */
export type LinkDeps = Pick<SubscriptionDeps, 'subscribers' | 'clock' | 'settings'>;

/** Verifies a link for its purpose and loads the reader it was issued for, if they still exist. */
async function readerBehind(token: unknown, purpose: TokenPurpose, deps: LinkDeps) {
  const now = deps.clock.now();
  const { email } = verifyToken(deps.settings.tokenSecret, token, purpose, now);
  return { now, email, subscriber: await deps.subscribers.get(email) };
}

export type ConfirmOutcome = 'confirmed' | 'already-confirmed' | 'not-pending';

export async function confirmSubscription(token: unknown, deps: LinkDeps): Promise<ConfirmOutcome> {
  const { now, subscriber } = await readerBehind(token, 'confirm', deps);
  if (!subscriber) return 'not-pending';
  if (subscriber.status === 'confirmed') return 'already-confirmed';
  // An old confirmation link must not undo a later unsubscribe or a bounce suppression.
  if (subscriber.status !== 'pending') return 'not-pending';
  await deps.subscribers.put(toConfirmed(subscriber, now.toISOString()));
  return 'confirmed';
}

/** Idempotent: unknown, already unsubscribed or suppressed addresses all end "unsubscribed". */
export async function unsubscribe(token: unknown, deps: LinkDeps): Promise<void> {
  const { now, subscriber } = await readerBehind(token, 'unsubscribe', deps);
  if (!subscriber || subscriber.status === 'unsubscribed' || isSuppressed(subscriber)) return;
  await deps.subscribers.put(toUnsubscribed(subscriber, now.toISOString()));
}

/** Checks an unsubscribe link before showing its confirmation page. */
export function checkUnsubscribeToken(token: unknown, deps: Pick<SubscriptionDeps, 'clock' | 'settings'>): void {
  verifyToken(deps.settings.tokenSecret, token, 'unsubscribe', deps.clock.now());
}

export interface Preferences {
  email: string;
  timezone: string;
  sendHour: number;
  status: Subscriber['status'];
}

/** The reader behind a preferences link; a deleted reader reads as unsubscribed, revealing nothing new. */
export async function readPreferences(token: unknown, deps: LinkDeps): Promise<Preferences> {
  const { email, subscriber } = await readerBehind(token, 'preferences', deps);
  return {
    email,
    timezone: subscriber?.timezone ?? DEFAULT_TIME_ZONE,
    sendHour: subscriber?.sendHour ?? DEFAULT_SEND_HOUR,
    status: subscriber?.status ?? 'unsubscribed',
  };
}

/** Only what the reader sent changes: an absent field keeps its value rather than falling back to a default. */
const preferencesUpdateSchema = z.object({
  timezone: subscriptionRequestSchema.shape.timezone.removeDefault().optional(),
  sendHour: subscriptionRequestSchema.shape.sendHour.removeDefault().optional(),
});

/** Changes the send hour and zone; applies from the next hourly run. */
export async function updatePreferences(
  token: unknown,
  input: unknown,
  deps: LinkDeps,
): Promise<Preferences> {
  const { now, email, subscriber } = await readerBehind(token, 'preferences', deps);
  const update = parseOrThrow(preferencesUpdateSchema, input ?? {}, 'preferences');
  if (!subscriber) throw new NotFoundError('There is no subscription for this link any more.');
  const updated = {
    ...subscriber,
    timezone: update.timezone ?? subscriber.timezone,
    sendHour: update.sendHour ?? subscriber.sendHour,
    updatedAt: now.toISOString(),
  };
  await deps.subscribers.put(updated);
  return { email, timezone: updated.timezone, sendHour: updated.sendHour, status: updated.status };
}
