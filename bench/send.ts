/**
 * bench:send — plan + send for N confirmed readers at an SES rate of R messages a second.
 *
 *   npm run bench:send -- --readers 10000 --rate 50
 *
 * A child process runs dynalite and an SES stand-in that answers ThrottlingException above R
 * (bench/support/send-backends.ts), so their CPU is not ours. This process runs the real
 * planDigest and, as SQS + Lambda would, SEND_FLEET.maxConcurrency sender "containers", each with
 * its own sendDigestHandler, PacedMailer (GetAccount from the stand-in) and token bucket. SQS is
 * simulated in memory (BenchSqs) and its requests counted per call the real service would bill:
 * SendMessageBatch of ten, one ReceiveMessage per non-empty batch, one DeleteMessageBatch per
 * batch. DynamoDB capacity is dynalite's ReturnConsumedCapacity for every call.
 *
 * Progress goes to stderr; stdout gets one JSON line. CPU is process.cpuUsage() of this process
 * from the start of the plan to the last send (loading the readers is not counted).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createAppDeps, type AppDeps } from '../functions/adapters/app-deps.ts';
import { loadConfig } from '../functions/adapters/config.ts';
import { DynamoArticleStore } from '../functions/adapters/dynamo/article-store.ts';
import { createDynamoClient, toDocumentClient } from '../functions/adapters/dynamo/client.ts';
import { ensureTable } from '../functions/adapters/dynamo/create-table.ts';
import { DynamoDeliveryStore } from '../functions/adapters/dynamo/delivery-store.ts';
import { DynamoEditionStore } from '../functions/adapters/dynamo/edition-store.ts';
import { subscriberKey } from '../functions/adapters/dynamo/keys.ts';
import { DynamoSendStatsStore } from '../functions/adapters/dynamo/send-stats-store.ts';
import { DynamoSubscriberStore } from '../functions/adapters/dynamo/subscriber-store.ts';
import { MjmlRenderer } from '../functions/adapters/mjml-renderer.ts';
import { PacedMailer } from '../functions/adapters/paced-mailer.ts';
import { createSesClient, SesMailer } from '../functions/adapters/ses-mailer.ts';
import { SesQuotaSource } from '../functions/adapters/ses-quota.ts';
import { planDigest } from '../functions/core/plan.ts';
import { SEND_FLEET } from '../functions/core/send-fleet.ts';
import type { DeliveryJob } from '../functions/core/types.ts';
import type { JobDeferral, Queue } from '../functions/ports.ts';
import { sendDigestHandler } from '../functions/handlers/sqs-send-digest.ts';
import { countFlag, parseFlags, processMaxRssMb, runMain } from './harness.ts';
import { articlePayloads, storedArticles } from './support/articles.ts';
import { RequestCounter } from './support/emulators.ts';
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

/** Read and write capacity units DynamoDB would bill, as dynalite reports them per call. */
class CapacityMeter {
  read = 0;
  write = 0;

  attachTo(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const isRead = /^(Get|BatchGet|Query|Scan)/.test(context.commandName ?? '');
        for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const units = (entry as { CapacityUnits?: number }).CapacityUnits ?? 0;
          if (isRead) this.read += units;
          else this.write += units;
        }
        return result;
      },
      { step: 'initialize', name: 'benchCapacityMeter' },
    );
  }
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

  async enqueue(jobs: readonly DeliveryJob[]): Promise<void> {
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

/** Writes the readers as DynamoSubscriberStore.put would, 25 to a BatchWriteItem, never all in memory. */
async function loadReaders(doc: DynamoDBDocumentClient, tableName: string, subscribers: DynamoSubscriberStore, count: number): Promise<void> {
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
        const reader = dueReader(index);
        // The slot attributes put() gives a confirmed reader (subscriber-store.ts slotPartition).
        items.push({ ...reader, ...subscriberKey(reader.email), gsi2pk: `SLOT#${reader.timezone}#${reader.sendHour}`, gsi2sk: reader.email });
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

async function stats(sesEndpoint: string): Promise<{ accepted: number; bytesPerEmail: number; throttled: number; distinct: number; duplicates: number; sendSeconds: number }> {
  const response = await fetch(`${sesEndpoint}/bench/stats`);
  return (await response.json()) as never;
}

async function main(): Promise<void> {
  const flags = parseFlags('bench/send.ts', flagsSchema);
  const { readers: n, rate } = flags;
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
    const sesRequests = new RequestCounter();
    const sqs = new BenchSqs();
    const editions = new DynamoEditionStore(doc, tableName);
    const deliveries = new DynamoDeliveryStore(doc, tableName);
    const sendStats = new DynamoSendStatsStore(doc, tableName, () => benchClock.now().toISOString());
    const config = loadConfig({
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: backends.dynamoEndpoint,
      SES_ENDPOINT: backends.sesEndpoint,
      TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret',
      PUBLIC_URL: 'https://digest.example',
      MAIL_FROM: 'The Daily Digest <digest@digest.example>',
    });
    let throttledAttempts = 0;
    const deferral: JobDeferral = { defer: async () => undefined };
    const container = (): AppDeps => {
      const ses = createSesClient({ region: 'us-east-1', endpoint: backends.sesEndpoint, retries: 'caller' });
      sesRequests.attachTo(ses);
      const digestMailer = new PacedMailer(new SesMailer(ses), new SesQuotaSource(ses), {
        fleet: { senders: SEND_FLEET.maxConcurrency, headroom: SEND_FLEET.headroom },
        onThrottled: () => {
          throttledAttempts += 1;
        },
      });
      return createAppDeps(config, config.TOKEN_SECRET ?? '', {
        clock: benchClock,
        settings: benchSettings(),
        subscribers,
        editions,
        deliveries,
        sendStats,
        digestMailer,
        deferral,
      });
    };

    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    let planDone = false;
    let planMs = 0;
    let invocations = 0;
    let sendLambdaMs = 0;
    let handled = 0;
    const plan = (async () => {
      const report = await planDigest('scheduled', {
        articles,
        subscribers,
        editions,
        queue: sqs,
        renderer: new MjmlRenderer({ digestName: 'The Daily Digest' }),
        clock: benchClock,
        settings: benchSettings(),
      });
      planMs = performance.now() - wallStart;
      planDone = true;
      log(`planned: ${report.enqueued} jobs, ${report.editions.length} edition(s), ${(planMs / 1000).toFixed(1)} s`);
      return report;
    })();
    const sender = async (): Promise<void> => {
      const deps = container();
      const handler = sendDigestHandler(async () => deps);
      while (!(planDone && sqs.empty)) {
        const batch = sqs.receive(SEND_FLEET.batchSize);
        if (batch.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        const started = performance.now();
        const { batchItemFailures } = await handler(toEvent(batch));
        sendLambdaMs += performance.now() - started;
        invocations += 1;
        handled += batch.length - batchItemFailures.length;
        sqs.settle(batch, new Set(batchItemFailures.map((failure) => failure.itemIdentifier)));
      }
    };
    const progress = setInterval(() => {
      const seconds = (performance.now() - wallStart) / 1000;
      const perSecond = handled / seconds;
      const eta = perSecond > 0 ? (n - handled) / perSecond : Number.NaN;
      log(`${handled}/${n} jobs done, ${perSecond.toFixed(1)}/s, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`);
    }, PROGRESS_EVERY_MS).unref();
    await Promise.all([plan, ...Array.from({ length: SEND_FLEET.maxConcurrency }, sender)]);
    clearInterval(progress);
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const wallMs = performance.now() - wallStart;

    const received = await stats(backends.sesEndpoint);
    const achievedRate = received.sendSeconds > 0 ? (received.accepted - 1) / received.sendSeconds : 0;
    const dynamoUsd = capacity.read * PRICE.dynamoReadRequestUnitUsd + capacity.write * PRICE.dynamoWriteRequestUnitUsd;
    const sqsUsd = sqs.requests * PRICE.sqsRequestUsd;
    const lambdaUsd =
      ((sendLambdaMs / 1000) * SEND_MEMORY_GB + (planMs / 1000) * PLAN_MEMORY_GB) * PRICE.lambdaGbSecondUsd +
      (invocations + 1) * PRICE.lambdaRequestUsd;
    const sesUsd = received.accepted * PRICE.sesPerEmailUsd;
    const round = (value: number, digits: number) => Number(value.toFixed(digits));
    log(
      `wall ${(wallMs / 1000).toFixed(1)} s; plan ${(planMs / 1000).toFixed(1)} s; ${invocations} invocations; ` +
        `dynamodb ${dynamoRequests.total()} requests (${JSON.stringify(dynamoRequests.byCommand())}), ` +
        `${capacity.read.toFixed(0)} RRU, ${capacity.write.toFixed(0)} WRU; SES ${JSON.stringify(sesRequests.byCommand())}; ` +
        `dead-lettered ${sqs.deadLettered}; ${received.bytesPerEmail} bytes per SendEmail; cost/1000: dynamodb $${((dynamoUsd / n) * 1000).toFixed(5)}, sqs $${((sqsUsd / n) * 1000).toFixed(5)}, ` +
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
      requestsPerRecipient: { dynamodb: round(dynamoRequests.total() / n, 3), sqs: round(sqs.requests / n, 3) },
      costPer1000Usd: round(((dynamoUsd + sqsUsd + lambdaUsd + sesUsd) / n) * 1000, 5),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (throttledAttempts !== received.throttled) log(`note: the senders saw ${throttledAttempts} throttled attempts`);
  } finally {
    await backends.stop();
  }
}

runMain(main);
