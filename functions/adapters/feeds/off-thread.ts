/**
 * Feed parsing and Readability run in worker threads with a deadline: both are synchronous and
 * their cost is shaped by whoever wrote the page, so on the main thread one hostile document
 * would hold the event loop (the API of `npm start`, the other fetches of a poll) for as long as
 * it likes, and no timeout could stop it. A task past its deadline has its worker terminated,
 * which stops any JavaScript, and fails with FeedFetchError('timeout').
 *
 * The worker loads this very module: from source (tsx, vitest) through tsx's loader, registered in
 * the worker first since Node 20 gives workers no loader hooks of their own; bundled (the poller
 * Lambda), this module is part of the bundle, so `import.meta.url` is the bundle itself and the
 * worker loads it as it is: no second entry point to build or ship.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { FeedFetchError, type FeedFailureReason, type FeedParser, type ParsedFeed } from '../../core/sources/index.ts';
import { extractArticleText } from './article-text.ts';
import { decodeFeed } from './charset.ts';
import { parseFeedText } from './parse-feed.ts';

const ROLE = 'digest-feed-work';

export type FeedTask =
  | { kind: 'feed'; body: Uint8Array; contentType: string | undefined; url: string }
  | { kind: 'article'; body: Uint8Array; contentType: string | undefined };

type TaskResult = ParsedFeed | string | undefined;
type Reply = { id: number; value: TaskResult } | { id: number; error: { message: string; reason?: FeedFailureReason; name: string } };

function perform(task: FeedTask): TaskResult {
  return task.kind === 'feed'
    ? parseFeedText(decodeFeed(task.body, task.contentType), task.url)
    : extractArticleText(task.body, task.contentType);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  parentPort?.on('message', ({ id, task }: { id: number; task: FeedTask }) => {
    let reply: Reply;
    try {
      reply = { id, value: perform(task) };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = {
        id,
        error: { message: failure.message, name: failure.name, ...(error instanceof FeedFetchError && { reason: error.reason }) },
      };
    }
    parentPort?.postMessage(reply);
  });
  parentPort?.postMessage('ready');
}

/** tsx's API as an absolute URL where the runtime can say (an eval'd worker resolves bare names from the working directory). */
function tsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return 'tsx/esm/api';
  }
}

/** The worker's script: this module, through tsx when it runs from source. */
function startWorker(): Worker {
  const self = import.meta.url;
  const options = { workerData: { role: ROLE }, stdout: false, stderr: false };
  if (!self.endsWith('.ts')) return new Worker(new URL(self), options);
  const bootstrap = `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

interface Pending {
  task: FeedTask;
  resolve: (value: TaskResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded and listening: a task's deadline starts when a ready worker takes it, not while the worker loads. */
  ready: boolean;
  busy?: { id: number; pending: Pending; timer: NodeJS.Timeout };
}

export interface OffThreadRunner {
  run(task: FeedTask): Promise<TaskResult>;
  /** Ends the workers (tests; the process otherwise exits with them, as they are unref'd). */
  close(): Promise<void>;
}

/**
 * At most `threads` workers, each one task at a time; tasks wait in order. The deadline counts
 * from the moment a worker takes the task.
 */
export function createOffThreadRunner({
  deadlineMs,
  threads = Math.max(1, Math.min(2, availableParallelism())),
}: {
  deadlineMs: number;
  threads?: number;
}): OffThreadRunner {
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;

  const retire = (slot: Slot): void => {
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
  };

  const finish = (slot: Slot, settle: (pending: Pending) => void): void => {
    const busy = slot.busy;
    if (!busy) return;
    clearTimeout(busy.timer);
    slot.busy = undefined;
    slot.worker.unref();
    settle(busy.pending);
    dispatch();
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: startWorker(), ready: false };
    slot.worker.unref();
    slot.worker.on('message', (reply: Reply | 'ready') => {
      if (reply === 'ready') {
        slot.ready = true;
        return dispatch();
      }
      if (slot.busy?.id !== reply.id) return;
      finish(slot, (pending) =>
        'error' in reply
          ? pending.reject(
              reply.error.reason !== undefined
                ? new FeedFetchError(reply.error.message, reply.error.reason)
                : Object.assign(new Error(reply.error.message), { name: reply.error.name }),
            )
          : pending.resolve(reply.value),
      );
    });
    // A worker that dies (out of memory, say) fails its task, and the next task gets a new one; one that cannot even start fails every waiting task.
    const died = (error: Error): void => {
      if (!slots.includes(slot)) return;
      retire(slot);
      const unreadable = (kind: string) =>
        new FeedFetchError(`the ${kind} could not be read: ${error.message}`, 'not-a-feed', undefined, { cause: error });
      if (!slot.ready) for (const waiting of queue.splice(0)) waiting.reject(unreadable(waiting.task.kind));
      finish(slot, (pending) => pending.reject(unreadable(pending.task.kind)));
    };
    slot.worker.on('error', died);
    slot.worker.on('exit', (code) => died(new Error(`worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  };

  function dispatch(): void {
    while (queue.length > 0) {
      const idle = slots.find((candidate) => candidate.ready && !candidate.busy);
      if (!idle) {
        // Start another worker while there is room; the queue waits for the first one ready.
        if (slots.length < threads && slots.every((slot) => slot.ready)) spawn();
        return;
      }
      const slot = idle;
      const pending = queue.shift()!;
      const id = nextId++;
      const timer = setTimeout(() => {
        retire(slot);
        finish(slot, (late) =>
          late.reject(new FeedFetchError(`reading the ${late.task.kind} took longer than ${deadlineMs / 1000} s; stopped`, 'timeout')),
        );
      }, deadlineMs);
      slot.busy = { id, pending, timer };
      slot.worker.ref();
      slot.worker.postMessage({ id, task: pending.task });
    }
  }

  return {
    run: (task) =>
      new Promise<TaskResult>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        dispatch();
      }),
    async close() {
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}

/** The FeedParser port, off the main thread. */
export function offThreadFeedParser(runner: OffThreadRunner): FeedParser {
  return {
    parse: async (body, contentType, url) => (await runner.run({ kind: 'feed', body, contentType, url })) as ParsedFeed,
  };
}
