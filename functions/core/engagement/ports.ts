/** What click tracking and the sunset pass need from the outside world. */

/** A click the redirect accepted, handed on to be counted off the reader's path. */
export interface ClickMessage {
  /** The click link's token as the reader's request carried it (sealed: no address readable in the queue). */
  token: string;
  /** When the redirect answered, ISO-8601 UTC. */
  at: string;
}

/** Where the redirect puts clicks to count: SQS in AWS, the in-process queue locally. */
export interface ClickQueue {
  enqueue(click: ClickMessage): Promise<void>;
}

/** One story click as the counters see it. */
export interface StoryClick {
  send: string;
  editionId: string;
  /** The story's index in the edition's email stories. */
  story: number;
  /** The reader's first counted click on this story in this send. */
  unique: boolean;
}

/**
 * Click counters, per edition and story and per send. The stats capability's store implements
 * this beside its other send counters; it is kept this narrow so the redirect's counter depends
 * on nothing else.
 */
export interface ClickCounter {
  recordClick(click: StoryClick): Promise<void>;
  /** Takes back a click counted before it turned out to be the start of a scanner's burst. */
  retractClick(click: StoryClick): Promise<void>;
}

/** What the marker made of one click: counted (unique or not), or part of a burst, taking back the click it follows. */
export type MarkedClick = { counted: true; unique: boolean } | { counted: false; retract?: { story: number; unique: boolean } };

/**
 * Per-message markers (one reader's digest of one send), keyed by a keyed hash of send and
 * address (no address stored), expiring on their own (TTL): what unique clicks and the burst
 * rule need, and nothing kept per event.
 */
export interface ClickMarkers {
  /**
   * Records a click, atomically with what the marker holds: counted unless a click on another
   * story of the message came within `burstWindowMs` of it; a click so caught returns the
   * counted click it follows (at most one click ever takes back a given one), for its counts to be undone.
   */
  mark(message: string, click: { at: number; story: number }, burstWindowMs: number, expiresAt: number): Promise<MarkedClick>;
}

/** The reader's side of engagement: when they last clicked, kept only while they are still a reader. */
export interface ReaderEngagement {
  /** Sets the reader's last click time when they are still subscribed; does nothing for anyone else. */
  recordClick(email: string, at: string): Promise<void>;
}
