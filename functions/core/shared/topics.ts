/**
 * Topic names, whoever sends them (a publisher's `topics`, a feed's categories, a reader's
 * choice): one rule turns any string into plain text with a case-folded key that articles,
 * readers and the catalogue share, and a display form for pages.
 */
import { HtmlTooComplexError } from './errors.ts';
import { plainLine } from './text.ts';

/** Longest topic, in UTF-16 code units, after normalisation. */
export const MAX_TOPIC_LENGTH = 40;

/** Most topics one article carries. */
export const MAX_ARTICLE_TOPICS = 10;

/**
 * Input beyond this is cut before it is parsed: a topic is a few words, and the cut bounds
 * the work an HTML-laden category costs whatever a feed sends.
 */
const MAX_TOPIC_INPUT = 1_000;

export interface Topic {
  /** What articles and readers store and compare: case-folded, NFKC, plain text. */
  key: string;
  /** How pages show it: the same text with its original case. */
  label: string;
}

/**
 * Punctuation a topic may keep (`c++`, `c#`, `r&d`, `node.js`, `rock 'n' roll`, `9/11`);
 * anything else that is not a letter, mark, digit or space becomes a space. Commas never
 * survive: a form or CSV cell lists topics separated by commas.
 */
const TOPIC_CHARACTER = /[\p{L}\p{M}\p{N} &+'._/#-]/u;
const NOT_TOPIC_CHARACTER = /[^\p{L}\p{M}\p{N} &+'._/#-]/gu;
/** Leading punctuation goes (`#hashtag`, `- list item`), trailing too except `+` and `#` (`c++`, `f#`). */
const LEADING_PUNCTUATION = /^[ &+'._/#-]+/u;
const TRAILING_PUNCTUATION = /(?<![ &'._/-])[ &'._/-]+$/u;
const DASHES = /\p{Pd}/gu;
const APOSTROPHES = /[\u2018\u2019\u02BC]/g;

function cleanTopicText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(DASHES, '-')
    .replace(APOSTROPHES, "'")
    .replace(NOT_TOPIC_CHARACTER, ' ')
    .replace(/\s+/g, ' ')
    .replace(LEADING_PUNCTUATION, '')
    .replace(TRAILING_PUNCTUATION, '');
}

/** At most `max` code units, cut at the last space when there is one, never inside a surrogate pair. */
function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).replace(TRAILING_PUNCTUATION, '');
}

/**
 * Full case folding as far as JavaScript offers it: upper then lower case maps `ß` to `ss` and
 * final sigma to sigma, as Unicode's CaseFolding.txt does, so `STRASSE` and `Straße` meet.
 */
export function foldTopicCase(text: string): string {
  return text.toUpperCase().toLowerCase().normalize('NFKC');
}

function plainTopicText(raw: string): string | undefined {
  try {
    return cleanTopicText(plainLine(raw.slice(0, MAX_TOPIC_INPUT)));
  } catch (error) {
    if (error instanceof HtmlTooComplexError) return undefined;
    throw error;
  }
}

function topicOf(label: string): Topic | undefined {
  if (label === '') return undefined;
  // Folding can lengthen a key (`ß` -> `ss`); the cap applies to what is stored.
  const key = capLength(foldTopicCase(label), MAX_TOPIC_LENGTH);
  return key === '' ? undefined : { key, label };
}

/**
 * The topic in any string: markup stripped and entities decoded (`<b>Bold</b> &amp; more` is
 * `Bold & more`), NFKC (full-width and ligature forms become plain letters), invisible and
 * control characters removed, whitespace collapsed, characters outside TOPIC_CHARACTER
 * dropped, cut to MAX_TOPIC_LENGTH at a word. Undefined when nothing is left.
 */
export function normaliseTopic(raw: string): Topic | undefined {
  const text = plainTopicText(raw);
  return text === undefined ? undefined : topicOf(capLength(text, MAX_TOPIC_LENGTH));
}

/**
 * `normaliseTopic` for a sender who can fix their input: a topic longer than MAX_TOPIC_LENGTH
 * is refused rather than cut, and so is one with nothing left, each with the reason.
 */
export function parseTopic(raw: string): { ok: true; topic: Topic } | { ok: false; issue: string } {
  if (raw.trim() === '') return { ok: false, issue: 'must not be empty' };
  const text = raw.length > MAX_TOPIC_INPUT ? undefined : plainTopicText(raw);
  if (text === undefined || text.length > MAX_TOPIC_LENGTH) {
    return { ok: false, issue: `must be at most ${MAX_TOPIC_LENGTH} characters` };
  }
  const topic = topicOf(text);
  return topic ? { ok: true, topic } : { ok: false, issue: 'must contain a letter or digit' };
}

/** The first spelling of each key, in order. */
export function uniqueTopics(topics: readonly Topic[]): Topic[] {
  const byKey = new Map<string, Topic>();
  for (const topic of topics) if (!byKey.has(topic.key)) byKey.set(topic.key, topic);
  return [...byKey.values()];
}

/**
 * Several topics: normalised, the first spelling of each key kept, at most `max`. For sources
 * whose topics are not the sender's to fix, such as feed categories.
 */
export function normaliseTopics(raw: readonly string[], max: number): Topic[] {
  const byKey = new Map<string, Topic>();
  for (const value of raw) {
    if (byKey.size >= max) break;
    const topic = normaliseTopic(value);
    if (topic && !byKey.has(topic.key)) byKey.set(topic.key, topic);
  }
  return [...byKey.values()];
}

/**
 * Why a name a person typed is not a topic as it stands, or undefined when it is. People get
 * told rather than silently corrected: markup, or characters that normalisation would drop.
 */
export function topicNameIssue(raw: string): string | undefined {
  const trimmed = raw.normalize('NFKC').replace(DASHES, '-').replace(APOSTROPHES, "'").trim();
  if (trimmed === '') return 'must not be empty';
  if ([...trimmed].some((char) => !TOPIC_CHARACTER.test(char))) return "letters, digits, spaces and - _ & + ' . / # only";
  const topic = normaliseTopic(trimmed);
  if (!topic) return 'must contain a letter or digit';
  if (trimmed.replace(/\s+/g, ' ').length > MAX_TOPIC_LENGTH) return `must be at most ${MAX_TOPIC_LENGTH} characters`;
  return undefined;
}
