/**
 * Acronyms an article defines (`the Returning Officer (RO)`, `the RO (Returning Officer)`), so
 * that a summary sentence using one (`the RO said…`) can carry its expansion when the sentence
 * that defined it is not shown: the reader of a summary never saw that sentence.
 */

export interface AcronymDefinition {
  acronym: string;
  expansion: string;
  /** The sentence that defines it. */
  sentence: number;
}

/** Two to eight capitals, digits or `&`, opening with a capital, with an optional plural `s`. */
const ACRONYM = String.raw`\p{Lu}[\p{Lu}\p{N}&]{1,7}s?`;
const WORD = String.raw`[\p{L}\p{N}][\p{L}\p{N}'’.-]*`;
/**
 * `Words Of The Expansion (ACR)`: up to ten words, then the acronym in brackets. It starts only at
 * the first letter or digit of a run of word characters (`a.b.c`): a match from inside the run
 * would also match from its first letter, and trying every letter after a `.` was quadratic.
 */
const EXPANSION_FIRST = new RegExp(
  String.raw`(?=[\p{L}\p{N}])(?<![\p{L}\p{N}][\p{L}\p{N}'’.-]*?)((?:${WORD}\s+){0,9}${WORD})\s+\((${ACRONYM})\)`,
  'gu',
);
/** `ACR (Words of the expansion)`. */
const ACRONYM_FIRST = new RegExp(String.raw`(?<![\p{L}\p{N}])(${ACRONYM})\s+\(([^()]{3,100})\)`, 'gu');
/** Small words an expansion spans without giving the acronym a letter: `Secretary of State (SoS)`. */
const JOINERS = new Set(['of', 'the', 'and', 'for', 'on', 'in', 'to', 'at', 'de', 'du', 'des', 'la', 'le', 'del', 'der', 'al', '&']);

/** The capitals that spell the acronym: `RO` for `RO` and `ROs`. */
function letters(acronym: string): string[] {
  return [...acronym.replace(/s$/u, '')].filter((char) => /\p{Lu}/u.test(char));
}

/** Initials a word gives: one per hyphenated part (`Anti-Corruption` gives A and C). */
function initials(word: string): string[] {
  return word
    .split('-')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase());
}

/**
 * The shortest run of trailing words whose initials spell the acronym, small joining words
 * allowed in between, or undefined. `Russian Community, or Russkaya Obshchina` gives
 * `Russkaya Obshchina` for RO.
 */
function trailingExpansion(words: readonly string[], spelled: readonly string[]): string | undefined {
  let needed = spelled.length;
  for (let at = words.length - 1; at >= 0; at -= 1) {
    const word = words[at]!;
    const given = initials(word);
    const wanted = spelled.slice(needed - given.length, needed);
    if (given.length <= needed && given.every((letter, i) => letter === wanted[i])) {
      needed -= given.length;
      if (needed === 0) return words.slice(at).join(' ');
    } else if (!JOINERS.has(word.toLowerCase()) || at === words.length - 1) {
      return undefined;
    }
  }
  return undefined;
}

/** The words in brackets, when their initials, joining words aside, spell the acronym. */
function bracketedExpansion(text: string, spelled: readonly string[]): string | undefined {
  const words = text.trim().split(/\s+/u);
  const given = words.filter((word) => !JOINERS.has(word.toLowerCase())).flatMap(initials);
  return given.length === spelled.length && given.every((letter, i) => letter === spelled[i]) ? words.join(' ') : undefined;
}

/** The first definition of each acronym in the sentences, in order. */
export function acronymDefinitions(sentences: readonly string[]): Map<string, AcronymDefinition> {
  const found = new Map<string, AcronymDefinition>();
  sentences.forEach((text, sentence) => {
    for (const match of text.matchAll(EXPANSION_FIRST)) {
      const acronym = match[2]!;
      const words = match[1]!.replace(/[,;:]/gu, ' ').split(/\s+/u).filter(Boolean);
      const expansion = trailingExpansion(words, letters(acronym));
      if (expansion && !found.has(acronym)) found.set(acronym, { acronym, expansion, sentence });
    }
    for (const match of text.matchAll(ACRONYM_FIRST)) {
      const acronym = match[1]!;
      const expansion = bracketedExpansion(match[2]!, letters(acronym));
      if (expansion && !found.has(acronym)) found.set(acronym, { acronym, expansion, sentence });
    }
  });
  return found;
}

function usePattern(acronym: string): RegExp {
  return new RegExp(String.raw`(?<![\p{L}\p{N}(])${acronym}(?![\p{L}\p{N}])`, 'u');
}

/**
 * Sentence `index` with each acronym defined in an earlier sentence, and not in `known`,
 * written out on its first use: `the RO said` becomes `the Returning Officer (RO) said`.
 * Returns the text and the acronyms it now explains.
 */
export function withExpansions(
  text: string,
  index: number,
  definitions: ReadonlyMap<string, AcronymDefinition>,
  known: ReadonlySet<string> = new Set(),
): { text: string; explained: string[] } {
  let result = text;
  const explained: string[] = [];
  for (const definition of definitions.values()) {
    if (definition.sentence === index) {
      explained.push(definition.acronym);
      continue;
    }
    if (definition.sentence > index || known.has(definition.acronym)) continue;
    const use = usePattern(definition.acronym);
    if (!use.test(result)) continue;
    result = result.replace(use, `${definition.expansion} (${definition.acronym})`);
    explained.push(definition.acronym);
  }
  return { text: result, explained };
}
