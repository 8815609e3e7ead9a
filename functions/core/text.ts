/**
 * Plain text from untrusted input. Everything here returns text, never markup: whatever
 * renders it (MJML, a plain-text part, a mail header) still escapes or encodes it.
 */
import { compile, type SelectorDefinition } from 'html-to-text';

/**
 * Nesting deeper than this is refused: the HTML parser keeps its open-element stack with
 * `Array.unshift`, so parse time grows with depth × tags and a 1 MB run of `<b>` takes
 * tens of seconds. Real article markup stays well below 100.
 */
export const MAX_HTML_DEPTH = 256;

export class HtmlTooDeepError extends Error {
  override name = 'HtmlTooDeepError';
}

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
  ...HEADINGS.map(
    (selector): SelectorDefinition => ({
      selector,
      format: 'heading',
      options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 },
    }),
  ),
  { selector: 'blockquote', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
  { selector: 'ul', options: { itemPrefix: '• ' } },
  {
    selector: 'table',
    format: 'dataTable',
    options: { uppercaseHeaderCells: false, maxColumnWidth: Number.MAX_SAFE_INTEGER },
  },
];

const convertHtml = compile({
  wordwrap: false,
  selectors,
  limits: { maxDepth: MAX_HTML_DEPTH, ellipsis: '' },
});

const TAG_OR_ENTITY =
  /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--|<!doctype\s|&(?:[a-z][a-z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-f]{1,6});/i;

export function looksLikeHtml(input: string): boolean {
  return TAG_OR_ENTITY.test(input);
}

const VOID_ELEMENTS = new Set([
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
]);

/** Elements that an opening tag of the same name closes, as browsers do with `<p>a<p>b`. */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(\/?)>/g;

/**
 * An upper bound of the element nesting depth, from one linear scan of the tags. It
 * over-counts markup hidden in comments or scripts, which only errs towards refusing.
 */
export function htmlNestingDepth(html: string): number {
  const open: string[] = [];
  const openCount = new Map<string, number>();
  let deepest = 0;
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
    if (match[3] === '/' || VOID_ELEMENTS.has(name)) continue;
    if (SELF_CLOSING_SIBLINGS.has(name) && open.at(-1) === name) continue;
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    deepest = Math.max(deepest, open.length);
  }
  return deepest;
}

/**
 * Reduces HTML to plain text (link text without URLs, no images, no script or style
 * content, paragraphs as blank lines); plain text only gets `normaliseText`.
 * Throws HtmlTooDeepError for markup nested deeper than MAX_HTML_DEPTH.
 */
export function htmlToPlainText(input: string): string {
  if (!looksLikeHtml(input)) return normaliseText(input);
  const depth = htmlNestingDepth(input);
  if (depth > MAX_HTML_DEPTH) {
    throw new HtmlTooDeepError(`HTML nested ${depth} levels deep; at most ${MAX_HTML_DEPTH} allowed`);
  }
  return normaliseText(convertHtml(input));
}

// C0 and C1 controls except tab and newline, plus the BOM; CR is turned into LF first.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFEFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const HORIZONTAL_SPACE = /[^\S\n]+/g;

/**
 * NFC, no control characters except tab and newline, LF line ends, single spaces, no
 * spaces at line ends, at most one blank line in a row, trimmed.
 */
export function normaliseText(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\u2029/g, '\n\n')
    .replace(/[\u2028\u0085]/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** `normaliseText` on one line: for titles and sources, which may end up in a mail header. */
export function singleLine(s: string): string {
  return normaliseText(s).replace(/\s+/g, ' ');
}

/** Text for a one-line field that may arrive as HTML (feeds often send `&#8217;` in titles). */
export function plainLine(s: string): string {
  return singleLine(htmlToPlainText(s));
}
