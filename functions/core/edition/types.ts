/** Editions and the stories in them. Timestamps are ISO-8601 strings in UTC. */

/** Another report of the same event, merged into a story ("also in: ..."). */
export interface StorySource {
  source: string;
  title: string;
  url?: string;
  /** Absent on editions stored before takedowns. */
  articleId?: string;
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
  /** Articles the publisher withdrew after the edition was built; their stories are gone from it. */
  withdrawn?: { articleId: string; at: string }[];
}
