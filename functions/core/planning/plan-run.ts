/**
 * One planning run, as named steps: read the readers due (`execute`), a page at a time with the
 * next page's reads overlapping (`submit`); per page, take the slot-day locks it meets
 * (`slotDayOf`: a slot-day planned before, by a dead run or a completed one, is read first, and
 * only its readers in no live chunk are planned, after a second look at their watermarks), then place each reader
 * (`planReader`: window group, then chunk), write the full chunks and enqueue them (`flush`),
 * renewing the locks as it goes (`renewLocks`); last, write what is left and complete the
 * slot-days and the send (`finish`). The run's send id is its lock owner and is on every chunk.
 */
import { type Edition, topicSet } from '../edition/index.ts';
import type { PlanDeps, PlanReport } from './plan-types.ts';
import { hadTodaysDigest, memoisedLocalRunDate, receivesDigestOn, type Subscriber } from '../subscribers/index.ts';
import { dueSlots } from './send-slots.ts';
import { CHUNK_SIZE, chunkJobOf, type DeliveryChunk, type SendId, type SlotDay, type Watermark } from '../delivery/index.ts';
import { type EditionSource, storedEditionSource } from './edition-source.ts';
import { type PlanMode, planWindow, windowStart } from './plan-window.ts';

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

export type { PlanDeps, PlanReport } from './plan-types.ts';

/** Readers of one window start and topic set: one edition variant. */
interface WindowGroup {
  edition: Edition | undefined;
  created: boolean;
  recipients: number;
}

interface SlotDayState {
  slotDay: SlotDay;
  mine: boolean;
  /** Planned before this run: its readers in no live chunk are late, and their watermarks are read again. */
  late: boolean;
  /** Readers in a live chunk of this slot-day (this run's, or a run's before), who are not chunked again. */
  chunked: Set<string>;
  /** Readers of this slot-day's cancelled chunks: the operator stopped their digest for the day. */
  cancelled: Set<string>;
  /** Readers of the open chunks this run re-enqueued: their chunk reports them. */
  adopted: Set<string>;
  /** Open chunk per edition, filling up. */
  filling: Map<string, DeliveryChunk>;
  next: number;
}

/** Still to be sent, or being sent: its readers are its send's. */
function isLive(chunk: DeliveryChunk): boolean {
  return chunk.status === 'open' || chunk.status === 'claimed' || chunk.status === 'paused';
}

function slotDayKey(slotDay: SlotDay): string {
  return `${slotDay.date}|${slotDay.hour}|${slotDay.timezone}`;
}

/** The later of the subscriber item's legacy watermark and the ledger's. */
function withWatermark(reader: Subscriber, watermark: Watermark | undefined): Subscriber {
  if (!watermark || (reader.lastDigestCutoff !== undefined && reader.lastDigestCutoff >= watermark.cutoff)) return reader;
  return { ...reader, lastDigestCutoff: watermark.cutoff, lastEditionId: watermark.editionId };
}

export class PlanRun {
  readonly send: SendId;
  readonly #mode: PlanMode;
  readonly #deps: PlanDeps;
  readonly #now: Date;
  readonly #slot: Date;
  readonly #cutoff: string;
  readonly #at: string;
  readonly #staleBefore: string;
  readonly #editionSource: EditionSource;
  readonly #runDate = memoisedLocalRunDate();
  readonly #groups = new Map<string, WindowGroup>();
  readonly #slotDays = new Map<string, SlotDayState>();
  /** Full chunks not yet written. */
  readonly #ready: DeliveryChunk[] = [];
  /** Editions marked sending. */
  readonly #sending = new Set<string>();
  readonly #report: PlanReport;
  #renewedMs: number;
  #planning: Promise<void> = Promise.resolve();

  constructor(mode: PlanMode, deps: PlanDeps) {
    this.#mode = mode;
    this.#deps = deps;
    this.#now = deps.clock.now();
    const { slot, cutoff } = planWindow(this.#now, mode);
    this.#slot = slot;
    this.#cutoff = cutoff;
    this.send = deps.runId ?? (mode === 'scheduled' ? `hourly-${slot.getTime()}` : `now-${globalThis.crypto.randomUUID()}`);
    this.#at = this.#now.toISOString();
    this.#staleBefore = new Date(this.#now.getTime() - PLAN_LOCK_LEASE_MS).toISOString();
    this.#renewedMs = this.#now.getTime();
    this.#editionSource = deps.editionSource ?? storedEditionSource(deps, this.#at);
    this.#report = {
      send: this.send,
      cutoff,
      editions: [],
      enqueued: 0,
      chunks: 0,
      skipped: {
        alreadySentToday: 0,
        nothingNew: 0,
        plannedElsewhere: 0,
        beingPlannedElsewhere: 0,
        cancelledToday: 0,
        weeklyOffDay: 0,
        paused: 0,
      },
      adopted: 0,
    };
  }

  async execute(): Promise<PlanReport> {
    await this.#deps.deliveries.startSend({ send: this.send, mode: this.#mode, createdAt: this.#at, state: 'running', editions: [] });
    let page: Subscriber[] = [];
    let pageSize = FIRST_PAGE;
    for await (const reader of await this.#candidates()) {
      if (!this.#receivesToday(reader)) continue;
      page.push(reader);
      if (page.length >= pageSize) {
        await this.#submit(page);
        page = [];
        pageSize = Math.min(PAGE, pageSize * 2);
      }
    }
    if (page.length > 0) await this.#submit(page);
    await this.#planning;
    await this.#finish();
    return this.#report;
  }

  async #candidates(): Promise<AsyncIterable<Subscriber>> {
    if (this.#mode === 'now') return this.#deps.subscribers.listConfirmed();
    return this.#deps.subscribers.listDue(dueSlots(this.#slot, await this.#deps.subscribers.listTimeZones()));
  }

  /** Confirmed, and neither paused past today nor a weekly reader on another weekday (those are counted). */
  #receivesToday(reader: Subscriber): boolean {
    if (reader.status !== 'confirmed') return false;
    const localDate = this.#runDate(this.#cutoff, reader.timezone);
    if (receivesDigestOn(reader, localDate)) return true;
    // The same test receivesDigestOn makes first: a pause outranks the weekday.
    if (reader.pausedUntil !== undefined && localDate < reader.pausedUntil) this.#report.skipped.paused += 1;
    else this.#report.skipped.weeklyOffDay += 1;
    return false;
  }

  /**
   * One page ahead: while a page is planned and flushed, the next one's readers and watermarks
   * are read, so the plan's round trips overlap instead of adding up. Pages are planned in order.
   */
  async #submit(page: Subscriber[]): Promise<void> {
    const marks = this.#deps.deliveries.watermarks(page.map((reader) => reader.email));
    marks.catch(() => undefined);
    await this.#planning;
    this.#planning = this.#planPage(page, marks);
    this.#planning.catch(() => undefined);
  }

  async #planPage(page: readonly Subscriber[], marksOfPage: Promise<Map<string, Watermark>>): Promise<void> {
    const marks = await marksOfPage;
    let readers = page.map((reader) => withWatermark(reader, marks.get(reader.email)));
    // Every slot-day the page meets first, its locks taken together; planReader then finds them held.
    const unseen = new Map<string, SlotDay>();
    for (const reader of readers) {
      if (hadTodaysDigest(reader, this.#cutoff, this.#runDate)) continue;
      const slotDay = this.#slotDayOfReader(reader);
      const key = slotDayKey(slotDay);
      if (!this.#slotDays.has(key)) unseen.set(key, slotDay);
    }
    await Promise.all([...unseen.values()].map((slotDay) => this.#slotDayOf(slotDay)));
    readers = await this.#rereadLateWatermarks(readers);
    for (const reader of readers) await this.#planReader(reader);
    await this.#renewLocks();
    await this.#flush();
  }

  #slotDayOfReader(reader: Subscriber): SlotDay {
    return { timezone: reader.timezone, hour: reader.sendHour, date: this.#runDate(this.#cutoff, reader.timezone) };
  }

  async #slotDayOf(slotDay: SlotDay): Promise<SlotDayState> {
    const key = slotDayKey(slotDay);
    let state = this.#slotDays.get(key);
    if (state) return state;
    const lock = await this.#deps.deliveries.lockSlotDay(slotDay, this.send, this.#at, this.#staleBefore);
    state = {
      slotDay,
      mine: lock !== 'taken',
      late: lock !== 'acquired',
      chunked: new Set(),
      cancelled: new Set(),
      adopted: new Set(),
      filling: new Map(),
      next: 0,
    };
    this.#slotDays.set(key, state);
    if (lock === 'acquired') return state;
    // Planned before: readers in a live or cancelled chunk are that chunk's; the rest (in sent chunks, or none) are planned if due.
    const existing = await this.#deps.deliveries.chunksOf(slotDay);
    await this.#adoptLiveChunks(state, existing, lock !== 'resumed');
    for (const chunk of existing) {
      const into = isLive(chunk) ? state.chunked : chunk.status === 'cancelled' ? state.cancelled : undefined;
      if (into) for (const email of chunk.emails) into.add(email);
    }
    state.next = existing.length;
    return state;
  }

  /**
   * A late reader's watermark was read before the slot-day's chunks: a sender may have served them
   * in between (it writes watermarks before marking its chunk sent), so theirs is read again.
   */
  async #rereadLateWatermarks(readers: Subscriber[]): Promise<Subscriber[]> {
    const late = readers.filter((reader) => {
      if (hadTodaysDigest(reader, this.#cutoff, this.#runDate)) return false;
      const state = this.#slotDays.get(slotDayKey(this.#slotDayOfReader(reader)));
      return state !== undefined && state.mine && state.late && !state.chunked.has(reader.email) && !state.cancelled.has(reader.email);
    });
    if (late.length === 0) return readers;
    const marks = await this.#deps.deliveries.watermarks(late.map((reader) => reader.email));
    return readers.map((reader) => withWatermark(reader, marks.get(reader.email)));
  }

  /**
   * Ours from a failed attempt, or another run's: open or claimed chunks are still to send, and are
   * enqueued again (claims drop repeats). Paused and cancelled ones are their send's business.
   */
  async #adoptLiveChunks(state: SlotDayState, existing: readonly DeliveryChunk[], adopted: boolean): Promise<void> {
    const live = existing.filter((chunk) => chunk.status === 'open' || chunk.status === 'claimed');
    if (live.length === 0) return;
    await this.#deps.queue.enqueue(live.map((chunk) => chunkJobOf(chunk, adopted)));
    this.#report.adopted += live.length;
    for (const chunk of live) for (const email of chunk.emails) state.adopted.add(email);
  }

  async #planReader(reader: Subscriber): Promise<void> {
    if (hadTodaysDigest(reader, this.#cutoff, this.#runDate)) {
      this.#report.skipped.alreadySentToday += 1;
      return;
    }
    const state = await this.#slotDayOf(this.#slotDayOfReader(reader));
    if (state.chunked.has(reader.email)) {
      if (!state.adopted.has(reader.email)) this.#report.skipped.plannedElsewhere += 1;
      return;
    }
    if (state.cancelled.has(reader.email)) {
      this.#report.skipped.cancelledToday += 1;
      return;
    }
    if (!state.mine) {
      this.#report.skipped.beingPlannedElsewhere += 1;
      return;
    }
    const group = await this.#groupOf(reader);
    if (!group.edition) {
      this.#report.skipped.nothingNew += 1;
      return;
    }
    group.recipients += 1;
    this.#addToChunk(state, group.edition.id, reader.email);
  }

  /** Readers with topics get their own order of the window: one edition variant per (window start, topic set). */
  async #groupOf(reader: Subscriber): Promise<WindowGroup> {
    const since = windowStart(reader, this.#cutoff);
    const topics = topicSet(reader.topics);
    const key = `${since} ${topics.join('\n')}`;
    let group = this.#groups.get(key);
    if (!group) {
      group = { ...(await this.#editionSource.editionFor({ since, cutoff: this.#cutoff }, topics)), recipients: 0 };
      this.#groups.set(key, group);
    }
    return group;
  }

  #addToChunk(state: SlotDayState, editionId: string, email: string): void {
    let chunk = state.filling.get(editionId);
    if (!chunk) {
      chunk = {
        slotDay: state.slotDay,
        id: `${this.send}-${state.next++}`,
        send: this.send,
        editionId,
        emails: [],
        status: 'open',
        createdAt: this.#at,
        attempts: 0,
        sent: {},
        rejected: {},
      };
      state.filling.set(editionId, chunk);
    }
    chunk.emails.push(email);
    state.chunked.add(email);
    if (chunk.emails.length >= CHUNK_SIZE) {
      state.filling.delete(editionId);
      this.#ready.push(chunk);
    }
  }

  async #flush(): Promise<void> {
    if (this.#ready.length === 0) return;
    const chunks = this.#ready.splice(0);
    // In the ledger before on the queue: a sender must find the chunk it is handed.
    await this.#deps.deliveries.addChunks(chunks);
    await this.#markSending(chunks);
    await this.#deps.queue.enqueue(chunks.map((chunk) => chunkJobOf(chunk)));
    this.#report.chunks += chunks.length;
    for (const chunk of chunks) this.#report.enqueued += chunk.emails.length;
  }

  /** `digest status` shows an edition as sending from its first chunk, not only once the plan ends. */
  async #markSending(chunks: readonly DeliveryChunk[]): Promise<void> {
    for (const id of new Set(chunks.map((chunk) => chunk.editionId))) {
      if (this.#sending.has(id)) continue;
      this.#sending.add(id);
      const recipients = [...this.#groups.values()].find((group) => group.edition?.id === id)?.recipients ?? 0;
      await this.#deps.editions.setStatus(id, 'sending', recipients);
    }
  }

  /** A long run renews its slot-days; one taken over meanwhile is the other run's from then on, with the chunks not yet written. */
  async #renewLocks(): Promise<void> {
    const nowMs = this.#deps.clock.now().getTime();
    if (nowMs - this.#renewedMs < PLAN_LOCK_RENEW_MS) return;
    this.#renewedMs = nowMs;
    const renewedAt = new Date(nowMs).toISOString();
    for (const state of this.#slotDays.values()) {
      if (!state.mine || (await this.#deps.deliveries.renewSlotDay(state.slotDay, this.send, renewedAt))) continue;
      state.mine = false;
      state.filling.clear();
      const lost = this.#ready.filter((chunk) => slotDayKey(chunk.slotDay) === slotDayKey(state.slotDay));
      for (const chunk of lost) this.#ready.splice(this.#ready.indexOf(chunk), 1);
    }
  }

  /** The part-filled chunks go out, then the slot-days are marked planned in full: a later run only reopens them for late readers. */
  async #finish(): Promise<void> {
    for (const state of this.#slotDays.values()) this.#ready.push(...state.filling.values());
    await this.#renewLocks();
    await this.#flush();
    for (const state of this.#slotDays.values()) {
      if (state.mine) await this.#deps.deliveries.completeSlotDay(state.slotDay, this.send, this.#deps.clock.now().toISOString());
    }
    for (const group of this.#groups.values()) {
      if (!group.edition || group.recipients === 0) continue;
      await this.#deps.editions.setStatus(group.edition.id, 'sending', group.recipients);
      this.#report.editions.push({
        id: group.edition.id,
        stories: group.edition.stories.length,
        recipients: group.recipients,
        created: group.created,
      });
    }
    const editions = this.#report.editions.map((edition) => edition.id);
    await this.#deps.deliveries.completeSend(this.send, editions, this.#deps.clock.now().toISOString());
  }
}
