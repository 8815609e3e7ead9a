/**
 * Feed entries -> the items POST /articles takes. Only what a feed commonly gets wrong in form is
 * repaired here (RFC 822 dates, titles across lines, relative or non-http links, too many
 * categories); everything else is left to ingest's own validation, so an entry that breaks a rule
 * is rejected with the same field and reason a publisher's item would be.
 */
import { htmlToPlainText, plainLine } from '../shared/index.ts';
import { entryTopics } from './topics.ts';
import type { FeedEntry } from './types.ts';

/** An http(s) URL without credentials, or nothing: a link is optional, a `javascript:` one is dropped. */
export function httpLink(value: string | undefined, base?: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const url = URL.parse(value.trim(), base);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return undefined;
  return url.href.length > 2048 ? undefined : url.href;
}

/** Any date Date.parse reads (RFC 822 in RSS, RFC 3339 in Atom and JSON Feed) as ISO-8601 UTC; otherwise none. */
export function isoDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A title or source on one line, entities and tags gone; the raw value when that fails, for ingest to refuse by name. */
function oneLine(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return plainLine(value);
  } catch {
    return value;
  }
}

const LANGUAGE = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

export function articleItem(
  entry: FeedEntry,
  source: { name: string; topics: readonly string[] },
  feedLanguage?: string,
): Record<string, unknown> {
  const language = entry.language ?? feedLanguage;
  const guid = entry.guid === undefined ? undefined : oneLine(entry.guid)?.slice(0, 2048);
  const publishedAt = isoDate(entry.published);
  const imageUrl = httpLink(entry.imageUrl);
  const url = httpLink(entry.link);
  return {
    title: oneLine(entry.title),
    body: entry.content,
    summary: entry.summary,
    source: source.name,
    topics: entryTopics(source.topics, entry.categories),
    ...(url !== undefined && { url }),
    ...(guid && { guid }),
    ...(publishedAt !== undefined && { publishedAt }),
    ...(imageUrl !== undefined && { imageUrl }),
    ...(language !== undefined && LANGUAGE.test(language.trim()) && { language: language.trim() }),
  };
}

const words = new Intl.Segmenter('und', { granularity: 'word' });

/** Words of plain text, Chinese and Japanese included (the segmenter knows where their words end). */
export function countWords(text: string): number {
  let count = 0;
  for (const segment of words.segment(text)) if (segment.isWordLike) count += 1;
  return count;
}

/** The entry's text as a reader would get it, or '' when its markup is beyond what we convert. */
export function entryText(entry: FeedEntry): string {
  try {
    return htmlToPlainText(entry.content ?? '') || htmlToPlainText(entry.summary ?? '');
  } catch {
    return '';
  }
}
