/**
 * send-digest, for one recipient of one edition. The delivery row is claimed with a
 * conditional write before SES is called, so repeats (a duplicate SQS message, a second plan
 * run) are dropped. The one window left open: SES accepted the message and the process died
 * before markSent; the row stays `claimed` and is never retried, so that reader may miss one
 * edition rather than get it twice.
 */
import type { Clock, DeliveryStore, EditionStore, Mailer, SubscriberStore } from '../ports.ts';
import { NotFoundError } from './errors.ts';
import { personaliseEdition } from './edition.ts';
import { hadTodaysDigest } from './plan.ts';
import type { Settings } from './settings.ts';
import type { DeliveryJob, Edition } from './types.ts';

export interface DeliverDeps {
  editions: EditionStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  mailer: Mailer;
  clock: Clock;
  settings: Settings;
  /** Editions are immutable once planned, so a warm sender reads each one once, even with concurrent jobs. */
  editionCache?: Map<string, Promise<Edition>>;
}

export type DeliverOutcome = 'sent' | 'duplicate' | 'not-subscribed' | 'already-served-today';

export class EditionMissingError extends NotFoundError {
  override name = 'EditionMissingError';
}

function loadEdition(id: string, deps: DeliverDeps): Promise<Edition> {
  const cached = deps.editionCache?.get(id);
  if (cached) return cached;
  const loading = deps.editions.get(id).then((edition) => {
    if (!edition) throw new EditionMissingError(`Edition ${id} does not exist.`);
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
    // A sender that died between SES and the watermark left the row sent: finish its bookkeeping.
    if ((await deps.deliveries.get(job))?.status === 'sent') {
      await deps.subscribers.recordDigest(reader.email, edition.id, edition.cutoff);
    }
    return 'duplicate';
  }

  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send(personaliseEdition(edition, reader, now, deps.settings)));
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
