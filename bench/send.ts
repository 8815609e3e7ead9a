/**
 * bench:send — plan + send for N confirmed readers at an SES rate of R messages a second.
 *
 *   npm run bench:send -- --readers 10000 --rate 50
 *
 * A child process runs dynalite and an SES stand-in that answers ThrottlingException above R
 * (bench/support/send-backends.ts), so their CPU is not ours. This process runs the real
 * planDigest and, as SQS + Lambda would, SEND_FLEET.maxConcurrency sender "containers", each with
 * its own process (bench/support/send-worker.ts) with its own sendDigestHandler, PacedMailer
 * (GetAccount from the stand-in) and token bucket. SQS is
 * simulated in memory (BenchSqs) and its requests counted per call the real service would bill:
 * SendMessageBatch of ten chunk jobs, one ReceiveMessage per non-empty batch, one DeleteMessageBatch per
 * batch. DynamoDB capacity is dynalite's ReturnConsumedCapacity for every call.
 *
 * Progress goes to stderr; stdout gets one JSON line. CPU is process.cpuUsage() of this process
 * (the planner, and the SQS stand-in's dispatch) from the start of the plan to the last send,
 * plus that of each sender process from its start (loading the readers is not counted).
 *
 * `--cpu-prof DIR` writes V8 CPU profiles there: parent.cpuprofile (the planner and the SQS
 * stand-in's dispatch, over the measured run) and sender-<n>.cpuprofile (each
 * sender process from its init, what its CPU figure counts); `tsx bench/support/profile-top.ts DIR sender` prints
 * the top frames.
 */
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { SQSEvent } from 'aws-lambda';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DynamoArticleStore } from '../functions/adapters/dynamo/article-store.ts';
import { createDynamoClient, toDocumentClient } from '../functions/adapters/dynamo/client.ts';
import { ensureTable } from '../functions/adapters/dynamo/create-table.ts';
import { DynamoEditionStore } from '../functions/adapters/dynamo/edition-store.ts';
import { subscriberItem } from '../functions/adapters/dynamo/subscriber-item.ts';
import { DynamoSubscriberStore } from '../functions/adapters/dynamo/subscriber-store.ts';
import { TemplateRenderer } from '../functions/adapters/render/template-renderer.ts';
import { planDigest } from '../functions/core/planning/plan.ts';
import { SEND_FLEET } from '../functions/core/delivery/send-fleet.ts';
import type { ChunkJob } from '../functions/core/delivery/types.ts';
import { recipientsOf } from '../functions/core/delivery/chunk-job.ts';
import { DynamoDeliveryLedger } from '../functions/adapters/dynamo/delivery-ledger.ts';
import type { Queue } from '../functions/core/planning/ports.ts';
import { countFlag, parseFlags, processMaxRssMb, runMain } from './harness.ts';
import { articlePayloads, storedArticles } from './support/articles.ts';
import { RequestCounter } from './support/emulators.ts';
import { CapacityMeter, type workerInitSchema, type WorkerTotals } from './support/send-protocol.ts';
import { benchClock, benchSettings, dueReader, YESTERDAY_CUTOFF } from './support/fixtures.ts';

/** Public prices, us-east-1, as of November 2026. */
const PRICE = {
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ */
  dynamoWriteRequestUnitUsd: 0.625 / 1e6,
  dynamoReadRequestUnitUsd: 0.125 / 1e6,
  /** https://aws.amazon.com/sqs/pricing/ (standard queue, beyond the free tier) */
  sqsRequestUsd: 0.4 / 1e6,
  /** https://aws.amazon.com/lambda/pricing/ (arm64) */
  lambdaGbSecondUsd: 0.0000133334,
  lambdaRequestUsd: 0.2 / 1e6,
  /** https://aws.amazon.com/ses/pricing/ (outbound email) */
  sesPerEmailUsd: 0.1 / 1000,
} as const;

/** As infra/ deploys them. */
const PLAN_MEMORY_GB = 0.5;
const SEND_MEMORY_GB = 0.5;

const flagsSchema = z.object({
  readers: countFlag(10_000, 'confirmed readers due in this hour'),
  rate: countFlag(50, 'the SES stand-in’s MaxSendRate, messages per second'),
  'cpu-prof': z.string().min(1).optional().describe('a directory for V8 CPU profiles of the planner and each sender'),
});

const LOAD_BATCH = 25;
const LOAD_CONCURRENCY = 8;
/** Failed messages come back this much later (the real queue: 6 minutes; scaled down for a bench). */
const BENCH_VISIBILITY_MS = 2_000;
const PROGRESS_EVERY_MS = 5_000;

interface Backends {
  dynamoEndpoint: string;
  sesEndpoint: string;
  stop(): Promise<void>;
}

async function startBackends(rate: number): Promise<Backends> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/send-backends.ts', String(rate)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`send-backends exited with ${code}`)));
  });
  const { dynamoEndpoint, sesEndpoint } = z.object({ dynamoEndpoint: z.string(), sesEndpoint: z.string() }).parse(JSON.parse(first));
  return {
    dynamoEndpoint,
    sesEndpoint,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

interface QueuedMessage {
  id: number;
  body: string;
  receiveCount: number;
  visibleAtMs: number;
}

/** SQS as the bench needs it, in memory, counting the requests the real one would bill. */
class BenchSqs implements Queue {
  requests = 0;
  deadLettered = 0;
  #nextId = 0;
  #visible: QueuedMessage[] = [];
  #delayed: QueuedMessage[] = [];
  #inFlight = 0;

  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    this.requests += Math.ceil(jobs.length / 10);
    for (const job of jobs) {
      this.#visible.push({ id: this.#nextId++, body: JSON.stringify(job), receiveCount: 0, visibleAtMs: 0 });
    }
  }

  receive(max: number): QueuedMessage[] {
    const now = performance.now();
    if (this.#delayed.length > 0) {
      const due = this.#delayed.filter((m) => m.visibleAtMs <= now);
      this.#delayed = this.#delayed.filter((m) => m.visibleAtMs > now);
      this.#visible.push(...due);
    }
    const batch = this.#visible.splice(0, max);
    if (batch.length === 0) return batch;
    this.requests += 1;
    this.#inFlight += batch.length;
    for (const message of batch) message.receiveCount += 1;
    return batch;
  }

  /** The handler's answer: deletes the rest, returns the failures (or dead-letters them). */
  settle(batch: QueuedMessage[], failedIds: Set<string>, delayMs = BENCH_VISIBILITY_MS): void {
    this.#inFlight -= batch.length;
    if (batch.length > failedIds.size) this.requests += 1;
    for (const message of batch) {
      if (!failedIds.has(String(message.id))) continue;
      if (message.receiveCount >= SEND_FLEET.maxReceiveCount) this.deadLettered += 1;
      else this.#delayed.push({ ...message, visibleAtMs: performance.now() + delayMs });
    }
  }

  get empty(): boolean {
    return this.#visible.length === 0 && this.#delayed.length === 0 && this.#inFlight === 0;
  }
}

interface Worker {
  handle(event: SQSEvent): Promise<string[]>;
  finish(): Promise<WorkerTotals>;
}

/** Forks one sender container; it handles one batch at a time, as one Lambda container does. */
async function startWorker(init: z.infer<typeof workerInitSchema>): Promise<Worker> {
  const child = fork('bench/support/send-worker.ts', [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const next = (): Promise<unknown> => new Promise((resolve) => child.once('message', resolve));
  const ready = next();
  child.send(init);
  await ready;
  return {
    handle: async (event) => {
      const reply = next();
      child.send({ type: 'batch', event });
      return z.object({ failed: z.array(z.string()) }).parse(await reply).failed;
    },
    finish: async () => {
      const reply = next();
      child.send({ type: 'finish' });
      return (await reply) as WorkerTotals;
    },
  };
}

function mergeCounts(all: Record<string, number>[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const counts of all) for (const [name, count] of Object.entries(counts)) merged[name] = (merged[name] ?? 0) + count;
  return merged;
}

function toEvent(batch: QueuedMessage[]): SQSEvent {
  return {
    Records: batch.map((message) => ({
      messageId: String(message.id),
      receiptHandle: `bench-${message.id}-${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: '0',
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:bench-send',
      awsRegion: 'us-east-1',
    })),
  };
}

/** Writes the readers in the item shape DynamoSubscriberStore.put writes, 25 to a BatchWriteItem, never all in memory. */
async function loadReaders(
  doc: DynamoDBDocumentClient,
  tableName: string,
  subscribers: DynamoSubscriberStore,
  count: number,
): Promise<void> {
  // put() registers each zone; one reader per zone is enough for that.
  const zonesSeen = Math.min(count, 24);
  for (let index = 0; index < zonesSeen; index++) await subscribers.put(dueReader(index));
  let next = zonesSeen;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + LOAD_BATCH);
      const items = [];
      for (let index = start; index < next; index++) {
        items.push(subscriberItem(dueReader(index)));
      }
      let pending = items.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, lane));
}

const standInStatsSchema = z.object({
  accepted: z.number(),
  bulkCalls: z.number(),
  bytesPerEmail: z.number(),
  throttled: z.number(),
  distinct: z.number(),
  duplicates: z.number(),
  sendSeconds: z.number(),
  perSecond: z.array(z.number()),
});

async function stats(sesEndpoint: string): Promise<z.infer<typeof standInStatsSchema>> {
  const response = await fetch(`${sesEndpoint}/bench/stats`);
  return standInStatsSchema.parse(await response.json());
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/send.ts', flagsSchema);
  const { readers: n, rate } = flags;
  const profileDir = flags['cpu-prof'] === undefined ? undefined : resolve(flags['cpu-prof']);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const backends = await startBackends(rate);
  try {
    const tableName = 'bench-send';
    const client = createDynamoClient({ region: 'us-east-1', endpoint: backends.dynamoEndpoint });
    await ensureTable(client, tableName);
    const doc = toDocumentClient(client);
    const subscribers = new DynamoSubscriberStore(doc, tableName, benchClock);
    const articles = new DynamoArticleStore(doc, tableName);
    const loadStart = performance.now();
    log(`loading ${n} readers into dynalite…`);
    await loadReaders(doc, tableName, subscribers, n);
    const payloads = storedArticles(articlePayloads({ seed: 9, count: 40 }), (index) =>
      new Date(Date.parse(YESTERDAY_CUTOFF) + (index + 1) * 600_000).toISOString(),
    );
    for (const article of payloads) await articles.putIfAbsent(article);
    log(`loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    const capacity = new CapacityMeter();
    capacity.attachTo(client);
    const dynamoRequests = new RequestCounter();
    dynamoRequests.attachTo(client);
    const sqs = new BenchSqs();
    const editions = new DynamoEditionStore(doc, tableName);
    const workers = await Promise.all(
      Array.from({ length: SEND_FLEET.maxConcurrency }, (_, index) =>
        startWorker({
          type: 'init',
          dynamoEndpoint: backends.dynamoEndpoint,
          sesEndpoint: backends.sesEndpoint,
          tableName,
          ...(profileDir ? { profilePath: join(profileDir, `sender-${index + 1}.cpuprofile`) } : {}),
        }),
      ),
    );
    const profiler = profileDir ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }

    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    let planDone = false;
    let planMs = 0;
    let invocations = 0;
    let sendLambdaMs = 0;
    /** Recipients whose chunk was handled, for the progress line. */
    let handled = 0;
    const plan = (async () => {
      const report = await planDigest('scheduled', {
        articles,
        subscribers,
        editions,
        queue: sqs,
        renderer: new TemplateRenderer({ digestName: 'The Daily Digest' }),
        clock: benchClock,
        settings: benchSettings(),
        deliveries: new DynamoDeliveryLedger(doc, tableName),
      });
      planMs = performance.now() - wallStart;
      planDone = true;
      log(
        `planned: ${report.enqueued} recipients in ${report.chunks} chunks, ${report.editions.length} edition(s), ${(planMs / 1000).toFixed(1)} s`,
      );
      return report;
    })();
    const sender = async (worker: Worker): Promise<void> => {
      while (!(planDone && sqs.empty)) {
        const batch = sqs.receive(SEND_FLEET.batchSize);
        if (batch.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const started = performance.now();
        const failed = await worker.handle(toEvent(batch));
        sendLambdaMs += performance.now() - started;
        invocations += 1;
        for (const message of batch)
          if (!failed.includes(String(message.id))) handled += recipientsOf(JSON.parse(message.body) as ChunkJob);
        sqs.settle(batch, new Set(failed));
      }
    };
    const progress = setInterval(() => {
      const seconds = (performance.now() - wallStart) / 1000;
      const perSecond = handled / seconds;
      const eta = perSecond > 0 ? (n - handled) / perSecond : Number.NaN;
      log(
        `${handled}/${n} recipients done, ${perSecond.toFixed(1)}/s, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`,
      );
    }, PROGRESS_EVERY_MS).unref();
    await Promise.all([plan, ...workers.map(sender)]);
    const fleet = await Promise.all(workers.map((worker) => worker.finish()));
    clearInterval(progress);
    const cpu = process.cpuUsage(cpuStart);
    if (profiler && profileDir) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(join(profileDir, 'parent.cpuprofile'), JSON.stringify(profile));
      profiler.disconnect();
      log(`CPU profiles in ${profileDir}`);
    }
    const cpuMs = (cpu.user + cpu.system) / 1000 + fleet.reduce((sum, totals) => sum + totals.cpuMs, 0);
    const dynamoByCommand = mergeCounts([dynamoRequests.byCommand(), ...fleet.map((totals) => totals.dynamoRequests)]);
    const sesByCommand = mergeCounts(fleet.map((totals) => totals.sesRequests));
    const dynamoTotal = Object.values(dynamoByCommand).reduce((sum, count) => sum + count, 0);
    const readUnits = capacity.read + fleet.reduce((sum, totals) => sum + totals.readUnits, 0);
    const writeUnits = capacity.write + fleet.reduce((sum, totals) => sum + totals.writeUnits, 0);
    const throttledAttempts = fleet.reduce((sum, totals) => sum + totals.throttledAttempts, 0);
    const wallMs = performance.now() - wallStart;

    const received = await stats(backends.sesEndpoint);
    log(`recipients accepted per second: ${received.perSecond.join(' ')}`);
    const achievedRate = received.sendSeconds > 0 ? (received.accepted - 1) / received.sendSeconds : 0;
    const dynamoUsd = readUnits * PRICE.dynamoReadRequestUnitUsd + writeUnits * PRICE.dynamoWriteRequestUnitUsd;
    const sqsUsd = sqs.requests * PRICE.sqsRequestUsd;
    const lambdaUsd =
      ((sendLambdaMs / 1000) * SEND_MEMORY_GB + (planMs / 1000) * PLAN_MEMORY_GB) * PRICE.lambdaGbSecondUsd +
      (invocations + 1) * PRICE.lambdaRequestUsd;
    const sesUsd = received.accepted * PRICE.sesPerEmailUsd;
    const round = (value: number, digits: number) => Number(value.toFixed(digits));
    log(
      `wall ${(wallMs / 1000).toFixed(1)} s; plan ${(planMs / 1000).toFixed(1)} s; ${invocations} invocations; ` +
        `dynamodb ${dynamoTotal} requests (${JSON.stringify(dynamoByCommand)}), ` +
        `${readUnits.toFixed(0)} RRU, ${writeUnits.toFixed(0)} WRU; SES ${JSON.stringify(sesByCommand)}; cpu ${cpuMs.toFixed(0)} ms (fleet ${fleet.map((t) => t.cpuMs.toFixed(0)).join(' + ')}); ` +
        `dead-lettered ${sqs.deadLettered}; ${received.bulkCalls} SendBulkEmail calls, ${received.bytesPerEmail} request bytes per recipient; cost/1000: dynamodb $${((dynamoUsd / n) * 1000).toFixed(5)}, sqs $${((sqsUsd / n) * 1000).toFixed(5)}, ` +
        `lambda $${((lambdaUsd / n) * 1000).toFixed(5)}, ses $${((sesUsd / n) * 1000).toFixed(5)}`,
    );
    const result = {
      readers: n,
      sent: received.accepted,
      duplicates: received.duplicates,
      lost: n - received.distinct,
      throttled: received.throttled,
      utilisation: round(achievedRate / rate, 3),
      cpuMsPerRecipient: round(cpuMs / n, 3),
      peakRssMb: round(processMaxRssMb(), 1),
      requestsPerRecipient: { dynamodb: round(dynamoTotal / n, 3), sqs: round(sqs.requests / n, 3) },
      costPer1000Usd: round(((dynamoUsd + sqsUsd + lambdaUsd + sesUsd) / n) * 1000, 5),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (throttledAttempts !== received.throttled) log(`note: the senders saw ${throttledAttempts} throttled attempts`);
  } finally {
    await backends.stop();
  }
}

runMain(main);
