/**
 * Confirming a subscription from its emailed link, once, and the welcome email that follows
 * with the reader's manage link.
 */
import { linkTo, signToken, type ToleratedFailure } from '../shared/index.ts';
import { preferencesToken } from './preference-centre.ts';
import { toConfirmed } from './subscriber.ts';
import { type LinkDeps, PENDING_LIFETIME_MS, readerBehind, type SubscriptionDeps } from './subscriptions.ts';
import type { Subscriber } from './types.ts';

export type ConfirmOutcome = 'confirmed' | 'already-confirmed' | 'not-pending' | 'expired';

/** Where a valid confirmation link stands: `pending` shows the confirm button, anything else why not. */
export type ConfirmLinkState = 'pending' | Exclude<ConfirmOutcome, 'confirmed'>;

export interface ConfirmResult {
  outcome: ConfirmOutcome;
  /**
   * A manage link, only for the request that confirmed. The link is single-use: posted again,
   * or after the reader signed out of old links, it yields none.
   */
  preferencesToken?: string;
  /** A welcome email that could not be sent, for the log only. */
  failures: ToleratedFailure[];
}

export type ConfirmDeps = LinkDeps & Pick<SubscriptionDeps, 'personalData' | 'mailer' | 'renderer'>;

function linkState(subscriber: Subscriber | undefined, nowMs: number): ConfirmLinkState {
  if (!subscriber) return 'not-pending';
  if (subscriber.status === 'confirmed') return 'already-confirmed';
  // An old confirmation link must not undo a later unsubscribe or a bounce suppression.
  if (subscriber.status !== 'pending') return 'not-pending';
  // TTL deletes expired pending records only eventually (within days), so expiry is checked here too.
  const pendingSince = Date.parse(subscriber.consent?.at ?? subscriber.updatedAt);
  return nowMs - pendingSince >= PENDING_LIFETIME_MS ? 'expired' : 'pending';
}

/** What a confirmation link's GET shows; throws InvalidTokenError for a bad, expired or revoked link. */
export async function confirmLinkState(token: unknown, deps: LinkDeps): Promise<ConfirmLinkState> {
  const { now, subscriber } = await readerBehind(token, 'confirm', deps);
  return linkState(subscriber, now.getTime());
}

export async function confirmSubscription(token: unknown, deps: ConfirmDeps): Promise<ConfirmResult> {
  const { now, email, subscriber } = await readerBehind(token, 'confirm', deps);
  const state = linkState(subscriber, now.getTime());
  if (state !== 'pending' || !subscriber) return { outcome: state === 'pending' ? 'not-pending' : state, failures: [] };
  // Conditional on still pending: of two posts of one link (or a post racing an unsubscribe), one wins.
  if (!(await deps.subscribers.putIfStatus(toConfirmed(subscriber, now.toISOString()), 'pending'))) {
    const current = await deps.subscribers.get(email);
    return { outcome: current?.status === 'confirmed' ? 'already-confirmed' : 'not-pending', failures: [] };
  }
  // They asked again and confirmed themselves: the mark left by an earlier erasure no longer applies.
  await deps.personalData.clearErasure(email);
  const manageToken = preferencesToken(deps, email, subscriber.tokenVersion ?? 0);
  const failures = await sendWelcome(email, manageToken, now, deps);
  return { outcome: 'confirmed', preferencesToken: manageToken, failures };
}

/** The welcome email: what comes next, and the manage and unsubscribe links. Never fails the confirmation. */
async function sendWelcome(email: string, manageToken: string, now: Date, deps: ConfirmDeps): Promise<ToleratedFailure[]> {
  const unsubscribeUrl = linkTo(
    deps.settings,
    '/unsubscribe',
    signToken({ secret: deps.settings.tokenSecret, purpose: 'unsubscribe', email, now }),
  );
  try {
    const welcome = await deps.renderer.renderWelcomeEmail({
      preferencesUrl: linkTo(deps.settings, '/preferences', manageToken),
      unsubscribeUrl,
      publicUrl: deps.settings.publicUrl,
    });
    await deps.mailer.send({
      from: deps.settings.mailFrom,
      to: email,
      headers: [
        { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ],
      ...welcome,
    });
    return [];
  } catch (cause) {
    return [{ what: 'welcome email failed', cause }];
  }
}
