/** `digest status`: the last editions with their send counters, and when the SES daily quota last ran out. */
import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from './cli-error.ts';
import { sendLine } from './sends.ts';
import { printSourceHealth } from './source-status.ts';
import { REGION_OPTION, TABLE_OPTION, tableTarget, type TableOptions } from './table-target.ts';

function editionCount(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 100) throw new InvalidArgumentError('must be a whole number from 1 to 100');
  return parsed;
}

async function printStatus(options: TableOptions & { limit: number }): Promise<void> {
  const target = await tableTarget(options);
  try {
    const editions = target.wiring.port('editions');
    const stats = target.wiring.port('sendStats');
    let recent;
    try {
      recent = await editions.listRecent(options.limit);
    } catch (error) {
      throw new CliError(`Cannot read editions from ${target.where}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (recent.length === 0) console.log('No editions yet.');
    for (const edition of recent) {
      const counts = await stats.get(edition.id);
      const pending = Math.max(0, edition.recipients - counts.sent - counts.skipped - counts.failed);
      console.log(
        `${edition.id}  ${edition.status.padEnd(8)} recipients ${edition.recipients}: sent ${counts.sent}, skipped ${counts.skipped}, ` +
          `failed ${counts.failed}, bounced ${counts.bounced}, complained ${counts.complained}, pending ${pending}` +
          (counts.deferred > 0 ? `, deferred ${counts.deferred} time(s) for the daily quota` : ''),
      );
    }
    const [lastSend] = await target.wiring.port('deliveries').recentSends(1);
    if (lastSend) {
      const sent = (await stats.sendResults(lastSend.send)).reduce((sum, row) => sum + row.counts.sent, 0);
      console.log(`Last send: ${sendLine(lastSend, sent)} (digest sends stats ${lastSend.send})`);
    }
    const quota = await stats.lastQuotaExhausted();
    if (quota) console.log(`SES daily quota last reached at ${quota.at}: ${quota.detail}`);
    const settled = await target.wiring.port('deliveries').lastSettlement();
    if (settled) {
      console.log(
        `Last restart (${settled.at}) settled ${settled.chunks} chunk(s) a stopped sender left claimed: ` +
          `${settled.confirmed} digest(s) found in the inbox and marked sent, ${settled.released} reader(s) released and sent again.`,
      );
    }
    await printSourceHealth(target.wiring.port('sources'));
  } finally {
    target.close();
  }
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'Show the last editions with sent / skipped / failed / bounced counts, the daily quota status, and feed sources and their health',
    )
    .option('--limit <n>', 'editions to show', editionCount, 5)
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (options: TableOptions & { limit: number }) => {
      await printStatus(options);
    });
}
