/** What building and rendering an edition needs from the outside world. */

import type { Edition, EditionStatus, Story } from './types.ts';

export interface EditionStore {
  get(id: string): Promise<Edition | undefined>;
  /** Creates the edition unless it exists; returns the stored one either way, so two planners share one edition. */
  createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }>;
  /** EditionNotFoundError when there is no edition `id`. */
  setStatus(id: string, status: EditionStatus, recipients: number): Promise<void>;
  listRecent(limit: number): Promise<Edition[]>;
  /** Editions created at or after `createdAt`, oldest first: those that can hold an article ingested then. */
  listCreatedSince(createdAt: string): AsyncIterable<Edition>;
  /** Replaces what an edition shows (a story withdrawn); EditionNotFoundError when there is no edition `id`. */
  replaceContent(id: string, content: EditionContent): Promise<void>;
}

/** The parts of an edition that a takedown rewrites. */
export type EditionContent = Pick<Edition, 'subject' | 'preheader' | 'html' | 'text' | 'stories' | 'moreStories'> & {
  withdrawn: NonNullable<Edition['withdrawn']>;
};

/** Placeholder strings the renderer puts where personal links go; replaced per recipient. */
export interface PersonalLinkPlaceholders {
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/**
 * Placeholders for times shown in the reader's zone. The edition is rendered once for every
 * reader, so each story time is `${timePrefix}<unix seconds>__`, filled in per recipient.
 */
export interface LocalTimePlaceholders {
  timePrefix: string;
  /** Where the reader's zone name goes ("times in Europe/London"). */
  zone: string;
}

export interface DigestView {
  subject: string;
  preheader: string;
  /** Human date of the edition, e.g. "Thursday 26 November 2026". */
  dateLabel: string;
  stories: Story[];
  webUrl: string;
  links: PersonalLinkPlaceholders;
  /** Stories past the email's limit: the email says "and K more" and links to the web edition. */
  moreCount?: number;
  /** Without these, times are shown in UTC. */
  localTimes?: LocalTimePlaceholders;
  /** Story i links to `${storyLinks}<i>__`, filled per recipient (placeholders.ts); without it, to the article. */
  storyLinks?: string;
  /** Stories taken out after the edition was built (a takedown): the email says so. */
  withdrawnCount?: number;
  /** A test copy for the publisher (`digest preview --send-to`): marked as one. */
  testCopy?: boolean;
}

/** Asynchronous so an adapter may load its templates lazily. */
export interface DigestRenderer {
  renderDigest(view: DigestView): Promise<{ html: string; text: string }>;
}
