/** Wires the Lambda handlers to the local emulators: the same code paths as in AWS, other endpoints. */
import { type FunctionName } from '../adapters/runtime/function-ports.ts';
import { type DepsProvider, Wiring } from '../adapters/runtime/wiring.ts';
import { FEED_PORT_BUILDERS } from '../adapters/feeds/feed-ports.ts';
import { chunkName, type DeliveryJob, sendBatch } from '../core/delivery/index.ts';
import { articlesHandler } from '../handlers/api-articles.ts';
import { countClick } from '../core/engagement/index.ts';
import { clicksHandler } from '../handlers/api-clicks.ts';
import { confirmHandler } from '../handlers/api-confirm.ts';
import { preferencesHandler } from '../handlers/api-preferences.ts';
import { siteHandler } from '../handlers/api-site.ts';
import { sourcesHandler } from '../handlers/api-sources.ts';
import { sendsHandler } from '../handlers/api-sends.ts';
import { subscriptionsHandler } from '../handlers/api-subscriptions.ts';
import { unsubscribeHandler } from '../handlers/api-unsubscribe.ts';
import { sesEventsHandler } from '../handlers/sns-ses-events.ts';
import { type EditionOfChunk, mailboxSimulator } from './mailbox-simulator.ts';
import { InProcessClickQueue } from './in-process-click-queue.ts';
import { InProcessQueue, type QueueOutcome } from './in-process-queue.ts';
import { FileDeadLetters } from './dead-letters.ts';
import type { LocalSettings } from './local-settings.ts';
import type { Route } from './router.ts';
import { API_ROUTES } from '../adapters/http/api-routes.ts';
import type { HttpHandler } from '../adapters/http/http.ts';

export type OutcomeListener = (job: DeliveryJob, outcome: QueueOutcome, error?: unknown) => void;

/**
 * The Lambdas' wiring against the emulators, with the in-process queue standing in for SQS: the
 * planner's queue, and the sender's deferral. Its batches run through the sender's own deps and
 * core's sendBatch, so claims held elsewhere, the daily quota and the per-edition counters work
 * as in AWS. The one in-process sender takes the whole SES rate.
 */
export function createLocalWiring(settings: LocalSettings, onOutcome?: OutcomeListener): Wiring {
  const queue = new InProcessQueue({
    deliverBatch: (messages, maxReceiveCount) => sendBatch(messages, { ...wiring.deps('sqs-send-digest'), maxReceiveCount }),
    deadLetters: new FileDeadLetters(settings.dataDir),
    onOutcome,
  });
  const clickQueue = new InProcessClickQueue((click) => countClick(click, wiring.deps('sqs-count-clicks')));
  const wiring: Wiring = new Wiring(settings.config, {
    tokenSecret: settings.config.TOKEN_SECRET,
    senders: 1,
    ports: { queue, deferral: queue, clickQueue },
    builders: FEED_PORT_BUILDERS,
  });
  return wiring;
}

/** A provider of one function's deps, built once: what `lambdaDeps` gives a warm Lambda. */
export function provide<F extends FunctionName>(wiring: Wiring, name: F): DepsProvider<F> {
  const deps = wiring.deps(name);
  return async () => deps;
}

/** The API's Lambdas by function name: the route table (adapters/http/api-routes.ts) names which serves each route. */
export type ApiFunctionName = (typeof API_ROUTES)[number]['function'];

export function localHandlers(wiring: Wiring): Record<ApiFunctionName, HttpHandler> {
  return {
    'api-articles': articlesHandler(provide(wiring, 'api-articles')),
    'api-subscriptions': subscriptionsHandler(provide(wiring, 'api-subscriptions')),
    'api-confirm': confirmHandler(provide(wiring, 'api-confirm')),
    'api-unsubscribe': unsubscribeHandler(provide(wiring, 'api-unsubscribe')),
    'api-preferences': preferencesHandler(provide(wiring, 'api-preferences')),
    'api-site': siteHandler(provide(wiring, 'api-site')),
    // Built on first use: a wiring for tests of other routes need not bring a click queue.
    'api-clicks': clicksHandler(async () => wiring.deps('api-clicks')),
    'api-sources': sourcesHandler(provide(wiring, 'api-sources')),
    'api-sends': sendsHandler(provide(wiring, 'api-sends')),
  };
}

/** Every route of the table, answered by its function's handler wired to the emulators. */
export function localRoutes(wiring: Wiring): Route[] {
  const handlers = localHandlers(wiring);
  return API_ROUTES.map((route) => ({ ...route, handler: handlers[route.function] }));
}

/**
 * The SES mailbox simulator answering the emulator's mail through the SNS events handler, wired
 * as the Lambda is in AWS. The chunk header names the chunk; the ledger knows its edition.
 */
export function localMailboxSimulator(wiring: Wiring): ReturnType<typeof mailboxSimulator> {
  const deps = wiring.deps('sns-ses-events');
  const editions = new Map<string, string | undefined>();
  const editionOf: EditionOfChunk = async (ref) => {
    const name = chunkName(ref);
    if (!editions.has(name)) {
      const chunk = (await deps.deliveries.chunksOf(ref.slotDay)).find((candidate) => candidate.id === ref.id);
      if (chunk) editions.set(name, chunk.editionId);
      return chunk?.editionId;
    }
    return editions.get(name);
  };
  return mailboxSimulator({ editionOf, handle: sesEventsHandler(async () => deps) });
}
