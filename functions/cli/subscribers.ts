/**
 * `digest subscribers import|export|delete`: readers in bulk, for operators moving a list in
 * or out, and erasure on a reader's request by email.
 *
 * Import without --confirmed writes nothing: it validates the file and reports. Imported
 * readers never get a confirmation email from here: mailing a list that never asked for us is
 * how senders collect complaints and have SES pause the account. Either consent was collected
 * elsewhere (say so with --confirmed) or the readers subscribe through the form themselves.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { Command } from 'commander';
import { DynamoPersonalDataStore } from '../adapters/dynamo/personal-data-store.ts';
import { DynamoSubscriberBulk, IMPORT_BATCH_SIZE } from '../adapters/dynamo/subscriber-bulk.ts';
import { DynamoSubscriberStore } from '../adapters/dynamo/subscriber-store.ts';
import { describeIssues, emailSchema, importColumnName, importedReader, type Subscriber } from '../core/subscribers/index.ts';
import { CliError } from './cli-error.ts';
import { startProgress } from './progress.ts';
import { REGION_OPTION, TABLE_OPTION, tableTarget, type TableOptions } from './table-target.ts';

/** Batches in flight at once: keeps a table busy without tripping on-demand throttling on a cold table. */
const WRITE_CONCURRENCY = 4;
/** Rejected rows echoed to the terminal; the --report file has them all. */
const REJECTS_SHOWN = 20;

export interface ImportOptions extends TableOptions {
  confirmed?: boolean;
  report?: string;
}

export interface ImportSummary {
  rows: number;
  imported: number;
  existing: number;
  erased: number;
  rejected: number;
  duplicate: number;
}

/** Counts bytes as they pass, for the progress bar of a file whose size is known. */
function byteCounter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      onBytes(total);
      done(null, chunk);
    },
  });
}

export async function importSubscribers(file: string, options: ImportOptions): Promise<ImportSummary> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const write = options.confirmed === true;
  const target = write ? await tableTarget(options) : undefined;
  const bulk = target && new DynamoSubscriberBulk(target.doc, target.tableName);
  const report = options.report ? stringify({ header: true, columns: ['line', 'email', 'reason'] }) : undefined;
  let reportFile: WriteStream | undefined;
  if (report && options.report) {
    reportFile = createWriteStream(options.report);
    report.pipe(reportFile);
  }

  const summary: ImportSummary = { rows: 0, imported: 0, existing: 0, erased: 0, rejected: 0, duplicate: 0 };
  const reject = (line: number, email: string, reason: string): void => {
    summary.rejected += 1;
    if (summary.rejected <= REJECTS_SHOWN) process.stderr.write(`  line ${line}: rejected: ${reason}\n`);
    report?.write([line, email, reason]);
  };
  const progress = startProgress(write ? 'importing' : 'checking', size, 'bytes');
  let bytesRead = 0;
  const counts = () => ({ ok: write ? summary.imported : summary.rows - summary.rejected, rejected: summary.rejected });

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const flush = async (batch: Subscriber[]): Promise<void> => {
    if (!bulk || batch.length === 0) return;
    const task = bulk.importNew(batch).then(
      (result) => {
        summary.imported += result.written;
        summary.existing += result.existing.length;
        summary.erased += result.erased.length;
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    // Backpressure: parsing waits while enough batches are in flight, which keeps memory flat.
    if (inFlight.size >= WRITE_CONCURRENCY) await Promise.race(inFlight);
  };

  const parser = parse({
    bom: true,
    columns: (headers: string[]) => headers.map(importColumnName),
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // A stray quote inside a field stays part of the value, which validation then reports.
    relax_quotes: true,
    // Anything else unreadable is reported and skipped. A quote never closed swallows the rest
    // of the file (a quoted field may span lines), so its report line says where reading stopped.
    skip_records_with_error: true,
  });
  let lastSkippedLine = -1;
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    const line = error.lines ?? 0;
    // One broken row can raise more than one parse error.
    if (line === lastSkippedLine) return;
    lastSkippedLine = line;
    summary.rows += 1;
    reject(line, '', `not valid CSV: ${error.message}`);
  });
  const source = createReadStream(file).pipe(byteCounter((total) => (bytesRead = total)));
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  let batch: Subscriber[] = [];
  let batchEmails = new Set<string>();
  const at = new Date().toISOString();
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (failure) break;
      summary.rows += 1;
      if (summary.rows === 1 && !('email' in record)) {
        throw new CliError(`${file} has no "email" column. The first row must name the columns: email,timezone,sendHour,topics`);
      }
      const result = importedReader(record, at);
      if (!result.ok) reject(info.lines, record.email ?? '', describeIssues(result.issues));
      else if (batchEmails.has(result.subscriber.email)) summary.duplicate += 1;
      else {
        batch.push(result.subscriber);
        batchEmails.add(result.subscriber.email);
        if (batch.length === IMPORT_BATCH_SIZE) {
          await flush(batch);
          batch = [];
          batchEmails = new Set();
        }
      }
      progress.update(bytesRead, counts());
    }
    await flush(batch);
    await Promise.all(inFlight);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot import ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    progress.update(size, counts());
    progress.stop();
    report?.end();
    const written = reportFile;
    if (written) await new Promise<void>((resolve) => written.once('close', () => resolve()));
    target?.close();
  }
  if (failure) {
    throw new CliError(
      `Cannot write to ${target?.where ?? 'the table'} (${failure instanceof Error ? failure.message : String(failure)}); ${summary.imported} readers were imported before it stopped. Importing again skips them.`,
      { cause: failure },
    );
  }
  return summary;
}

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
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  csv.pipe(out);
  const progress = startProgress('exporting', undefined, 'readers');
  let count = 0;
  try {
    for await (const reader of new DynamoSubscriberBulk(target.doc, target.tableName).scanAll()) {
      const row = { ...reader, topics: reader.topics.join(','), frequency: reader.frequency ?? 'daily' };
      // Respect the consumer's pace (a pipe to a slow process) instead of buffering the table.
      if (!csv.write(EXPORT_COLUMNS.map((column) => row[column] ?? ''))) await new Promise<void>((resolve) => csv.once('drain', () => resolve()));
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
    const existed = (await new DynamoSubscriberStore(target.doc, target.tableName).get(parsed.data)) !== undefined;
    const { deliveries } = await new DynamoPersonalDataStore(target.doc, target.tableName).erase(parsed.data, new Date().toISOString());
    console.log(
      `${existed ? 'deleted the reader' : 'no reader with that address'}, ${deliveries} delivery rows; kept a hash of the address so an import cannot add it back`,
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
    .description("Erase a reader and their delivery rows (a reader's erasure request), keeping only a hash of the address")
    .argument('<email>', 'the address to erase')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (email: string, options: TableOptions) => {
      process.exitCode = await deleteCommand(email, options);
    });
}
