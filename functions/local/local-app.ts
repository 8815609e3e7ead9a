/** Wires the Lambda handlers to the local emulators: the same code paths as in AWS, other endpoints. */
import { createAppDeps, type AppDeps } from '../adapters/runtime/app-deps.ts';
import { countNameFor, deliverDigest, type DeliverOutcome, type DeliveryJob } from '../core/delivery/index.ts';
import type { Edition } from '../core/edition/index.ts';
import type { Queue } from '../core/planning/index.ts';
import { articlesHandler } from '../handlers/api-articles.ts';
import { confirmHandler } from '../handlers/api-confirm.ts';
import { preferencesHandler } from '../handlers/api-preferences.ts';
import { siteHandler } from '../handlers/api-site.ts';
import { subscriptionsHandler } from '../handlers/api-subscriptions.ts';
import { unsubscribeHandler } from '../handlers/api-unsubscribe.ts';
import { InProcessQueue } from './in-process-queue.ts';
import type { LocalSettings } from './local-settings.ts';
import type { Route } from './router.ts';

export type OutcomeListener = (job: DeliveryJob, outcome: DeliverOutcome | 'failed', error?: unknown) => void;

/** App deps against the emulators, with the in-process queue standing in for SQS. */
export function createLocalDeps(settings: LocalSettings, onOutcome?: OutcomeListener): AppDeps & { queue: Queue } {
  const deps = createAppDeps(settings.config, settings.config.TOKEN_SECRET ?? '', {}, { senders: 1 });
  const editionCache = new Map<string, Promise<Edition>>();
  const queue = new InProcessQueue({
    // The sender's paced mailer, so a local send-now keeps to the emulator's 14 messages a second as AWS would;
    // the one in-process sender takes the whole rate.
    deliver: async (job) => {
      const outcome = await deliverDigest(job, { ...deps, mailer: deps.digestMailer, editionCache });
      const counted = countNameFor(outcome);
      // Counted per job here; the SQS handler counts per batch.
      if (counted) await deps.sendStats.add(job.editionId, { [counted]: 1 });
      return outcome;
    },
    onOutcome: (job, outcome, error) => {
      if (outcome === 'failed') void deps.sendStats.add(job.editionId, { failed: 1 }).catch(() => undefined);
      onOutcome?.(job, outcome, error);
    },
  });
  return { ...deps, queue };
}

export function localRoutes(deps: AppDeps): Route[] {
  const provider = async (): Promise<AppDeps> => deps;
  const site = siteHandler(provider);
  const unsubscribe = unsubscribeHandler(provider);
  const preferences = preferencesHandler(provider);
  const confirm = confirmHandler(provider);
  return [
    { method: 'POST', path: '/articles', handler: articlesHandler(provider) },
    { method: 'POST', path: '/subscriptions', handler: subscriptionsHandler(provider) },
    { method: 'GET', path: '/confirm', handler: confirm },
    { method: 'POST', path: '/confirm', handler: confirm },
    { method: 'GET', path: '/unsubscribe', handler: unsubscribe },
    { method: 'POST', path: '/unsubscribe', handler: unsubscribe },
    { method: 'GET', path: '/preferences', handler: preferences },
    { method: 'POST', path: '/preferences', handler: preferences },
    { method: 'GET', path: '/', handler: site },
    { method: 'GET', path: '/health', handler: site },
    { method: 'GET', path: '/editions', handler: site },
    { method: 'GET', path: '/editions/*', handler: site },
  ];
}
