/**
 * `digest subscribers import|export|delete` against dynalite: broken rows are reported and
 * skipped, good rows land as plannable readers, and a large file streams through.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPersonalDataStore } from '../../functions/adapters/dynamo/personal-data-store.ts';
import { ErasureMarks } from '../../functions/adapters/dynamo/erasure-marks.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { exportSubscribers, importSubscribers } from '../../functions/cli/subscribers.ts';
import { aSubscriber } from '../support/fakes.ts';
import { startDynalite, type LocalDynamo } from '../support/dynamo.ts';

let dynamo: LocalDynamo;
let dir: string;
let subscribers: DynamoSubscriberStore;
let target: { table: string; endpoint: string; region: string };
/** What `--table` reads erasure markers with, as an operator sets it for a deployed table. */
const TOKEN_SECRET = 'import-test-token-secret-0123456789abcdef';

beforeAll(async () => {
  process.env['TOKEN_SECRET'] = TOKEN_SECRET;
  dynamo = await startDynalite();
  dir = await mkdtemp(join(tmpdir(), 'digest-import-'));
  subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
  target = { table: dynamo.tableName, endpoint: dynamo.endpoint, region: 'us-east-1' };
});

afterAll(async () => {
  delete process.env['TOKEN_SECRET'];
  await dynamo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function csvFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}

describe('subscribers import', () => {
  it('imports good rows as confirmed, plannable readers and reports every broken one by line', async () => {
    await subscribers.put(aSubscriber({ email: 'left@example.com', status: 'unsubscribed' }));
    await new DynamoPersonalDataStore(dynamo.doc, dynamo.tableName, new ErasureMarks(TOKEN_SECRET)).erase(
      'erased@example.com',
      new Date().toISOString(),
    );
    const file = await csvFile(
      'mixed.csv',
      [
        // A spreadsheet's BOM and header spelling.
        '\uFEFFEmail,Time Zone,Send Hour,Topics',
        'Ada@Example.com,Europe/Berlin,6,"science,world"',
        'bob@example.com,,,',
        'not-an-address,UTC,7,',
        'carol@example.com,Mars/Olympus,7,',
        'dave@example.com,UTC,25,',
        'erin@example.com,UTC,7,"broken "quote" here"',
        'left@example.com,UTC,7,',
        'erased@example.com,UTC,7,',
        'ada@example.com,UTC,9,',
        'frank@example.com,Asia/Tokyo,21,tech,extra-column',
        'zed@example.com,UTC,7,"never closed',
        '',
      ].join('\r\n'),
    );
    const reportPath = join(dir, 'rejects.csv');

    const summary = await importSubscribers(file, { ...target, confirmed: true, report: reportPath });

    expect(summary).toMatchObject({ rows: 11, imported: 3, existing: 1, erased: 1, duplicate: 1, rejected: 5 });
    expect(await subscribers.get('ada@example.com')).toMatchObject({
      status: 'confirmed',
      timezone: 'Europe/Berlin',
      sendHour: 6,
      topics: ['science', 'world'],
      consent: { source: expect.stringContaining('--confirmed') },
    });
    expect(await subscribers.get('bob@example.com')).toMatchObject({ status: 'confirmed', timezone: 'UTC', sendHour: 7 });
    expect(await subscribers.get('frank@example.com')).toMatchObject({ timezone: 'Asia/Tokyo', topics: ['tech'] });
    // An import never overrides a reader's own choice, nor brings back an erased one.
    expect((await subscribers.get('left@example.com'))?.status).toBe('unsubscribed');
    expect(await subscribers.get('erased@example.com')).toBeUndefined();

    const due: string[] = [];
    for await (const reader of subscribers.listDue([{ timezone: 'Europe/Berlin', hour: 6 }])) due.push(reader.email);
    expect(due).toEqual(['ada@example.com']);
    expect(await subscribers.listTimeZones()).toEqual(expect.arrayContaining(['Asia/Tokyo', 'Europe/Berlin', 'UTC']));

    const report = await readFile(reportPath, 'utf8');
    expect(report.split('\n')[0]).toBe('line,email,reason');
    expect(report).toMatch(/^4,not-an-address,email must be a valid email address$/m);
    expect(report).toMatch(/^5,carol@example.com,timezone must be an IANA time zone/m);
    expect(report).toMatch(/^6,dave@example.com,sendHour must be 0 to 23$/m);
    expect(report.split('\n')).toContain(`7,erin@example.com,"topics.0 letters, digits, spaces and - _ & + ' . / # only"`);
    expect(report).toMatch(/^13,,not valid CSV: Quote Not Closed/m);
  });

  it('writes nothing without --confirmed, but still checks every row', async () => {
    const file = await csvFile('unconfirmed.csv', 'email\nnew.reader@example.com\nbad@\n');
    const summary = await importSubscribers(file, target);
    expect(summary).toMatchObject({ rows: 2, rejected: 1, imported: 0 });
    expect(await subscribers.get('new.reader@example.com')).toBeUndefined();
  });

  it('refuses a file without an email column, naming it', async () => {
    const file = await csvFile('no-email.csv', 'address,timezone\nx@example.com,UTC\n');
    await expect(importSubscribers(file, target)).rejects.toThrow(/no "email" column/);
  });

  it('streams 100,000 rows, checking each, with the broken ones reported', { timeout: 180_000 }, async () => {
    const rows = ['email,timezone,sendHour,topics'];
    for (let i = 0; i < 100_000; i += 1) {
      rows.push(i % 10_000 === 0 ? `broken-${i}@,UTC,7,` : `reader${i}@example.com,Europe/London,${i % 24},"news,sport"`);
    }
    const file = await csvFile('large.csv', rows.join('\n'));
    const summary = await importSubscribers(file, target);
    expect(summary).toMatchObject({ rows: 100_000, rejected: 10 });
  });

  it('writes a thousand rows in batches', { timeout: 120_000 }, async () => {
    const rows = ['email,timezone,sendHour'];
    for (let i = 0; i < 1000; i += 1) rows.push(`bulk${i}@example.com,UTC,${i % 24}`);
    const file = await csvFile('bulk.csv', rows.join('\n'));
    const summary = await importSubscribers(file, { ...target, confirmed: true });
    expect(summary).toMatchObject({ rows: 1000, imported: 1000, rejected: 0 });
    expect(await subscribers.get('bulk999@example.com')).toMatchObject({ status: 'confirmed', sendHour: 999 % 24 });
  });
});

describe('subscribers export', () => {
  it('writes every reader as CSV, topics quoted, readable by the import', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    const count = await exportSubscribers(target, out);
    const text = Buffer.concat(chunks).toString('utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('email,status,timezone,sendHour,topics,frequency,weeklyDay,pausedUntil,createdAt,confirmedAt,unsubscribedAt');
    expect(lines).toHaveLength(count + 1);
    expect(text).toMatch(/^ada@example.com,confirmed,Europe\/Berlin,6,"science,world",daily,/m);
    expect(text).toMatch(/^left@example.com,unsubscribed,/m);
  });
});
