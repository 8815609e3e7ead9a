/**
 * Summary quality: ROUGE-1/2/L F1 (Porter-stemmed) of our summariser against the corpus's
 * reference summaries, with Lead-3 on the same input in the same run as the baseline, plus the
 * time per article. Articles are fed as prose (a paragraph's sentences joined by spaces), so
 * sentence splitting is part of what is measured.
 *
 *   npm run bench:summary -- --corpus ../shared/corpus/bbc-dev --sentences 3
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { splitSentences } from '../functions/core/stories/sentences.ts';
import { leadSentences, summarise } from '../functions/core/stories/summarise.ts';
import { wordCount } from '../functions/core/stories/terms.ts';
import { countFlag, emitJsonLine, formatNumber, parseFlags, printHeader, printNote, runMain } from './harness.ts';
import { extractiveCeiling, rougeLsum, rougeN, type RougeScore } from './support/rouge.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_CORPUS = resolve(REPO_ROOT, '../shared/corpus/bbc-dev');

const flagsSchema = z.object({
  corpus: z.string().min(1).default(DEFAULT_CORPUS).describe('corpus folder with article/ and summary/'),
  sentences: countFlag(3, 'sentences per summary (ours and Lead-N)'),
  words: countFlag(80, 'word budget of the budgeted run (the digest default)', 5),
  runs: countFlag(5, 'timed passes over the corpus'),
});

interface Document {
  name: string;
  title: string;
  prose: string;
  reference: string[];
}

/** Line 1 is the title; one sentence per line; a blank line ends a paragraph. */
function parseArticle(raw: string): { title: string; prose: string } {
  const [title = '', ...body] = raw.replace(/\r\n?/g, '\n').split('\n');
  const paragraphs = body
    .join('\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.split('\n').map((line) => line.trim()).filter(Boolean).join(' '))
    .filter(Boolean);
  return { title: title.trim(), prose: paragraphs.join('\n\n') };
}

async function loadCorpus(dir: string): Promise<Document[]> {
  const documents: Document[] = [];
  const articleRoot = join(dir, 'article');
  for (const topic of (await readdir(articleRoot)).sort()) {
    for (const file of (await readdir(join(articleRoot, topic))).sort()) {
      if (!file.endsWith('.txt')) continue;
      const article = parseArticle(await readFile(join(articleRoot, topic, file), 'utf8'));
      const reference = (await readFile(join(dir, 'summary', topic, file), 'utf8'))
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      documents.push({ name: `${topic}/${file}`, ...article, reference });
    }
  }
  return documents;
}

interface SystemResult {
  name: string;
  rouge1: number;
  rouge2: number;
  rougeL: number;
  rougeLsum: number;
  words: number;
  msPerArticle: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

function evaluate(
  name: string,
  documents: readonly Document[],
  system: (document: Document) => string[],
  runs: number,
): SystemResult {
  const outputs = documents.map(system);
  const timings: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    for (const document of documents) system(document);
    timings.push((performance.now() - start) / documents.length);
  }
  timings.sort((a, b) => a - b);
  const scores = { r1: [] as RougeScore[], r2: [] as RougeScore[], rl: [] as RougeScore[], rlsum: [] as RougeScore[] };
  outputs.forEach((summary, index) => {
    const reference = documents[index]!.reference;
    const candidateText = summary.join('\n');
    const referenceText = reference.join('\n');
    scores.r1.push(rougeN(candidateText, referenceText, 1, { stem: true }));
    scores.r2.push(rougeN(candidateText, referenceText, 2, { stem: true }));
    // ROUGE-L over each side as one token sequence; rougeLsum per sentence (Lin's summary-level LCS).
    scores.rl.push(rougeLsum([summary.join(' ')], [reference.join(' ')], { stem: true }));
    scores.rlsum.push(rougeLsum(summary, reference, { stem: true }));
  });
  return {
    name,
    rouge1: mean(scores.r1.map((s) => s.f1)) * 100,
    rouge2: mean(scores.r2.map((s) => s.f1)) * 100,
    rougeL: mean(scores.rl.map((s) => s.f1)) * 100,
    rougeLsum: mean(scores.rlsum.map((s) => s.f1)) * 100,
    words: mean(outputs.map((summary) => summary.reduce((total, sentence) => total + wordCount(sentence), 0))),
    msPerArticle: timings[Math.floor(timings.length / 2)] ?? 0,
  };
}

function printRows(results: readonly SystemResult[], baseline: SystemResult): void {
  const header = ['system', 'ROUGE-1', 'ROUGE-2', 'ROUGE-L', 'ROUGE-Lsum', 'Δ R-1', 'Δ R-2', 'Δ R-L', 'Δ R-Lsum', 'words', 'ms/article'];
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
  const rows = results.map((r) => [
    r.name,
    r.rouge1.toFixed(2),
    r.rouge2.toFixed(2),
    r.rougeL.toFixed(2),
    r.rougeLsum.toFixed(2),
    signed(r.rouge1 - baseline.rouge1),
    signed(r.rouge2 - baseline.rouge2),
    signed(r.rougeL - baseline.rougeL),
    signed(r.rougeLsum - baseline.rougeLsum),
    r.words.toFixed(1),
    formatNumber(r.msPerArticle),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const flags = parseFlags('bench:summary', flagsSchema);
  const corpus = resolve(flags.corpus);
  if (!existsSync(join(corpus, 'article')) || !existsSync(join(corpus, 'summary'))) {
    console.log(`bench:summary: no corpus at ${corpus} (needs article/ and summary/); skipped. Pass --corpus DIR.`);
    return;
  }
  const documents = await loadCorpus(corpus);
  const n = flags.sentences;
  printHeader('Summary quality (ROUGE F1 ×100, Porter-stemmed)', {
    corpus: relative(process.cwd(), corpus) || '.',
    articles: documents.length,
    sentences: n,
    runs: flags.runs,
  });
  const lead = evaluate(`Lead-${n}`, documents, (d) => leadSentences(d.prose, n), flags.runs);
  const ours = evaluate(
    `ours, ${n} sentence${n === 1 ? '' : 's'}`,
    documents,
    // No word budget here, as Lead-N has none: the comparison is sentence for sentence.
    (d) => summarise({ title: d.title, text: d.prose }, { maxSentences: n, maxWords: 1000 }),
    flags.runs,
  );
  const budgeted = evaluate(
    `ours, ≤${n} in ${flags.words} words`,
    documents,
    (d) => summarise({ title: d.title, text: d.prose }, { maxSentences: n, maxWords: flags.words }),
    flags.runs,
  );
  // The reference is known here, so the ceiling is computed once, untimed.
  const ceilings = new Map(
    documents.map((d) => [d.name, extractiveCeiling(splitSentences(d.prose), d.reference.join('\n'), n, { stem: true })]),
  );
  const ceiling = evaluate(`ceiling: best ${n} (greedy)`, documents, (d) => ceilings.get(d.name) ?? [], 1);
  printRows([lead, ours, budgeted, ceiling], lead);
  const share = ours.rouge2 / Math.max(ceiling.rouge2, Number.EPSILON);
  printNote(`Δ is against Lead-${n} of the same run; the budgeted row is what the digest shows (fewer words, so lower recall).`);
  printNote(
    `ceiling: the ${n} article sentences that score best against the reference (greedy on ROUGE-2); ` +
      `ours reaches ${(share * 100).toFixed(1)}% of its ROUGE-2 (Lead-${n}: ${((lead.rouge2 / Math.max(ceiling.rouge2, Number.EPSILON)) * 100).toFixed(1)}%).`,
  );
  emitJsonLine({
    bench: 'summary',
    articles: documents.length,
    sentences: n,
    results: [lead, ours, budgeted, ceiling],
    ceilingShareRouge2: share,
  });
}

runMain(main);
