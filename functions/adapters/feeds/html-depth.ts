/**
 * How deeply a page's elements nest, by one linear scan of the raw HTML: measured before the page
 * is parsed, because linkedom's parse and Readability both grow much faster than the page with
 * depth (Readability on linkedom: depth 1,000 takes 8 s, 2,000 takes 43 s; 100,000 overflows the
 * stack) while real articles nest a few dozen levels.
 */
import { VOID_ELEMENTS } from '../../core/shared/index.ts';

/** Elements whose end tag HTML lets a page leave out: not counted, so a page of unclosed `<p>`s is not taken for a deep one. */
const OPTIONAL_END = new Set([
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
  'optgroup',
  'thead',
  'tbody',
  'tfoot',
  'colgroup',
  'caption',
  'rb',
  'rt',
  'rp',
  'html',
  'head',
  'body',
]);
/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'template']);

const isNameChar = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 58 || code === 95;

function nameAt(html: string, from: number): string {
  let end = from;
  while (end < html.length && isNameChar(html.charCodeAt(end))) end += 1;
  return html.slice(from, end).toLowerCase();
}

/** Index just past the `>` closing the tag whose inside starts at `from`, quoted values skipped. */
function tagEnd(html: string, from: number): number {
  let at = from;
  while (at < html.length) {
    const char = html[at];
    if (char === '>') return at + 1;
    if (char === '"' || char === "'") {
      const close = html.indexOf(char, at + 1);
      at = close === -1 ? html.length : close + 1;
    } else at += 1;
  }
  return at;
}

/** Where the raw-text element `name` opened before `from` ends: its end tag, in any case. */
function rawTextEnd(html: string, name: string, from: number): number {
  let close = html.indexOf('</', from);
  while (close !== -1 && nameAt(html, close + 2) !== name) close = html.indexOf('</', close + 2);
  return close === -1 ? html.length : close;
}

/** The deepest nesting of the page's elements, counted up to `stopAbove` (the scan ends as soon as it is passed). */
export function nestingDepth(html: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let at = html.indexOf('<');
  while (at !== -1 && at < html.length) {
    if (html.startsWith('<!--', at)) {
      const close = html.indexOf('-->', at + 4);
      at = close === -1 ? html.length : close + 3;
    } else if (html[at + 1] === '!' || html[at + 1] === '?') {
      at = tagEnd(html, at + 2);
    } else if (html[at + 1] === '/') {
      const name = nameAt(html, at + 2);
      if (name !== '' && !OPTIONAL_END.has(name) && !VOID_ELEMENTS.has(name)) depth = Math.max(0, depth - 1);
      at = tagEnd(html, at + 2);
    } else {
      const name = nameAt(html, at + 1);
      if (name === '') {
        at += 1;
      } else {
        const end = tagEnd(html, at + 1 + name.length);
        const selfClosing = html[end - 2] === '/';
        if (RAW_TEXT.has(name)) {
          at = rawTextEnd(html, name, end);
        } else {
          if (!VOID_ELEMENTS.has(name) && !OPTIONAL_END.has(name) && !selfClosing) depth += 1;
          if (depth > deepest) deepest = depth;
          if (deepest > stopAbove) return deepest;
          at = end;
        }
      }
    }
    at = html.indexOf('<', at);
  }
  return deepest;
}
