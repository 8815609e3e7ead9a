/**
 * Headlines sent in capitals (`MARKETS FALL AS US RATES RISE`) read as shouting in a list of
 * normal ones. They are shown in headline title case, which keeps names capitalised (sentence
 * case would print `powell`); short words that are not common English words stay in
 * capitals, as they are most likely acronyms (US, UN, NHS).
 */

/** Lower case inside a title-cased headline. */
const MINOR_WORDS = new Set('a an the of in on at to for and but or nor as by vs via per'.split(' '));
/** Short words that are ordinary words, not acronyms. */
const SHORT_WORDS = new Set(
  (
    'is are was be it its he she we my me so up out off new old big top win won how why who all not ' +
    'no yes can may set cut put get has had did do two one six ten day war law pay tax oil gas car bid ' +
    'end see say hit ban aid age air arm art bad bar bus buy fly fun gun job key kid man men net now ' +
    'own red run sea sex son war way wet yet'
  ).split(' '),
);
/** Always capitals, though also ordinary words. */
const ACRONYMS = new Set(['us', 'uk', 'un', 'eu']);

function isShouted(title: string): boolean {
  const letters = title.replace(/[^\p{L}]/gu, '');
  return letters.length >= 8 && !/\p{Ll}/u.test(letters);
}

/** The title as given, or in title case when it is all capitals (see above). */
export function calmTitle(title: string): string {
  if (!isShouted(title)) return title;
  let first = true;
  return title.replace(/\p{L}[\p{L}\p{M}'’.-]*/gu, (word) => {
    const lower = word.toLowerCase();
    const bare = lower.replace(/[^\p{L}]/gu, '');
    const isFirst = first;
    first = false;
    const acronym =
      ACRONYMS.has(bare) || /\p{L}\.\p{L}/u.test(word) || (bare.length <= 3 && !SHORT_WORDS.has(bare) && !MINOR_WORDS.has(bare));
    if (acronym) return word;
    if (!isFirst && MINOR_WORDS.has(bare)) return lower;
    return lower.charAt(0).toUpperCase() + lower.slice(1);
  });
}
