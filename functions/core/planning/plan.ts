/**
 * plan-digest: find the readers due now, build each needed edition once, and hand them to the
 * senders in chunks of up to CHUNK_SIZE readers of one edition.
 *
 * One digest per reader per local day is a property of the ledger, not of timing: a run first
 * takes the lock of each slot-day (zone, send hour, the readers' local date) it meets, with a
 * conditional write. Readers of a slot-day another run holds are that run's (two send-nows, an
 * hourly run after a send-now, ten planners at once); the run only re-enqueues that slot-day's
 * chunks still open, so a chunk its owner lost (a dead local process) is sent, never skipped.
 * A retried run (same owner) resumes: readers already in its chunks are not chunked again.
 */
import type { Article, ArticleStore } from '../ingest/index.ts';
import type { Clock, Settings } from '../shared/index.ts';
import { buildEdition, type DigestRenderer, type Edition, editionId, type EditionStore, topicSet } from '../edition/index.ts';
import type { Queue } from './ports.ts';
import { hadTodaysDigest, memoisedLocalRunDate, receivesDigestOn, SETTLE_MS, type Subscriber, type SubscriberStore } from '../subscribers/index.ts';
import { dueSlots } from './send-slots.ts';
import { CHUNK_SIZE, type ChunkJob, type DeliveryChunk, type DeliveryLedger, type SlotDay, type Watermark } from '../delivery/index.ts';

const HOUR_MS = 3600 * 1000;
/** A new reader's first digest covers the last day. */
const FIRST_WINDOW_MS = 24 * HOUR_MS;
/** Readers away longer than articles live (TTL 30 days) still get at most a week, not a flood. */
const MAX_WINDOW_MS = 7 * 24 * HOUR_MS;
/**
 * Readers planned together. Per page the planner makes a few round trips whatever its size (the
 * watermark reads in parallel, the page's new slot-day locks in parallel, one chunk write, one
 * enqueue), so the senders' load on the table stretches the plan by a few waits, not one wait per
 * 100 readers, per lock and per two chunks (measured: 35.6 s for 5,000 readers against dynalite
 * with the senders running, about 170 sequential requests). Small enough that senders start early.
 */
const PAGE = 500;
/**
 * A run holding a slot-day renews its lock this often while it plans; a lock neither renewed for
 * the lease nor marked complete belongs to a run that died part-way (the plan function's timeout
 * is 10 minutes), and a later run takes the slot-day over and plans the readers left.
 */
export const PLAN_LOCK_RENEW_MS = 2 * 60_000;
export const PLAN_LOCK_LEASE_MS = 15 * 60_000;
/** The first pages are smaller, so every sender has a chunk within a round trip or two of the start. */
const FIRST_PAGE = 2 * CHUNK_SIZE;

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
  deliveries: DeliveryLedger;
  /** Names this run in the ledger's locks; a scheduled run's is its hour, so a retry resumes it. Random for send-now unless given. */
  runId?: string;
}

export interface PlanReport {
  cutoff: string;
  editions: { id: string; stories: number; recipients: number; created: boolean }[];
  enqueued: number;
  /** Chunk jobs enqueued (each up to CHUNK_SIZE readers). */
  chunks: number;
  skipped: {
    alreadySentToday: number;
    nothingNew: number;
    /** Readers of a slot-day another run holds today: that run sends to them (or sent already). */
    plannedElsewhere: number;
    /** Weekly readers on another weekday. */
    weeklyOffDay: number;
    /** Readers who paused their digest past today. */
    paused: number;
  };
  /** Open chunks of other runs' slot-days enqueued again, so none is left behind. */
  adopted: number;
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

interface WindowGroup {
  edition: Edition | undefined;
  created: boolean;
  recipients: number;
}

interface SlotDayState {
  slotDay: SlotDay;
  mine: boolean;
  /** Readers already in a chunk of this slot-day (a resumed run, or another run's). */
  chunked: Set<string>;
  /** Readers of the open chunks this run re-enqueued: their chunk reports them. */
  adopted: Set<string>;
  /** Open chunk per edition, filling up. */
  filling: Map<string, DeliveryChunk>;
  next: number;
}

function slotDayKey(slotDay: SlotDay): string {
  return `${slotDay.date}|${slotDay.hour}|${slotDay.timezone}`;
}

function toJob(chunk: DeliveryChunk, adopted = false): ChunkJob {
  return { slotDay: chunk.slotDay, id: chunk.id, editionId: chunk.editionId, emails: chunk.emails, ...(adopted ? { adopted } : {}) };
}

/** The later of the subscriber item's legacy watermark and the ledger's. */
function withWatermark(reader: Subscriber, watermark: Watermark | undefined): Subscriber {
  if (!watermark || (reader.lastDigestCutoff !== undefined && reader.lastDigestCutoff >= watermark.cutoff)) return reader;
  return { ...reader, lastDigestCutoff: watermark.cutoff, lastEditionId: watermark.editionId };
}

export async function planDigest(mode: PlanMode, deps: PlanDeps): Promise<PlanReport> {
  const now = deps.clock.now();
  const { slot, cutoff } = planWindow(now, mode);
  const owner = deps.runId ?? (mode === 'scheduled' ? `hourly-${slot.getTime()}` : `now-${globalThis.crypto.randomUUID()}`);
  const readers =
    mode === 'scheduled'
      ? deps.subscribers.listDue(dueSlots(slot, await deps.subscribers.listTimeZones()))
      : deps.subscribers.listConfirmed();
  const groups = new Map<string, WindowGroup>();
  const slotDays = new Map<string, SlotDayState>();
  const runDate = memoisedLocalRunDate();
  const at = now.toISOString();
  const staleBefore = new Date(now.getTime() - PLAN_LOCK_LEASE_MS).toISOString();
  let renewedMs = now.getTime();
  const report: PlanReport = {
    cutoff,
    editions: [],
    enqueued: 0,
    chunks: 0,
    skipped: { alreadySentToday: 0, nothingNew: 0, plannedElsewhere: 0, weeklyOffDay: 0, paused: 0 },
    adopted: 0,
  };
  const ready: DeliveryChunk[] = [];
  const sending = new Set<string>();

  const flush = async (): Promise<void> => {
    if (ready.length === 0) return;
    const chunks = ready.splice(0);
    // In the ledger before on the queue: a sender must find the chunk it is handed.
    await deps.deliveries.addChunks(chunks);
    // `digest status` shows an edition as sending from its first chunk, not only once the plan ends.
    for (const id of new Set(chunks.map((chunk) => chunk.editionId))) {
      if (sending.has(id)) continue;
      sending.add(id);
      const recipients = [...groups.values()].find((group) => group.edition?.id === id)?.recipients ?? 0;
      await deps.editions.setStatus(id, 'sending', recipients);
    }
    await deps.queue.enqueue(chunks.map((chunk) => toJob(chunk)));
    report.chunks += chunks.length;
    for (const chunk of chunks) report.enqueued += chunk.emails.length;
  };

  /** A long run renews its slot-days; one taken over meanwhile is the other run's from then on, with the chunks not yet written. */
  const renewLocks = async (): Promise<void> => {
    const nowMs = deps.clock.now().getTime();
    if (nowMs - renewedMs < PLAN_LOCK_RENEW_MS) return;
    renewedMs = nowMs;
    const renewedAt = new Date(nowMs).toISOString();
    for (const state of slotDays.values()) {
      if (!state.mine || (await deps.deliveries.renewSlotDay(state.slotDay, owner, renewedAt))) continue;
      state.mine = false;
      state.filling.clear();
      const lost = ready.filter((chunk) => slotDayKey(chunk.slotDay) === slotDayKey(state.slotDay));
      for (const chunk of lost) ready.splice(ready.indexOf(chunk), 1);
    }
  };

  const slotDayOf = async (slotDay: SlotDay): Promise<SlotDayState> => {
    const key = slotDayKey(slotDay);
    let state = slotDays.get(key);
    if (state) return state;
    const lock = await deps.deliveries.lockSlotDay(slotDay, owner, at, staleBefore);
    state = { slotDay, mine: lock !== 'taken', chunked: new Set(), adopted: new Set(), filling: new Map(), next: 0 };
    slotDays.set(key, state);
    if (lock === 'acquired') return state;
    // Resumed or taken over: the readers already in the slot-day's chunks are not chunked again.
    const existing = await deps.deliveries.chunksOf(slotDay);
    const open = existing.filter((chunk) => chunk.status !== 'done');
    if (open.length > 0) {
      // Ours from a failed attempt, or another run's: either way still to send. Claims drop repeats.
      await deps.queue.enqueue(open.map((chunk) => toJob(chunk, lock !== 'resumed')));
      report.adopted += open.length;
      for (const chunk of open) for (const email of chunk.emails) state.adopted.add(email);
    }
    for (const chunk of existing) for (const email of chunk.emails) state.chunked.add(email);
    state.next = existing.length;
    return state;
  };

  const plan = async (reader: Subscriber): Promise<void> => {
    const date = runDate(cutoff, reader.timezone);
    if (hadTodaysDigest(reader, cutoff, runDate)) {
      report.skipped.alreadySentToday += 1;
      return;
    }
    const state = await slotDayOf({ timezone: reader.timezone, hour: reader.sendHour, date });
    if (!state.mine || state.chunked.has(reader.email)) {
      if (!state.adopted.has(reader.email)) report.skipped.plannedElsewhere += 1;
      return;
    }
    const since = windowStart(reader, cutoff);
    // Readers with topics get their own order of the window: one edition variant per topic set.
    const topics = topicSet(reader.topics);
    const key = `${since} ${topics.join('\n')}`;
    let group = groups.get(key);
    if (!group) {
      group = { ...(await editionFor(since, cutoff, topics, now, deps)), recipients: 0 };
      groups.set(key, group);
    }
    if (!group.edition) {
      report.skipped.nothingNew += 1;
      return;
    }
    group.recipients += 1;
    let chunk = state.filling.get(group.edition.id);
    if (!chunk) {
      chunk = {
        slotDay: state.slotDay,
        id: `${owner}-${state.next++}`,
        editionId: group.edition.id,
        emails: [],
        status: 'pending',
        createdAt: at,
        attempts: 0,
        sent: {},
        rejected: {},
      };
      state.filling.set(group.edition.id, chunk);
    }
    chunk.emails.push(reader.email);
    state.chunked.add(reader.email);
    if (chunk.emails.length >= CHUNK_SIZE) {
      state.filling.delete(group.edition.id);
      ready.push(chunk);
    }
  };

  const planPage = async (page: readonly Subscriber[], marksOfPage: Promise<Map<string, Watermark>>): Promise<void> => {
    const marks = await marksOfPage;
    const readersOfPage = page.map((reader) => withWatermark(reader, marks.get(reader.email)));
    // Every slot-day the page meets first, its locks taken together; plan() then finds them held.
    const unseen = new Map<string, SlotDay>();
    for (const reader of readersOfPage) {
      if (hadTodaysDigest(reader, cutoff, runDate)) continue;
      const slotDay = { timezone: reader.timezone, hour: reader.sendHour, date: runDate(cutoff, reader.timezone) };
      const key = slotDayKey(slotDay);
      if (!slotDays.has(key)) unseen.set(key, slotDay);
    }
    await Promise.all([...unseen.values()].map(slotDayOf));
    for (const reader of readersOfPage) await plan(reader);
    await renewLocks();
    await flush();
  };
  // One page ahead: while a page is planned and flushed, the next one's readers and watermarks
  // are read, so the plan's round trips overlap instead of adding up. Pages are planned in order.
  let planning: Promise<void> = Promise.resolve();
  const submit = async (page: Subscriber[]): Promise<void> => {
    const marks = deps.deliveries.watermarks(page.map((reader) => reader.email));
    marks.catch(() => undefined);
    await planning;
    planning = planPage(page, marks);
    planning.catch(() => undefined);
  };
  let page: Subscriber[] = [];
  let pageSize = FIRST_PAGE;
  for await (const reader of readers) {
    if (reader.status !== 'confirmed') continue;
    const localDate = runDate(cutoff, reader.timezone);
    if (!receivesDigestOn(reader, localDate)) {
      // The same test receivesDigestOn makes first: a pause outranks the weekday.
      if (reader.pausedUntil !== undefined && localDate < reader.pausedUntil) report.skipped.paused += 1;
      else report.skipped.weeklyOffDay += 1;
      continue;
    }
    page.push(reader);
    if (page.length >= pageSize) {
      await submit(page);
      page = [];
      pageSize = Math.min(PAGE, pageSize * 2);
    }
  }
  if (page.length > 0) await submit(page);
  await planning;
  for (const state of slotDays.values()) ready.push(...state.filling.values());
  await renewLocks();
  await flush();
  // Planned in full: no later run takes these slot-days over.
  for (const state of slotDays.values()) if (state.mine) await deps.deliveries.completeSlotDay(state.slotDay, owner, deps.clock.now().toISOString());

  for (const group of groups.values()) {
    if (!group.edition || group.recipients === 0) continue;
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
