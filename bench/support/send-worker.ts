/**
 * One send-digest "container" of bench:send, in its own process as a Lambda container is: its own
 * SDK clients, PacedMailer and token bucket, and the real sendDigestHandler. The parent hands it
 * SQS batches over IPC and gets back the failed message ids; at the end, its counters and CPU.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { Wiring } from '../../functions/adapters/runtime/wiring.ts';
import { loadConfig } from '../../functions/adapters/runtime/config.ts';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamo/delivery-ledger.ts';
import { DynamoEditionStore } from '../../functions/adapters/dynamo/edition-store.ts';
import { DynamoSendStatsStore } from '../../functions/adapters/dynamo/send-stats-store.ts';
import { PacedMailer } from '../../functions/adapters/ses/paced-mailer.ts';
import { createSesClient, SesMailer } from '../../functions/adapters/ses/ses-mailer.ts';
import { SesQuotaSource } from '../../functions/adapters/ses/ses-quota.ts';
import { SEND_FLEET } from '../../functions/core/delivery/send-fleet.ts';
import { sendDigestHandler } from '../../functions/handlers/sqs-send-digest.ts';
import { RequestCounter } from './emulators.ts';
import { CapacityMeter, workerInitSchema, type WorkerTotals } from './send-protocol.ts';
import { benchClock, benchSettings } from './fixtures.ts';

const batchSchema = z.object({ type: z.literal('batch'), event: z.custom<SQSEvent>() });
const finishSchema = z.object({ type: z.literal('finish') });
const messageSchema = z.discriminatedUnion('type', [workerInitSchema, batchSchema, finishSchema]);

function container(init: z.infer<typeof workerInitSchema>) {
  const cpuStart = process.cpuUsage();
  const client = createDynamoClient({ region: 'us-east-1', endpoint: init.dynamoEndpoint });
  const capacity = new CapacityMeter();
  capacity.attachTo(client);
  const dynamoRequests = new RequestCounter();
  dynamoRequests.attachTo(client);
  const doc = toDocumentClient(client);
  const ses = createSesClient({ region: 'us-east-1', endpoint: init.sesEndpoint, retries: 'caller' });
  const sesRequests = new RequestCounter();
  sesRequests.attachTo(ses);
  let throttledAttempts = 0;
  const config = loadConfig({
    TABLE_NAME: init.tableName,
    DYNAMODB_ENDPOINT: init.dynamoEndpoint,
    SES_ENDPOINT: init.sesEndpoint,
    TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret',
    PUBLIC_URL: 'https://digest.example',
    MAIL_FROM: 'The Daily Digest <digest@digest.example>',
  });
  const wiring = new Wiring(config, {
    ports: {
      clock: benchClock,
      settings: benchSettings(),
      editions: new DynamoEditionStore(doc, init.tableName),
      deliveries: new DynamoDeliveryLedger(doc, init.tableName),
      sendStats: new DynamoSendStatsStore(doc, init.tableName, () => benchClock.now().toISOString()),
      digestMailer: new PacedMailer(new SesMailer(ses), new SesQuotaSource(ses), {
        fleet: { senders: SEND_FLEET.maxConcurrency, headroom: SEND_FLEET.headroom },
        onThrottled: () => {
          throttledAttempts += 1;
        },
      }),
      // Quota deferral does not happen here: the stand-in's daily quota is out of reach.
      deferral: { defer: async () => undefined },
    },
  });
  const deps = wiring.deps('sqs-send-digest');
  const handler = sendDigestHandler(async () => deps);
  const totals = (): WorkerTotals => {
    const cpu = process.cpuUsage(cpuStart);
    return {
      type: 'totals',
      cpuMs: (cpu.user + cpu.system) / 1000,
      dynamoRequests: dynamoRequests.byCommand(),
      readUnits: capacity.read,
      writeUnits: capacity.write,
      sesRequests: sesRequests.byCommand(),
      throttledAttempts,
    };
  };
  return { handler, totals };
}

let running: ReturnType<typeof container> | undefined;
let profiler: { session: Session; path: string } | undefined;

/** The V8 profiler of this process's main thread, started before the container is built. */
async function startProfile(path: string): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  profiler = { session, path };
}

async function finish(): Promise<WorkerTotals> {
  const totals = running!.totals();
  if (profiler) {
    const { profile } = await profiler.session.post('Profiler.stop');
    writeFileSync(profiler.path, JSON.stringify(profile));
  }
  return totals;
}

// The handler logs a line per batch; stdout is the parent's result line, so logs go to nowhere here.
console.log = () => undefined;
process.on('message', (raw) => {
  const message = messageSchema.parse(raw);
  if (message.type === 'init') {
    void (message.profilePath ? startProfile(message.profilePath) : Promise.resolve()).then(() => {
      running = container(message);
      process.send?.({ type: 'ready' });
    });
  } else if (message.type === 'batch') {
    void running!
      .handler(message.event)
      .then((response) => process.send?.({ type: 'done', failed: response.batchItemFailures.map((failure) => failure.itemIdentifier) }));
  } else {
    void finish().then((totals) => process.send?.(totals, () => process.exit(0)));
  }
});
