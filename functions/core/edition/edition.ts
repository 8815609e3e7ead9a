/** One edition: the stories of a time window, summarised and rendered once, then personalised per reader. */
import { createHash, createHmac } from 'node:crypto';
import type { DigestRenderer, DigestView, PersonalLinkPlaceholders } from './ports.ts';
import { type ArticleCluster, calmTitle, clusterArticles, rankClusters, summarise } from '../stories/index.ts';
import {
  editionTemplate,
  fillTemplate,
  linkTemplateData,
  localTimePlaceholders,
  recipientTemplateData,
  storyLinkPrefix,
} from './placeholders.ts';
import { defangLinks, linkTo, type OutgoingEmail, type Settings, signToken } from '../shared/index.ts';
import { type Article, plausiblePublishedAt } from '../ingest/index.ts';
import type { Edition, Story, StorySource } from './types.ts';

const MAX_SUBJECT_LENGTH = 120;

/** yyyymmddTHHMMSS in UTC: short, sortable, safe in a URL path. */
function compactUtc(iso: string): string {
  return iso.slice(0, 19).replace(/[-:]/g, '');
}

/** The shape of an edition id, for validating ids that arrive from outside. */
export const EDITION_ID_PATTERN = /^[0-9]{8}T[0-9]{6}-[0-9]{8}T[0-9]{6}(?:-t[0-9a-f]{10})?$/;

/** Reader topics as one canonical list: trimmed, lower case, unique, sorted. */
export function topicSet(topics: readonly string[] = []): string[] {
  return [...new Set(topics.map((topic) => topic.trim().toLowerCase()).filter(Boolean))].sort();
}

/**
 * `<cutoff>-<since>`, plus `-t<hash>` of the topic set for readers with topics: each topic set
 * is its own edition variant (its own order), still rendered once for all readers who share it.
 */
export function editionId(since: string, cutoff: string, topics: readonly string[] = []): string {
  const window = `${compactUtc(cutoff)}-${compactUtc(since)}`;
  const set = topicSet(topics);
  if (set.length === 0) return window;
  return `${window}-t${createHash('sha256').update(set.join('\n')).digest('hex').slice(0, 10)}`;
}

/**
 * Article text is shown, never linked: mail clients turn URLs and bare domains in text into
 * links, so the shown text has them defanged. Only the validated article URL becomes a link.
 * `summarised: false` leaves the summary empty, for stories listed as headlines only.
 */
export function toStory(article: Article, extra: { others?: readonly Article[]; section?: string; summarised?: boolean } = {}): Story {
  const story: Story = {
    articleId: article.id,
    title: defangLinks(calmTitle(article.title)),
    url: article.url,
    source: defangLinks(article.source),
    // Articles stored before ingest clamped a future publishedAt are clamped here too.
    publishedAt: article.publishedAt === undefined ? undefined : plausiblePublishedAt(article.publishedAt, article.ingestedAt),
    ingestedAt: article.ingestedAt,
    topics: article.topics,
    summary: extra.summarised === false ? [] : storySummary(article),
    alsoIn: alsoIn(article, extra.others ?? []),
  };
  if (extra.section !== undefined) story.section = defangLinks(extra.section);
  return story;
}

/** The 1-3 sentences an email story shows under its title. */
export function storySummary(article: Pick<Article, 'title' | 'text'>): string[] {
  return summarise({ title: calmTitle(article.title), text: article.text }).map(defangLinks);
}

/** The other reports, once each; a copy of the primary itself (same source and link or title) is not "also in". */
function alsoIn(primary: Article, others: readonly Article[]): StorySource[] {
  const key = (article: Article) => `${article.source.toLowerCase()}\n${article.url ?? article.title}`;
  const seen = new Set([key(primary)]);
  const sources: StorySource[] = [];
  for (const other of others) {
    if (seen.has(key(other))) continue;
    seen.add(key(other));
    const source: StorySource = { source: defangLinks(other.source), title: defangLinks(calmTitle(other.title)), articleId: other.id };
    if (other.url !== undefined) source.url = other.url;
    sources.push(source);
  }
  return sources.sort((a, b) => a.source.localeCompare(b.source) || a.title.localeCompare(b.title));
}

/**
 * The web edition lists the stories past the email's limit as headlines; beyond this many the
 * edition item would grow towards DynamoDB's 400 KB limit for stories nobody scrolls to.
 */
export const MAX_MORE_STORIES = 100;

export interface StoryOptions {
  maxStories: number;
  /** End of the window: recency is measured from here (default: the newest article). */
  cutoff?: string;
  /** The reader topics of an edition variant: stories on them come first. */
  topics?: readonly string[];
}

/**
 * Merges reports of one event, ranks the stories (see rank.ts) and cuts at maxStories.
 * publishedAt only orders, it never drops a story (sample articles can be months old).
 */
export function arrangeStories(articles: readonly Article[], options: StoryOptions): { stories: Story[]; moreStories: Story[] } {
  const { top, more } = rankClusters(clusterArticles(articles), {
    maxStories: options.maxStories,
    cutoff: options.cutoff,
    readerTopics: topicSet(options.topics),
  });
  const story = (cluster: ArticleCluster, section: string | undefined, summarised: boolean) =>
    toStory(cluster.primary, { others: cluster.others, section, summarised });
  // Summarising is the costly step: only the stories the email shows need it.
  return {
    stories: top.map((item) => story(item.cluster, item.section, true)),
    moreStories: more.slice(0, MAX_MORE_STORIES).map((item) => story(item.cluster, item.section, false)),
  };
}

/** Cuts by code point, so an emoji or other astral character is never split in half. */
function truncate(text: string, max: number): string {
  const codePoints = Array.from(text);
  if (codePoints.length <= max) return text;
  return `${codePoints
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

const EDITION_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "Thursday 26 November 2026": the UTC date of the edition's cutoff. */
export function editionDateLabel(cutoff: string): string {
  return EDITION_DATE.format(new Date(cutoff));
}

export function linkPlaceholders(nonce: string): PersonalLinkPlaceholders {
  return { unsubscribeUrl: `__DM_${nonce}_UNSUBSCRIBE__`, preferencesUrl: `__DM_${nonce}_PREFERENCES__` };
}

/**
 * Derived from the secret so it is stable for one edition across runs, yet no article author can
 * guess it and plant a placeholder that would become someone's unsubscribe link.
 */
export function placeholderNonce(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`placeholder:${id}`).digest('hex').slice(0, 16);
}

export async function buildEdition(
  input: { since: string; cutoff: string; articles: readonly Article[]; createdAt: string; topics?: readonly string[] },
  renderer: DigestRenderer,
  settings: Settings,
  options: { testCopy?: boolean } = {},
): Promise<Edition> {
  const arranged = arrangeStories(input.articles, {
    maxStories: settings.maxStories,
    cutoff: input.cutoff,
    topics: input.topics,
  });
  return editionOf({ ...input, ...arranged }, renderer, settings, options);
}

/** The edition of a window and topic set whose stories are already arranged: its id, nonce and rendering. */
export async function editionOf(
  input: { since: string; cutoff: string; createdAt: string; topics?: readonly string[]; stories: Story[]; moreStories: Story[] },
  renderer: DigestRenderer,
  settings: Settings,
  options: { testCopy?: boolean } = {},
): Promise<Edition> {
  const id = editionId(input.since, input.cutoff, input.topics);
  const { stories, moreStories } = input;
  const nonce = placeholderNonce(settings.tokenSecret, id);
  const content = await renderEdition(
    { id, cutoff: input.cutoff, stories, moreStories, placeholderNonce: nonce },
    renderer,
    settings,
    options,
  );
  return {
    id,
    since: input.since,
    cutoff: input.cutoff,
    createdAt: input.createdAt,
    ...content,
    stories,
    moreStories,
    placeholderNonce: nonce,
    status: 'planned',
    recipients: 0,
  };
}

/**
 * The subject is the lead story's title alone: the From name already says which digest it is,
 * and a phone shows about 40 characters of a subject.
 */
export function editionSubject(stories: readonly Story[], settings: Pick<Settings, 'digestName'>): string {
  const top = stories[0];
  return truncate(top ? top.title : settings.digestName, MAX_SUBJECT_LENGTH);
}

/**
 * Subject, preheader, HTML and text of an edition's stories, with the edition's own placeholder
 * nonce: used when it is built, and again when a story is withdrawn from it.
 */
export async function renderEdition(
  edition: Pick<Edition, 'id' | 'cutoff' | 'stories' | 'moreStories' | 'placeholderNonce' | 'withdrawn'>,
  renderer: DigestRenderer,
  settings: Pick<Settings, 'digestName' | 'publicUrl'>,
  options: { testCopy?: boolean } = {},
): Promise<Pick<Edition, 'subject' | 'preheader' | 'html' | 'text'>> {
  const top = edition.stories[0];
  const subject = editionSubject(edition.stories, settings);
  const preheader = truncate(top ? (top.summary[0] ?? top.title) : '', 140);
  const view: DigestView = {
    subject,
    preheader,
    dateLabel: editionDateLabel(edition.cutoff),
    stories: edition.stories,
    webUrl: linkTo(settings, `/editions/${edition.id}`),
    links: linkPlaceholders(edition.placeholderNonce),
    moreCount: edition.moreStories.length,
    localTimes: localTimePlaceholders(edition.placeholderNonce),
    storyLinks: storyLinkPrefix(edition.placeholderNonce),
  };
  if (edition.withdrawn?.length) view.withdrawnCount = edition.withdrawn.length;
  if (options.testCopy) view.testCopy = true;
  const { html, text } = await renderer.renderDigest(view);
  return { subject, preheader, html, text };
}

/**
 * RFC 5322 atoms separated by single spaces: a phrase that needs no quotes. Quotes only when a
 * special (`.`, `,`, `:`, `(`...) asks for them, since some MIME writers (nodemailer, in the
 * local emulator) turn any value holding `"` into an encoded word that filters then cannot match.
 */
const ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?: [A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

/**
 * RFC 2919 List-Id: the digest's name as the phrase and a label under the sender's domain, so
 * mail filters and Gmail's list handling recognise every edition as one list.
 */
export function listIdHeader(settings: Pick<Settings, 'digestName' | 'mailFrom'>): string {
  const address = /<([^<>]+)>\s*$/.exec(settings.mailFrom)?.[1] ?? settings.mailFrom;
  const domain =
    (address.split('@').pop() ?? 'localhost')
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9.-]/g, '') || 'localhost';
  const label =
    settings.digestName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'digest';
  const phrase = settings.digestName
    .replace(/["\\\r\n]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // A header phrase outside printable ASCII would need RFC 2047 encoding; the id alone is enough.
  if (phrase === '' || !/^[\x20-\x7e]+$/.test(phrase)) return `<${label}.${domain}>`;
  return `${ATOMS.test(phrase) ? phrase : `"${phrase}"`} <${label}.${domain}>`;
}

/** Headers every reader of an edition gets alike; the per-reader List-Unsubscribe pair is added per send. */
export function editionHeaders(settings: Pick<Settings, 'digestName' | 'mailFrom' | 'replyTo'>): OutgoingEmail['headers'] {
  return [{ name: 'List-Id', value: listIdHeader(settings) }, ...(settings.replyTo ? [{ name: 'Reply-To', value: settings.replyTo }] : [])];
}

/** Who an edition is personalised for; a bare address reads times in UTC with version-0 links. */
export interface EditionRecipient {
  email: string;
  timezone?: string;
  tokenVersion?: number;
}

/** One reader's substitution: the template data and headers that personalise the edition for them. */
export interface RecipientSubstitution {
  to: string;
  /** ReplacementTemplateData for SES; `fillTemplate` with it renders the same copy here. */
  data: Record<string, string>;
  /** RFC 8058 one-click unsubscribe. */
  headers: { name: string; value: string }[];
}

/**
 * The one per-recipient step, shared by the bulk sender and every copy rendered here (preview,
 * test send): signed links and story times in the reader's zone as template data, plus the
 * RFC 8058 headers.
 */
export function recipientSubstitution(
  edition: Edition,
  recipient: EditionRecipient,
  now: Date,
  settings: Settings,
  /** `links`: the reader's links only; a bulk call passes the zone's data once for all its readers (zoneTemplateData). */
  scope: 'all' | 'links' = 'all',
  /** The send mailing it: its unsubscribe link then names the send and edition, so an unsubscribe counts for them. */
  send?: string,
): RecipientSubstitution {
  const { email, timezone = 'UTC', tokenVersion = 0 } = recipient;
  const origin = send === undefined ? undefined : { send, editionId: edition.id };
  const unsubscribeUrl = linkTo(
    settings,
    '/unsubscribe',
    signToken({ secret: settings.tokenSecret, purpose: 'unsubscribe', email, now, ...(origin ? { origin } : {}) }),
  );
  // The manage link carries the reader's tokenVersion, so it lives until they sign out of old links.
  const preferencesUrl = linkTo(
    settings,
    '/preferences',
    signToken({ secret: settings.tokenSecret, purpose: 'preferences', email, now, version: tokenVersion }),
  );
  return {
    to: email,
    data:
      scope === 'all'
        ? recipientTemplateData(edition, { unsubscribeUrl, preferencesUrl, timezone, now })
        : linkTemplateData({ unsubscribeUrl, preferencesUrl }),
    headers: [
      { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ...editionHeaders(settings),
    ],
  };
}

/** One reader's email rendered here, through exactly the substitution the bulk sender hands SES. */
export function personaliseEdition(edition: Edition, recipient: EditionRecipient, now: Date, settings: Settings): OutgoingEmail {
  const { to, data, headers } = recipientSubstitution(edition, recipient, now, settings);
  const template = editionTemplate(edition);
  return {
    from: settings.mailFrom,
    to,
    subject: fillTemplate(template.subject, template.defaults, data),
    html: fillTemplate(template.html, template.defaults, data),
    text: fillTemplate(template.text, template.defaults, data),
    headers,
  };
}
