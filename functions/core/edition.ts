/** One edition: the stories of a time window, summarised and rendered once, then personalised per reader. */
import { createHmac } from 'node:crypto';
import type { DigestView, PersonalLinkSlots, Renderer } from '../ports.ts';
import { linkTo, type Settings } from './settings.ts';
import { summarise } from './summarise.ts';
import { defangLinks } from './text.ts';
import { signToken } from './tokens.ts';
import type { Article, Edition, OutgoingEmail, Story } from './types.ts';

const MAX_SUBJECT_LENGTH = 120;

/** yyyymmddTHHMMSS in UTC: short, sortable, safe in a URL path. */
function compactUtc(iso: string): string {
  return iso.slice(0, 19).replace(/[-:]/g, '');
}

/** The shape of an edition id, for validating ids that arrive from outside. */
export const EDITION_ID_PATTERN = /^[0-9]{8}T[0-9]{6}-[0-9]{8}T[0-9]{6}$/;

export function editionId(since: string, cutoff: string): string {
  return `${compactUtc(cutoff)}-${compactUtc(since)}`;
}

/**
 * Article text is shown, never linked: mail clients turn URLs and bare domains in text into
 * links, so the shown text has them defanged. Only the validated article URL becomes a link.
 */
export function toStory(article: Article): Story {
  return {
    articleId: article.id,
    title: defangLinks(article.title),
    url: article.url,
    source: defangLinks(article.source),
    publishedAt: article.publishedAt,
    ingestedAt: article.ingestedAt,
    topics: article.topics,
    summary: summarise({ title: article.title, text: article.text }).map(defangLinks),
    alsoIn: [],
  };
}

/** A publishedAt in the future (a typo, or a publisher gaming the order) counts as the ingest time. */
function storyTime(story: Pick<Story, 'publishedAt' | 'ingestedAt'>): number {
  const ingested = Date.parse(story.ingestedAt);
  return story.publishedAt ? Math.min(Date.parse(story.publishedAt), ingested) : ingested;
}

/** Newest first; publishedAt only orders, it never drops a story (sample articles can be months old). */
export function selectStories(articles: readonly Article[], maxStories: number): Story[] {
  // Order and cut first: summarising is the costly step, and only the stories shown need it.
  return [...articles]
    .sort((a, b) => storyTime(b) - storyTime(a) || a.title.localeCompare(b.title))
    .slice(0, maxStories)
    .map(toStory);
}

/** Cuts by code point, so an emoji or other astral character is never split in half. */
function truncate(text: string, max: number): string {
  const codePoints = Array.from(text);
  if (codePoints.length <= max) return text;
  return `${codePoints.slice(0, max - 1).join('').trimEnd()}…`;
}

export function placeholderSlots(nonce: string): PersonalLinkSlots {
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
  input: { since: string; cutoff: string; articles: readonly Article[]; createdAt: string },
  renderer: Renderer,
  settings: Settings,
): Promise<Edition> {
  const id = editionId(input.since, input.cutoff);
  const stories = selectStories(input.articles, settings.maxStories);
  const top = stories[0];
  const nonce = placeholderNonce(settings.tokenSecret, id);
  const subject = truncate(
    top ? `${settings.digestName}: ${top.title}` : settings.digestName,
    MAX_SUBJECT_LENGTH,
  );
  const preheader = truncate(top ? (top.summary[0] ?? top.title) : '', 140);
  const view: DigestView = {
    subject,
    preheader,
    dateLabel: new Intl.DateTimeFormat('en-GB', {
      timeZone: 'UTC',
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(new Date(input.cutoff)),
    stories,
    webUrl: linkTo(settings, `/editions/${id}`),
    links: placeholderSlots(nonce),
  };
  const { html, text } = await renderer.renderDigest(view);
  return {
    id,
    since: input.since,
    cutoff: input.cutoff,
    createdAt: input.createdAt,
    subject,
    preheader,
    stories,
    moreStories: [],
    html,
    text,
    placeholderNonce: nonce,
    status: 'planned',
    recipients: 0,
  };
}

function escapeAttribute(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fillSlots(content: string, slots: PersonalLinkSlots, links: PersonalLinkSlots): string {
  return content
    .replaceAll(slots.unsubscribeUrl, links.unsubscribeUrl)
    .replaceAll(slots.preferencesUrl, links.preferencesUrl);
}

/** The one per-recipient step: signed links into the rendered edition, plus the RFC 8058 headers. */
export function personaliseEdition(
  edition: Edition,
  recipient: string,
  now: Date,
  settings: Settings,
  /** The reader's tokenVersion, so the manage link survives until they sign out of old links. */
  tokenVersion = 0,
): OutgoingEmail {
  const links: PersonalLinkSlots = {
    unsubscribeUrl: linkTo(settings, '/unsubscribe', signToken(settings.tokenSecret, 'unsubscribe', recipient, now)),
    preferencesUrl: linkTo(settings, '/preferences', signToken(settings.tokenSecret, 'preferences', recipient, now, undefined, tokenVersion)),
  };
  const slots = placeholderSlots(edition.placeholderNonce);
  return {
    from: settings.mailFrom,
    to: recipient,
    subject: edition.subject,
    html: fillSlots(edition.html, slots, {
      unsubscribeUrl: escapeAttribute(links.unsubscribeUrl),
      preferencesUrl: escapeAttribute(links.preferencesUrl),
    }),
    text: fillSlots(edition.text, slots, links),
    headers: [
      { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
  };
}

/** The web version has no reader, so personal links point to the public pages instead. */
export function webEditionHtml(edition: Edition, settings: Pick<Settings, 'publicUrl'>): string {
  const home = escapeAttribute(`${settings.publicUrl}/`);
  return fillSlots(edition.html, placeholderSlots(edition.placeholderNonce), {
    unsubscribeUrl: home,
    preferencesUrl: home,
  });
}
