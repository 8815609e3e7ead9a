/**
 * Fuzz: the parsers behind the HTTP routes and the CLI, each with hostile input. Seeded like
 * the route suite (the seed is printed; TEST_SEED replays it).
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
import { importSubscribers } from '../../../functions/cli/subscriber-import.ts';
import { CliError } from '../../../functions/cli/cli-error.ts';
import { neutraliseCell, restoreCell, safeCsvWriter } from '../../../functions/cli/csv-cells.ts';
import { InvalidTokenError } from '../../../functions/core/shared/errors.ts';
import { signToken, type TokenPurpose, verifyTokenClaims } from '../../../functions/core/shared/tokens.ts';
import { importedReader } from '../../../functions/core/subscribers/import.ts';
import { feedParser } from '../../../functions/adapters/feeds/parse-feed.ts';
import { addSource, type FetchOutcome, pollSource } from '../../../functions/core/sources/index.ts';
import { announceSeed, fuzzParameters, hostileString, hostileValue } from '../../support/fuzz.ts';
import { FakeClock, MemoryArticleStore, MemorySourceStore, MemoryTopicCatalogue } from '../../support/fakes.ts';

const SECRET = 'fuzz-parsers-secret-0123456789abcdef';
const NOW = new Date('2026-11-26T07:05:00.000Z');
const PURPOSES: TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences'];

let dir: string;
beforeAll(async () => {
  announceSeed('test/unit/fuzz/fuzz-parsers.test.ts');
  dir = await mkdtemp(join(tmpdir(), 'fuzz-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const signedToken = fc.record({ purpose: fc.constantFrom(...PURPOSES), email: fc.emailAddress(), version: fc.nat(3) }).map((claims) => ({
  ...claims,
  token: signToken({ secret: SECRET, purpose: claims.purpose, email: claims.email, now: NOW, version: claims.version }),
}));

/** A signed token, as sent, or changed: one character, cut, extended, or replaced by hostile text. */
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The token with the unused low bits of its last character flipped: decodes to the same signature bytes. */
function respelled(token: string, bits: number): string {
  const index = BASE64URL.indexOf(token.at(-1)!);
  return token.slice(0, -1) + BASE64URL[index ^ bits]!;
}

const tokenCase = signedToken.chain((signed) =>
  fc
    .oneof(
      fc.constant(signed.token),
      fc
        .tuple(fc.nat(signed.token.length - 1), fc.constantFrom('A', 'B', 'E', 'F', '-', '_', '.', '=', '%'))
        .map(([at, c]) => signed.token.slice(0, at) + c + signed.token.slice(at + 1)),
      fc.nat(signed.token.length).map((at) => signed.token.slice(0, at)),
      // The signature's last character carries 2 unused bits: another spelling of the same bytes.
      fc.integer({ min: 1, max: 3 }).map((bits) => respelled(signed.token, bits)),
      hostileString,
      hostileValue,
    )
    .map((sent) => ({ signed, sent, asPurpose: signed.purpose })),
);

/** A CSV row: the import columns, each valid-looking or hostile, plus stray columns. */
const csvField = fc.oneof(hostileString, fc.constantFrom('reader@example.com', 'UTC', 'Europe/London', '7', '23', 'science,tech', ''));
const csvFile = fc
  .record({
    header: fc.oneof(
      { weight: 5, arbitrary: fc.constant('email,timezone,sendHour,topics') },
      { weight: 1, arbitrary: fc.constant('\uFEFFEmail , TimeZone,SEND HOUR,topics') },
      { weight: 1, arbitrary: hostileString },
    ),
    rows: fc.array(fc.array(csvField, { minLength: 0, maxLength: 6 }), { maxLength: 8 }),
    quoting: fc.constantFrom('quoted', 'raw'),
  })
  .map(({ header, rows, quoting }) => {
    const cell = (value: string) => (quoting === 'quoted' ? `"${value.replaceAll('"', '""')}"` : value);
    return [header, ...rows.map((row) => row.map(cell).join(','))].join('\n');
  });

/** A feed of hostile entries in one of the three formats, its text escaped, wrapped in CDATA or left raw (often malformed). */
const FEED_URL = 'https://feeds.example/fuzz.xml';
const feedEntry = fc.record({
  title: fc.option(hostileString, { nil: undefined }),
  link: fc.option(fc.oneof(hostileString, fc.constantFrom('https://news.example/a', '/relative/path', 'javascript:alert(1)')), {
    nil: undefined,
  }),
  body: fc.option(hostileString, { nil: undefined }),
  category: fc.option(hostileString, { nil: undefined }),
});
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const feedDocument = fc
  .record({
    format: fc.constantFrom('rss', 'atom', 'json'),
    quoting: fc.constantFrom('escaped', 'cdata', 'raw'),
    entries: fc.array(feedEntry, { minLength: 1, maxLength: 4 }),
  })
  .map(({ format, quoting, entries }) => {
    const text = (value: string) =>
      quoting === 'raw' ? value : quoting === 'cdata' && !value.includes(']]>') ? `<![CDATA[${value}]]>` : escapeXml(value);
    const element = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${text(value)}</${name}>`);
    if (format === 'json') {
      return JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'Fuzz',
        items: entries.map((e, i) => ({
          id: String(i),
          title: e.title,
          url: e.link,
          content_html: e.body,
          tags: e.category === undefined ? undefined : [e.category],
        })),
      });
    }
    if (format === 'atom') {
      const items = entries.map(
        (e, i) =>
          `<entry><id>urn:fuzz:${i}</id>${element('title', e.title)}${e.link === undefined ? '' : `<link href="${escapeXml(e.link)}"/>`}${element('content', e.body)}${e.category === undefined ? '' : `<category term="${escapeXml(e.category)}"/>`}</entry>`,
      );
      return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Fuzz</title>${items.join('')}</feed>`;
    }
    const items = entries.map(
      (e, i) =>
        `<item><guid>fuzz-${i}</guid>${element('title', e.title)}${element('link', e.link)}${element('description', e.body)}${element('category', e.category)}</item>`,
    );
    return `<?xml version="1.0"?><rss version="2.0"><channel><title>Fuzz</title>${items.join('')}</channel></rss>`;
  });
/**
 * A tag or comment: none may survive into what an entry becomes (`<www.example>` or an unclosed
 * `<Europe/x` is no tag, so it stays as text and is escaped). Words like `javascript:` may stay as plain
 * text (they are escaped wherever shown); only the link field could make them live, and it is
 * checked to be http(s).
 */
const MARKUP = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--/i;

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
    name: 'a feed poll of hostile entries: a report (ok or a named error), never a throw, and only plain text and http(s) links stored',
    cases: 500,
    input: feedDocument,
    check: async (document) => {
      const deps = {
        sources: new MemorySourceStore(),
        articles: new MemoryArticleStore(),
        topics: new MemoryTopicCatalogue(),
        clock: new FakeClock(NOW.toISOString()),
        parser: feedParser,
        random: () => 0.5,
        fetcher: {
          fetchFeed: async (): Promise<FetchOutcome> => ({
            status: 'fetched',
            url: FEED_URL,
            body: Buffer.from(document),
            contentType: 'application/xml',
          }),
        },
      };
      const { source } = await addSource({ url: FEED_URL }, { ...deps, sourceLimits: { maxSources: 10 } });
      const { report } = await pollSource(source, deps);
      expect(['ok', 'error']).toContain(report.status);
      if (report.status === 'error') expect(report.error).toMatch(/\S/);
      for (const article of deps.articles.all()) {
        for (const field of [article.title, article.text, article.source, ...article.topics]) expect(field).not.toMatch(MARKUP);
        if (article.url !== undefined) expect(article.url).toMatch(/^https?:\/\//);
      }
    },
  }),
  parser({
    name: 'the link token parser: verifies what was signed, refuses anything else with InvalidTokenError only',
    cases: 1000,
    input: tokenCase,
    check: ({ signed, sent, asPurpose }) => {
      try {
        const claims = verifyTokenClaims(SECRET, sent, asPurpose, NOW);
        // Whatever verifies is the token as signed, in its one spelling, with the claims that were signed.
        expect(sent).toBe(signed.token);
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
    name: 'a CSV cell the CLI writes: no spreadsheet formula at its start once parsed back, and the import reads back the value written',
    cases: 1000,
    input: fc.array(fc.oneof(hostileString, fc.string(), fc.stringMatching(/^'*[=+\-@\t\r][^]*$/)), { minLength: 1, maxLength: 4 }),
    check: async (cells) => {
      const writer = safeCsvWriter(cells.map((_cell, i) => `c${i}`));
      const written: string[] = [];
      writer.on('data', (chunk: Buffer | string) => written.push(String(chunk)));
      const ended = new Promise((resolve) => writer.on('end', resolve));
      writer.end(cells);
      await ended;
      const [row] = parse(written.join(''), { columns: true }) as Array<Record<string, string>>;
      const parsed = cells.map((_cell, i) => row![`c${i}`]!);
      for (const cell of parsed) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      expect(parsed.map(restoreCell)).toEqual(cells);
      expect(cells.map((cell) => restoreCell(neutraliseCell(cell)))).toEqual(cells);
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
    await fc.assert(
      fc.asyncProperty(fuzz.input, async (input) => fuzz.check(input)),
      fuzzParameters(fuzz.cases),
    );
  });
});
