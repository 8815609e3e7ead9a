/**
 * Words and terms, shared by the summariser and story merging: word counts and cuts that know
 * scripts written without spaces, and the stemmed content terms that similarity is measured on.
 */

// Scripts written without spaces between words: count and compare them in pairs of characters.
const UNSPACED = ['Han', 'Hiragana', 'Katakana', 'Thai', 'Lao', 'Khmer', 'Myanmar'].map((script) => `\\p{Script=${script}}`).join('');
const WORD_UNIT = new RegExp(`[${UNSPACED}]{1,2}|[^\\s${UNSPACED}]+`, 'gu');
const HAS_UNSPACED = new RegExp(`[${UNSPACED}]`, 'u');
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

export function wordCount(text: string): number {
  if (!HAS_UNSPACED.test(text)) return text.split(/\s+/).filter((word) => word !== '').length;
  let count = 0;
  for (const _ of text.matchAll(WORD_UNIT)) count += 1;
  return count;
}

/** Longer than any real word: a run of characters with no space in it is cut too. */
const MAX_CHARS_PER_WORD = 15;

/**
 * The first `maxWords` words of `text`, and no more than `maxWords` × MAX_CHARS_PER_WORD
 * characters (cut by code point), with an ellipsis when anything was cut.
 */
export function cutToWords(text: string, maxWords: number): string {
  let count = 0;
  let cut = text;
  for (const match of text.matchAll(WORD_UNIT)) {
    count += 1;
    if (count > maxWords) {
      cut = text.slice(0, match.index);
      break;
    }
  }
  const codePoints = Array.from(cut);
  const maxChars = maxWords * MAX_CHARS_PER_WORD;
  if (codePoints.length > maxChars) cut = codePoints.slice(0, maxChars).join('');
  return cut === text ? text : `${cut.replace(/(?<![\s,;:–—-])[\s,;:–—-]+$/u, '')}…`;
}

/** Stemmed content words (or character pairs, for unspaced scripts) and how often each occurs. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (term: string): void => {
    counts.set(term, (counts.get(term) ?? 0) + 1);
  };
  const mayHaveUnspaced = HAS_UNSPACED.test(text);
  for (const [token] of text.toLowerCase().matchAll(TOKEN)) {
    if (mayHaveUnspaced && HAS_UNSPACED.test(token)) {
      const chars = [...token];
      if (chars.length === 1) add(token);
      for (let i = 0; i + 1 < chars.length; i += 1) add(`${chars[i]}${chars[i + 1]}`);
      continue;
    }
    const word = token.replace(/['’]s$/u, '');
    if (STOP_WORDS.has(word) || word.length < 2) continue;
    add(stem(word));
  }
  return counts;
}

/** A light English suffix stripper: enough that `talks`, `talked` and `talking` meet. */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let stemmed = word;
  if (stemmed.endsWith('ies') && stemmed.length > 4) stemmed = `${stemmed.slice(0, -3)}y`;
  else if (stemmed.endsWith('sses')) stemmed = stemmed.slice(0, -2);
  else if (stemmed.endsWith('s') && !/(?:ss|us|is)$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly']) {
    if (stemmed.endsWith(suffix) && stemmed.length - suffix.length >= 3) {
      stemmed = stemmed.slice(0, -suffix.length);
      // running -> runn -> run
      if (/([b-df-hj-np-tv-z])\1$/.test(stemmed) && !/(?:ll|ss|zz)$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
      break;
    }
  }
  // announce, announced, announcing -> announc
  if (stemmed.length > 4 && stemmed.endsWith('e')) stemmed = stemmed.slice(0, -1);
  return stemmed;
}

const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have having ' +
    'he her here hers herself him himself his how i if in into is it its itself just me more most my myself no ' +
    'nor not now of off on once only or other our ours ourselves out over own same she should so some such than ' +
    'that the their theirs them themselves then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours yourself yourselves ' +
    'said says say told according mr mrs ms dr one two three also however since may might must shall us per ' +
    'new year years last first week day yesterday today'
  ).split(' '),
);
