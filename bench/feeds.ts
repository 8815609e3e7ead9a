/**
 * `npm run bench:feeds`: feed parsing, in entries per second and peak memory, on the largest
 * fixture (test/fixtures/feeds/real/guardian.rss, 151 KB, 55 entries) and on a feed at the
 * 5 MB body cap built from it. Baseline, in the same run: fast-xml-parser alone turning the
 * same bytes into objects, the floor any XML feed parser pays.
 *
 *   npm run bench:feeds -- --runs 10
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { decodeFeed } from '../functions/adapters/feeds/charset.ts';
import { fallbackParse } from '../functions/adapters/feeds/fallback-parse.ts';
import { feedParser } from '../functions/adapters/feeds/parse-feed.ts';
import { ingestBatch } from '../functions/core/ingest/index.ts';
import { articleItem } from '../functions/core/sources/entries.ts';
import { MemoryArticleStore } from '../test/support/memory-stores.ts';
import { type BenchCase, countFlag, emitJson, measure, parseFlags, printHeader, printNote, printTable, runMain } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/feeds/real/guardian.rss', import.meta.url));
const CAP_BYTES = 5 * 1024 * 1024;
const URL_BASE = 'https://www.theguardian.com/world/rss';

const flagsSchema = z.object({
  runs: countFlag(5, 'timed runs per case'),
  warmup: countFlag(1, 'untimed runs first', 0),
});

/** The fixture's items repeated (links made unique) until the document is just under the cap. */
function atCap(xml: string): string {
  const start = xml.indexOf('<item>');
  const end = xml.lastIndexOf('</item>') + '</item>'.length;
  const items = xml.slice(start, end);
  const parts: string[] = [];
  let size = xml.length;
  for (let copy = 0; size + items.length < CAP_BYTES; copy += 1) {
    parts.push(items.replaceAll('</link>', `?copy=${copy}</link>`).replaceAll('</guid>', `#${copy}</guid>`));
    size += items.length;
  }
  return xml.slice(0, start) + parts.join('') + xml.slice(end);
}

function entriesIn(body: Buffer): number {
  return feedParser.parse(body, undefined, URL_BASE).entries.length;
}

runMain(async () => {
  const flags = parseFlags('bench:feeds', flagsSchema);
  const fixture = readFileSync(FIXTURE);
  const big = Buffer.from(atCap(fixture.toString('utf8')));
  const plainXml = new XMLParser({ ignoreAttributes: false, processEntities: false, parseTagValue: false });
  const fixtureEntries = entriesIn(fixture);
  const bigEntries = entriesIn(big);
  printHeader('Feed parsing', {
    fixture: 'guardian.rss',
    fixtureKb: Math.round(fixture.length / 1024),
    fixtureEntries,
    capFeedMb: Number((big.length / 1024 / 1024).toFixed(2)),
    capFeedEntries: bigEntries,
    runs: flags.runs,
  });
  const REPEAT = 20;
  let articles = new MemoryArticleStore();
  const clock = { now: () => new Date('2026-11-30T07:00:00.000Z') };
  const cases: BenchCase[] = [
    {
      name: 'baseline: fast-xml-parser alone',
      items: fixtureEntries * REPEAT,
      run: () => {
        for (let i = 0; i < REPEAT; i += 1) plainXml.parse(fixture.toString('utf8'));
      },
    },
    {
      name: 'feedParser (charset + feedsmith + mapping)',
      items: fixtureEntries * REPEAT,
      run: () => {
        for (let i = 0; i < REPEAT; i += 1) feedParser.parse(fixture, 'application/rss+xml; charset=utf-8', URL_BASE);
      },
    },
    {
      name: 'fallback mapping (fast-xml-parser, ours)',
      items: fixtureEntries * REPEAT,
      run: () => {
        for (let i = 0; i < REPEAT; i += 1) fallbackParse(decodeFeed(fixture, undefined), URL_BASE);
      },
    },
    {
      name: 'parse + ingest (HTML to text, dedupe, store)',
      items: fixtureEntries,
      setup: () => {
        articles = new MemoryArticleStore();
      },
      run: async () => {
        const feed = feedParser.parse(fixture, undefined, URL_BASE);
        const items = feed.entries.map((entry) => articleItem(entry, { name: 'The Guardian', topics: [] }));
        await ingestBatch({ articles: items }, { articles, clock });
      },
    },
    {
      name: 'feedParser on a 5 MB feed (the cap)',
      items: bigEntries,
      run: () => {
        feedParser.parse(big, undefined, URL_BASE);
      },
    },
  ];
  const results = await measure(cases, { warmup: flags.warmup, runs: flags.runs, baseline: 'baseline: fast-xml-parser alone' });
  printTable(results, 'entries');
  printNote('a poll takes at most 200 entries, but parses the whole body first: the 5 MB line is the worst case per poll.');
  emitJson({ bench: 'feeds', settings: { fixture: 'guardian.rss', capFeedEntries: bigEntries }, rateUnit: 'entries', results });
});
