/**
 * Polling: fetch a source conditionally, parse it, and send its entries through the very path of
 * POST /articles (core/ingest's ingestBatch: validation, dedupe by canonical link, then guid, then
 * content hash, HTML to plain text). A feed's failure is recorded on the source and reported; it
 * never throws, so one broken feed never costs the others. Only the store failing throws.
 */
import pMap from 'p-map';
import { type ArticleStore, ingestBatch, type IngestReport, MAX_BATCH_ARTICLES, type TopicCatalogue } from '../ingest/index.ts';
import type { Clock, ToleratedFailure } from '../shared/index.ts';
import { articleItem, countWords, entryText } from './entries.ts';
import { FeedFetchError } from './errors.ts';
import type { FeedFetcher, FeedParser, FeedPollQueue, FullTextFetcher, SourceStore } from './ports.ts';
import { afterFailure, afterSuccess, isDue } from './schedule.ts';
import { displayName } from './sources.ts';
import type { FeedEntry, PollReport, Source } from './types.ts';

/** Entries taken from one poll: feeds list the newest first, and a 10,000-entry archive feed must not flood a digest. */
export const MAX_ENTRIES_PER_POLL = 200;
/** Entries with fewer words than this are a teaser, worth the linked page's full text when the source asks for it. */
export const TEASER_WORDS = 80;
/** Sources polled at once by one poller; each is bounded by the fetcher's own timeouts. */
export const POLL_CONCURRENCY = 4;
const FULL_TEXT_CONCURRENCY = 4;
/** Linked pages fetched per poll at most, so one poll stays well inside the poller's timeout (each fetch takes at most 20 s). */
export const MAX_FULL_TEXT_PER_POLL = 20;
/**
 * The wall time one poll of one source may take, full text included, whatever the feed and its
 * pages hold: well inside the poller Lambda's 300 s, so a poll that runs out still saves the
 * source with its error and backoff (and the next poll moves, and the failing alarm sees it).
 */
export const POLL_BUDGET_MS = 60_000;

export interface PollDeps {
  sources: SourceStore;
  articles: ArticleStore;
  topics?: TopicCatalogue;
  clock: Clock;
  fetcher: FeedFetcher;
  parser: FeedParser;
  fullText?: FullTextFetcher;
  /** For the backoff's jitter; Math.random unless a test fixes it. */
  random?: () => number;
  /** POLL_BUDGET_MS unless a test shortens it. */
  pollBudgetMs?: number;
}

export interface PollResult {
  report: PollReport;
  source: Source;
  /** Store errors behind failed items, a failed topic write, failed full-text fetches: for the log only. */
  failures: ToleratedFailure[];
}

function emptyReport(source: Source): PollReport {
  return { sourceId: source.id, url: source.url, status: 'ok', created: 0, duplicate: 0, rejected: 0, failed: 0, rejections: [] };
}

function describeError(error: unknown): string {
  if (error instanceof FeedFetchError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Rejects once the budget is spent, so a poll stops waiting on work that outlives it. */
function budgetSpent(budget: AbortSignal, budgetMs: number): Promise<never> {
  return new Promise((_resolve, reject) => {
    const spent = () => reject(new FeedFetchError(`the poll took longer than its budget of ${budgetMs / 1000} s; stopped`, 'timeout'));
    if (budget.aborted) spent();
    else budget.addEventListener('abort', spent, { once: true });
  });
}

/** Fetch, parse, full text and ingest; checks the budget between steps so work that outlived it stores nothing. */
async function fetchAndIngest(
  source: Source,
  deps: PollDeps,
  report: PollReport,
  failures: ToleratedFailure[],
  budget: AbortSignal,
): Promise<Source> {
  const now = deps.clock.now();
  const fetched = await deps.fetcher.fetchFeed(source.url, {
    ...(source.etag !== undefined && { etag: source.etag }),
    ...(source.lastModified !== undefined && { lastModified: source.lastModified }),
  });
  if (fetched.status === 'not-modified') {
    report.status = 'not-modified';
    return afterSuccess(source, now);
  }
  budget.throwIfAborted();
  const feed = await deps.parser.parse(fetched.body, fetched.contentType, fetched.url);
  budget.throwIfAborted();
  const feedTitle = feed.title === undefined ? undefined : titleLine(feed.title);
  const named: Source = { ...source, ...(feedTitle && { feedTitle }) };
  const entries = await withFullText(feed.entries.slice(0, MAX_ENTRIES_PER_POLL), named, deps, failures, budget);
  budget.throwIfAborted();
  await ingestEntries(entries, named, feed.language, deps, report, failures);
  const { etag: _etag, lastModified: _lastModified, ...withoutValidators } = named;
  return afterSuccess(withoutValidators, now, {
    ...(fetched.etag !== undefined && { etag: fetched.etag }),
    ...(fetched.lastModified !== undefined && { lastModified: fetched.lastModified }),
  });
}

/** Polls one source now, whatever its schedule, and stores its new state; ends within the poll budget. */
export async function pollSource(source: Source, deps: PollDeps): Promise<PollResult> {
  const now = deps.clock.now();
  const report = emptyReport(source);
  const failures: ToleratedFailure[] = [];
  const budgetMs = deps.pollBudgetMs ?? POLL_BUDGET_MS;
  const budget = AbortSignal.timeout(budgetMs);
  let next: Source;
  try {
    const work = fetchAndIngest(source, deps, report, failures, budget);
    // Work still running when the budget is spent ends on its own (each step has its own deadline) and stores nothing.
    work.catch(() => undefined);
    next = await Promise.race([work, budgetSpent(budget, budgetMs)]);
  } catch (error) {
    report.status = 'error';
    report.error = describeError(error);
    const retryAfter = error instanceof FeedFetchError ? error.retryAfterSeconds : undefined;
    next = afterFailure(source, now, report.error, deps.random ?? Math.random, retryAfter);
  }
  await deps.sources.put(next);
  return { report, source: next, failures };
}

function titleLine(title: string): string | undefined {
  const line = articleItem({ title, categories: [] }, { name: '', topics: [] }).title;
  return typeof line === 'string' && line !== '' ? line.slice(0, 200) : undefined;
}

/** Replaces a teaser's text with the linked page's main text, for sources that opted in. */
async function withFullText(
  entries: FeedEntry[],
  source: Source,
  deps: PollDeps,
  failures: ToleratedFailure[],
  budget: AbortSignal,
): Promise<FeedEntry[]> {
  const fullText = deps.fullText;
  if (!source.fullText || !fullText) return entries;
  let pages = MAX_FULL_TEXT_PER_POLL;
  return pMap(
    entries,
    async (entry) => {
      if (entry.link === undefined || countWords(entryText(entry)) >= TEASER_WORDS || pages <= 0 || budget.aborted) return entry;
      pages -= 1;
      try {
        const text = await fullText.articleText(entry.link);
        return text !== undefined && countWords(text) > countWords(entryText(entry)) ? { ...entry, content: text } : entry;
      } catch (cause) {
        failures.push({ what: `full text of ${entry.link} not fetched`, cause });
        return entry;
      }
    },
    { concurrency: FULL_TEXT_CONCURRENCY },
  );
}

async function ingestEntries(
  entries: FeedEntry[],
  source: Source,
  feedLanguage: string | undefined,
  deps: PollDeps,
  report: PollReport,
  failures: ToleratedFailure[],
): Promise<void> {
  const name = displayName(source);
  for (let offset = 0; offset < entries.length; offset += MAX_BATCH_ARTICLES) {
    const chunk = entries.slice(offset, offset + MAX_BATCH_ARTICLES);
    const items = chunk.map((entry) => articleItem(entry, { name, topics: source.topics }, feedLanguage));
    // Scoped to the source: its entries dedupe against its own, never against a key's or another feed's.
    const result = await ingestBatch({ articles: items }, { ...deps, publisher: { id: `source:${source.id}`, since: source.createdAt } });
    failures.push(...result.failures);
    tally(result.report, chunk, offset, report);
  }
}

function tally(ingested: IngestReport, chunk: FeedEntry[], offset: number, report: PollReport): void {
  report.created += ingested.counts.created;
  report.duplicate += ingested.counts.duplicate;
  report.rejected += ingested.counts.rejected;
  report.failed += ingested.counts.failed;
  for (const result of ingested.results) {
    if (result.status !== 'rejected') continue;
    const entry = chunk[result.index];
    const where = entry?.link ?? entry?.guid;
    report.rejections.push({
      entry: `entry ${offset + result.index + 1}${where ? ` (${where})` : ''}`,
      reasons: result.errors.map((issue) => `${issue.field.replace(/^articles\.\d+\.?/, '') || 'entry'} ${issue.message}`),
    });
  }
}

/** Polls the given sources, a few at a time; a report per source, in their order. */
export async function pollSources(sources: readonly Source[], deps: PollDeps): Promise<PollResult[]> {
  return pMap(sources, (source) => pollSource(source, deps), { concurrency: POLL_CONCURRENCY });
}

/** `digest sources poll`: every source that is not paused, now, whatever its schedule. */
export async function pollAllSources(deps: PollDeps): Promise<PollResult[]> {
  const sources: Source[] = [];
  for await (const source of deps.sources.list()) if (source.state !== 'paused') sources.push(source);
  return pollSources(sources, deps);
}

/** The sources the schedule polls now. */
export async function dueSources(deps: { sources: SourceStore; clock: Clock }): Promise<Source[]> {
  const now = deps.clock.now();
  const due: Source[] = [];
  for await (const source of deps.sources.list()) if (isDue(source, now)) due.push(source);
  return due;
}

/** The local stack's scheduler: polls the due sources in-process. */
export async function pollDueSources(deps: PollDeps): Promise<PollResult[]> {
  return pollSources(await dueSources(deps), deps);
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The planner Lambda: hands the due sources to the pollers, one message per source, and counts
 * the sources that have failed for a day or more (the alarm's signal).
 */
export async function planFeedPolls(deps: {
  sources: SourceStore;
  clock: Clock;
  queue: FeedPollQueue;
}): Promise<{ queued: number; failingForADay: number }> {
  const now = deps.clock.now();
  const due: string[] = [];
  let failingForADay = 0;
  for await (const source of deps.sources.list()) {
    if (isDue(source, now)) due.push(source.id);
    if (source.failingSince !== undefined && now.getTime() - Date.parse(source.failingSince) >= DAY_MS) failingForADay += 1;
  }
  if (due.length > 0) await deps.queue.enqueue(due);
  return { queued: due.length, failingForADay };
}

/**
 * The poller Lambda, per queued id: a source removed, paused or disabled since it was queued is
 * skipped, and one polled by another message meanwhile (a repeated delivery) is not polled twice.
 */
export async function pollQueuedSource(id: string, deps: PollDeps): Promise<PollResult | undefined> {
  const source = await deps.sources.get(id);
  if (!source || !isDue(source, deps.clock.now())) return undefined;
  return pollSource(source, deps);
}
