/**
 * plan-digest: find the readers due now, build each needed edition once, enqueue one job per
 * reader. Idempotent: a repeated run computes the same edition ids and the same jobs, and the
 * delivery ledger drops the repeats.
 */
import type { Article, ArticleStore } from '../ingest/index.ts';
import type { Clock, Settings } from '../shared/index.ts';
import { buildEdition, type DigestRenderer, type Edition, editionId, type EditionStore, topicSet } from '../edition/index.ts';
import type { Queue } from './ports.ts';
import { hadTodaysDigest, localRunDate, receivesDigestOn, SETTLE_MS, type Subscriber, type SubscriberStore } from '../subscribers/index.ts';
import { dueSlots } from './send-slots.ts';
import type { DeliveryJob } from '../delivery/index.ts';

const HOUR_MS = 3600 * 1000;
/** A new reader's first digest covers the last day. */
const FIRST_WINDOW_MS = 24 * HOUR_MS;
/** Readers away longer than articles live (TTL 30 days) still get at most a week, not a flood. */
const MAX_WINDOW_MS = 7 * 24 * HOUR_MS;
/** Jobs per Queue.enqueue call: bounds memory while keeping SQS batches full. */
const ENQUEUE_CHUNK = 100;

export type PlanMode =
  /** The hourly run: readers whose local send hour is now. */
  | 'scheduled'
  /** An operator's send-now: every confirmed reader who has not had today's digest. */
  | 'now';

export interface PlanDeps {
  articles: ArticleStore;
  subscribers: SubscriberStore;
  editions: EditionStore;
  queue: Queue;
  renderer: DigestRenderer;
  clock: Clock;
  settings: Settings;
}

export interface PlanReport {
  cutoff: string;
  editions: { id: string; stories: number; recipients: number; created: boolean }[];
  enqueued: number;
  /** Readers left out, by why: `weeklyOffDay` are weekly readers on another weekday, `paused` readers paused for today. */
  skipped: { alreadySentToday: number; nothingNew: number; weeklyOffDay: number; paused: number };
}

export interface PlanWindow {
  /** The instant whose local hour decides who is due. */
  slot: Date;
  /** Articles ingested up to here belong to this run's editions. */
  cutoff: string;
}

/**
 * Scheduled runs are pinned to the top of the hour, so a duplicate or late firing lands on the
 * same slot and the same edition; a send-now cuts at this second so what was just ingested is in it.
 */
export function planWindow(now: Date, mode: PlanMode): PlanWindow {
  if (mode === 'scheduled') {
    const slot = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    return { slot, cutoff: new Date(slot.getTime() - SETTLE_MS).toISOString() };
  }
  const slot = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return { slot, cutoff: slot.toISOString() };
}

export function windowStart(reader: Subscriber, cutoff: string): string {
  const cutoffMs = Date.parse(cutoff);
  const since = reader.lastDigestCutoff ? Date.parse(reader.lastDigestCutoff) : cutoffMs - FIRST_WINDOW_MS;
  return new Date(Math.max(since, cutoffMs - MAX_WINDOW_MS)).toISOString();
}

/** Readers share a few zones and watermarks, and Intl formatting is the planner's costliest step per reader. */
function memoisedRunDate(): typeof localRunDate {
  const dates = new Map<string, string>();
  return (cutoff, timezone) => {
    const key = `${timezone} ${cutoff}`;
    let date = dates.get(key);
    if (date === undefined) {
      date = localRunDate(cutoff, timezone);
      dates.set(key, date);
    }
    return date;
  };
}

interface WindowGroup {
  edition: Edition | undefined;
  created: boolean;
  pending: DeliveryJob[];
  recipients: number;
}

export async function planDigest(mode: PlanMode, deps: PlanDeps): Promise<PlanReport> {
  const now = deps.clock.now();
  const { slot, cutoff } = planWindow(now, mode);
  const readers =
    mode === 'scheduled'
      ? deps.subscribers.listDue(dueSlots(slot, await deps.subscribers.listTimeZones()))
      : deps.subscribers.listConfirmed();
  const groups = new Map<string, WindowGroup>();
  const runDate = memoisedRunDate();
  const report: PlanReport = { cutoff, editions: [], enqueued: 0, skipped: { alreadySentToday: 0, nothingNew: 0, weeklyOffDay: 0, paused: 0 } };

  const flush = async (group: WindowGroup): Promise<void> => {
    if (group.pending.length === 0) return;
    await deps.queue.enqueue(group.pending);
    report.enqueued += group.pending.length;
    group.pending = [];
  };

  for await (const reader of readers) {
    if (reader.status !== 'confirmed') continue;
    const localDate = runDate(cutoff, reader.timezone);
    if (!receivesDigestOn(reader, localDate)) {
      // The same test receivesDigestOn makes first: a pause outranks the weekday.
      if (reader.pausedUntil !== undefined && localDate < reader.pausedUntil) report.skipped.paused += 1;
      else report.skipped.weeklyOffDay += 1;
      continue;
    }
    if (hadTodaysDigest(reader, cutoff, runDate)) {
      report.skipped.alreadySentToday += 1;
      continue;
    }
    const since = windowStart(reader, cutoff);
    // Readers with topics get their own order of the window: one edition variant per topic set.
    const topics = topicSet(reader.topics);
    const key = `${since} ${topics.join('\n')}`;
    let group = groups.get(key);
    if (!group) {
      group = { ...(await editionFor(since, cutoff, topics, now, deps)), pending: [], recipients: 0 };
      groups.set(key, group);
    }
    if (!group.edition) {
      report.skipped.nothingNew += 1;
      continue;
    }
    group.pending.push({ editionId: group.edition.id, email: reader.email });
    group.recipients += 1;
    if (group.pending.length >= ENQUEUE_CHUNK) await flush(group);
  }

  for (const group of groups.values()) {
    if (!group.edition) continue;
    await flush(group);
    await deps.editions.setStatus(group.edition.id, 'sending', group.recipients);
    report.editions.push({
      id: group.edition.id,
      stories: group.edition.stories.length,
      recipients: group.recipients,
      created: group.created,
    });
  }
  return report;
}

async function editionFor(
  since: string,
  cutoff: string,
  topics: readonly string[],
  now: Date,
  deps: PlanDeps,
): Promise<{ edition: Edition | undefined; created: boolean }> {
  const existing = await deps.editions.get(editionId(since, cutoff, topics));
  if (existing) return { edition: existing, created: false };
  const articles: Article[] = [];
  for await (const article of deps.articles.listIngested(since, cutoff)) articles.push(article);
  if (articles.length === 0) return { edition: undefined, created: false };
  const built = await buildEdition(
    { since, cutoff, articles, createdAt: now.toISOString(), topics },
    deps.renderer,
    deps.settings,
  );
  return deps.editions.createIfAbsent(built);
}
