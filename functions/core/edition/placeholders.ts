/**
 * The per-recipient step of a rendered edition, as one template and per-reader data.
 *
 * The stored HTML and text are split once per edition at their placeholders (personal links,
 * story times, the zone name). What lies between placeholders — everything the renderer wrote,
 * article text included — becomes template *data* (`h0`, `h1`, … and `x0`, `x1`, …), never
 * template source: the source is nothing but simple `{{name}}` tags, so a title containing
 * `{{#if` or `{{` can neither break nor change a send. The same template and data serve both
 * paths:
 *   - bulk sending: SES SendBulkEmail with the template inline, `editionTemplate(...).defaults`
 *     as the default data and `recipientTemplateData(...)` per destination (SES substitutes
 *     and does not escape, so values for the HTML part are escaped here, text values are raw);
 *   - one reader's copy rendered here (preview, test send, unit tests): `fillTemplate`, a
 *     single-pass `{{name}}` substitution with SES's semantics for these simple tags.
 * Story-time labels are shared by every reader in the same zone on the same local day, so they
 * are computed once per (zone, quarter hour). Story links are placeholders too (`hs<i>`, `ts<i>`)
 * whose defaults are the articles' own URLs: a sender tracking clicks overrides them per reader
 * (engagement/click-links.ts), any other copy links straight to the article.
 */
import type { LocalTimePlaceholders } from './ports.ts';
import { knownZone, localTimeLabels } from '../shared/index.ts';
import type { Edition } from './types.ts';

export function localTimePlaceholders(nonce: string): LocalTimePlaceholders {
  return { timePrefix: `__DM_${nonce}_T`, zone: `__DM_${nonce}_ZONE__` };
}

/** Story `i`'s link is `${prefix}<i>__` in the rendered edition. */
export function storyLinkPrefix(nonce: string): string {
  return `__DM_${nonce}_S`;
}

/** Template data setting story links: `urls[i]` for story i, escaped for the HTML part, raw for the text part; empty ones left out. */
export function storyLinkData(urls: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  urls.forEach((url, index) => {
    if (url === '') return;
    data[`hs${index}`] = escapeHtmlText(url);
    data[`ts${index}`] = url;
  });
  return data;
}

/** What the placeholders of one recipient's copy are filled with. */
export interface RecipientValues {
  unsubscribeUrl: string;
  preferencesUrl: string;
  timezone: string;
  now: Date;
}

/** An edition as a template with simple `{{name}}` tags only, and the data every recipient shares. */
export interface EditionTemplate {
  subject: string;
  html: string;
  text: string;
  /** The literal pieces of the edition and its subject; identical for every recipient. */
  defaults: Record<string, string>;
  /** JSON of `defaults`, made once per edition (SES's TemplateData is a JSON string). */
  defaultsJson: string;
  /** Distinct story times (epoch ms) named by the time placeholders. */
  times: number[];
  labels: Map<string, { html: string[]; text: string[] }>;
}

/** Only this tag shape ever appears in a template source; tested against what SES supports inline. */
export const TEMPLATE_TAG = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;

/**
 * Every local calendar day in every zone in use today starts on a quarter hour of UTC (offsets
 * are whole multiples of 15 minutes), so labels cannot change within one UTC quarter hour.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
/** Editions are sent within hours; this only stops a long-lived process growing without bound. */
const MAX_LABEL_SETS = 2_000;

const templates = new WeakMap<Edition, EditionTemplate>();

/** Splits `content` at the placeholders; literal pieces go to `defaults` under `prefix<n>`. */
function toTemplate(
  content: string,
  pattern: RegExp,
  times: Map<number, number>,
  prefix: 'h' | 'x',
  defaults: Record<string, string>,
  storyLinks: Record<string, string>,
): string {
  const part = prefix === 'h' ? 'h' : 't';
  let source = '';
  let last = 0;
  let piece = 0;
  const literal = (value: string): void => {
    const name = `${prefix}${piece++}`;
    defaults[name] = value;
    source += `{{${name}}}`;
  };
  for (const match of content.matchAll(pattern)) {
    literal(content.slice(last, match.index));
    last = match.index + match[0].length;
    const [, kind, seconds] = match;
    if (kind === 'UNSUBSCRIBE') source += `{{u${part}}}`;
    else if (kind === 'PREFERENCES') source += `{{p${part}}}`;
    else if (kind === 'ZONE') source += `{{z${part}}}`;
    else if (kind?.startsWith('S')) {
      const name = `${part}s${kind.slice(1)}`;
      defaults[name] = storyLinks[name] ?? '';
      source += `{{${name}}}`;
    } else {
      const ms = Number(seconds) * 1000;
      let index = times.get(ms);
      if (index === undefined) {
        index = times.size;
        times.set(ms, index);
      }
      source += `{{${part}t${index}}}`;
    }
  }
  literal(content.slice(last));
  return source;
}

/** The edition as a simple template plus shared data; built once per Edition object. */
export function editionTemplate(edition: Edition): EditionTemplate {
  let result = templates.get(edition);
  if (result === undefined) {
    // The nonce is hex from an HMAC, so it is safe inside a pattern.
    const pattern = new RegExp(`__DM_${edition.placeholderNonce}_(UNSUBSCRIBE|PREFERENCES|ZONE|S[0-9]{1,3}|T([0-9]{1,12}))__`, 'g');
    const times = new Map<number, number>();
    const defaults: Record<string, string> = { subject: edition.subject };
    const storyLinks = storyLinkData(edition.stories.map((story) => story.url ?? ''));
    const html = toTemplate(edition.html, pattern, times, 'h', defaults, storyLinks);
    const text = toTemplate(edition.text, pattern, times, 'x', defaults, storyLinks);
    result = {
      subject: '{{subject}}',
      html,
      text,
      defaults,
      defaultsJson: JSON.stringify(defaults),
      times: [...times.keys()],
      labels: new Map(),
    };
    templates.set(edition, result);
  }
  return result;
}

function timeLabels(template: EditionTemplate, zone: string, now: Date): { html: string[]; text: string[] } {
  const key = `${zone}|${Math.floor(now.getTime() / QUARTER_HOUR_MS)}`;
  let labels = template.labels.get(key);
  if (labels === undefined) {
    const text = localTimeLabels(template.times, now.getTime(), zone);
    labels = { text, html: text.map(escapeHtmlText) };
    if (template.labels.size >= MAX_LABEL_SETS) template.labels.clear();
    template.labels.set(key, labels);
  }
  return labels;
}

/**
 * The substitution data every reader in `timezone` shares at `now`: the zone name (escaped for
 * the HTML part, raw for the text part) and the story times as read there. A bulk call's readers
 * share one slot, so the sender passes this once, in the call's default data.
 */
export function zoneTemplateData(edition: Edition, timezone: string, now: Date): Record<string, string> {
  const template = editionTemplate(edition);
  const zone = knownZone(timezone);
  const labels = timeLabels(template, zone, now);
  const data: Record<string, string> = { zh: escapeHtmlText(zone), zt: zone };
  for (let i = 0; i < labels.text.length; i += 1) {
    data[`ht${i}`] = labels.html[i]!;
    data[`tt${i}`] = labels.text[i]!;
  }
  return data;
}

/** The substitution data one reader alone has: their signed links, escaped for the HTML part, raw for the text part. */
export function linkTemplateData(values: Pick<RecipientValues, 'unsubscribeUrl' | 'preferencesUrl'>): Record<string, string> {
  return {
    uh: escapeHtmlText(values.unsubscribeUrl),
    ut: values.unsubscribeUrl,
    ph: escapeHtmlText(values.preferencesUrl),
    pt: values.preferencesUrl,
  };
}

/**
 * THE per-recipient substitution data: the reader's links and the zone's data together. The
 * bulk sender passes the links as ReplacementTemplateData and the zone's data with the
 * defaults; `fillTemplate` applies all of it for a copy rendered here.
 */
export function recipientTemplateData(edition: Edition, values: RecipientValues): Record<string, string> {
  return { ...linkTemplateData(values), ...zoneTemplateData(edition, values.timezone, values.now) };
}

/**
 * Simple `{{name}}` substitution in one pass, as SES applies an inline template: replacement
 * data over the defaults, a missing name empty, substituted values never parsed again.
 */
export function fillTemplate(source: string, defaults: Record<string, string>, data: Record<string, string>): string {
  return source.replace(TEMPLATE_TAG, (_tag, name: string) => data[name] ?? defaults[name] ?? '');
}

/** One recipient's subject, HTML and text, rendered here through the bulk path's template and data. */
export function fillPlaceholders(edition: Edition, values: RecipientValues): { subject: string; html: string; text: string } {
  const template = editionTemplate(edition);
  const data = recipientTemplateData(edition, values);
  return {
    subject: fillTemplate(template.subject, template.defaults, data),
    html: fillTemplate(template.html, template.defaults, data),
    text: fillTemplate(template.text, template.defaults, data),
  };
}

/** For text and double-quoted attribute values alike. */
function escapeHtmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
