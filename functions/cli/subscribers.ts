/**
 * `digest subscribers import|export|delete`: readers in bulk, for operators moving a list in
 * or out, and erasure on a reader's request by email.
 *
 * Import without --confirmed writes nothing: it validates the file and reports. Imported
 * readers never get a confirmation email from here: mailing a list that never asked for us is
 * how senders collect complaints and have SES pause the account. Either consent was collected
 * elsewhere (say so with --confirmed) or the readers subscribe through the form themselves.
 */
import type { Command } from 'commander';
import { emailSchema } from '../core/subscribers/index.ts';
import { CliError } from './cli-error.ts';
import { safeCsvWriter } from './csv-cells.ts';
import { startProgress } from './progress.ts';
import { importSubscribers, type ImportOptions } from './subscriber-import.ts';
import { REGION_OPTION, TABLE_OPTION, tableTarget, type TableOptions } from './table-target.ts';

export { importSubscribers, type ImportOptions, type ImportSummary } from './subscriber-import.ts';

async function importCommand(file: string, options: ImportOptions): Promise<number> {
  const summary = await importSubscribers(file, options);
  const valid = summary.rows - summary.rejected;
  if (options.confirmed) {
    console.log(
      `imported ${summary.imported}, already on the list ${summary.existing + summary.duplicate}, erased on request ${summary.erased}, rejected ${summary.rejected} (of ${summary.rows} rows)`,
    );
  } else {
    console.log(`checked ${summary.rows} rows: ${valid} valid, ${summary.rejected} rejected. Nothing was written.`);
    console.error(
      'To import, pass --confirmed, which records that these readers consented elsewhere. Without it, ask them to subscribe through the form.',
    );
  }
  return summary.rejected > 0 ? 1 : 0;
}

const EXPORT_COLUMNS = [
  'email',
  'status',
  'timezone',
  'sendHour',
  'topics',
  'frequency',
  'weeklyDay',
  'pausedUntil',
  'createdAt',
  'confirmedAt',
  'unsubscribedAt',
] as const;

export async function exportSubscribers(options: TableOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const target = await tableTarget(options);
  const csv = safeCsvWriter(EXPORT_COLUMNS);
  csv.pipe(out);
  const progress = startProgress('exporting', undefined, 'readers');
  let count = 0;
  try {
    for await (const reader of target.wiring.port('subscriberBulk').scanAll()) {
      const row = { ...reader, topics: reader.topics.join(','), frequency: reader.frequency ?? 'daily' };
      // Respect the consumer's pace (a pipe to a slow process) instead of buffering the table.
      if (!csv.write(EXPORT_COLUMNS.map((column) => row[column] ?? '')))
        await new Promise<void>((resolve) => csv.once('drain', () => resolve()));
      count += 1;
      progress.update(count);
    }
  } catch (error) {
    throw new CliError(`Cannot read ${target.where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    progress.stop();
    csv.end();
    await new Promise((resolve) => csv.once('end', resolve));
    target.close();
  }
  return count;
}

async function deleteCommand(email: string, options: TableOptions): Promise<number> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) throw new CliError(`"${email}" is not an email address.`);
  const target = await tableTarget(options);
  try {
    const wiring = await target.keyedWiring();
    const existed = (await wiring.port('subscribers').get(parsed.data)) !== undefined;
    const { deliveries } = await wiring.port('personalData').erase(parsed.data, new Date().toISOString());
    console.log(
      `${existed ? 'deleted the reader' : 'no reader with that address'}, ${deliveries} delivery rows; kept a keyed hash of the address so an import cannot add it back`,
    );
  } catch (error) {
    throw new CliError(`Cannot delete from ${target.where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    target.close();
  }
  return 0;
}

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program.command('subscribers').description('Import, export and delete readers');
  subscribers
    .command('import')
    .description('Import readers from CSV (email,timezone,sendHour,topics); without --confirmed only checks the file')
    .argument('<file>', 'CSV file with a header row; email is required, the other columns optional')
    .option('--confirmed', 'mark the readers confirmed: you state their consent was collected elsewhere')
    .option('--report <file>', 'write every rejected row (line, email, reason) to this CSV file')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (file: string, options: ImportOptions) => {
      process.exitCode = await importCommand(file, options);
    });
  subscribers
    .command('export')
    .description('Write every reader as CSV to stdout')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (options: TableOptions) => {
      const count = await exportSubscribers(options);
      console.error(`exported ${count} readers`);
    });
  subscribers
    .command('delete')
    .description("Erase a reader and their delivery rows (a reader's erasure request), keeping only a keyed hash of the address")
    .argument('<email>', 'the address to erase')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (email: string, options: TableOptions) => {
      process.exitCode = await deleteCommand(email, options);
    });
  subscribers
    .command('rehash-erasures')
    .description(
      'Rewrite erasure markers stored as a plain sha256 (before keyed hashes) as keyed hashes; `npm start` does it for the local stack',
    )
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (options: TableOptions) => {
      const target = await tableTarget(options);
      try {
        const rewritten = await (await target.keyedWiring()).port('erasureMarks').rehashAll();
        console.log(`rewrote ${rewritten} erasure marker(s) as keyed hashes`);
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(`Cannot rewrite the markers in ${target.where}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      } finally {
        target.close();
      }
    });
}
