/**
 * Summary quality: ROUGE-1/2/L F1 (Porter-stemmed) of our summariser against the corpus's
 * reference summaries, with Lead-3 on the same input in the same run as the baseline, plus the
 * time per article. Articles are fed as prose (a paragraph's sentences joined by spaces), so
 * sentence splitting is part of what is measured.
 *
 *   npm run bench:summary -- --corpus ../shared/corpus/bbc-dev --sentences 3
 *
 * With `--folds K` it also reports the summariser's weights honestly: for each of K folds the
 * weights are tuned on the other folds' articles only, then scored on the held-out fold, beside
 * the in-sample figures (weights tuned on, and scored on, every article).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { splitSentences } from '../functions/core/stories/sentences.ts';
import { EMAIL_SUMMARY_SENTENCES, EMAIL_SUMMARY_WORDS, leadSentences, summarise } from '../functions/core/stories/summarise.ts';
import { DEFAULT_SUMMARY_WEIGHTS, type SummaryWeights } from '../functions/core/stories/summary-weights.ts';
import { wordCount } from '../functions/core/stories/terms.ts';
import { countFlag, emitJsonLine, formatNumber, parseFlags, printHeader, printNote, runMain } from './harness.ts';
import { coordinateSearch, crossValidate, type Grid } from './support/cross-validation.ts';
import { extractiveCeiling, rougeLsum, rougeN, type RougeScore } from './support/rouge.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_CORPUS = resolve(REPO_ROOT, '../shared/corpus/bbc-dev');

const flagsSchema = z.object({
  corpus: z.string().min(1).default(DEFAULT_CORPUS).describe('corpus folder with article/ and summary/'),
  sentences: countFlag(3, 'sentences per summary (ours and Lead-N)'),
  words: countFlag(80, 'word budget of the budgeted run (the digest default)', 5),
  runs: countFlag(5, 'timed passes over the corpus'),
  folds: countFlag(0, 'cross-validate the weights over this many folds (0: skip; 5 takes a few minutes)', 0),
  'min-gain': z.coerce
    .number()
    .min(0)
    .default(0.5)
    .describe('tuning moves a weight only for a gain above this, in points of ceiling share'),
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
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .join(' '),
    )
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

function evaluate(name: string, documents: readonly Document[], system: (document: Document) => string[], runs: number): SystemResult {
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

/**
 * Where tuning starts: the weights as they were before anyone tuned them on bbc-dev (the
 * hand-tuned ones would carry every fold's articles into every fold's start).
 */
const UNTUNED_WEIGHTS: SummaryWeights = {
  position: 0.35,
  centrality: 0.45,
  title: 0.2,
  lengthExponent: 0,
  relevanceShare: 0.8,
  redundant: 0.5,
  weakShare: 0.5,
};

/**
 * Where tuning may move each weight. Position keeps at least 0.1: bbc-dev's articles are short
 * (a median of 19 lines), so they cannot show what the lead is worth in a long feature, where a
 * weight of 0 (which bbc-dev prefers) picks sentences from the middle over a defining lead.
 */
const TUNING_GRID: Grid<SummaryWeights> = {
  position: [0.1, 0.2, 0.3, 0.4, 0.5],
  centrality: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
  title: [0, 0.1, 0.2, 0.3, 0.4],
  lengthExponent: [0, 0.15, 0.3, 0.45, 0.6],
  relevanceShare: [0.6, 0.7, 0.8, 0.9, 1],
  redundant: [0.3, 0.4, 0.5, 0.6, 0.7],
  weakShare: [0.3, 0.4, 0.5, 0.6, 0.7],
};

interface Setting {
  key: 'bench' | 'email' | 'emailBudget';
  sentences: number;
  maxWords: number;
}

interface RougeTriple {
  rouge1: number;
  rouge2: number;
  rougeL: number;
}

function rougeTriple(summary: readonly string[], reference: readonly string[]): RougeTriple {
  const candidateText = summary.join('\n');
  const referenceText = reference.join('\n');
  return {
    rouge1: rougeN(candidateText, referenceText, 1, { stem: true }).f1,
    rouge2: rougeN(candidateText, referenceText, 2, { stem: true }).f1,
    rougeL: rougeLsum([summary.join(' ')], [reference.join(' ')], { stem: true }).f1,
  };
}

/**
 * Scores summaries against references and against the extractive ceiling. A grid point often
 * picks the same sentences as another, so ROUGE is cached per (article, summary text), and each
 * article's ceiling is computed once per sentence count.
 */
class SummaryScorer {
  readonly #ceilings = new Map<string, RougeTriple>();
  readonly #scores = new Map<string, RougeTriple>();

  ceiling(document: Document, sentences: number): RougeTriple {
    const key = `${document.name}\u0000${sentences}`;
    let triple = this.#ceilings.get(key);
    if (!triple) {
      const best = extractiveCeiling(splitSentences(document.prose), document.reference.join('\n'), sentences, { stem: true });
      triple = rougeTriple(best, document.reference);
      this.#ceilings.set(key, triple);
    }
    return triple;
  }

  ours(document: Document, setting: Setting, weights: SummaryWeights): RougeTriple {
    const summary = summarise(
      { title: document.title, text: document.prose },
      { maxSentences: setting.sentences, maxWords: setting.maxWords, weights },
    );
    const key = `${document.name}\u0000${summary.join('\n')}`;
    let triple = this.#scores.get(key);
    if (!triple) {
      triple = rougeTriple(summary, document.reference);
      this.#scores.set(key, triple);
    }
    return triple;
  }
}

/** ROUGE F1 ×100 means of our summaries, and their ROUGE-2 as a share of the ceiling's (×100). */
interface SettingFigures extends RougeTriple {
  ceilingShare: number;
}

type Figures = Record<Setting['key'], SettingFigures>;

function figuresOf(scorer: SummaryScorer, settings: readonly Setting[], documents: readonly Document[], weights: SummaryWeights): Figures {
  const entries = settings.map((setting) => {
    const ours = documents.map((d) => scorer.ours(d, setting, weights));
    const ceilingRouge2 = mean(documents.map((d) => scorer.ceiling(d, setting.sentences).rouge2));
    const figures: SettingFigures = {
      rouge1: mean(ours.map((t) => t.rouge1)) * 100,
      rouge2: mean(ours.map((t) => t.rouge2)) * 100,
      rougeL: mean(ours.map((t) => t.rougeL)) * 100,
      ceilingShare: (mean(ours.map((t) => t.rouge2)) / Math.max(ceilingRouge2, Number.EPSILON)) * 100,
    };
    return [setting.key, figures] as const;
  });
  return Object.fromEntries(entries) as Figures;
}

function meanFigures(all: readonly Figures[]): Figures {
  const keys = Object.keys(all[0]!) as Setting['key'][];
  const average = (key: Setting['key'], field: keyof SettingFigures) => mean(all.map((f) => f[key][field]));
  return Object.fromEntries(
    keys.map((key) => [
      key,
      {
        rouge1: average(key, 'rouge1'),
        rouge2: average(key, 'rouge2'),
        rougeL: average(key, 'rougeL'),
        ceilingShare: average(key, 'ceilingShare'),
      },
    ]),
  ) as Figures;
}

/**
 * K-fold cross-validation of the weights. Tuning maximises the mean ceiling share at the
 * bench's sentence count and the email's two sentences (no word budget, so the comparison with
 * the ceiling stays sentence for sentence); the email's word budget is reported, not tuned for.
 */
function crossValidateWeights(documents: readonly Document[], folds: number, sentences: number, minGain: number) {
  const scorer = new SummaryScorer();
  const tuned: Setting[] = [
    { key: 'bench', sentences, maxWords: 1000 },
    { key: 'email', sentences: EMAIL_SUMMARY_SENTENCES, maxWords: 1000 },
  ];
  const reported: Setting[] = [...tuned, { key: 'emailBudget', sentences: EMAIL_SUMMARY_SENTENCES, maxWords: EMAIL_SUMMARY_WORDS }];
  let evaluations = 0;
  const tune = (train: readonly Document[]): SummaryWeights => {
    const search = coordinateSearch<SummaryWeights>(
      UNTUNED_WEIGHTS,
      TUNING_GRID,
      (weights) => {
        const figures = figuresOf(scorer, tuned, train, weights);
        return (figures.bench.ceilingShare + figures.email.ceilingShare) / 2;
      },
      { minGain },
    );
    evaluations += search.evaluations;
    return search.weights;
  };
  const start = performance.now();
  const perFold = crossValidate(
    documents,
    (d) => d.name,
    folds,
    tune,
    (weights, heldOut) => figuresOf(scorer, reported, heldOut, weights),
  );
  const pooledSummaries = perFold.flatMap((fold) =>
    fold.heldOutIds.map((id) => ({ document: documents.find((d) => d.name === id)!, weights: fold.weights })),
  );
  const pooled = Object.fromEntries(
    reported.map((setting) => {
      const ours = pooledSummaries.map(({ document, weights }) => scorer.ours(document, setting, weights));
      const ceilingRouge2 = mean(pooledSummaries.map(({ document }) => scorer.ceiling(document, setting.sentences).rouge2));
      return [setting.key, (mean(ours.map((t) => t.rouge2)) / Math.max(ceilingRouge2, Number.EPSILON)) * 100];
    }),
  ) as Record<Setting['key'], number>;
  const tunedOnAll = tune(documents);
  return {
    folds,
    minGain,
    heldOutMean: meanFigures(perFold.map((fold) => fold.heldOut)),
    heldOutPooledCeilingShare: pooled,
    perFold: perFold.map((fold) => ({ fold: fold.fold, heldOut: fold.heldOutIds.length, weights: fold.weights, figures: fold.heldOut })),
    inSampleUntuned: figuresOf(scorer, reported, documents, UNTUNED_WEIGHTS),
    inSampleDefaults: figuresOf(scorer, reported, documents, { ...DEFAULT_SUMMARY_WEIGHTS }),
    inSampleTunedOnAll: figuresOf(scorer, reported, documents, tunedOnAll),
    defaults: { ...DEFAULT_SUMMARY_WEIGHTS },
    tunedOnAll,
    evaluations,
    seconds: (performance.now() - start) / 1000,
  };
}

function printCrossValidation(result: ReturnType<typeof crossValidateWeights>, sentences: number): void {
  const pct = (value: number) => `${value.toFixed(1)}%`;
  const header = [
    'weights, scored on',
    `share@${sentences}`,
    'share@2',
    'share@2/60w',
    `R-1@${sentences}`,
    `R-2@${sentences}`,
    `R-L@${sentences}`,
  ];
  const row = (name: string, f: Figures) => [
    name,
    pct(f.bench.ceilingShare),
    pct(f.email.ceilingShare),
    pct(f.emailBudget.ceilingShare),
    f.bench.rouge1.toFixed(2),
    f.bench.rouge2.toFixed(2),
    f.bench.rougeL.toFixed(2),
  ];
  const rows = [
    row(`tuned on the other folds, held-out fold (mean of ${result.folds})`, result.heldOutMean),
    ...result.perFold.map((fold) => row(`  fold ${fold.fold + 1} (${fold.heldOut} articles)`, fold.figures)),
    row('untuned start, all articles', result.inSampleUntuned),
    row('shipped defaults, all articles (in-sample)', result.inSampleDefaults),
    row('tuned on all articles, all articles (in-sample)', result.inSampleTunedOnAll),
  ];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((r) => r[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(`\n== Cross-validated weights (${result.folds} folds by id hash) ==`);
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const r of rows) console.log(line(r));
  const pooled = result.heldOutPooledCeilingShare;
  printNote(
    `share@N: our ROUGE-2 as a share of the best-N-sentences ceiling's; 2/60w is the email (2 sentences in ${EMAIL_SUMMARY_WORDS} words) against the 2-sentence ceiling. ` +
      `Held out, pooled over all articles: ${pct(pooled.bench)} at ${sentences}, ${pct(pooled.email)} at 2.`,
  );
  for (const fold of result.perFold) printNote(`fold ${fold.fold + 1} weights: ${JSON.stringify(fold.weights)}`);
  printNote(`tuned on all: ${JSON.stringify(result.tunedOnAll)}`);
  printNote(`${result.evaluations} grid points in ${result.seconds.toFixed(1)} s`);
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
      `ours reaches ${(share * 100).toFixed(1)}% of its ROUGE-2 (Lead-${n}: ${((lead.rouge2 / Math.max(ceiling.rouge2, Number.EPSILON)) * 100).toFixed(1)}%); ` +
      `on bbc-dev that is in-sample (the weights were tuned there): --folds 5 gives the held-out figure.`,
  );
  const crossValidation = flags.folds > 0 ? crossValidateWeights(documents, flags.folds, n, flags['min-gain']) : undefined;
  if (crossValidation) printCrossValidation(crossValidation, n);
  emitJsonLine({
    bench: 'summary',
    articles: documents.length,
    sentences: n,
    results: [lead, ours, budgeted, ceiling],
    ceilingShareRouge2: share,
    ...(crossValidation && { crossValidation }),
  });
}

runMain(main);
