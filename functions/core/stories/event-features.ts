/**
 * What makes two reports one event rather than two events about one subject: the names they
 * mention (people, places, organisations, with acronyms matched to the names they stand for),
 * and the figures they give (497,099 deliveries, a 3.5% rate, £26bn). Rewrites by different
 * desks share these even where their wording differs; two events about one company share the
 * company's name but rarely its figures.
 */
import { splitSentences } from './sentences.ts';

export interface EventFeatures {
  /** Lower-case name words, plus the initials of multi-word names (`obr`, `boe`, `be`). */
  names: Set<string>;
  /** Normalised figures: `2%` for `2 per cent` and `2.00%`, `26bn` for `£26 billion`. */
  figures: Set<string>;
}

/** Words that join a multi-word name: `Bank of England`, `Office for Budget Responsibility`. */
const NAME_JOINERS = new Set(['of', 'for', 'and', 'de', 'du', 'des', 'la', 'le', 'von', 'van', 'der', 'del']);
/** Capitalised only because they open a sentence; a capitalised word elsewhere is taken as a name. */
const COMMON_OPENERS = new Set(
  (
    'a an the he she it they we i you his her its their our this that these those there but and or so yet in on ' +
    'at for after before when while if as however meanwhile also some many most no not what why how who since ' +
    'until although though still then now today earlier later about around more than up to by from with over ' +
    'under into one two three four five six seven eight nine ten several dozens thousands hundreds millions'
  ).split(' '),
);
/** Capitalised in English but naming no one: days and months say when, not who. */
const NOT_NAMES = new Set(
  (
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july ' +
    'august september october november december mr mrs ms dr sir'
  ).split(' '),
);

/**
 * A trailing run is matched only from where it starts (the lookbehind), so a long run of
 * punctuation costs its length once rather than once per character (it was quadratic).
 */
const WORD_EDGES = /^[^\p{L}\p{N}]+|(?<![^\p{L}\p{N}])[^\p{L}\p{N}]+$/gu;

function nameWords(sentence: string): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  const flush = (): void => {
    while (run.length > 0 && NAME_JOINERS.has(run[run.length - 1]!.toLowerCase())) run.pop();
    if (run.length > 0) runs.push(run);
    run = [];
  };
  sentence.split(/\s+/u).forEach((raw, index) => {
    const word = raw.replace(WORD_EDGES, '').replace(/['’]s$/u, '');
    const lower = word.toLowerCase();
    const capitalised = /^\p{Lu}/u.test(word) && !NOT_NAMES.has(lower) && !(index === 0 && COMMON_OPENERS.has(lower));
    if (capitalised) run.push(word);
    else if (run.length > 0 && NAME_JOINERS.has(lower)) run.push(word);
    else flush();
    // A comma or full stop ends a name: `Tesla, BYD` are two.
    if (/[,.;:!?)]$/u.test(raw)) flush();
  });
  flush();
  return runs;
}

function addNames(names: Set<string>, run: readonly string[]): void {
  const words = run.filter((word) => !NAME_JOINERS.has(word.toLowerCase()));
  for (const word of words) names.add(word.toLowerCase());
  if (words.length >= 2) {
    names.add(words.map((word) => word.charAt(0).toLowerCase()).join(''));
    names.add(run.map((word) => word.charAt(0).toLowerCase()).join(''));
  }
}

/** Each starts only where a run of whitespace starts, so a long run is not rescanned from every space. */
const UNIT_WORDS: [RegExp, string][] = [
  [/(?<!\s)\s*per\s?cent\b/gu, '%'],
  [/(?<!\s)\s*percent\b/gu, '%'],
  [/(?<!\s)\s*(?:billion|bn)\b/gu, 'bn'],
  [/(?<!\s)\s*(?:trillion|tn)\b/gu, 'tn'],
  [/(?<!\s)\s*(?:million|mn|m)\b/gu, 'm'],
];
const FIGURE = /\p{N}[\p{N},]*(?:\.\p{N}+)?(?:%|bn|tn|m\b)?/gu;

/** Years and small whole numbers are common to many events; only other figures identify one. */
function isTelling(figure: string): boolean {
  if (/^(?:19|20)\d\d$/u.test(figure)) return false;
  return /[%.]|bn|tn|m$/u.test(figure) || figure.replace(/\D/gu, '').length >= 3;
}

function figures(text: string): Set<string> {
  let normalised = text;
  for (const [pattern, unit] of UNIT_WORDS) normalised = normalised.replace(pattern, unit);
  const found = new Set<string>();
  for (const [raw] of normalised.matchAll(FIGURE)) {
    // 497,099 and 497099 are one figure; 2.00% and 2% too.
    const figure = raw
      .replace(/,/gu, '')
      .replace(/\.0+(?=\D|$)/u, '')
      .replace(/(\.(?:\d*[1-9])?)0+(?!\d)/u, '$1');
    if (isTelling(figure)) found.add(figure);
  }
  return found;
}

/**
 * The features of a report's title and lead sentences. A capitalised word that opens a sentence,
 * or stands in a headline written in title case, is a name only when it is capitalised again
 * elsewhere (`Tesla` in the headline and the lead), mid-sentence, or is an acronym:
 * `Rescuers searched…` and `Magnitude 7.8 Earthquake Hits…` name no one.
 */
export function eventFeatures(title: string, leadSentences: readonly string[]): EventFeatures {
  const midSentence = new Set<string>();
  const capitalisedCount = new Map<string, number>();
  const sentences = [...splitSentences(title.replace(/\s+/gu, ' ')), ...leadSentences];
  sentences.forEach((sentence, index) => {
    const isTitle = index === 0 && title.trim() !== '';
    for (const run of nameWords(sentence)) {
      const opens = isTitle || sentence.replace(WORD_EDGES, '').startsWith(run[0]!);
      run.forEach((word, position) => {
        const lower = word.toLowerCase();
        capitalisedCount.set(lower, (capitalisedCount.get(lower) ?? 0) + 1);
        if (!(opens && position === 0) && !isTitle) midSentence.add(lower);
      });
    }
  });
  const names = new Set<string>();
  for (const sentence of sentences) {
    for (const run of nameWords(sentence)) {
      const kept = run.filter(
        (word) =>
          NAME_JOINERS.has(word.toLowerCase()) ||
          midSentence.has(word.toLowerCase()) ||
          (capitalisedCount.get(word.toLowerCase()) ?? 0) >= 2 ||
          /^\p{Lu}{2,}$/u.test(word),
      );
      // Trim joiners left at either end once the unproven words are gone.
      while (kept.length > 0 && NAME_JOINERS.has(kept[0]!.toLowerCase())) kept.shift();
      if (kept.length > 0) addNames(names, kept);
    }
  }
  return { names, figures: figures(sentences.join(' ')) };
}

export function sharedCount(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared;
}

/** Dice overlap, 0 when either side is empty. */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  return a.size + b.size === 0 ? 0 : (2 * sharedCount(a, b)) / (a.size + b.size);
}

/** Figures this close are one figure rounded differently: `nearly 240,000` and `239,382`. */
const FIGURE_TOLERANCE = 0.015;

function parseFigure(figure: string): { value: number; unit: string } {
  // The lookahead keeps the digits whole (no backtracking into them), so it stays linear.
  const match = /^(?=([\d.]+))\1(.*)$/u.exec(figure);
  return { value: Number(match?.[1] ?? Number.NaN), unit: match?.[2] ?? '' };
}

/** How many of `a`'s figures `b` also gives, allowing for rounding (same unit, within 1.5%). */
export function sharedFigures(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const others = [...b].map(parseFigure);
  let shared = 0;
  for (const figure of a) {
    if (b.has(figure)) {
      shared += 1;
      continue;
    }
    const { value, unit } = parseFigure(figure);
    if (others.some((other) => other.unit === unit && Math.abs(other.value - value) <= FIGURE_TOLERANCE * Math.max(value, other.value))) {
      shared += 1;
    }
  }
  return shared;
}
