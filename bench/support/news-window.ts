/**
 * A synthetic news window for the story benchmarks: many distinct events, a share of them
 * reported by several sources (some as lightly edited wire copy, most rewritten in each desk's
 * own words), over a vocabulary whose word frequencies follow the Zipf-Mandelbrot law of
 * English text (Mandelbrot's parameters for English, s = 1.07 and q = 2.7). Events draw their
 * names from one shared pool, also Zipfian, so popular names (a capital, a government, a big
 * company) recur across unrelated events, as they do in a real day of news. Nothing here is
 * fitted to the merging code: the parameters are those of news text in general, and the same
 * seed always gives the same window.
 */
import { seededRandom, type ArticlePayload } from './articles.ts';

const ZIPF_EXPONENT = 1.07;
const ZIPF_OFFSET = 2.7;
/** Distinct content words of a day's news: tens of thousands. */
const VOCABULARY_SIZE = 40_000;
/** Distinct people, places and organisations named in a day's news. */
const NAME_POOL_SIZE = 8_000;
/** Feeds a newsroom follows. */
const SOURCE_COUNT = 500;
const FUNCTION_WORDS = 'the of and to in a for on that with as by at from its their is was has have will after over into'.split(' ');
const SYLLABLES = (() => {
  const onsets = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'st', 'tr', 'pl', 'gr', 'ch', 'sh'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
  const codas = ['', '', 'n', 'r', 'l', 's', 'nd', 'rt', 'm'];
  return onsets.flatMap((onset) => vowels.flatMap((vowel) => codas.map((coda) => `${onset}${vowel}${coda}`)));
})();
const TOPICS = ['world', 'politics', 'business', 'economy', 'climate', 'technology', 'health', 'sport', 'science', 'culture'];

type Random = () => number;

/** Distinct pronounceable words, deterministic for the seed. */
function words(random: Random, count: number, minSyllables: number): string[] {
  const found = new Set<string>();
  while (found.size < count) {
    const length = minSyllables + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < length; i += 1) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
    found.add(word);
  }
  return [...found];
}

/** Samples ranks 0..size-1 by Zipf-Mandelbrot weights (inverse CDF over a precomputed table). */
function zipfSampler(random: Random, size: number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank += 1) {
    total += 1 / (rank + 1 + ZIPF_OFFSET) ** ZIPF_EXPONENT;
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

const capitalise = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

interface Event {
  keyWords: string[];
  names: string[];
  figures: string[];
  reports: number;
}

function figure(random: Random): string {
  const kind = Math.floor(random() * 4);
  if (kind === 0) return `${(random() * 20).toFixed(1)}%`;
  if (kind === 1) return `£${Math.floor(2 + random() * 90)}bn`;
  if (kind === 2) return Math.floor(1000 + random() * 900_000).toLocaleString('en-GB');
  return `${Math.floor(100 + random() * 900)}`;
}

/** Reports per event: most events are reported once, a few by many desks (geometric tail, up to 12). */
function reportCount(random: Random): number {
  if (random() < 0.65) return 1;
  let count = 2;
  while (count < 12 && random() < 0.45) count += 1;
  return count;
}

export interface WindowOptions {
  seed: number;
  count: number;
  /** Start of the window; reports are spread over the following 24 hours. */
  start: number;
}

/** `count` article payloads: reports of distinct events, in random order. */
export function newsWindow(options: WindowOptions): ArticlePayload[] {
  const random = seededRandom(options.seed);
  const vocabulary = words(random, VOCABULARY_SIZE, 1);
  const namePool = words(random, NAME_POOL_SIZE, 1).map(capitalise);
  const sources = words(random, SOURCE_COUNT, 1).map((word) => `${capitalise(word)} News`);
  const word = zipfSampler(random, vocabulary.length);
  const name = zipfSampler(random, namePool.length);
  const general = () => vocabulary[word()]!;

  const events: Event[] = [];
  let planned = 0;
  while (planned < options.count) {
    const reports = Math.min(reportCount(random), options.count - planned);
    planned += reports;
    events.push({
      keyWords: Array.from({ length: 4 + Math.floor(random() * 4) }, general),
      names: [...new Set(Array.from({ length: 2 + Math.floor(random() * 3) }, () => namePool[name()]!))],
      figures: Array.from({ length: Math.floor(random() * 3) }, () => figure(random)),
      reports,
    });
  }

  /** A sentence of 12-24 words, a share `eventShare` of them the event's own words, names and figures. */
  const sentence = (event: Event, eventShare: number): string => {
    const length = 12 + Math.floor(random() * 13);
    const parts: string[] = [];
    for (let i = 0; i < length; i += 1) {
      const roll = random();
      if (roll < 0.3) parts.push(FUNCTION_WORDS[Math.floor(random() * FUNCTION_WORDS.length)]!);
      else if (roll < 0.3 + eventShare * 0.35) parts.push(event.keyWords[Math.floor(random() * event.keyWords.length)]!);
      else if (roll < 0.3 + eventShare * 0.55) parts.push(event.names[Math.floor(random() * event.names.length)]!);
      else if (roll < 0.3 + eventShare * 0.6 && event.figures.length > 0)
        parts.push(event.figures[Math.floor(random() * event.figures.length)]!);
      else if (random() < 0.05) parts.push(namePool[name()]!);
      else parts.push(general());
    }
    return `${capitalise(parts.join(' '))}.`;
  };
  const headline = (event: Event): string => {
    const parts = [
      ...event.names.slice(0, 1),
      ...Array.from({ length: 3 + Math.floor(random() * 4) }, () =>
        random() < 0.6 ? event.keyWords[Math.floor(random() * event.keyWords.length)]! : general(),
      ),
    ];
    if (event.figures.length > 0 && random() < 0.4) parts.push(event.figures[0]!);
    return capitalise(parts.join(' '));
  };
  const body = (event: Event): string[] => {
    const lead = Array.from({ length: 3 }, () => sentence(event, 0.6));
    const rest = Array.from({ length: 8 + Math.floor(random() * 25) }, () => sentence(event, 0.2));
    const sentences = [...lead, ...rest];
    const paragraphs: string[] = [];
    for (let at = 0; at < sentences.length; at += 3) paragraphs.push(sentences.slice(at, at + 3).join(' '));
    return paragraphs;
  };
  /** Wire copy republished: the same text with a few words changed and, sometimes, a new headline. */
  const edited = (text: string): string =>
    text
      .split(' ')
      .map((token) => (random() < 0.04 && /^[a-z]+$/.test(token) ? general() : token))
      .join(' ');

  const payloads: ArticlePayload[] = [];
  events.forEach((event, eventIndex) => {
    const time = options.start + Math.floor(random() * 20 * 3600_000);
    let wire: { title: string; paragraphs: string[] } | undefined;
    for (let report = 0; report < event.reports; report += 1) {
      const copy = wire !== undefined && random() < 0.25;
      const title = copy ? (random() < 0.5 ? wire!.title : headline(event)) : headline(event);
      const paragraphs = copy ? wire!.paragraphs.map(edited) : body(event);
      wire ??= { title, paragraphs };
      payloads.push({
        title,
        source: sources[Math.floor(random() * sources.length)]!,
        body: paragraphs.join('\n\n'),
        url: `https://news${payloads.length % 7}.example/${eventIndex}/${report}`,
        publishedAt: new Date(time + Math.floor(random() * 4 * 3600_000)).toISOString(),
        topics: [TOPICS[Math.floor(random() * TOPICS.length)]!],
        language: 'en',
      });
    }
  });
  // Reports arrive interleaved, not event by event.
  for (let i = payloads.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [payloads[i], payloads[j]] = [payloads[j]!, payloads[i]!];
  }
  return payloads;
}
