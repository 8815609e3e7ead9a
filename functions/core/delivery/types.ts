/** The send ledger. Timestamps are ISO-8601 strings in UTC. */

export type DeliveryStatus = 'claimed' | 'sent' | 'failed';

/** One reader's copy of one edition, as sent: what download-my-data shows and erasure removes. */
export interface Delivery {
  editionId: string;
  email: string;
  status: DeliveryStatus;
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
  error?: string;
  attempts: number;
}

/** One recipient of one edition. */
export interface DeliveryJob {
  editionId: string;
  email: string;
}

/**
 * A send slot on one local date: readers of one zone and send hour, on the date their digest is
 * for. The ledger's unit of ownership: one plan run owns a slot-day, and so that slot's readers
 * for that day.
 */
export interface SlotDay {
  timezone: string;
  hour: number;
  /** The readers' local date, yyyy-mm-dd. */
  date: string;
}

/**
 * One planning run: an hourly slot run (`hourly-<slot ms>`, the same for a retry of that hour) or
 * one `send-now` (`now-<uuid>`). Every chunk the run writes carries it, so a send is counted,
 * paused, resumed or cancelled as one, across the slot-days and edition variants it planned.
 */
export type SendId = string;

/** Letters, digits and `-`: it is a chunk id's prefix, and chunk ids travel in SES tags and mail headers. */
export const SEND_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** A chunk's id is its send's id and its number in the run (`<send>-<n>`): chunks written before send ids were stored are read back with this. */
export function sendOfChunkId(chunkId: string): SendId {
  return chunkId.replace(/-\d+$/, '');
}

/** What the planner records of a send: its counters and controls hang off this. */
export interface SendRecord {
  send: SendId;
  mode: 'scheduled' | 'now';
  createdAt: string;
  /** `running` from the plan on; `paused` and `cancelled` say what became of its open chunks. */
  state: SendState;
  /** Set once the run has planned every reader it found. */
  plannedAt?: string;
  /** The editions (topic variants) the run planned readers for. */
  editions: string[];
}

export type SendState = 'running' | 'paused' | 'cancelled';

/** Names one chunk: its slot-day and its id within it. */
export interface ChunkRef {
  slotDay: SlotDay;
  id: string;
}

/** What plan-digest puts on the send queue: up to CHUNK_SIZE readers of one edition and one slot-day. */
export interface ChunkJob extends ChunkRef {
  /** The run that planned the chunk; absent in messages queued before send ids. */
  send?: SendId;
  editionId: string;
  /**
   * The chunk's readers: kept on the local in-process queue for `send-now`'s per-reader progress,
   * never put on SQS (jobWithoutAddresses), so no queue or DLQ outlives an erasure with an
   * address in it. The sender reads the readers from the chunk it claims.
   */
  emails?: string[];
  /** How many readers the chunk has, for rate tokens and counters; absent in messages queued before. */
  recipients?: number;
  /**
   * Set when a later plan run re-enqueued a chunk it found open under another run's lock: a
   * fresh claim held elsewhere is then that run's business, not a reason to retry.
   */
  adopted?: boolean;
}

/**
 * A chunk's state. `open`: to send (new, or released by a sender that did not finish); `claimed`:
 * a sender holds it for a lease; `sent`: nothing left to send; `paused`: held back with its send,
 * until resumed (back to `open`); `cancelled`: never sent. Only `open`, or `claimed` with its
 * lease over, may be claimed: nothing but a resume makes a paused chunk open again, and nothing
 * leaves `sent` or `cancelled`.
 */
export type ChunkStatus = 'open' | 'claimed' | 'sent' | 'paused' | 'cancelled';

/** A chunk as the ledger holds it. */
export interface DeliveryChunk extends ChunkRef {
  send: SendId;
  editionId: string;
  emails: string[];
  status: ChunkStatus;
  createdAt: string;
  claimedAt?: string;
  /**
   * Set on a claimed chunk whose send was paused or cancelled meanwhile: the state it takes instead
   * of open when its sender releases it unfinished, or when its lease runs out.
   */
  stopAs?: 'paused' | 'cancelled';
  attempts: number;
  /** Recipients SES accepted, with the message id: never sent again. */
  sent: Record<string, string>;
  /** Recipients SES refused on their own (a bad address), with the reason: not retried. */
  rejected: Record<string, string>;
  /** The last error that failed the whole chunk, for operators. */
  error?: string;
  /**
   * Set once the chunk is sent or cancelled: its addresses (`emails`, `sent`, `rejected`, then
   * empty) give way to how many there were, so no chunk outlives the sending it was for with a
   * reader's address in it.
   */
  counts?: { recipients: number; sent: number; rejected: number };
}

/** The delivery watermark of one reader: the last digest they got, in the ledger, not on the subscriber item. */
export interface Watermark {
  email: string;
  editionId: string;
  /** The edition's cutoff: the reader's next digest starts here. */
  cutoff: string;
  /** The local date (slot-day) the digest was for: at most one digest per reader per such date. */
  date: string;
  sentAt: string;
}

/** What became of one recipient of a chunk. */
export type DeliverOutcome =
  | 'sent'
  | 'duplicate'
  | 'not-subscribed'
  | 'already-served-today'
  /** The reader changed zone or hour since the plan: the slot they are in now serves them. */
  | 'moved'
  /** SES refused this address alone; recorded, not retried. */
  | 'rejected'
  /** Another run's sender holds this chunk; it will finish it. */
  | 'sending-elsewhere'
  /** The chunk was for an earlier local day: never sent, its readers' next digest carries what it had. */
  | 'earlier-day';

/** What a local stack restart made of the claims its dead process held. */
export interface Settlement {
  at: string;
  chunks: number;
  /** Recipients whose mail was found in the persisted inbox: marked sent. */
  confirmed: number;
  /** Recipients with no mail: their chunks were released to be sent. */
  released: number;
  /** Slot-days a dead run left part-planned, handed to the next run (absent in older records). */
  slotDays?: number;
}
