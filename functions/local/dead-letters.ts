/**
 * The local send queue's dead-letter list, as SQS's DLQ is for the send queue in AWS: a chunk job
 * the in-process queue gave up on after its attempts is kept here, without addresses (the chunk
 * in the ledger names its readers), until `digest send redrive` sends it again. On disk under
 * DATA_DIR, one JSON line per job, so `npm start`, `send-now` and `send redrive` (three processes)
 * share it and it outlives a restart.
 */
import { appendFile, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChunkJob, chunkJobSchema, jobWithoutAddresses } from '../core/delivery/index.ts';

export interface DeadLetterList {
  add(job: ChunkJob, reason: string): Promise<void>;
  /** Every job held, emptying the list. */
  takeAll(): Promise<ChunkJob[]>;
  count(): Promise<number>;
}

/** For a queue no other process reads: tests, and a queue built without a data directory. */
export class MemoryDeadLetters implements DeadLetterList {
  readonly #jobs: ChunkJob[] = [];

  async add(job: ChunkJob): Promise<void> {
    this.#jobs.push(jobWithoutAddresses(job));
  }

  async takeAll(): Promise<ChunkJob[]> {
    return this.#jobs.splice(0);
  }

  async count(): Promise<number> {
    return this.#jobs.length;
  }
}

export class FileDeadLetters implements DeadLetterList {
  readonly #file: string;

  constructor(dataDir: string) {
    this.#file = join(dataDir, 'dead-letters.jsonl');
  }

  async add(job: ChunkJob, reason: string): Promise<void> {
    // Led by a newline too: a line torn by a killed process never swallows the next job.
    const line = JSON.stringify({ job: jobWithoutAddresses(job), reason: reason.slice(0, 300) });
    await appendFile(this.#file, `\n${line}\n`, { mode: 0o600 });
  }

  async takeAll(): Promise<ChunkJob[]> {
    // Moved aside first: a job dead-lettered meanwhile lands in a new file, not in the one being read.
    const taken = `${this.#file}.${process.pid}.taking`;
    try {
      await rename(this.#file, taken);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const jobs = parseLines(await readFile(taken, 'utf8'));
    await rm(taken, { force: true });
    return jobs;
  }

  async count(): Promise<number> {
    try {
      return parseLines(await readFile(this.#file, 'utf8')).length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }
}

/** Lines that are not a chunk job (a torn write of a killed process) are dropped: the hourly re-pick still finds their chunk open. */
function parseLines(text: string): ChunkJob[] {
  const jobs: ChunkJob[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = chunkJobSchema.safeParse((JSON.parse(line) as { job?: unknown }).job);
      if (parsed.success) jobs.push(parsed.data);
    } catch {
      continue;
    }
  }
  return jobs;
}
