/** Domain records. Timestamps are ISO-8601 strings in UTC so they survive JSON and DynamoDB unchanged. */

export interface Article {
  /** sha256 hex of the canonical URL, or of source + normalised title + body when there is no URL. */
  id: string;
  title: string;
  /** Plain text (HTML already reduced); paragraphs separated by blank lines. May be empty. */
  text: string;
  source: string;
  url?: string;
  publishedAt?: string;
  topics: string[];
  language?: string;
  imageUrl?: string;
  ingestedAt: string;
  /** True when the text was cut to fit the DynamoDB item limit. */
  truncated?: boolean;
}

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'bounced' | 'complained';

export interface Consent {
  at: string;
  /** Where consent was given when not on our form, e.g. an operator's import that vouches for it. */
  source?: string;
  ip?: string;
  userAgent?: string;
}

export interface Subscriber {
  /** Lower-cased address; the identity of a subscriber. */
  email: string;
  status: SubscriberStatus;
  /** Canonical IANA zone name. */
  timezone: string;
  /** Local hour 0-23 at which the digest goes out. */
  sendHour: number;
  topics: string[];
  createdAt: string;
  updatedAt: string;
  consent?: Consent;
  confirmedAt?: string;
  unsubscribedAt?: string;
  /** When the last confirmation email went out; throttles repeat sends. */
  confirmSentAt?: string;
  /** Cutoff of the last edition this reader received: the watermark for "new since". */
  lastDigestCutoff?: string;
  lastEditionId?: string;
  /** How often the digest comes; absent means daily (records from before the preference centre). */
  frequency?: DigestFrequency;
  /** Weekly readers' day, ISO numbering: 1 Monday ... 7 Sunday. */
  weeklyDay?: number;
  /** Local date (yyyy-mm-dd) of the first digest after a pause; none before it. */
  pausedUntil?: string;
  /** Bumped when the reader signs out of old links; manage links carry it. Absent means 0. */
  tokenVersion?: number;
}

export type DigestFrequency = 'daily' | 'weekly';

/** Another report of the same event, merged into a story ("also in: ..."). */
export interface StorySource {
  source: string;
  title: string;
  url?: string;
}

export interface Story {
  articleId: string;
  title: string;
  url?: string;
  source: string;
  publishedAt?: string;
  ingestedAt: string;
  topics: string[];
  /** 1-3 extracted sentences, in article order. */
  summary: string[];
  /** Other reports of the same event, merged into this entry; empty when the story stands alone. */
  alsoIn: StorySource[];
  /** The section the story is listed under, when articles carry topics. */
  section?: string;
}

export type EditionStatus = 'planned' | 'sending';

export interface Edition {
  /** `<cutoff>-<since>` in compact UTC form, e.g. 20261126T070000-20261125T070000; deterministic so a repeated run finds the same edition. */
  id: string;
  /** Articles ingested in (since, cutoff] belong to this edition. */
  since: string;
  cutoff: string;
  createdAt: string;
  subject: string;
  preheader: string;
  stories: Story[];
  /** Stories past the email's limit: the email says "and K more", the web edition lists them. */
  moreStories: Story[];
  /** Rendered once; contains the personalisation placeholders below. */
  html: string;
  text: string;
  /** Per-edition secret marker around personal links, so article text can never forge a placeholder. */
  placeholderNonce: string;
  status: EditionStatus;
  recipients: number;
}

export type DeliveryStatus = 'claimed' | 'sent' | 'failed';

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

export interface ApiKey {
  /** sha256 hex of the key; the key itself is never stored. */
  hash: string;
  name: string;
  createdAt: string;
  disabled: boolean;
}

/** What plan-digest puts on the send queue: one recipient of one edition. */
export interface DeliveryJob {
  editionId: string;
  email: string;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  /** SES message tags; they come back on bounce and complaint events (mail.tags), e.g. the edition id. */
  tags?: { name: string; value: string }[];
}
