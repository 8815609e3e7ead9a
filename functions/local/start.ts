/**
 * `npm start`: the whole product in one process. dynalite (persisted under DATA_DIR),
 * aws-ses-v2-local (with its inbox page), the HTTP API on PORT and the hourly planner.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureTable } from '../adapters/dynamo/create-table.ts';
import { createDynamoClient } from '../adapters/dynamo/client.ts';
import { generateApiKey } from '../core/ingest/index.ts';
import { ensureDevKey } from './dev-key.ts';
import { CHUNK_HEADER, chunkCondition, type InboxMail, settleLocalClaims } from '../core/delivery/index.ts';
import { planAndRepick } from '../core/planning/index.ts';
import { startDynamoEmulator, startSesEmulator, type RunningEmulator, type StoredEmail } from './emulators.ts';
import { everyHour } from './hourly.ts';
import { pollDepsOf, pollFeedsEvery } from './feed-poller.ts';
import { createLocalWiring, localMailboxSimulator, localRoutes } from './local-app.ts';
import { apiKeyFile, loadLocalSettings, readLocalApiKey, type LocalSettings } from './local-settings.ts';
import { createRouter, type Router } from './router.ts';
import type { Wiring } from '../adapters/runtime/wiring.ts';

// The AWS SDK warns once per process on Node 20 that its 2027 releases will need Node 22 (Lambda
// runs 22); its documented switch turns off that one warning and leaves every other on.
if (!process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'])
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/** How long SIGTERM or Ctrl+C lets requests in flight finish, and when the process exits whatever happens. */
const DRAIN_MS = 7000;
const STOP_DEADLINE_MS = 9500;

async function ensureApiKey(settings: LocalSettings, wiring: Wiring): Promise<string> {
  const apiKeys = wiring.port('apiKeys');
  const existing = await readLocalApiKey(settings);
  const key = existing ?? generateApiKey();
  if (!existing) await writeFile(apiKeyFile(settings.dataDir), `${key}\n`, { mode: 0o600 });
  const { retired } = await ensureDevKey(key, settings.apiKey ? 'API_KEY' : 'local dev key', apiKeys, new Date());
  for (const old of retired) console.log(`Retired the previous dev key ${old.hash.slice(0, 12)} (${old.name}): API_KEY changed.`);
  return key;
}

/** Erasure markers from before keyed hashes become keyed ones (idempotent: nothing to do after the first run). */
async function rehashErasureMarks(settings: LocalSettings, wiring: Wiring): Promise<void> {
  if (settings.config.TOKEN_SECRET === undefined) return;
  const rewritten = await wiring.port('erasureMarks').rehashAll();
  if (rewritten > 0) console.log(`Rewrote ${rewritten} erasure marker(s) as keyed hashes.`);
}

function inboxMail(email: StoredEmail): InboxMail {
  return {
    to: email.destination?.to ?? [],
    messageId: email.messageId,
    chunk: email.headers?.find((header) => header.name.toLowerCase() === CHUNK_HEADER.toLowerCase())?.value,
  };
}

/**
 * This process is the only sender of the local stack, so every chunk still claimed at start was
 * claimed by a process that is gone: settle it against the persisted inbox and release the rest.
 * Nothing here sends them: the next `send-now` adopts them with its slot-days and sends them
 * before it returns, and the next hourly run re-picks any still open (core/delivery/stranded.ts).
 */
async function settleClaims(wiring: Wiring, inbox: StoredEmail[]): Promise<void> {
  const deps = {
    deliveries: wiring.port('deliveries'),
    sendStats: wiring.port('sendStats'),
    editions: wiring.port('editions'),
    clock: wiring.port('clock'),
  };
  const { settlement, released } = await settleLocalClaims(inbox.map(inboxMail), deps);
  if (settlement.chunks > 0) {
    console.log(
      `Settled ${settlement.chunks} chunk(s) the last run left claimed: ${settlement.confirmed} digest(s) found in the inbox and marked sent, ` +
        `${settlement.released} reader(s) released for the next send-now or hourly run.`,
    );
  }
  if (settlement.slotDays) {
    console.log(`${settlement.slotDays} slot-day(s) a stopped run left part-planned go to the next run or send-now.`);
  }
  const now = deps.clock.now();
  const today = released.filter((chunk) => chunkCondition(chunk, now) !== 'earlier-day');
  if (today.length > 0) console.log(`${today.length} chunk(s) of today are open: \`npx digest send-now\` sends them now.`);
}

function listen(server: Router, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
}

async function main(): Promise<void> {
  const settings = await loadLocalSettings();
  await mkdir(join(settings.dataDir, 'dynamodb'), { recursive: true });

  const emulators: RunningEmulator[] = [];
  emulators.push(await startDynamoEmulator({ port: settings.dynamoPort, path: join(settings.dataDir, 'dynamodb') }));
  // The wiring's clients connect on first use: built now, so the SES emulator's first send already reaches the simulator.
  const wiring = createLocalWiring(settings, (job, outcome, error) => {
    if (outcome === 'failed') console.error(`send failed for ${job.email}: ${String(error)}`);
  });
  const simulator = localMailboxSimulator(wiring);
  const ses = await startSesEmulator({
    port: settings.sesPort,
    inboxFile: join(settings.dataDir, 'inbox.json'),
    onAccepted: (email) => simulator.accepted(email),
  });
  emulators.push(ses);
  await ensureTable(
    createDynamoClient({ region: settings.config.AWS_REGION, endpoint: settings.config.DYNAMODB_ENDPOINT }),
    settings.config.TABLE_NAME,
  );

  const apiKey = await ensureApiKey(settings, wiring);
  await rehashErasureMarks(settings, wiring);
  await settleClaims(wiring, ses.inbox());
  const server = createRouter(localRoutes(wiring));
  const planner = wiring.deps('schedule-plan-digest');
  await listen(server, settings.port);

  const schedule = everyHour(async () => {
    try {
      const report = await planAndRepick('scheduled', planner);
      console.log(
        `hourly run: ${report.enqueued} digests sent or queued, ${report.skipped.nothingNew} with nothing new, ` +
          `${report.stranded.repicked} stranded chunk(s) sent again`,
      );
    } catch (error) {
      console.error('hourly run failed:', error);
    }
  });

  const feedPolls = pollFeedsEvery(pollDepsOf(wiring));

  console.log(`digest-mailer is running.
  API and pages:   ${settings.apiUrl}
  Email inbox:     ${settings.inboxUrl}
  Ingest API key:  ${apiKey}
  Data:            ${settings.dataDir}
Try: npx digest ingest examples/articles.json   then subscribe at ${settings.apiUrl} and run: npx digest send-now
Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (finishing the requests in flight first)…`);
    schedule.stop();
    feedPolls.stop();
    // The contract is "stopped within 10 s": requests get DRAIN_MS, the emulators the rest, then we exit regardless.
    const deadline = setTimeout(() => process.exit(1), STOP_DEADLINE_MS);
    deadline.unref();
    // New connections are refused from here; requests in flight still reach dynalite and SES, so those close last.
    const drained = await server.drain(DRAIN_MS);
    if (drained === 'cut') console.error(`Requests still open after ${DRAIN_MS / 1000} s were cut.`);
    await Promise.allSettled(emulators.map((e) => e.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`A port is already in use (${message}). Set PORT, SES_PORT or DYNAMODB_PORT to free ones.`);
  } else {
    console.error(`digest-mailer could not start: ${message}`);
  }
  process.exit(1);
});
