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

/** What one message (one reader's digest of one send) has seen of clicks: a short-lived marker. */
export interface MessageClicks {
  /** Epoch ms of the latest click seen before this one. */
  lastAt: number;
  lastStory: number;
  /** Set when that latest click was counted (and not retracted since). */
  counted?: { story: number; unique: boolean };
  /** Stories of this message already counted as unique clicks. */
  uniqueStories: number[];
}

/**
 * Per-message markers, keyed by a keyed hash of send and address (no address stored), expiring
 * on their own (TTL): what unique clicks and the burst rule need, and nothing kept per event.
 */
export interface ClickMarkers {
  /** Records `click` as the message's latest, atomically, and returns what the marker held before (undefined: none). */
  swap(message: string, click: { at: number; story: number }, expiresAt: number): Promise<MessageClicks | undefined>;
  markCounted(message: string, counted: { story: number; unique: boolean }): Promise<void>;
  markRetracted(message: string, retracted: { story: number; unique: boolean }): Promise<void>;
}

/** The reader's side of engagement: when they last clicked, kept only while they are still a reader. */
export interface ReaderEngagement {
  /** Sets the reader's last click time when they are still subscribed; does nothing for anyone else. */
  recordClick(email: string, at: string): Promise<void>;
}
