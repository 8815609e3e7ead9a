/**
 * `digest`: the operator's command line for the local stack (or any deployment, for ingest).
 * Same environment settings as `npm start`.
 */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import type { ChunkJob, DeliverOutcome } from '../core/delivery/index.ts';
import { ConfigError } from '../adapters/runtime/config.ts';
import { planDigest } from '../core/planning/index.ts';
import { sendProgress } from './send-progress.ts';
import { createLocalWiring } from '../local/local-app.ts';
import { loadLocalSettings, readLocalApiKey } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';
import { registerArticleCommands } from './articles.ts';
import { registerKeyCommands } from './keys.ts';
import { registerSourceCommands } from './sources.ts';
import { registerPreviewCommand } from './preview.ts';
import { registerStatusCommand } from './status.ts';
import { registerSubscriberCommands } from './subscribers.ts';
import { summarizeFiles, summarizeOptionsSchema } from './summarize.ts';

// The AWS SDK warns once per process on Node 20 that its 2027 releases will need Node 22 (Lambda
// runs 22); its documented switch turns off that one warning and leaves every other on.
if (!process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/** The API's answers, checked: a proxy's HTML error page must not become "Unexpected error". */
const ingestReportSchema = z.object({
  results: z.array(
    z.object({
      index: z.number(),
      status: z.string(),
      errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  ),
  counts: z.record(z.string(), z.number()),
});
const apiErrorSchema = z.object({ error: z.object({ message: z.string() }) });

function httpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // fall through to the error below
  }
  throw new InvalidArgumentError('must be an http(s) URL');
}

async function ingest(file: string, options: { apiUrl?: string; apiKey?: string }): Promise<number> {
  const settings = await loadLocalSettings();
  const apiUrl = options.apiUrl ?? settings.apiUrl;
  const apiKey = options.apiKey ?? (await readLocalApiKey(settings));
  if (!apiKey) throw new CliError('No API key: pass --api-key, set API_KEY, or run `npm start` once to create one.');

  let body: string;
  try {
    body = await readFile(file, 'utf8');
    const parsed: unknown = JSON.parse(body);
    // A bare array is accepted for convenience and wrapped into the API's envelope.
    if (Array.isArray(parsed)) body = JSON.stringify({ articles: parsed });
  } catch (error) {
    throw new CliError(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  let response: Response;
  try {
    response = await fetch(`${apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body,
    });
  } catch (error) {
    throw new CliError(`Cannot reach ${apiUrl}. Is \`npm start\` running?`, { cause: error });
  }
  const payload: unknown = await response.json().catch(() => undefined);
  const report = ingestReportSchema.safeParse(payload);
  if (!response.ok || !report.success) {
    const message = apiErrorSchema.safeParse(payload).data?.error.message ?? 'an unexpected response';
    throw new CliError(`The API answered ${response.status}: ${message}`);
  }
  const { results, counts } = report.data;
  for (const result of results) {
    const reasons = result.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
    console.log(`#${result.index} ${result.status}${reasons ? `: ${reasons}` : ''}`);
  }
  console.log(
    `created ${counts.created ?? 0}, duplicate ${counts.duplicate ?? 0}, rejected ${counts.rejected ?? 0}, failed ${counts.failed ?? 0}`,
  );
  return (counts.rejected ?? 0) + (counts.failed ?? 0) > 0 ? 1 : 0;
}

const SKIP_REASONS: Record<Exclude<DeliverOutcome, 'sent' | 'rejected'>, string> & { deferred: string } = {
  duplicate: 'already sent this edition',
  deferred: 'SES daily quota reached; deferred to the next hour',
  'not-subscribed': 'unsubscribed since the plan',
  'already-served-today': "already had today's digest",
  moved: 'changed their send hour or zone since the plan; their new hour sends it',
  'sending-elsewhere': 'being sent by another run',
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
      progress.addTotal(jobs.reduce((sum, job) => sum + job.emails.length, 0));
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
  for (const edition of report.editions) {
    console.log(`edition ${edition.id}: ${edition.stories} stories, ${edition.recipients} readers`);
  }
  skip(SKIP_REASONS['already-served-today'], report.skipped.alreadySentToday);
  skip('nothing new since their last digest', report.skipped.nothingNew);
  skip('weekly readers, not their delivery day', report.skipped.weeklyOffDay);
  skip('paused by the reader', report.skipped.paused);
  skip('planned today by another run, which sends it', report.skipped.plannedElsewhere);
  for (const [reason, count] of reasons) console.log(`  skipped ${count}: ${reason}`);
  const seconds = (Date.now() - startedMs) / 1000;
  console.log(
    `sent ${tally.sent}, skipped ${tally.skipped}, failed ${tally.failed} in ${seconds.toFixed(1)} s (${(tally.sent / Math.max(seconds, 0.001)).toFixed(1)}/s)`,
  );
  return tally.failed > 0 ? 1 : 0;
}

const program = new Command()
  .name('digest')
  .description('Operate digest-mailer: ingest articles, send the digest, manage readers and keys.')
  .showHelpAfterError();

program
  .command('ingest')
  .description('POST a JSON batch of articles ({"articles": [...]} or a bare array) to the API')
  .argument('<file>', 'JSON file, e.g. examples/articles.json')
  .option('--api-url <url>', 'API base URL (default: the local stack)', httpUrl)
  .option('--api-key <key>', 'ingest API key (default: API_KEY or the local dev key)')
  .action(async (file: string, options: { apiUrl?: string; apiKey?: string }) => {
    process.exitCode = await ingest(file, options);
  });

program
  .command('send-now')
  .description("Build the current edition now and send it to every confirmed reader who has not had today's digest")
  .action(async () => {
    process.exitCode = await sendNow();
  });

registerKeyCommands(program);
registerSubscriberCommands(program);
registerStatusCommand(program);
registerPreviewCommand(program);
registerArticleCommands(program);
registerSourceCommands(program);

/** A commander option parser from one field of a zod schema, so the limits live in one place. */
function schemaOption(field: z.ZodType<number>): (value: string) => number {
  return (value) => {
    const parsed = field.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((issue) => issue.message).join('; '));
    return parsed.data;
  };
}

program
  .command('summarize')
  .description('Summarise plain-text articles (line 1 the title, then prose): one JSON line per file')
  .argument('<files...>', 'text files')
  .option('--sentences <n>', 'at most this many sentences (1-10)', schemaOption(summarizeOptionsSchema.shape.sentences), 3)
  .option('--words <n>', 'word budget of a summary (5-1000)', schemaOption(summarizeOptionsSchema.shape.words), 80)
  .action(async (files: string[], options: { sentences: number; words: number }) => {
    process.exitCode = await summarizeFiles(files, options, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  // Our own errors and bad settings are the user's to fix and say so; anything else is a bug.
  console.error(error instanceof CliError || error instanceof ConfigError ? error.message : `Unexpected error: ${String(error)}`);
  process.exitCode = 1;
});
