/**
 * `digest send-now`: plans the current edition now and sends it through the local stack's
 * wiring (the planner's and the sender's deps, the in-process queue), with a progress bar.
 */
import type { Command } from 'commander';
import { type ChunkJob, type DeliverOutcome, recipientsOf } from '../core/delivery/index.ts';
import { planDigest } from '../core/planning/index.ts';
import { createLocalWiring } from '../local/local-app.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';
import { sendProgress } from './send-progress.ts';
import { pausedNotice } from './send.ts';

const SKIP_REASONS: Record<Exclude<DeliverOutcome, 'sent' | 'rejected'>, string> & { deferred: string } = {
  duplicate: 'already sent this edition',
  deferred: 'SES daily quota reached; deferred to the next hour',
  'not-subscribed': 'unsubscribed since the plan',
  'already-served-today': "already had today's digest",
  moved: 'changed their send hour or zone since the plan; their new hour sends it',
  'sending-elsewhere': 'being sent by another run',
  'earlier-day': 'their chunk was for an earlier day; their next digest carries it',
};

async function sendNow(): Promise<number> {
  const settings = await loadLocalSettings();
  const tally = { sent: 0, skipped: 0, failed: 0 };
  const reasons = new Map<string, number>();
  const skip = (reason: string, count = 1): void => {
    if (count === 0) return;
    tally.skipped += count;
    reasons.set(reason, (reasons.get(reason) ?? 0) + count);
  };
  const progress = sendProgress();
  const failures: string[] = [];
  const wiring = createLocalWiring(settings, (job, outcome, error) => {
    if (outcome === 'sent') tally.sent += 1;
    else if (outcome === 'failed' || outcome === 'rejected') {
      tally.failed += 1;
      failures.push(`  failed: ${job.email}: ${error instanceof Error ? error.message : String(error)}`);
    } else skip(SKIP_REASONS[outcome]);
    progress.tick();
  });
  const planner = wiring.deps('schedule-plan-digest');
  const queue = {
    enqueue: async (jobs: readonly ChunkJob[]) => {
      progress.addTotal(jobs.reduce((sum, job) => sum + recipientsOf(job), 0));
      await planner.queue.enqueue(jobs);
    },
  };
  const startedMs = Date.now();
  let report;
  try {
    report = await planDigest('now', { ...planner, queue });
  } catch (error) {
    progress.stop();
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(`Cannot plan the digest (${reason}). Is \`npm start\` running?`, { cause: error });
  }
  progress.stop();
  for (const failure of failures) console.error(failure);
  console.log(`send ${report.send}`);
  for (const edition of report.editions) {
    console.log(`edition ${edition.id}: ${edition.stories} stories, ${edition.recipients} readers`);
  }
  skip(SKIP_REASONS['already-served-today'], report.skipped.alreadySentToday);
  skip('nothing new since their last digest', report.skipped.nothingNew);
  skip('weekly readers, not their delivery day', report.skipped.weeklyOffDay);
  skip('paused by the reader', report.skipped.paused);
  skip('in a chunk another run is sending or will send', report.skipped.plannedElsewhere);
  skip(
    'another run holds their slot-day (planning it now, or stopped: its lease ends within 15 minutes); send-now again after',
    report.skipped.beingPlannedElsewhere,
  );
  skip('their digest today was cancelled (digest send cancel)', report.skipped.cancelledToday);
  for (const [reason, count] of reasons) console.log(`  skipped ${count}: ${reason}`);
  const seconds = (Date.now() - startedMs) / 1000;
  console.log(
    `sent ${tally.sent}, skipped ${tally.skipped}, failed ${tally.failed} in ${seconds.toFixed(1)} s (${(tally.sent / Math.max(seconds, 0.001)).toFixed(1)}/s)`,
  );
  // The send guard paused the send: the rest waits for the operator, and that is not a failure.
  const paused = await pausedNotice(report.send, wiring);
  if (paused !== undefined) {
    console.log(paused);
    return 0;
  }
  return tally.failed > 0 ? 1 : 0;
}

export function registerSendNowCommand(program: Command): void {
  program
    .command('send-now')
    .description("Build the current edition now and send it to every confirmed reader who has not had today's digest")
    .action(async () => {
      process.exitCode = await sendNow();
    });
}
