/**
 * Plain text from untrusted input. Everything here returns text, never markup: whatever
 * renders it (MJML, a plain-text part, a mail header) still escapes or encodes it.
 */
import { compile, type DomNode, type FormatCallback, type SelectorDefinition } from 'html-to-text';
import { HtmlTooComplexError } from './errors.ts';

/**
 * Nesting deeper than this is refused: the HTML parser keeps its open-element stack with
 * `Array.unshift`, so parse time grows with depth × tags and a 1 MB run of `<b>` takes
 * tens of seconds. Real article markup stays well below 100.
 */
export const MAX_HTML_DEPTH = 256;

/**
 * More elements than this are refused. Conversion is linear, but each element costs a DOM
 * node and builder state: 1 MB of `x<br>` (200,000 elements) takes about 1.5 s and 140 MB
 * of heap. A long article, even with a large table, has a few thousand.
 */
export const MAX_HTML_ELEMENTS = 50_000;

const SKIPPED_ELEMENTS = [
  'script',
  'style',
  'noscript',
  'iframe',
  'template',
  'object',
  'embed',
  'svg',
  'canvas',
  'video',
  'audio',
  'img',
  'picture',
  'head',
  'hr',
];

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const selectors: SelectorDefinition[] = [
  // Only the link text reaches the reader; an href in article text is never ours to pass on.
  { selector: 'a', options: { ignoreHref: true } },
  ...SKIPPED_ELEMENTS.map((selector): SelectorDefinition => ({ selector, format: 'skip' })),
  ...HEADINGS.map((selector): SelectorDefinition => ({
    selector,
    format: 'heading',
    options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
  })),
  { selector: 'blockquote', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'ul', options: { itemPrefix: '• ' } },
  // A data-table layout aligns columns across all rows, which is quadratic in the cells; a
  // row per line with its cells separated stays linear and reads well enough in a digest.
  { selector: 'table', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'caption', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  { selector: 'tr', format: 'tableRow', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  ...['td', 'th'].map((selector): SelectorDefinition => ({ selector, format: 'inlineSurround', options: { prefix: ' ', suffix: ' ' } })),
];

const CELL_SEPARATOR = '·';

/** Cell content that starts its own lines, so a separator would stand alone on one. */
const BLOCK_CONTENT = new Set(['p', 'div', 'ul', 'ol', 'table', 'blockquote', 'pre', 'section', 'article', ...HEADINGS]);

const isCell = (node: DomNode): boolean => node.type === 'tag' && (node.name === 'td' || node.name === 'th');

const holdsBlocks = (cell: DomNode): boolean => cell.children.some((child) => child.type === 'tag' && BLOCK_CONTENT.has(child.name ?? ''));

/**
 * A table row on one line, its cells separated by CELL_SEPARATOR; layout tables whose
 * cells hold paragraphs keep them as paragraphs.
 */
const formatTableRow: FormatCallback = (row, walk, builder, options) => {
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks ?? 1 });
  let cells = 0;
  let previousHoldsBlocks = false;
  for (const child of row.children) {
    if (isCell(child)) {
      const blocks = holdsBlocks(child);
      if (cells > 0 && !previousHoldsBlocks && !blocks) builder.addInline(` ${CELL_SEPARATOR} `);
      cells += 1;
      previousHoldsBlocks = blocks;
    }
    walk([child], builder);
  }
  builder.closeBlock({ trailingLineBreaks: options.trailingLineBreaks ?? 1 });
};

const convertHtml = compile({
  wordwrap: false,
  formatters: { tableRow: formatTableRow },
  selectors,
  limits: { maxDepth: MAX_HTML_DEPTH, ellipsis: '' },
});

const TAG_OR_ENTITY = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--|<!doctype\s|&(?:[a-z][a-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-f]{1,6});/i;

export function looksLikeHtml(input: string): boolean {
  return TAG_OR_ENTITY.test(input);
}

/** Elements that never hold children (HTML's void elements, with the obsolete keygen and frame). */
export const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
  'keygen',
  'frame',
]);

/** Elements that an opening tag of the same name closes, as browsers do with `<p>a<p>b`. */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

// The lookahead keeps the name whole: without it a name that runs into no `>` was retried at every shorter length, quadratic (`<A` + 40,000 `-`: 1 s).
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?![a-zA-Z0-9-])[^<>]*?(\/?)>/g;

export interface HtmlMeasure {
  /** Deepest nesting of open elements. */
  depth: number;
  /** Opening tags, void and self-closed ones included. */
  elements: number;
}

/**
 * Upper bounds of the element nesting depth and count, from one linear scan of the tags.
 * Markup hidden in comments or scripts is counted too, which only errs towards refusing.
 */
export function measureHtml(html: string): HtmlMeasure {
  const open: string[] = [];
  const openCount = new Map<string, number>();
  let depth = 0;
  let elements = 0;
  for (const match of html.matchAll(TAG)) {
    const name = (match[2] ?? '').toLowerCase();
    if (match[1] === '/') {
      if (!openCount.get(name)) continue;
      for (let top = open.pop(); top !== undefined; top = open.pop()) {
        openCount.set(top, (openCount.get(top) ?? 1) - 1);
        if (top === name) break;
      }
      continue;
    }
    elements += 1;
    if (match[3] === '/' || VOID_ELEMENTS.has(name)) continue;
    if (SELF_CLOSING_SIBLINGS.has(name) && open.at(-1) === name) continue;
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    depth = Math.max(depth, open.length);
  }
  return { depth, elements };
}

/** Why markup would be refused by `htmlToPlainText`, as a validation message; undefined if it would not. */
export function htmlLimitIssue(input: string): string | undefined {
  if (!looksLikeHtml(input)) return undefined;
  const { depth, elements } = measureHtml(input);
  if (depth > MAX_HTML_DEPTH) return `must not nest HTML elements more than ${MAX_HTML_DEPTH} deep`;
  if (elements > MAX_HTML_ELEMENTS) return `must not contain more than ${MAX_HTML_ELEMENTS} HTML elements`;
  return undefined;
}

/**
 * Reduces HTML to plain text (link text without URLs, no images, no script or style
 * content, paragraphs as blank lines, table rows as lines); plain text only gets
 * `normaliseText`. Throws HtmlTooComplexError for markup beyond
 * MAX_HTML_DEPTH or MAX_HTML_ELEMENTS.
 */
export function htmlToPlainText(input: string): string {
  if (!looksLikeHtml(input)) return normaliseText(input);
  const { depth, elements } = measureHtml(input);
  if (depth > MAX_HTML_DEPTH) {
    throw new HtmlTooComplexError(`HTML nested ${depth} levels deep; at most ${MAX_HTML_DEPTH} allowed`, 'depth');
  }
  if (elements > MAX_HTML_ELEMENTS) {
    throw new HtmlTooComplexError(`HTML has ${elements} elements; at most ${MAX_HTML_ELEMENTS} allowed`, 'elements');
  }
  return normaliseText(convertHtml(input));
}

// C0 and C1 controls except tab and newline, plus the BOM; CR is turned into LF first.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFEFF]/g;
// Embeddings, overrides and isolates reorder the text around them, so a title can be made to
// read differently from what it says. The marks (LRM, RLM, ALM) only nudge and stay in body text.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// Runs of two or more, or any one that is not a plain space: rewriting every single space was
// the most expensive step of ingest.
const HORIZONTAL_SPACE = /[^\S\n]{2,}|[^\S\n ]/g;

/**
 * NFC, no control characters except tab and newline, no bidi embeddings, overrides or
 * isolates, LF line ends, single spaces, no spaces at line ends, at most one blank line in
 * a row, trimmed. Zero-width joiners stay: emoji sequences and Persian need them.
 */
export function normaliseText(s: string): string {
  // Lone surrogates become U+FFFD, so the text is valid UTF-16 for JSON, DynamoDB and MIME.
  return s
    .toWellFormed()
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\u2029/g, '\n\n')
    .replace(/[\u2028\u0085]/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(BIDI_CONTROLS, '')
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Invisible characters that can hide or reorder part of a one-line field: zero-width space,
 * joiners and direction marks, the Arabic letter mark, the word joiner and invisible
 * operators, and the deprecated shaping controls.
 */
const INVISIBLE_IN_LINE = /[\u061C\u200B-\u200F\u2060-\u2064\u206A-\u206F]/g;
const ZERO_WIDTH_NON_JOINER = '\u200C';
const ZERO_WIDTH_JOINER = '\u200D';
/** An emoji, with a skin-tone modifier or presentation selector, just before a joiner. */
const EMOJI_BEFORE = /(?:\p{Extended_Pictographic}|\p{Emoji_Modifier})\uFE0F?$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;
/** A letter or mark of a script that uses ZWNJ (Persian, Indic...): never Latin, where it only hides. */
const JOINING_LETTER = /^(?![\p{Script=Latin}\p{Script=Common}])[\p{L}\p{M}]$/u;

/**
 * Whether a joiner at `offset` does its job: ZWJ between emoji (👩‍💻, 🏳️‍🌈), ZWNJ between
 * letters of a script that needs it (می‌خواهم). Anywhere else it only hides something.
 */
function joinerKept(char: string, offset: number, text: string): boolean {
  const before = text.slice(Math.max(0, offset - 4), offset);
  const after = text.slice(offset + 1, offset + 3);
  if (char === ZERO_WIDTH_JOINER) return EMOJI_BEFORE.test(before) && EMOJI_AFTER.test(after);
  if (char === ZERO_WIDTH_NON_JOINER) {
    return JOINING_LETTER.test([...before].at(-1) ?? '') && JOINING_LETTER.test([...after][0] ?? '');
  }
  return false;
}

/**
 * `normaliseText` on one line, without invisible characters: for titles and sources, which
 * may end up in a mail subject or header, where they could spoof what the reader sees.
 * Joiners stay where they join (emoji sequences, Persian words), so those read as meant.
 */
export function singleLine(s: string): string {
  return normaliseText(s)
    .replace(INVISIBLE_IN_LINE, (char: string, offset: number, text: string) => (joinerKept(char, offset, text) ? char : ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Text for a one-line field that may arrive as HTML (feeds often send `&#8217;` in titles). */
export function plainLine(s: string): string {
  return singleLine(htmlToPlainText(s));
}

/** Looks like a full stop, but no link detector reads it as one. */
const DEFANGED_DOT = '\u2024';
/** FRACTION SLASH: `https:⁄⁄` still reads as a URL but is not one. */
const DEFANGED_SCHEME_SLASHES = ':\u2044\u2044';

/** Runs of text between spaces, quotes and brackets: the most a link detector takes as one URL. */
const LINK_CANDIDATE = /[^\s"'`<>()[\]{}«»‘’“”]+/gu;
/**
 * Dot-separated labels. The look-behind starts a match only at the start of a run of label
 * characters, so a long run without a dot is scanned once, not once per character.
 */
const DOTTED_LABELS = /(?<![\p{L}\p{M}\p{N}_-])[\p{L}\p{M}\p{N}_-]+(?:\.[\p{L}\p{M}\p{N}_-]+)+/gu;
const TOP_LEVEL_DOMAIN = /^\p{L}{2,24}$/u;
const CAPITALISED_WORD = /^\p{Lu}\p{Ll}+$/u;
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', '…']);

/**
 * Generic top-level domains common enough that `Word.Com` is more likely a link than a missing
 * space after a full stop. Every two-letter ending counts too: most are country domains.
 */
const COMMON_GENERIC_TLDS = new Set(
  (
    'com net org edu gov mil int info biz name pro mobi aero asia jobs tel travel app dev page ' +
    'blog news online site store shop tech xyz top club live link click email cloud icu vip win ' +
    'bid loan work today world life space website fun agency digital media group company services ' +
    'solutions network systems support center money finance bank pay io ai'
  ).split(' '),
);

/**
 * Whether dotted labels make a host name: a `www.` host, or a last label of 2 to 24 letters
 * (`evil.example`, `bbc.co.uk`), so `3.5`, `U.S`, `e.g` and `J.K` are not. A whole candidate of
 * two labels ending in a capitalised word that is no common domain (`end.Next`) is taken for a
 * missing space after a full stop.
 */
function isHostName(labels: string[], wholeCandidate: boolean): boolean {
  if (labels[0]?.toLowerCase() === 'www') return true;
  const last = labels.at(-1) ?? '';
  if (!TOP_LEVEL_DOMAIN.test(last)) return false;
  const sentenceGlitch =
    wholeCandidate && labels.length === 2 && CAPITALISED_WORD.test(last) && last.length > 2 && !COMMON_GENERIC_TLDS.has(last.toLowerCase());
  return !sentenceGlitch;
}

function defangCandidate(candidate: string): string {
  let end = candidate.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(candidate[end - 1] ?? '')) end -= 1;
  const core = candidate.slice(0, end);
  const tail = candidate.slice(end);
  if (core.includes('://')) {
    return core.replaceAll('://', DEFANGED_SCHEME_SLASHES).replaceAll('.', DEFANGED_DOT) + tail;
  }
  const defanged = core.replace(DOTTED_LABELS, (labels) =>
    isHostName(labels.split('.'), labels.length === core.length) ? labels.replaceAll('.', DEFANGED_DOT) : labels,
  );
  return defanged + tail;
}

/**
 * Text in which no mail client finds a link to make clickable: every dot of a URL (any
 * `scheme://`), a `www.` host, a bare domain (`Amazon.com`, `bbc.co.uk/news`) or the host
 * of an email address becomes U+2024 ONE DOT LEADER, and `://` becomes `:⁄⁄`. Decimals,
 * abbreviations, initials and ellipses stay as they are.
 */
export function defangLinks(text: string): string {
  return text.replace(LINK_CANDIDATE, defangCandidate);
}
