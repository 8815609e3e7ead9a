/**
 * `digest send status [--json]` and `digest send redrive` on the local stack: today's chunks by
 * state, stranded ones included, and the dead-letter list sent again. With --json the last line
 * of stdout is one object (README, "send status --json").
 */
import type { Command } from 'commander';
import pMap from 'p-map';
import { type ChunkTally, type DeliveryChunk, tallyChunks, todaysSlotDays } from '../core/delivery/index.ts';
import { InProcessQueue } from '../local/in-process-queue.ts';
import { createLocalWiring } from '../local/local-app.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

/** Conditions in the order they are printed, with the words for them. */
const SHOWN: [keyof ChunkTally, string][] = [
  ['open', 'open (queued, not yet claimed)'],
  ['claimed', 'claimed (a sender holds it)'],
  ['sent', 'sent'],
  ['paused', 'paused'],
  ['cancelled', 'cancelled'],
  ['stranded', 'stranded (nobody sending; the next hourly run or send-now sends it)'],
];

function failure(what: string, error: unknown): CliError {
  return new CliError(`Cannot ${what} (${error instanceof Error ? error.message : String(error)}). Is \`npm start\` running?`, {
    cause: error,
  });
}

async function sendStatus(options: { json?: boolean }): Promise<void> {
  const wiring = createLocalWiring(await loadLocalSettings());
  const deliveries = wiring.port('deliveries');
  const now = wiring.port('clock').now();
  let tally: ChunkTally;
  let deadLetters: number;
  try {
    const open = await deliveries.openChunks();
    const zones = [...(await wiring.port('plannerSubscribers').listTimeZones()), ...open.map((chunk) => chunk.slotDay.timezone)];
    // Sent and cancelled chunks have left the open-chunk index: today's slot-days are read one by one.
    const ofToday = await pMap(todaysSlotDays(zones, now), (slotDay) => deliveries.chunksOf(slotDay), { concurrency: 8 });
    const chunks: DeliveryChunk[] = [...open, ...ofToday.flat()];
    tally = tallyChunks(chunks, now);
    const queue = wiring.port('queue');
    deadLetters = queue instanceof InProcessQueue ? await queue.deadLetters.count() : 0;
  } catch (error) {
    throw failure('read the send ledger', error);
  }
  if (options.json) {
    console.log(
      JSON.stringify({
        at: now.toISOString(),
        chunks: Object.fromEntries(SHOWN.map(([name]) => [name, tally[name]])),
        earlierDay: tally['earlier-day'],
        deadLetters,
      }),
    );
    return;
  }
  console.log(`Chunks of today (each zone's local date), at ${now.toISOString()}:`);
  for (const [name, words] of SHOWN)
    console.log(`  ${String(tally[name].chunks).padStart(5)} chunk(s), ${String(tally[name].readers).padStart(6)} reader(s): ${words}`);
  const earlier = tally['earlier-day'];
  if (earlier.chunks > 0)
    console.log(
      `  ${earlier.chunks} open chunk(s) of an earlier day, never sent: their ${earlier.readers} reader(s) roll into their next digest`,
    );
  console.log(`Dead-lettered chunk jobs: ${deadLetters}${deadLetters > 0 ? ' (npx digest send redrive sends them again)' : ''}`);
}

async function redrive(): Promise<void> {
  const wiring = createLocalWiring(await loadLocalSettings());
  const queue = wiring.port('queue');
  if (!(queue instanceof InProcessQueue)) throw new CliError('This wiring has no local dead-letter list.');
  let count: number;
  try {
    count = await queue.redrive();
  } catch (error) {
    throw failure('redrive the dead-letter list', error);
  }
  console.log(`redrove ${count} chunk job(s) from the dead-letter list`);
}

/** Adds `status` and `redrive` to the `send` command, creating it unless another module did. */
export function registerSendChunkCommands(program: Command): void {
  const send = program.commands.find((command) => command.name() === 'send') ?? program.command('send').description('Look after sends');
  send
    .command('status')
    .description("Today's chunks: open, claimed, sent, paused, cancelled and stranded, with reader counts, and the dead-letter list")
    .option('--json', 'print one JSON object as the last line')
    .action(sendStatus);
  send.command('redrive').description('Send again the chunk jobs the dead-letter list holds, and print how many').action(redrive);
}
