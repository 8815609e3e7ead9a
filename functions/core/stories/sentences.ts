/**
 * Rule-based sentence splitting for news prose. A full stop ends a sentence unless the
 * word before it is an abbreviation, an initial or a dotted acronym that the next word
 * shows to be mid-sentence; paragraph breaks and list items always end one.
 */
import { normaliseText } from '../shared/index.ts';

/** Titles that are always followed by a name: `Mr. Smith` never ends a sentence. */
const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'mx',
  'messrs',
  'mme',
  'mlle',
  'dr',
  'prof',
  'rev',
  'hon',
  'st',
  'mt',
  'ft',
  'gen',
  'gov',
  'sen',
  'rep',
  'pres',
  'lt',
  'col',
  'capt',
  'cpt',
  'cmdr',
  'cdr',
  'sgt',
  'cpl',
  'pte',
  'pvt',
  'maj',
  'adm',
  'brig',
  'supt',
  'insp',
  'det',
  'cllr',
  'fr',
  'atty',
]);

/** Abbreviations that precede a number: `No. 10`, `p. 5`, `Vol. 3`. */
const BEFORE_NUMBER = new Set(['no', 'nos', 'nr', 'p', 'pp', 'vol', 'art', 'fig', 'ch', 'sec', 'para', 'ext', 'tel', 'op']);

const MONTHS = new Set(['jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec']);

/** Abbreviations that practically never end a sentence. */
const NEVER_FINAL = new Set(['e.g', 'i.e', 'eg', 'ie', 'vs', 'v', 'cf', 'viz', 'approx', 'ca', 'incl', 'esp', 'resp']);

/**
 * Words that commonly open a sentence. After a dotted acronym (`U.S.`, `p.m.`) a capital
 * alone proves nothing (`the U.S. Army`), so only these count as a new sentence.
 */
const SENTENCE_STARTERS = new Set([
  'a',
  'an',
  'the',
  'he',
  'she',
  'it',
  'they',
  'we',
  'i',
  'you',
  'his',
  'her',
  'its',
  'their',
  'our',
  'my',
  'this',
  'that',
  'these',
  'those',
  'there',
  'but',
  'and',
  'or',
  'so',
  'yet',
  'in',
  'on',
  'at',
  'for',
  'after',
  'before',
  'when',
  'while',
  'if',
  'as',
  'however',
  'meanwhile',
  'also',
  'some',
  'many',
  'most',
  'no',
  'not',
  'what',
  'why',
  'how',
  'who',
  'since',
  'until',
  'although',
  'though',
  'still',
  'then',
  'now',
  'today',
  'earlier',
  'later',
]);

const BULLET = /^(?:[-•*▪◦●‣–—]|\d{1,3}[.)])\s+/u;

/**
 * Terminal punctuation and any closing quotes or brackets, followed by whitespace. A match starts
 * only where a run of punctuation starts (the lookbehind): retried inside a run that is not
 * followed by whitespace, it was quadratic (50,000 `!` took 21 s).
 */
const TERMINATOR = /(?<![.!?…‼⁇⁈⁉؟।۔])([.!?…‼⁇⁈⁉؟।۔]+)(['"”’»›)\]]*)(?=\s)|[。！？]+['"”’»」』）)\]]*/gu;

const ENDS_SENTENCE = /[.!?…‼⁇⁈⁉؟।۔。！？]['"”’»›」』）)\]]*$/u;
const ENDS_MID_SENTENCE = /[,;:(/&\-–—]$/u;
/** No heading or sentence ends on one of these, so a line that does was wrapped. */
const FUNCTION_WORDS = [
  'a',
  'an',
  'the',
  'of',
  'on',
  'in',
  'at',
  'to',
  'for',
  'by',
  'with',
  'from',
  'into',
  'and',
  'or',
  'but',
  'nor',
  'as',
  'than',
  'that',
  'which',
  'who',
  'whose',
  'is',
  'are',
  'was',
  'were',
  'has',
  'have',
  'had',
  'will',
  'would',
  'said',
  'says',
  'told',
];
const ENDS_WITH_FUNCTION_WORD = new RegExp(`(?:^|\\s)(?:${FUNCTION_WORDS.join('|')})$`, 'u');
const OPENERS = /^['"‘“«‹¿¡([]+/u;
const HAS_CONTENT = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;

/**
 * Splits text into trimmed sentences of its normalised form (see normaliseText), in order.
 * Bullet markers are dropped; the item text is kept.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const block of blocks(separateGluedSentences(normaliseText(withoutMarkupRemnants(text))))) {
    for (const sentence of splitBlock(block)) {
      if (HAS_CONTENT.test(sentence)) sentences.push(...(splitRunInHeading(sentence) ?? [sentence]));
    }
  }
  return sentences;
}

const MAX_HEADING_WORDS = 5;
const MAX_HEADING_CHARS = 40;
const MIN_RUN_ON_WORDS = 6;
const HEADING_WORD = /^\p{L}[\p{L}'’-]*$/u;

/**
 * A short heading run into the sentence under it with no punctuation between, as scraped pages
 * flatten them: `Sanctions US President Donald Trump said he is looking at secondary sanctions`.
 * The heading is a capitalised word, or a sentence-case phrase of up to five words not ending
 * on a function word, and the rest opens with a capitalised word. Names and titles look the
 * same (`Former US President…`, `Novelist Andrea Levy…`), so it is split only when the
 * heading names what the sentence is about: its first word comes back, lower-case, in the rest
 * of it; and a one-word heading must be followed by two or more capitalised words, not by a
 * lone name and a verb.
 */
function splitRunInHeading(sentence: string): [string, string] | undefined {
  const words = sentence.split(' ');
  for (let size = 1; size <= MAX_HEADING_WORDS && size + MIN_RUN_ON_WORDS <= words.length; size += 1) {
    const word = words[size - 1]!;
    if (!HEADING_WORD.test(word)) return undefined;
    if (size === 1 ? !/^\p{Lu}\p{Ll}/u.test(word) : !/^\p{Ll}/u.test(word)) return undefined;
    const next = words[size]!;
    if (!/^\p{Lu}/u.test(next) || next === 'I') continue;
    const heading = words.slice(0, size);
    const last = heading[size - 1]!.toLowerCase();
    if (FUNCTION_WORDS.includes(last) || SENTENCE_STARTERS.has(heading[0]!.toLowerCase())) return undefined;
    if (heading.join(' ').length > MAX_HEADING_CHARS) return undefined;
    if (size === 1 && !/^\p{Lu}/u.test(words[size + 1] ?? '')) return undefined;
    const rest = words.slice(size).join(' ');
    return echoes(heading, rest) ? [heading.join(' '), rest] : undefined;
  }
  return undefined;
}

/**
 * Whether the heading's first word (four letters or more, not a function word) recurs in lower
 * case in `text`, as it is or with a plural `s` added or dropped. A heading's first word is
 * capitalised only because it opens the heading; a word capitalised anywhere (`British team
 * member Hayley Yelling said the team…`) is a name or modifies one.
 */
function echoes(heading: readonly string[], text: string): boolean {
  const lower = heading[0]!.toLowerCase();
  if (lower.length < 4 || FUNCTION_WORDS.includes(lower) || SENTENCE_STARTERS.has(lower)) return false;
  const later = new Set(text.split(/[^\p{L}'’-]+/u).filter((word) => /^\p{Ll}/u.test(word)));
  return later.has(lower) || later.has(`${lower}s`) || (lower.endsWith('s') && later.has(lower.slice(0, -1)));
}

/** Elements that start a new block; any other tag is dropped with no space, as a browser shows it. */
const BLOCK_TAG =
  /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|header|footer|figure|figcaption|hr)\b[^<>]{0,200}>/giu;
const ANY_TAG = /<\/?[a-z][a-z0-9-]*\b[^<>]{0,200}>|<!--[^]{0,2000}?-->/giu;
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  pound: '£',
  euro: '€',
  copy: '©',
};
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,8}));/giu;

/**
 * Bodies scraped without an HTML parser keep tags and entities (`<p>`, `&amp;`, `&#8217;`).
 * Tags go (block elements become paragraph breaks); entities become their characters, as text.
 */
function withoutMarkupRemnants(text: string): string {
  if (!/[<&]/u.test(text)) return text;
  return text
    .replace(BLOCK_TAG, '\n\n')
    .replace(ANY_TAG, '')
    .replace(ENTITY, (entity, decimal?: string, hex?: string, name?: string) => {
      if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
      const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
    });
}

/** Capitalised words that open sentences and almost never end a word: `eventsThe government`. */
const GLUED_OPENER =
  /(?<=\p{Ll}|\p{Lu}{2})(?=(?:The|This|These|Those|He|She|They|We|His|Her|Their|There|After|But|When|While|However)\s)/gu;
/** A full stop with no space after it, between a lower-case word and a capitalised one: `per cent.The index`. */
const STOP_WITHOUT_SPACE = /(?<=\p{Ll}{2}[.!?])(?=\p{Lu}\p{Ll})/gu;

/**
 * A subheading run into the paragraph under it with only a space between
 * (`…scraps of home When the war began`, `…'If it were just me, I'd stay' While Fatima…`): a
 * word that only opens clauses, capitalised after a lower-case word or a closing quote with no
 * punctuation between, starts a new block. Articles and possessives only before a lower-case
 * word, since `The Times` and `His Dark Materials` are names.
 */
const FUSED_HEADING = new RegExp(
  '([\\p{Ll}\\p{N}][\'’"”]?|[\'’"”]) (?=(?:' +
    '(?:When|While|After|Before|But|However|He|She|They|It|We|If|Although|Though|Since|Despite|During|Meanwhile)\\s' +
    '|(?:The|This|These|Those|His|Her|Their|Its|Our|A|An)\\s\\p{Ll}))',
  'gu',
);

/**
 * Scraped pages glue a heading or label to the paragraph under it (`Key eventsThe government`,
 * or with a space, see FUSED_HEADING) and lose the space after a full stop; each is split apart
 * before splitting into sentences.
 */
function separateGluedSentences(text: string): string {
  return text.replace(GLUED_OPENER, '\n\n').replace(FUSED_HEADING, '$1\n\n').replace(STOP_WITHOUT_SPACE, ' ');
}

/**
 * Runs of text that no sentence crosses: paragraphs, list items, and lines that read as
 * separate (a heading above a paragraph). A line that continues the one before it
 * (hard-wrapped prose) is joined to it.
 */
function* blocks(text: string): Generator<string> {
  for (const paragraph of text.split(/\n{2,}/)) {
    let current = '';
    for (const line of paragraph.split('\n')) {
      const bullet = BULLET.exec(line);
      if (bullet) {
        if (current) yield current;
        current = line.slice(bullet[0].length);
      } else if (current && continuesLine(current, line)) {
        current += ` ${line}`;
      } else {
        if (current) yield current;
        current = line;
      }
    }
    if (current) yield current;
  }
}

function continuesLine(previous: string, next: string): boolean {
  return (
    ENDS_SENTENCE.test(previous) || ENDS_MID_SENTENCE.test(previous) || ENDS_WITH_FUNCTION_WORD.test(previous) || startsInLowerCase(next)
  );
}

function* splitBlock(block: string): Generator<string> {
  let start = 0;
  for (const match of block.matchAll(TERMINATOR)) {
    const end = match.index + match[0].length;
    const punctuation = match[1];
    // CJK full stops need no space after them and have no abbreviations.
    const splits = punctuation === undefined || endsSentence(block, match.index, punctuation, match[2] ?? '', end);
    if (splits) {
      const sentence = block.slice(start, end).trim();
      if (sentence) yield sentence;
      start = end;
    }
  }
  const rest = block.slice(start).trim();
  if (rest) yield rest;
}

function endsSentence(block: string, at: number, punctuation: string, closers: string, end: number): boolean {
  const next = nextWord(block, end);
  if (next === '' || startsInLowerCase(next)) return false;
  if (punctuation !== '.' || closers !== '') return true;
  return !isAbbreviation(previousWord(block, at), next);
}

function isAbbreviation(word: string, next: string): boolean {
  if (word === '') return false;
  const lower = word.toLowerCase();
  const capitalised = /^\p{Lu}/u.test(word);
  const nextIsNumber = /^\p{N}/u.test(next);
  if (capitalised && TITLES.has(lower)) return true;
  if (nextIsNumber && BEFORE_NUMBER.has(lower)) return true;
  if (nextIsNumber && capitalised && MONTHS.has(lower)) return true;
  if (NEVER_FINAL.has(lower)) return true;
  // An initial, as in `J. K. Rowling`; `I` is the pronoun.
  if (/^\p{Lu}$/u.test(word) && word !== 'I' && /^\p{Lu}/u.test(next)) return true;
  if (/^(?:\p{L}{1,2}\.)+\p{L}{1,2}$/u.test(word)) {
    return !SENTENCE_STARTERS.has(next.replace(/(?<![^\p{L}])[^\p{L}]+$/u, '').toLowerCase());
  }
  return false;
}

/** The word just before `at`, without opening quotes or brackets. */
function previousWord(block: string, at: number): string {
  const space = block.lastIndexOf(' ', at - 1);
  return block.slice(space + 1, at).replace(OPENERS, '');
}

/** The word starting after the whitespace at `from`, without opening quotes or brackets. */
function nextWord(block: string, from: number): string {
  const rest = block
    .slice(from, from + 80)
    .trimStart()
    .replace(OPENERS, '');
  const space = rest.indexOf(' ');
  return space === -1 ? rest : rest.slice(0, space);
}

/** `iPhone` and `eBay` start lower-case but open sentences like capitalised words. */
function startsInLowerCase(word: string): boolean {
  const stripped = word.replace(OPENERS, '');
  return /^\p{Ll}/u.test(stripped) && !/^\p{Ll}\p{Lu}/u.test(stripped);
}
