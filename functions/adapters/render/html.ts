/**
 * Safe HTML construction for emails and pages. Article text is hostile: every value that
 * reaches markup goes through escapeHtml, every link through safeHref, and templates are
 * filled by fillTemplate, which escapes anything that is not already Markup.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use in HTML content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/**
 * The normalised form of an http(s) URL, or undefined for anything else (javascript:,
 * data:, relative or malformed). Normalising percent-encodes quotes, spaces and angle
 * brackets, so the result cannot break out of an attribute even before escaping.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return parsed.href;
}

/**
 * Trusted markup: only our own template files and the output of fillTemplate are Markup,
 * so a plain string (which may come from an article) can never be inserted unescaped.
 */
export class Markup {
  constructor(readonly html: string) {}

  toString(): string {
    return this.html;
  }
}

/** Marks the text of one of our own template files as trusted markup. */
export function trustedTemplate(source: string): Markup {
  return new Markup(source);
}

export const emptyMarkup = new Markup('');

export function joinMarkup(parts: readonly Markup[], separator = ''): Markup {
  return new Markup(parts.map((part) => part.html).join(separator));
}

export type TemplateValues = Readonly<Record<string, string | number | Markup>>;

/** A template was handed a view it cannot render: a value missing, or a link or placeholder of the wrong shape. */
export class InvalidViewError extends Error {
  override name = 'InvalidViewError';
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces `{{name}}` in one pass: strings and numbers are escaped, Markup goes in as is.
 * The replacement text is never scanned again, so a value that itself contains `{{x}}`
 * stays literal text.
 */
export function fillTemplate(template: Markup, values: TemplateValues): Markup {
  const html = template.html.replace(PLACEHOLDER, (_match, name: string) => {
    if (!Object.hasOwn(values, name)) {
      throw new InvalidViewError(`template placeholder {{${name}}} has no value`);
    }
    const value = values[name];
    if (value instanceof Markup) return value.html;
    return escapeHtml(String(value));
  });
  return new Markup(html);
}
