/**
 * Formula injection (OWASP "CSV Injection"): every CSV the product writes neutralises cells that
 * a spreadsheet would execute, read back with csv-parse as a spreadsheet would see them.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { exportSubscribers, importSubscribers } from '../../functions/cli/subscribers.ts';
import { aSubscriber } from '../support/fakes.ts';
import { startDynalite, type LocalDynamo } from '../support/dynamo.ts';

/** What OWASP lists as the start of a formula: =, +, -, @, tab and carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;

let dynamo: LocalDynamo;
let dir: string;
let target: { table: string; endpoint: string; region: string };

beforeAll(async () => {
  dynamo = await startDynalite();
  dir = await mkdtemp(join(tmpdir(), 'digest-csv-'));
  target = { table: dynamo.tableName, endpoint: dynamo.endpoint, region: 'us-east-1' };
});

afterAll(async () => {
  await dynamo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function cells(csv: string): string[][] {
  return parse(csv, { relax_column_count: true }) as string[][];
}

describe('the import --report rejects file', () => {
  it('writes hostile cells with a leading apostrophe, so no spreadsheet runs them', async () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+2', '-3+4', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', "'=already"];
    const file = join(dir, 'hostile.csv');
    await writeFile(file, ['email,timezone', ...hostile.map((email) => `"${email.replaceAll('"', '""')}",UTC`)].join('\n'));
    const report = join(dir, 'rejects.csv');

    const summary = await importSubscribers(file, { ...target, report });

    expect(summary.rejected).toBe(hostile.length);
    const rows = cells(await readFile(report, 'utf8'));
    expect(rows[0]).toEqual(['line', 'email', 'reason']);
    const emails = rows.slice(1).map((row) => row[1]!);
    // `'=already` reads as an escaped `=already` (the export's own escaping) and is reported escaped again.
    expect(emails).toEqual([...hostile.slice(0, -1).map((value) => `'${value}`), "'=already"]);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
  });
});

describe('subscribers export', () => {
  it('neutralises cells that start like a formula, and the import reads them back as they were', async () => {
    const store = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName);
    for (const email of ['-dash@example.com', '+plus@example.com', 'plain@example.com']) {
      await store.put(aSubscriber({ email, status: 'confirmed', topics: ['c++', 'world'] }));
    }
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exportSubscribers(target, out);
    const text = Buffer.concat(chunks).toString('utf8');

    const rows = cells(text);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(FORMULA_START);
    expect(rows.map((row) => row[0])).toEqual(expect.arrayContaining(["'-dash@example.com", "'+plus@example.com", 'plain@example.com']));

    const file = join(dir, 'round-trip.csv');
    await writeFile(file, text);
    const again = await importSubscribers(file, target);
    expect(again).toMatchObject({ rows: 3, rejected: 0 });
  });
});
