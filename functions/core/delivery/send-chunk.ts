/**
 * send-digest for one chunk: up to CHUNK_SIZE readers of one edition and one slot-day.
 *
 * The chunk is claimed with one conditional write (a lease, as before: a fresh claim held by
 * another sender sends the job back to the queue, a claim older than the lease is taken over),
 * the readers and their watermarks are read in one batched read, and the edition goes out as
 * one SES bulk call per CHUNK_SIZE (or per second's share of the rate). The watermarks and
 * delivery records are then written in batches, and last the chunk records who was sent, in one
 * conditional write on the claim. Each reader is in exactly one chunk of the slot-day the plan
 * run locked, so a reader gets at most one digest per local date, whatever overlaps.
 *
 * The window left open: SES accepted and the sender died before the marks. SES's Send event
 * (tagged with the chunk) marks those recipients sent within seconds, long before the lease lets
 * another sender take the chunk over; the local stack settles against its persisted inbox on
 * restart. Only if that event is lost or later than the lease is a reader sent twice, never
 * zero times (README, "Delivery guarantee").
 */
import { type Clock, DailyQuotaExhaustedError, LruCache, MailerThrottledError, type Settings } from '../shared/index.ts';
import {
  type Edition,
  EditionNotFoundError,
  type EditionStore,
  editionTemplate,
  recipientSubstitution,
  zoneTemplateData,
} from '../edition/index.ts';
import { clickLinkData } from '../engagement/index.ts';
import { hadTodaysDigest, memoisedLocalRunDate } from '../subscribers/index.ts';
import type { BulkMailer, BulkRecipient, DeliveryLedger, SendReservation } from './ports.ts';
import { ChunkTooLargeError, ClaimHeldError } from './errors.ts';
import { CLAIM_LEASE_MS } from './send-fleet.ts';
import type { ChunkJob, ChunkRef, DeliverOutcome, Delivery, SlotDay, Watermark } from './types.ts';

export interface SendChunkDeps {
  editions: EditionStore;
  deliveries: DeliveryLedger;
  mailer: BulkMailer;
  clock: Clock;
  settings: Settings;
  /** Editions are immutable once planned, so a warm sender reads each one once, even with concurrent jobs. */
  editionCache?: EditionCache;
  /** How old a claim must be before another sender may take it over; CLAIM_LEASE_MS unless a test says otherwise. */
  claimLeaseMs?: number;
}

/** Where a sender keeps the editions it has read; bounded in size and age on a warm Lambda (see newEditionCache). */
export interface EditionCache {
  get(id: string): Promise<Edition> | undefined;
  set(id: string, edition: Promise<Edition>): unknown;
  delete(id: string): unknown;
  readonly size: number;
}

/** A sender meets one edition per zone-hour it serves, a handful a day. */
export const EDITION_CACHE_ENTRIES = 32;
/**
 * An edition changes after it is planned when a story is withdrawn from it (an article taken
 * down): a warm sender reads it again after this long, so a withdrawal reaches the chunks sent
 * from then on. Chunks of one slot go out within minutes, so most read it once.
 */
export const EDITION_CACHE_MAX_AGE_MS = 5 * 60_000;

export function newEditionCache(clock: Clock, maxAgeMs = EDITION_CACHE_MAX_AGE_MS): EditionCache {
  const entries = new LruCache<string, { edition: Promise<Edition>; readAtMs: number }>(EDITION_CACHE_ENTRIES);
  return {
    get(id) {
      const entry = entries.get(id);
      if (entry === undefined) return undefined;
      if (clock.now().getTime() - entry.readAtMs < maxAgeMs) return entry.edition;
      entries.delete(id);
      return undefined;
    },
    set: (id, edition) => entries.set(id, { edition, readAtMs: clock.now().getTime() }),
    delete: (id) => entries.delete(id),
    get size() {
      return entries.size;
    },
  };
}

/** The SES message tag naming the edition, so SES events (send, bounce, complaint) map back to it. */
export const EDITION_TAG = 'edition';
/** The SES message tag and local mail header naming the chunk, so a Send event or the local inbox can settle its claim. */
export const CHUNK_TAG = 'chunk';
export const CHUNK_HEADER = 'X-Digest-Delivery';

/** SES SendBulkEmail takes at most 50 destinations per call. */
export const CHUNK_SIZE = 50;
/** SES v2: TemplateData and ReplacementTemplateData are at most 262,144 characters each. */
export const TEMPLATE_DATA_MAX_CHARS = 262_144;
/** SES v2: a request (and so a message) is at most 10 MB; kept under it with room for the envelope. */
export const BULK_REQUEST_MAX_BYTES = 10 * 1024 * 1024 - 64 * 1024;

/** `<date>_<hour>_<zone>_<id>`: the chunk's name in the local mail header and logs. */
export function chunkName(ref: ChunkRef): string {
  return `${ref.slotDay.date}_${ref.slotDay.hour}_${ref.slotDay.timezone}_${ref.id}`;
}

const CHUNK_NAME = /^(\d{4}-\d{2}-\d{2})_(\d{1,2})_(.+)_([A-Za-z0-9-]+)$/;

export function parseChunkName(name: string): ChunkRef | undefined {
  const match = CHUNK_NAME.exec(name);
  if (!match) return undefined;
  return { slotDay: { date: match[1]!, hour: Number(match[2]), timezone: match[3]! }, id: match[4]! };
}

/**
 * SES tag values allow only ASCII letters, digits, `_`, `-`, `.` and `@`; zone names have `/`
 * and `+`. Tags carry this encoding of the chunk name; headers carry the plain name.
 */
export function chunkTagValue(ref: ChunkRef): string {
  return chunkName(ref).replace(/[^A-Za-z0-9_.@-]/g, (char) => `.${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function parseChunkTagValue(value: string): ChunkRef | undefined {
  return parseChunkName(value.replace(/\.([0-9a-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

function loadEdition(id: string, deps: SendChunkDeps): Promise<Edition> {
  const cached = deps.editionCache?.get(id);
  if (cached) return cached;
  const loading = deps.editions.get(id).then((edition) => {
    if (!edition) throw new EditionNotFoundError(`Edition ${id} does not exist.`);
    return edition;
  });
  deps.editionCache?.set(id, loading);
  // A failed read is not cached: the next job tries again.
  loading.catch(() => deps.editionCache?.delete(id));
  return loading;
}

export interface ChunkReport {
  outcomes: Map<string, DeliverOutcome>;
}

/** `json` (an object's JSON) with `data`'s entries added. */
function withDataJson(json: string, data: Record<string, string>): string {
  const more = JSON.stringify(data);
  if (more === '{}') return json;
  return json === '{}' ? more : `${json.slice(0, -1)},${more.slice(1)}`;
}

function sameSlot(slotDay: SlotDay, timezone: string, hour: number): boolean {
  return slotDay.timezone === timezone && slotDay.hour === hour;
}

/** Throws ClaimHeldError, DailyQuotaExhaustedError (after recording what was sent) or the cause of a failed chunk. */
export async function sendChunk(job: ChunkJob, deps: SendChunkDeps): Promise<ChunkReport> {
  // The rate's tokens are held first, so the claim and the reads overlap the wait for them: a
  // sender starting a batch would otherwise leave its share of the rate unused while it reads.
  // A job queued without its size holds a full chunk's tokens; what is not used goes back.
  const reservation = await deps.mailer.reserve?.(job.recipients ?? job.emails?.length ?? CHUNK_SIZE);
  try {
    return await sendReserved(job, deps, reservation);
  } finally {
    reservation?.release();
  }
}

async function sendReserved(job: ChunkJob, deps: SendChunkDeps, reservation: SendReservation | undefined): Promise<ChunkReport> {
  const outcomes = new Map<string, DeliverOutcome>();
  // A job with no addresses (from SQS) reports the readers of a chunk it did not claim only when it can see them.
  const everyone = (outcome: DeliverOutcome, readers: readonly string[] = job.emails ?? []): ChunkReport => {
    for (const email of readers) outcomes.set(email, outcome);
    return { outcomes };
  };
  const edition = await loadEdition(job.editionId, deps);
  const template = editionTemplate(edition);
  const now = deps.clock.now();
  // Every reader sent is in the chunk's slot (the others are `moved`), so the zone's name and
  // story times go once, in the call's default data, not fifty times in each reader's.
  const defaultDataJson = withDataJson(template.defaultsJson, zoneTemplateData(edition, job.slotDay.timezone, now));
  if (defaultDataJson.length > TEMPLATE_DATA_MAX_CHARS) {
    throw new ChunkTooLargeError(
      `edition ${edition.id}: template data of ${defaultDataJson.length} characters is over SES's ${TEMPLATE_DATA_MAX_CHARS}`,
    );
  }
  const leaseMs = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  const claim = await deps.deliveries.claimChunk(job, now.toISOString(), new Date(now.getTime() - leaseMs).toISOString());
  if (claim.result === 'done') return everyone('duplicate');
  // Paused or cancelled with its send: acknowledged, nobody sent; a resume enqueues it again.
  if (claim.result === 'stopped') return { outcomes };
  if (claim.result === 'held') {
    if (job.adopted) return everyone('sending-elsewhere', job.emails ?? claim.chunk.emails);
    throw new ClaimHeldError(`chunk ${chunkName(job)} is being sent elsewhere`);
  }
  const chunk = claim.chunk;
  for (const email of Object.keys(chunk.sent)) outcomes.set(email, 'duplicate');
  for (const email of Object.keys(chunk.rejected)) outcomes.set(email, 'rejected');
  const todo = chunk.emails.filter((email) => !outcomes.has(email));
  const found = await deps.deliveries.recipients(todo);

  const recipients: BulkRecipient[] = [];
  const chunkHeader = { name: CHUNK_HEADER, value: chunkName(chunk) };
  // The chunk's readers share a zone and so a handful of local dates: Intl once per distinct one.
  const runDate = memoisedLocalRunDate();
  let requestBytes = defaultDataJson.length + template.html.length + template.text.length;
  for (const email of todo) {
    const { subscriber: reader, watermark } = found.get(email) ?? {};
    if (!reader || reader.status !== 'confirmed') outcomes.set(email, 'not-subscribed');
    else if (watermark?.editionId === edition.id) outcomes.set(email, 'duplicate');
    else if (!sameSlot(chunk.slotDay, reader.timezone, reader.sendHour)) outcomes.set(email, 'moved');
    else if (
      watermark?.date === chunk.slotDay.date ||
      (hadTodaysDigest(reader, edition.cutoff, runDate) && reader.lastEditionId !== edition.id)
    ) {
      outcomes.set(email, 'already-served-today');
    } else {
      const { data, headers } = recipientSubstitution(edition, reader, now, deps.settings, 'links');
      if (deps.settings.clickTracking) Object.assign(data, clickLinkData(edition, { email, send: chunk.send, sentAt: now }, deps.settings));
      const dataJson = JSON.stringify(data);
      if (dataJson.length > TEMPLATE_DATA_MAX_CHARS)
        throw new ChunkTooLargeError(`replacement data for ${email} is over ${TEMPLATE_DATA_MAX_CHARS} characters`);
      requestBytes += dataJson.length + 200;
      headers.push(chunkHeader);
      recipients.push({ to: email, dataJson, headers });
    }
  }
  if (requestBytes > BULK_REQUEST_MAX_BYTES)
    throw new ChunkTooLargeError(`chunk ${chunkName(chunk)} needs a request of ${requestBytes} bytes`);

  const sent: Record<string, string> = {};
  const rejected: Record<string, string> = {};
  let quota: string | undefined;
  let failure: string | undefined;
  if (recipients.length > 0) {
    let results;
    try {
      results = await deps.mailer.sendBulk(
        {
          from: deps.settings.mailFrom,
          template: { subject: template.subject, html: template.html, text: template.text },
          defaultDataJson,
          tags: [
            { name: EDITION_TAG, value: edition.id },
            { name: CHUNK_TAG, value: chunkTagValue(chunk) },
          ],
          recipients,
        },
        reservation,
      );
    } catch (error) {
      // Released with the reason, as a failed delivery row was: the queue's retry (after its
      // visibility timeout, by which time SES's Send events have confirmed anything it did take) tries again.
      await deps.deliveries.recordResults(chunk, chunk.claimedAt, {
        sent: {},
        rejected: {},
        finished: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw error;
    }
    for (const result of results) {
      if (result.status === 'sent') {
        sent[result.to] = result.messageId;
        outcomes.set(result.to, 'sent');
      } else if (result.status === 'rejected') {
        rejected[result.to] = result.reason;
        outcomes.set(result.to, 'rejected');
      } else if (result.status === 'deferred') quota ??= result.reason;
      else failure ??= result.reason;
    }
  }
  const sentAt = deps.clock.now().toISOString();
  const sentEmails = Object.keys(sent);
  if (sentEmails.length > 0) {
    // Watermarks first: a chunk taken over after a crash here finds them and sends nobody twice.
    const watermarks: Watermark[] = sentEmails.map((email) => ({
      email,
      editionId: edition.id,
      cutoff: edition.cutoff,
      date: chunk.slotDay.date,
      sentAt,
    }));
    const records: Delivery[] = sentEmails.map((email) => ({
      editionId: edition.id,
      email,
      status: 'sent',
      claimedAt: chunk.claimedAt,
      sentAt,
      messageId: sent[email]!,
      attempts: chunk.attempts,
    }));
    await deps.deliveries.recordDeliveries(watermarks, records);
  }
  const finished = quota === undefined && failure === undefined;
  const error = quota ?? failure;
  await deps.deliveries.recordResults(chunk, chunk.claimedAt, { sent, rejected, finished, ...(error ? { error } : {}) });
  if (quota !== undefined) throw new DailyQuotaExhaustedError(quota);
  if (failure !== undefined) throw new MailerThrottledError(`chunk ${chunkName(chunk)}: ${failure}`);
  return { outcomes };
}
