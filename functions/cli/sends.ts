/**
 * `digest sends list|stats`: what each send (one planning run: an hourly slot run or a send-now)
 * did, across its topic variants, from the local stack's table or a deployed one (--table).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { readSendStats, SendNotFoundError, type SendRecord, type SendStatsDetail, type SendResultCounts } from '../core/delivery/index.ts';
import { ValidationError } from '../core/shared/index.ts';
import { CliError } from './cli-error.ts';
import { REGION_OPTION, TABLE_OPTION, tableTarget, type TableOptions, type TableTarget } from './table-target.ts';

function sendCount(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 100) throw new InvalidArgumentError('must be a whole number from 1 to 100');
  return parsed;
}

async function withTable<T>(options: TableOptions, use: (target: TableTarget) => Promise<T>): Promise<T> {
  const target = await tableTarget(options);
  try {
    return await use(target);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof ValidationError || error instanceof SendNotFoundError) throw new CliError(error.message, { cause: error });
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(`Cannot read sends from ${target.where} (${reason}).`, { cause: error });
  } finally {
    target.close();
  }
}

function resultLine(counts: SendResultCounts): string {
  return (
    `sent ${counts.sent}, delivered ${counts.delivered}, bounced ${counts.bouncedPermanent} permanent / ${counts.bouncedTransient} transient, ` +
    `complaints ${counts.complained}, unsubscribes ${counts.unsubscribedOneClick} one-click / ${counts.unsubscribedPage} page, ` +
    `clicks ${counts.clicks} (${counts.uniqueClicks} unique)` +
    (counts.opens > 0 ? `, opens ${counts.opens} (${counts.uniqueOpens} unique)` : '')
  );
}

/** One send on one line, as `digest status` shows the last one too. */
export function sendLine(record: SendRecord, sent: number): string {
  return `${record.send}  ${record.mode.padEnd(9)} ${record.createdAt}  ${record.state.padEnd(9)} editions ${record.editions.length}, sent ${sent}`;
}

function printStats({ report, record, total, perEdition }: SendStatsDetail): void {
  console.log(`Send ${report.send} (${record.mode}, ${record.createdAt}) ${record.state}, ${report.editions} edition(s)`);
  console.log(`  all:  ${resultLine(total)}`);
  for (const row of perEdition) console.log(`  ${row.editionId}:  ${resultLine(row.counts)}`);
  const clicked = report.clicks.stories.filter((story) => story.clicks > 0);
  if (clicked.length > 0) console.log('  Clicks per story:');
  for (const story of clicked) console.log(`    ${String(story.clicks).padStart(6)}  ${story.title}`);
  if (report.paused) console.log(`  Paused: \`digest send resume ${report.send}\` goes on, \`digest send cancel ${report.send}\` ends it.`);
}

export function registerSendsCommands(program: Command): void {
  const sends = program
    .command('sends')
    .description('What each send did: its readers, deliveries, bounces, complaints, unsubscribes and clicks');

  sends
    .command('list')
    .description('List recent sends: id, mode, created, state, editions, sent')
    .option('--limit <n>', 'sends to show', sendCount, 10)
    .option('--json', 'one JSON line {"sends":[...]}')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (options: TableOptions & { limit: number; json?: boolean }) => {
      await withTable(options, async ({ wiring }) => {
        const records = await wiring.port('deliveries').recentSends(options.limit);
        const stats = wiring.port('sendStats');
        const rows = await Promise.all(
          records.map(async (record) => ({
            record,
            sent: (await stats.sendResults(record.send)).reduce((sum, row) => sum + row.counts.sent, 0),
          })),
        );
        if (options.json) {
          const list = rows.map(({ record, sent }) => ({
            send: record.send,
            mode: record.mode,
            created: record.createdAt,
            state: record.state,
            editions: record.editions.length,
            sent,
          }));
          console.log(JSON.stringify({ sends: list }));
          return;
        }
        if (rows.length === 0) console.log('No sends yet.');
        for (const { record, sent } of rows) console.log(sendLine(record, sent));
      });
    });

  sends
    .command('stats [send]')
    .description('What one send did (the latest without an id); --json prints the report as the last line')
    .option('--json', 'the report as one JSON line')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (send: string | undefined, options: TableOptions & { json?: boolean }) => {
      await withTable(options, async ({ wiring }) => {
        const detail = await readSendStats(
          send,
          { deliveries: wiring.port('deliveries'), sendStats: wiring.port('sendStats'), editions: wiring.port('editions') },
          'SEND',
        );
        if (options.json) console.log(JSON.stringify(detail.report));
        else printStats(detail);
      });
    });
}
