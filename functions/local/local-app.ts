/** Wires the Lambda handlers to the local emulators: the same code paths as in AWS, other endpoints. */
import { createAppDeps, type AppDeps } from '../adapters/app-deps.ts';
import { deliverDigest, type DeliverOutcome } from '../core/deliver.ts';
import type { DeliveryJob, Edition } from '../core/types.ts';
import type { Queue } from '../ports.ts';
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
  const deps = createAppDeps(settings.config, settings.config.TOKEN_SECRET ?? '');
  const editionCache = new Map<string, Promise<Edition>>();
  const queue = new InProcessQueue({
    deliver: (job) => deliverDigest(job, { ...deps, editionCache }),
    onOutcome,
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
