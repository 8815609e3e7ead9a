/**
 * `digest subscribers import`: streams a CSV file row by row, validates each row, and (with
 * --confirmed) writes new readers in batches while the rest of the file is still being read,
 * so memory stays flat whatever the file's size. Broken rows are reported and skipped.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { restoreCell, safeCsvWriter } from './csv-cells.ts';
import { type DynamoSubscriberBulk, IMPORT_BATCH_SIZE, type ImportBatchResult } from '../adapters/dynamo/subscriber-bulk.ts';
import { describeIssues, importColumnName, importedReader, type Subscriber } from '../core/subscribers/index.ts';
import { CliError } from './cli-error.ts';
import { startProgress } from './progress.ts';
import { tableTarget, type TableOptions } from './table-target.ts';

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

export async function importSubscribers(file: string, options: ImportOptions): Promise<ImportSummary> {
  const size = await fileSize(file);
  const write = options.confirmed === true;
  const target = write ? await tableTarget(options) : undefined;
  const summary: ImportSummary = { rows: 0, imported: 0, existing: 0, erased: 0, rejected: 0, duplicate: 0 };
  const rejects = openRejectLog(options.report, summary);
  const writer = new BatchWriter(target && (await target.keyedWiring()).port('subscriberBulk'), summary);
  const progress = startProgress(write ? 'importing' : 'checking', size, 'bytes');
  const counts = () => ({ ok: write ? summary.imported : summary.rows - summary.rejected, rejected: summary.rejected });
  const rows = csvRows(file, (line, message) => {
    summary.rows += 1;
    rejects.reject(line, '', `not valid CSV: ${message}`);
  });
  try {
    await importRows(file, rows, { summary, rejects, writer, afterRow: () => progress.update(rows.bytesRead(), counts()) });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot import ${file}: ${messageOf(error)}`, { cause: error });
  } finally {
    progress.update(size, counts());
    progress.stop();
    await rejects.close();
    target?.close();
  }
  if (writer.failure) {
    throw new CliError(
      `Cannot write to ${target?.where ?? 'the table'} (${messageOf(writer.failure)}); ${summary.imported} readers were imported before it stopped. Importing again skips them.`,
      { cause: writer.failure },
    );
  }
  return summary;
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
}

interface ImportRun {
  summary: ImportSummary;
  rejects: RejectLog;
  writer: BatchWriter;
  afterRow(): void;
}

/** Validates each row and hands the valid readers to the writer, a batch at a time. */
async function importRows(file: string, rows: AsyncIterable<CsvRow>, run: ImportRun): Promise<void> {
  const { summary, rejects, writer } = run;
  const at = new Date().toISOString();
  const batch = new DistinctBatch(IMPORT_BATCH_SIZE);
  for await (const { record, line } of rows) {
    if (writer.failure) break;
    summary.rows += 1;
    if (summary.rows === 1 && !('email' in record)) {
      throw new CliError(`${file} has no "email" column. The first row must name the columns: email,timezone,sendHour,topics`);
    }
    const result = importedReader(record, at);
    if (!result.ok) rejects.reject(line, record['email'] ?? '', describeIssues(result.issues));
    else if (!batch.add(result.subscriber)) summary.duplicate += 1;
    else if (batch.full) await writer.write(batch.take());
    run.afterRow();
  }
  await writer.write(batch.take());
  await writer.finish();
}

interface CsvRow {
  record: Record<string, string>;
  /** The file line the row ends on, for the report. */
  line: number;
}

interface CsvRows extends AsyncIterable<CsvRow> {
  bytesRead(): number;
}

/** The file's rows keyed by column name; rows that are not readable CSV go to `onUnreadable` instead. */
function csvRows(file: string, onUnreadable: (line: number, message: string) => void): CsvRows {
  const parser = parse({
    bom: true,
    columns: (headers: string[]) => headers.map(importColumnName),
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // Cells our own export neutralised against formula injection read back as they were.
    cast: (value) => restoreCell(value),
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
    onUnreadable(line, error.message);
  });
  let bytesRead = 0;
  const source = createReadStream(file).pipe(byteCounter((total) => (bytesRead = total)));
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  const records = parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
  return {
    bytesRead: () => bytesRead,
    async *[Symbol.asyncIterator]() {
      for await (const { record, info } of records) yield { record, line: info.lines };
    },
  };
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

interface RejectLog {
  reject(line: number, email: string, reason: string): void;
  /** Ends the --report file and waits until it is on disk. */
  close(): Promise<void>;
}

/** Counts rejected rows, echoes the first few to stderr and writes every one to the --report file. */
function openRejectLog(reportPath: string | undefined, summary: ImportSummary): RejectLog {
  const report = reportPath ? safeCsvWriter(['line', 'email', 'reason']) : undefined;
  const reportFile = report && reportPath ? createWriteStream(reportPath) : undefined;
  if (report && reportFile) report.pipe(reportFile);
  return {
    reject(line, email, reason) {
      summary.rejected += 1;
      if (summary.rejected <= REJECTS_SHOWN) process.stderr.write(`  line ${line}: rejected: ${reason}\n`);
      report?.write([line, email, reason]);
    },
    async close() {
      report?.end();
      if (reportFile) await new Promise<void>((resolve) => reportFile.once('close', () => resolve()));
    },
  };
}

/** Up to `size` readers with distinct addresses: one BatchWriteItem cannot put the same key twice. */
class DistinctBatch {
  #readers: Subscriber[] = [];
  #emails = new Set<string>();

  constructor(private readonly size: number) {}

  /** False when the batch already holds this address. */
  add(reader: Subscriber): boolean {
    if (this.#emails.has(reader.email)) return false;
    this.#readers.push(reader);
    this.#emails.add(reader.email);
    return true;
  }

  get full(): boolean {
    return this.#readers.length === this.size;
  }

  take(): Subscriber[] {
    const readers = this.#readers;
    this.#readers = [];
    this.#emails = new Set();
    return readers;
  }
}

/**
 * Writes batches a few at a time and counts what each wrote. Without a table (a check-only run)
 * it writes nothing. The first failure is kept for the caller, which stops reading the file.
 */
class BatchWriter {
  failure: unknown;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly bulk: DynamoSubscriberBulk | undefined,
    private readonly summary: ImportSummary,
  ) {}

  async write(batch: Subscriber[]): Promise<void> {
    if (!this.bulk || batch.length === 0) return;
    const task = this.bulk.importNew(batch).then(
      (result) => this.#count(result),
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    const tracked = task.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    // Backpressure: parsing waits while enough batches are in flight, which keeps memory flat.
    if (this.#inFlight.size >= WRITE_CONCURRENCY) await Promise.race(this.#inFlight);
  }

  async finish(): Promise<void> {
    await Promise.all(this.#inFlight);
  }

  #count(result: ImportBatchResult): void {
    this.summary.imported += result.written;
    this.summary.existing += result.existing.length;
    this.summary.erased += result.erased.length;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
