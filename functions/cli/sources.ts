/**
 * `digest sources add|list|remove|pause|resume|poll|import|export`: feed sources of the local
 * stack (same settings as `npm start`; FEEDS_ALLOW_PRIVATE=1 lets polls reach loopback feeds).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readOpml, writeOpml } from '../adapters/feeds/opml.ts';
import type { Wiring } from '../adapters/runtime/wiring.ts';
import type { PollResult, Source } from '../core/sources/index.ts';
import { ValidationError } from '../core/shared/index.ts';
import {
  addSource,
  displayName,
  listSources,
  pauseSource,
  pollAllSources,
  removeSource,
  resumeSource,
  SourceLimitReachedError,
  SourceNotFoundError,
} from '../core/sources/index.ts';
import { pollDepsOf } from '../local/feed-poller.ts';
import { createLocalWiring } from '../local/local-app.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

async function withWiring<T>(use: (wiring: Wiring) => Promise<T>): Promise<T> {
  const settings = await loadLocalSettings();
  try {
    return await use(createLocalWiring(settings));
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof ValidationError || error instanceof SourceNotFoundError || error instanceof SourceLimitReachedError) {
      throw new CliError(error.message, { cause: error });
    }
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(`Cannot reach the sources of the local stack (${reason}). Is \`npm start\` running?`, { cause: error });
  }
}

const sourcesOf = (wiring: Wiring) => ({
  sources: wiring.port('sources'),
  clock: wiring.port('clock'),
  sourceLimits: wiring.port('sourceLimits'),
});

function describe(source: Source): string {
  const health =
    source.state === 'failing' || source.state === 'disabled'
      ? `${source.consecutiveFailures} failure(s) since ${source.failingSince ?? '?'}: ${source.lastError ?? ''}`
      : source.lastSuccessAt
        ? `last success ${source.lastSuccessAt}`
        : 'not polled yet';
  return [source.id, source.state.padEnd(8), displayName(source), source.url, health].join('\t');
}

function topicList(value: string): string[] {
  return value.split(',');
}

/** The contract's shape: exactly these keys, error only when there is one. */
export function pollLine(results: readonly PollResult[]): string {
  return JSON.stringify({
    sources: results.map(({ report }) => ({
      url: report.url,
      status: report.status,
      created: report.created,
      duplicate: report.duplicate,
      rejected: report.rejected,
      ...(report.error !== undefined && { error: report.error }),
    })),
  });
}

function printPoll(result: PollResult): void {
  const { report } = result;
  const counts = `created ${report.created}, duplicate ${report.duplicate}, rejected ${report.rejected}${report.failed ? `, failed ${report.failed}` : ''}`;
  console.log(`${report.url}: ${report.status}${report.status === 'error' ? ` (${report.error})` : `: ${counts}`}`);
  for (const rejection of report.rejections.slice(0, 10)) console.log(`  rejected ${rejection.entry}: ${rejection.reasons.join('; ')}`);
  if (report.rejections.length > 10) console.log(`  … and ${report.rejections.length - 10} more rejected`);
  for (const failure of result.failures)
    console.error(`  ${failure.what}: ${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)}`);
}

export function registerSourceCommands(program: Command): void {
  const sources = program.command('sources').description('Manage feed sources (RSS, Atom, JSON Feed) polled into the articles');
  sources
    .command('add')
    .description('Add a feed; adding one that is already a source changes nothing and says so')
    .argument('<url>', 'the feed URL (http or https)')
    .option('--name <name>', "display name (default: the feed's title)")
    .option('--topics <a,b>', 'topics added to every entry', topicList)
    .option('--full-text', "fetch the linked page's main text for entries that carry only a teaser")
    .action(async (url: string, options: { name?: string; topics?: string[]; fullText?: boolean }) => {
      const { source, created } = await withWiring((wiring) => addSource({ url, ...options }, sourcesOf(wiring)));
      console.log(
        created
          ? `added ${source.id} ${source.url}`
          : `already a source: ${source.id} ${source.url} (${displayName(source)}); nothing changed`,
      );
    });
  sources
    .command('list')
    .description('List sources: id, state, name, URL, health')
    .action(async () => {
      const all = await withWiring((wiring) => listSources(sourcesOf(wiring)));
      if (all.length === 0) console.error('No sources. Add one with `digest sources add URL`.');
      for (const source of all) console.log(describe(source));
    });
  for (const [name, verb, run] of [
    ['remove', 'Remove a source (its articles stay)', removeSource],
    ['pause', 'Stop polling a source until it is resumed', pauseSource],
    ['resume', 'Poll a paused or disabled source again, from now', resumeSource],
  ] as const) {
    sources
      .command(name)
      .description(verb)
      .argument('<source>', 'its id (from `digest sources list`) or URL')
      .action(async (idOrUrl: string) => {
        const source = await withWiring((wiring) => run(idOrUrl, sourcesOf(wiring)));
        console.log(`${name === 'remove' ? 'removed' : name === 'pause' ? 'paused' : 'resumed'} ${source.id} ${source.url}`);
      });
  }
  sources
    .command('poll')
    .description('Poll every source that is not paused, now, whatever its schedule')
    .option('--json', 'end with one JSON line: {"sources":[{url,status,created,duplicate,rejected,error?}]}')
    .action(async (options: { json?: boolean }) => {
      const results = await withWiring((wiring) => pollAllSources(pollDepsOf(wiring)));
      if (results.length === 0) console.error('No sources to poll.');
      for (const result of results) printPoll(result);
      if (options.json) console.log(pollLine(results));
    });
  sources
    .command('import')
    .description('Add every feed an OPML file lists (folders and categories become topics)')
    .argument('<file>', 'an OPML file, as feed readers export')
    .action(async (file: string) => {
      let feeds;
      try {
        feeds = readOpml(await readFile(file, 'utf8'));
      } catch (error) {
        throw new CliError(`Cannot read ${file} as OPML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const tally = { added: 0, existing: 0, invalid: 0 };
      await withWiring(async (wiring) => {
        for (const feed of feeds) {
          try {
            const { created } = await addSource(feed, sourcesOf(wiring));
            tally[created ? 'added' : 'existing'] += 1;
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            tally.invalid += 1;
            console.error(`skipped ${feed.url}: ${error.message}`);
          }
        }
      });
      console.log(`added ${tally.added}, already sources ${tally.existing}, skipped ${tally.invalid}`);
      process.exitCode = tally.invalid > 0 ? 1 : 0;
    });
  sources
    .command('export')
    .description('Write every source as OPML to stdout')
    .action(async () => {
      const all = await withWiring((wiring) => listSources(sourcesOf(wiring)));
      process.stdout.write(writeOpml(all, 'digest-mailer sources'));
    });
}
