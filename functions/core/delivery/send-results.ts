/**
 * What one send did, per edition (topic variant) and in all: the counters a send's senders, SES's
 * events, unsubscribe links and click redirects bump with one atomic add each, and the report
 * `digest sends stats` and `GET /sends/{id}/stats` print. Aggregates only: no reader is named.
 */
import type { Edition } from '../edition/index.ts';
import type { SendRecord } from './types.ts';

export const SEND_RESULT_NAMES = [
  'sent',
  'delivered',
  'bouncedPermanent',
  'bouncedTransient',
  'complained',
  'unsubscribedOneClick',
  'unsubscribedPage',
  'opens',
  'uniqueOpens',
  'clicks',
  'uniqueClicks',
] as const;
export type SendResultName = (typeof SEND_RESULT_NAMES)[number];
export type SendResultCounts = Record<SendResultName, number>;

export function zeroResults(): SendResultCounts {
  return Object.fromEntries(SEND_RESULT_NAMES.map((name) => [name, 0])) as SendResultCounts;
}

/** Clicks on one story of an edition; `story` is its index in the edition's `stories`. */
export interface StoryClicks {
  story: number;
  clicks: number;
  uniqueClicks: number;
}

/** One edition's counters within one send. */
export interface EditionResults {
  editionId: string;
  counts: SendResultCounts;
  stories: StoryClicks[];
}

/**
 * A click the click redirect decided to count (a reader, not a scanner): `unique` when it is the
 * reader's first click on this story of this send.
 */
export interface CountedClick {
  send: string;
  editionId: string;
  story: number;
  unique: boolean;
}

/** An open the tracking pixel counted (OPEN_TRACKING=on only): `unique` when it is the reader's first. */
export interface CountedOpen {
  send: string;
  editionId: string;
  unique: boolean;
}

/** The report's shape, as the CLI's `--json` line and the HTTP route print it (docs/architecture.md, "Feedback loop"). */
export interface SendStatsReport {
  send: string;
  editions: number;
  sent: number;
  delivered: number;
  bounced: { permanent: number; transient: number };
  complaints: number;
  unsubscribes: number;
  clicks: { unique: number; total: number; stories: { title: string; clicks: number }[] };
  paused: boolean;
}

/** What the text report adds per edition and the opens, which only count when tracked. */
export interface SendStatsDetail {
  report: SendStatsReport;
  record: SendRecord;
  total: SendResultCounts;
  perEdition: EditionResults[];
}

function sum(rows: readonly SendResultCounts[]): SendResultCounts {
  const total = zeroResults();
  for (const row of rows) for (const name of SEND_RESULT_NAMES) total[name] += row[name];
  return total;
}

/**
 * Story clicks across the send's editions, by title: topic variants share stories, and a reader
 * asks which story drew clicks, not in which variant. Most clicked first, then in edition order.
 */
function storiesByTitle(perEdition: readonly EditionResults[], editions: ReadonlyMap<string, Edition | undefined>) {
  const byTitle = new Map<string, { title: string; clicks: number; order: number }>();
  const add = (title: string, clicks: number): void => {
    const entry = byTitle.get(title) ?? { title, clicks: 0, order: byTitle.size };
    entry.clicks += clicks;
    byTitle.set(title, entry);
  };
  for (const { editionId, stories } of perEdition) {
    const edition = editions.get(editionId);
    const clicked = new Map(stories.map((story) => [story.story, story.clicks]));
    edition?.stories.forEach((story, index) => add(story.title, clicked.get(index) ?? 0));
    // Clicks on a story the edition no longer lists (withdrawn since) or an edition gone: still counted, by position.
    for (const { story, clicks } of stories) {
      if (edition?.stories[story] === undefined && clicks > 0) add(`${editionId} story ${story + 1}`, clicks);
    }
  }
  return [...byTitle.values()].sort((a, b) => b.clicks - a.clicks || a.order - b.order).map(({ title, clicks }) => ({ title, clicks }));
}

/** The report of one send from its record, its editions' counters and the stored editions (for story titles). */
export function sendStatsReport(
  record: SendRecord,
  perEdition: readonly EditionResults[],
  editions: ReadonlyMap<string, Edition | undefined>,
): SendStatsDetail {
  const editionIds = new Set([...record.editions, ...perEdition.map((row) => row.editionId)]);
  const total = sum(perEdition.map((row) => row.counts));
  return {
    record,
    total,
    perEdition: [...perEdition],
    report: {
      send: record.send,
      editions: editionIds.size,
      sent: total.sent,
      delivered: total.delivered,
      bounced: { permanent: total.bouncedPermanent, transient: total.bouncedTransient },
      complaints: total.complained,
      unsubscribes: total.unsubscribedOneClick + total.unsubscribedPage,
      clicks: { unique: total.uniqueClicks, total: total.clicks, stories: storiesByTitle(perEdition, editions) },
      paused: record.state === 'paused',
    },
  };
}
