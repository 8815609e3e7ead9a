/**
 * send-digest, for one recipient of one edition. The delivery row is claimed with a
 * conditional write before SES is called, so repeats (a duplicate SQS message, a second plan
 * run) are dropped. A claim is a lease: while it is fresh, another copy of the job goes back to
 * the queue (ClaimHeldError) rather than being dropped, so the job survives its sender dying;
 * once older than the lease, its sender is surely gone and the next copy takes the row over and
 * sends. The window left open: SES accepted the message and the sender died before markSent.
 * In AWS, SES's own Send event (confirmSesSend) marks that row sent within seconds, long before
 * the lease ends, so the takeover finds it sent. Only if that event is lost or later than the
 * lease does the takeover send again: a reader may then get the edition twice, never zero times
 * (README, "Delivery guarantee").
 */
import { type Clock, LruCache, type Mailer, type Settings } from '../shared/index.ts';
import type { DeliveryStore } from './ports.ts';
import { type Edition, EditionNotFoundError, type EditionStore, personaliseEdition } from '../edition/index.ts';
import { hadTodaysDigest, type SubscriberStore } from '../subscribers/index.ts';
import { ClaimHeldError } from './errors.ts';
import { CLAIM_LEASE_MS } from './send-fleet.ts';
import type { DeliverOutcome, DeliveryJob } from './types.ts';

export interface DeliverDeps {
  editions: EditionStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  mailer: Mailer;
  clock: Clock;
  settings: Settings;
  /** Editions are immutable once planned, so a warm sender reads each one once, even with concurrent jobs. */
  editionCache?: EditionCache;
  /** How old a claim must be before another sender may take it over; CLAIM_LEASE_MS unless a test says otherwise. */
  claimLeaseMs?: number;
}

/** Where a sender keeps the editions it has read; bounded on a warm Lambda (see newEditionCache). */
export interface EditionCache {
  get(id: string): Promise<Edition> | undefined;
  set(id: string, edition: Promise<Edition>): unknown;
  delete(id: string): unknown;
}

/**
 * A sender meets one edition per zone-hour it serves, a handful a day: a few dozen entries keep
 * every live one while a container that runs for days holds no more than that.
 */
export const EDITION_CACHE_ENTRIES = 32;

export function newEditionCache(): EditionCache {
  return new LruCache<string, Promise<Edition>>(EDITION_CACHE_ENTRIES);
}

/** The SES message tag naming the edition, so SES events (send, bounce, complaint) map back to it. */
export const EDITION_TAG = 'edition';

function loadEdition(id: string, deps: DeliverDeps): Promise<Edition> {
  const cached = deps.editionCache?.get(id);
  if (cached) return cached;
  const loading = deps.editions.get(id).then((edition) => {
    if (!edition) throw new EditionNotFoundError(`Edition ${id} does not exist.`);
    return edition;
  });
  deps.editionCache?.set(id, loading);
  // A failed read is not cached: the next job tries again.
  loading.catch(() => deps.editionCache?.delete(id));
  return loading;
}

export async function deliverDigest(job: DeliveryJob, deps: DeliverDeps): Promise<DeliverOutcome> {
  const edition = await loadEdition(job.editionId, deps);
  // Re-read the reader: they may have unsubscribed or bounced since the plan ran.
  const reader = await deps.subscribers.get(job.email);
  if (!reader || reader.status !== 'confirmed') return 'not-subscribed';
  // Another edition reached this reader today (a repeated DST hour, two send-nows): one a day.
  if (hadTodaysDigest(reader, edition.cutoff) && reader.lastEditionId !== edition.id) return 'already-served-today';

  const now = deps.clock.now();
  if ((await deps.deliveries.claim(job, now.toISOString())) === 'duplicate') {
    const row = await deps.deliveries.get(job);
    if (row?.status === 'sent') {
      // A sender that died between SES and the watermark left the row sent: finish its bookkeeping.
      await deps.subscribers.recordDigest(reader.email, edition.id, edition.cutoff);
      return 'duplicate';
    }
    const leaseMs = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
    const stale = row?.status === 'claimed' && Date.parse(row.claimedAt) <= now.getTime() - leaseMs;
    if (!stale || (await deps.deliveries.reclaimStale(job, row.claimedAt, now.toISOString())) === 'duplicate') {
      throw new ClaimHeldError(`delivery of ${job.editionId} to ${job.email} is ${row?.status ?? 'changing'} elsewhere`);
    }
  }

  let messageId: string;
  try {
    const email = personaliseEdition(edition, reader, now, deps.settings);
    ({ messageId } = await deps.mailer.send({ ...email, tags: [{ name: EDITION_TAG, value: edition.id }] }));
  } catch (error) {
    // A failed row may be claimed again, so the queue's retry gets another go.
    await deps.deliveries.markFailed(job, error instanceof Error ? `${error.name}: ${error.message}` : String(error), deps.clock.now().toISOString());
    throw error;
  }
  const sentAt = deps.clock.now().toISOString();
  await deps.deliveries.markSent(job, messageId, sentAt);
  await deps.subscribers.recordDigest(reader.email, edition.id, edition.cutoff);
  return 'sent';
}
