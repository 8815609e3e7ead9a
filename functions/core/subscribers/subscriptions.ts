/** Double opt-in: request -> confirmation email -> confirm; and one-click unsubscribe. */
import {
  type Clock,
  derivedKey,
  InvalidTokenError,
  keyedHash,
  linkTo,
  type Mailer,
  type Settings,
  signToken,
  type ToleratedFailure,
  type TokenPurpose,
  verifyTokenClaims,
} from '../shared/index.ts';
import { RateLimitExceededError } from './errors.ts';
import type { ConfirmationRenderer, RateLimiter, SubscriberStore, ErasedAddresses, UnsubscribeCounter, UnsubscribeVia } from './ports.ts';
import { isSuppressed, parseSubscriptionRequest, toPending, toUnsubscribed } from './subscriber.ts';

/** One confirmation email per address per this many ms, so the form cannot be used to flood an inbox. */
export const CONFIRM_RESEND_INTERVAL_MS = 10 * 60 * 1000;
/** A pending subscription nobody confirmed within this long is void (and DynamoDB's TTL deletes it). */
export const PENDING_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/**
 * Subscribe requests one client IP may make per window: generous for a household or office
 * behind one address, far too few for a script signing up a list of victims.
 */
export const SUBSCRIBE_LIMIT_PER_IP = { limit: 30, windowSeconds: 3600 } as const;
/** Requests naming one address per window, whoever sends them: stops churning one reader's record. */
export const SUBSCRIBE_LIMIT_PER_ADDRESS = { limit: 5, windowSeconds: 3600 } as const;

export interface SubscriptionDeps {
  subscribers: SubscriberStore;
  mailer: Mailer;
  renderer: ConfirmationRenderer;
  clock: Clock;
  settings: Settings;
  limits: RateLimiter;
  personalData: ErasedAddresses;
}

export interface RequestContext {
  ip?: string;
  userAgent?: string;
}

export type SubscribeOutcome =
  'honeypot' | 'rate-limited' | 'confirmation-sent' | 'confirmation-throttled' | 'confirmation-failed' | 'already-confirmed' | 'suppressed';

/** The outcome, for tests and metrics; a failed confirmation email's cause, for the log only. */
export interface SubscribeResult {
  outcome: SubscribeOutcome;
  failures: ToleratedFailure[];
}

/**
 * Records a pending subscription and mails a confirmation link. The caller answers the same
 * way whatever the outcome, so the endpoint never reveals whether an address is subscribed.
 */
export async function requestSubscription(input: unknown, context: RequestContext, deps: SubscriptionDeps): Promise<SubscribeResult> {
  const request = parseSubscriptionRequest(input);
  // A field people never see: only form-filling bots put something in it. They get the usual answer.
  if (request.website) return answered('honeypot');
  const now = deps.clock.now();
  const at = now.toISOString();
  if (context.ip) {
    const { limit, windowSeconds } = SUBSCRIBE_LIMIT_PER_IP;
    if (!(await deps.limits.hit(`subscribe-ip#${hashed(context.ip, deps.settings.tokenSecret)}`, limit, windowSeconds, now))) {
      throw new RateLimitExceededError('Too many subscribe requests from your network. Please try again in an hour.');
    }
  }
  const perAddress = SUBSCRIBE_LIMIT_PER_ADDRESS;
  if (
    !(await deps.limits.hit(
      `subscribe-address#${hashed(request.email, deps.settings.tokenSecret)}`,
      perAddress.limit,
      perAddress.windowSeconds,
      now,
    ))
  ) {
    return answered('rate-limited');
  }
  const existing = await deps.subscribers.get(request.email);

  if (existing && isSuppressed(existing)) return answered('suppressed');
  if (existing?.status === 'confirmed') return answered('already-confirmed');

  const pending = toPending(request, { at, ip: context.ip, userAgent: context.userAgent?.slice(0, 256) }, existing);
  // Conditional on the status just read: a reader who confirmed a moment ago is not made pending again.
  if (!(await deps.subscribers.putIfStatus(pending, existing?.status))) return answered('confirmation-throttled');
  // One conditional write decides who mails: of any number of requests racing, one per window.
  // The window throttles resends of one pending request; a reader who unsubscribed and comes
  // back starts afresh (the conditional put above already let only one racing request through).
  const resending = existing?.status === 'pending';
  const since = resending ? new Date(now.getTime() - CONFIRM_RESEND_INTERVAL_MS).toISOString() : at;
  if (!(await deps.subscribers.claimConfirmationEmail(request.email, at, since))) return answered('confirmation-throttled');

  // The link carries the reader's token version, so signing out of old links voids it too.
  const token = signToken({
    secret: deps.settings.tokenSecret,
    purpose: 'confirm',
    email: request.email,
    now,
    version: existing?.tokenVersion ?? 0,
  });
  try {
    const email = await deps.renderer.renderConfirmEmail({
      confirmUrl: linkTo(deps.settings, '/confirm', token),
      publicUrl: deps.settings.publicUrl,
    });
    await deps.mailer.send({ from: deps.settings.mailFrom, to: request.email, headers: [], ...email });
  } catch (cause) {
    // A failure must look like any other answer (no probing), and must not throttle the retry.
    await deps.subscribers.releaseConfirmationEmail(request.email, at);
    return answered('confirmation-failed', [{ what: 'confirmation email failed', cause }]);
  }
  return answered('confirmation-sent');
}

function answered(outcome: SubscribeOutcome, failures: ToleratedFailure[] = []): SubscribeResult {
  return { outcome, failures };
}

/**
 * IPs and addresses in rate-limit keys are keyed hashes: the counters need no personal data, and
 * a reader of the table cannot confirm an address by hashing it. Counters from before (plain
 * sha256) are simply not found again; each lasts one window.
 */
function hashed(value: string, secret: string): string {
  return keyedHash(derivedKey(secret, 'rate-limit'), value.toLowerCase());
}

/** What the signed links (confirm, unsubscribe, preferences) need. */
export type LinkDeps = Pick<SubscriptionDeps, 'subscribers' | 'clock' | 'settings'>;

/**
 * Verifies a link for its purpose and loads the reader it was issued for, if they still exist.
 * Manage and confirmation links stop working once the reader signs out of old links;
 * unsubscribe links never do, since mailbox providers and the law expect old ones to keep working.
 */
export async function readerBehind(token: unknown, purpose: TokenPurpose, deps: LinkDeps) {
  const now = deps.clock.now();
  const { email, version, origin } = verifyTokenClaims(deps.settings.tokenSecret, token, purpose, now);
  const subscriber = await deps.subscribers.get(email);
  if (purpose !== 'unsubscribe' && subscriber && version !== (subscriber.tokenVersion ?? 0)) {
    throw new InvalidTokenError('This link was replaced by a newer one. Use the link in your latest digest.', 'revoked');
  }
  return { now, email, subscriber, origin };
}

export type UnsubscribeDeps = LinkDeps & { sendStats: UnsubscribeCounter };

/** `left`: this request ended a subscription; `unchanged`: there was none to end (unknown, already left, suppressed). */
export type UnsubscribeOutcome = 'left' | 'unchanged';

const UNSUBSCRIBE_COUNTERS = { 'one-click': 'unsubscribedOneClick', page: 'unsubscribedPage' } as const satisfies Record<
  UnsubscribeVia,
  string
>;

/**
 * Idempotent: unknown, already unsubscribed or suppressed addresses all end "unsubscribed".
 * The move is conditional on the status just read, so of repeated or racing requests exactly one
 * ends the subscription, and only that one counts for the send and edition a digest's link names.
 */
export async function unsubscribe(token: unknown, deps: UnsubscribeDeps, via: UnsubscribeVia): Promise<UnsubscribeOutcome> {
  const { now, subscriber, origin } = await readerBehind(token, 'unsubscribe', deps);
  if (!subscriber || subscriber.status === 'unsubscribed' || isSuppressed(subscriber)) return 'unchanged';
  if (!(await deps.subscribers.putIfStatus(toUnsubscribed(subscriber, now.toISOString()), subscriber.status))) return 'unchanged';
  if (origin) await deps.sendStats.addToSend(origin.send, origin.editionId, { [UNSUBSCRIBE_COUNTERS[via]]: 1 });
  return 'left';
}

/** Checks an unsubscribe link before showing its confirmation page. */
export function checkUnsubscribeToken(token: unknown, deps: Pick<SubscriptionDeps, 'clock' | 'settings'>): void {
  verifyTokenClaims(deps.settings.tokenSecret, token, 'unsubscribe', deps.clock.now());
}
