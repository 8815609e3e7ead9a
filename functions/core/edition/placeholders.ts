/**
 * The per-recipient step of a rendered edition, made cheap: the stored HTML and text are split
 * once per edition at their placeholders (personal links, story times, the zone name), and each
 * recipient then costs one join of the pieces. Story-time labels are shared by every reader in
 * the same zone on the same local day, so they are computed once per (zone, quarter hour).
 */
import type { LocalTimePlaceholders } from './ports.ts';
import { knownZone, localTimeLabels } from '../shared/index.ts';
import type { Edition } from './types.ts';

export function localTimePlaceholders(nonce: string): LocalTimePlaceholders {
  return { timePrefix: `__DM_${nonce}_T`, zone: `__DM_${nonce}_ZONE__` };
}

const UNSUBSCRIBE = -1;
const PREFERENCES = -2;
const ZONE = -3;

interface SplitContent {
  /** literals.length === fills.length + 1 */
  literals: string[];
  /** Each fill: one of the constants above, or the index of a story time in `times`. */
  fills: number[];
}

interface PreparedEdition {
  html: SplitContent;
  text: SplitContent;
  /** Distinct story times (epoch ms) named by the time placeholders. */
  times: number[];
  labels: Map<string, { html: string[]; text: string[] }>;
}

export interface RecipientValues {
  unsubscribeUrl: string;
  preferencesUrl: string;
  timezone: string;
  now: Date;
}

/**
 * Every local calendar day in every zone in use today starts on a quarter hour of UTC (offsets
 * are whole multiples of 15 minutes), so labels cannot change within one UTC quarter hour.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
/** Editions are sent within hours; this only stops a long-lived process growing without bound. */
const MAX_LABEL_SETS = 2_000;

const prepared = new WeakMap<Edition, PreparedEdition>();

function split(content: string, pattern: RegExp, times: Map<number, number>): SplitContent {
  const literals: string[] = [];
  const fills: number[] = [];
  let last = 0;
  for (const match of content.matchAll(pattern)) {
    literals.push(content.slice(last, match.index));
    last = match.index + match[0].length;
    const [, kind, seconds] = match;
    if (kind === 'UNSUBSCRIBE') fills.push(UNSUBSCRIBE);
    else if (kind === 'PREFERENCES') fills.push(PREFERENCES);
    else if (kind === 'ZONE') fills.push(ZONE);
    else {
      const ms = Number(seconds) * 1000;
      let index = times.get(ms);
      if (index === undefined) {
        index = times.size;
        times.set(ms, index);
      }
      fills.push(index);
    }
  }
  literals.push(content.slice(last));
  return { literals, fills };
}

function prepare(edition: Edition): PreparedEdition {
  let result = prepared.get(edition);
  if (result === undefined) {
    // The nonce is hex from an HMAC, so it is safe inside a pattern.
    const pattern = new RegExp(`__DM_${edition.placeholderNonce}_(UNSUBSCRIBE|PREFERENCES|ZONE|T([0-9]{1,12}))__`, 'g');
    const times = new Map<number, number>();
    result = {
      html: split(edition.html, pattern, times),
      text: split(edition.text, pattern, times),
      times: [...times.keys()],
      labels: new Map(),
    };
    prepared.set(edition, result);
  }
  return result;
}

function timeLabels(edition: PreparedEdition, zone: string, now: Date): { html: string[]; text: string[] } {
  const key = `${zone}|${Math.floor(now.getTime() / QUARTER_HOUR_MS)}`;
  let labels = edition.labels.get(key);
  if (labels === undefined) {
    const text = localTimeLabels(edition.times, now.getTime(), zone);
    labels = { text, html: text.map(escapeHtmlText) };
    if (edition.labels.size >= MAX_LABEL_SETS) edition.labels.clear();
    edition.labels.set(key, labels);
  }
  return labels;
}

function join(content: SplitContent, links: { unsubscribe: string; preferences: string; zone: string }, times: string[]): string {
  let out = content.literals[0]!;
  for (let i = 0; i < content.fills.length; i += 1) {
    const fill = content.fills[i]!;
    out +=
      fill === UNSUBSCRIBE ? links.unsubscribe : fill === PREFERENCES ? links.preferences : fill === ZONE ? links.zone : times[fill]!;
    out += content.literals[i + 1]!;
  }
  return out;
}

/** The edition's HTML and text with every placeholder filled for one recipient. */
export function fillPlaceholders(edition: Edition, values: RecipientValues): { html: string; text: string } {
  const ready = prepare(edition);
  const zone = knownZone(values.timezone);
  const labels = timeLabels(ready, zone, values.now);
  return {
    html: join(
      ready.html,
      {
        unsubscribe: escapeHtmlText(values.unsubscribeUrl),
        preferences: escapeHtmlText(values.preferencesUrl),
        zone: escapeHtmlText(zone),
      },
      labels.html,
    ),
    text: join(ready.text, { unsubscribe: values.unsubscribeUrl, preferences: values.preferencesUrl, zone }, labels.text),
  };
}

/** For text and double-quoted attribute values alike. */
function escapeHtmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
