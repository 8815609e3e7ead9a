/**
 * Fuzz: the parsers behind the HTTP routes and the CLI, each with hostile input. Seeded like
 * the route suite (the seed is printed; FUZZ_SEED replays it).
 *
 * Adding a parser (the feed parser, say): one entry in PARSERS with its arbitrary and the check
 * each case must pass; it runs under the same seed and counts towards the suite's cases.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSubscribers } from '../../functions/cli/subscriber-import.ts';
import { CliError } from '../../functions/cli/cli-error.ts';
import { InvalidTokenError } from '../../functions/core/shared/errors.ts';
import { signToken, type TokenPurpose, verifyTokenClaims } from '../../functions/core/shared/tokens.ts';
import { importedReader } from '../../functions/core/subscribers/import.ts';
import { announceSeed, fuzzParameters, hostileString, hostileValue } from '../support/fuzz.ts';

const SECRET = 'fuzz-parsers-secret-0123456789abcdef';
const NOW = new Date('2026-11-26T07:05:00.000Z');
const PURPOSES: TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences'];

let dir: string;
beforeAll(async () => {
  announceSeed('test/unit/fuzz-parsers.test.ts');
  dir = await mkdtemp(join(tmpdir(), 'fuzz-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const signedToken = fc.record({ purpose: fc.constantFrom(...PURPOSES), email: fc.emailAddress(), version: fc.nat(3) }).map((claims) => ({
  ...claims,
  token: signToken({ secret: SECRET, purpose: claims.purpose, email: claims.email, now: NOW, version: claims.version }),
}));

/** A signed token, as sent, or changed: one character, cut, extended, or replaced by hostile text. */
const tokenCase = signedToken.chain((signed) =>
  fc
    .oneof(
      fc.constant(signed.token),
      fc.tuple(fc.nat(signed.token.length - 1), fc.constantFrom('A', 'B', 'E', 'F', '-', '_', '.', '=', '%')).map(([at, c]) => signed.token.slice(0, at) + c + signed.token.slice(at + 1)),
      fc.nat(signed.token.length).map((at) => signed.token.slice(0, at)),
      hostileString,
      hostileValue,
    )
    .map((sent) => ({ signed, sent, asPurpose: signed.purpose })),
);

/** A CSV row: the import columns, each valid-looking or hostile, plus stray columns. */
const csvField = fc.oneof(hostileString, fc.constantFrom('reader@example.com', 'UTC', 'Europe/London', '7', '23', 'science,tech', ''));
const csvFile = fc
  .record({
    header: fc.oneof({ weight: 5, arbitrary: fc.constant('email,timezone,sendHour,topics') }, { weight: 1, arbitrary: fc.constant('\uFEFFEmail , TimeZone,SEND HOUR,topics') }, { weight: 1, arbitrary: hostileString }),
    rows: fc.array(fc.array(csvField, { minLength: 0, maxLength: 6 }), { maxLength: 8 }),
    quoting: fc.constantFrom('quoted', 'raw'),
  })
  .map(({ header, rows, quoting }) => {
    const cell = (value: string) => (quoting === 'quoted' ? `"${value.replaceAll('"', '""')}"` : value);
    return [header, ...rows.map((row) => row.map(cell).join(','))].join('\n');
  });

interface ParserFuzz<T> {
  name: string;
  cases: number;
  input: fc.Arbitrary<T>;
  check(input: T): void | Promise<void>;
}

/** Each parser's fuzz with its own input type; the runner needs none of them. */
function parser<T>(fuzz: ParserFuzz<T>): ParserFuzz<unknown> {
  return fuzz as ParserFuzz<unknown>;
}

const PARSERS: Array<ParserFuzz<unknown>> = [
  parser({
    name: 'the link token parser: verifies what was signed, refuses anything else with InvalidTokenError only',
    cases: 1000,
    input: tokenCase,
    check: ({ signed, sent, asPurpose }) => {
      try {
        const claims = verifyTokenClaims(SECRET, sent, asPurpose, NOW);
        // Whatever verifies carries exactly the claims that were signed.
        expect(claims.email).toBe(signed.email);
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        if (sent === signed.token) throw new Error(`the token as signed was refused: ${error.message}`);
      }
    },
  }),
  parser({
    name: 'a CSV import row: a reader or field-named issues, never a throw',
    cases: 1000,
    input: fc.dictionary(fc.oneof(fc.constantFrom('email', 'timezone', 'sendHour', 'topics'), hostileString), hostileValue, { maxKeys: 6 }),
    check: (row) => {
      const result = importedReader(row, NOW.toISOString());
      if (!result.ok) {
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) expect(issue.field).toMatch(/\S/);
      } else expect(result.subscriber.email).toMatch(/@/);
    },
  }),
  parser({
    name: 'a CSV import file: a summary and a rejects report that parses back, or a CliError naming the problem',
    cases: 150,
    input: csvFile,
    check: async (text) => {
      const file = join(dir, 'readers.csv');
      const report = join(dir, 'rejects.csv');
      await writeFile(file, text);
      await rm(report, { force: true });
      try {
        const summary = await importSubscribers(file, { report });
        const rejects = parse(await readFile(report, 'utf8'), { columns: true, relax_column_count: true }) as Array<Record<string, string>>;
        expect(rejects.length).toBe(summary.rejected);
        expect(summary.rows).toBeGreaterThanOrEqual(summary.rejected);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        expect(error.message).toMatch(/email|CSV|read/i);
      }
    },
  }),
];

describe('fuzzing the parsers', () => {
  it.each(PARSERS.map((fuzz) => [fuzz.name, fuzz] as const))('%s', async (_name, fuzz) => {
    await fc.assert(fc.asyncProperty(fuzz.input, async (input) => fuzz.check(input)), fuzzParameters(fuzz.cases));
  });
});
