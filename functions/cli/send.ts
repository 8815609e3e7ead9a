/**
 * `digest send resume|cancel SEND`: what an operator does with a send the guard paused. Resume
 * sends the readers not yet sent through the local stack's wiring (as `send-now` does), with the
 * guard counting afresh; cancel ends the send.
 */
import type { Command } from 'commander';
import {
  cancelSend,
  type ChunkJob,
  recipientsOf,
  resumePausedSend,
  SendNotFoundError,
  SendNotResumableError,
  sendPauseState,
} from '../core/delivery/index.ts';
import { createLocalWiring } from '../local/local-app.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';
import { sendProgress } from './send-progress.ts';
import { registerSendChunkCommands } from './send-chunks.ts';

/** The operator's mistakes (an unknown send, one that cannot be resumed) as CLI errors; anything else as is. */
async function operatorErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SendNotFoundError || error instanceof SendNotResumableError) throw new CliError(error.message, { cause: error });
    throw error;
  }
}

/** The line `send-now` and `send resume` print when the guard paused the send. */
export async function pausedNotice(send: string, wiring: ReturnType<typeof createLocalWiring>): Promise<string | undefined> {
  const { state, guard } = await sendPauseState(send, { deliveries: wiring.port('deliveries'), sendGuard: wiring.port('sendGuard') });
  if (state !== 'paused') return undefined;
  const why = guard?.tripped?.reason ?? 'paused by an operator';
  return (
    `send ${send} paused: ${why}.\n` +
    `  Check the list (\`npx digest status\`), then \`npx digest send resume ${send}\` to go on with the readers not yet sent, ` +
    `or \`npx digest send cancel ${send}\` to end it. A resume is possible within the readers' local day; after it they roll into their next digest.`
  );
}

async function resume(send: string): Promise<void> {
  const settings = await loadLocalSettings();
  const tally = { sent: 0 };
  const progress = sendProgress();
  const wiring = createLocalWiring(settings, (_job, outcome) => {
    // Readers of a reopened chunk who had their digest before the pause come back as duplicates: not news.
    if (outcome === 'sent') tally.sent += 1;
    progress.tick();
  });
  try {
    const planner = wiring.deps('schedule-plan-digest');
    const queue = {
      enqueue: async (jobs: readonly ChunkJob[]) => {
        progress.addTotal(jobs.reduce((sum, job) => sum + recipientsOf(job), 0));
        await planner.queue.enqueue(jobs);
      },
    };
    const report = await operatorErrors(() =>
      resumePausedSend(send, {
        deliveries: wiring.port('deliveries'),
        sendGuard: wiring.port('sendGuard'),
        clock: wiring.port('clock'),
        queue,
      }),
    );
    progress.stop();
    if (report.was === 'running') {
      console.log(`send ${send} is not paused: nothing to resume.`);
      return;
    }
    console.log(`send ${send} resumed: ${report.chunks} chunks, ${report.recipients} readers not yet sent; sent ${tally.sent}`);
    if (report.rolledOver > 0)
      console.log(`  ${report.rolledOver} readers' local day is over: they roll into their next digest, which carries what they missed.`);
    const notice = await pausedNotice(send, wiring);
    if (notice !== undefined) console.log(notice);
  } finally {
    progress.stop();
    wiring.close();
  }
}

async function cancel(send: string): Promise<void> {
  const settings = await loadLocalSettings();
  const wiring = createLocalWiring(settings);
  try {
    const chunks = await operatorErrors(() => cancelSend(send, { deliveries: wiring.port('deliveries') }));
    console.log(`send ${send} cancelled: ${chunks} chunks not yet sent will not be sent.`);
  } finally {
    wiring.close();
  }
}

export function registerSendCommands(program: Command): void {
  const send = program
    .command('send')
    .description("Look after sends: today's chunks (status), the dead-letter list (redrive), resume or cancel a send");
  send
    .command('resume <send>')
    .description("Go on with a paused send's readers not yet sent (suppressed addresses stay suppressed; the guard counts afresh)")
    .action(resume);
  send.command('cancel <send>').description('End a send: its readers not yet sent get no digest from it').action(cancel);
  registerSendChunkCommands(program);
}
