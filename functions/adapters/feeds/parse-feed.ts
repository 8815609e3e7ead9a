/**
 * Feed bytes -> ParsedFeed. feedsmith parses RSS 0.9x/2.0 (content:encoded, Dublin Core), RSS 1.0
 * (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1 into typed objects; documents it refuses for lacking
 * what its schema requires (an RSS 1.0 channel without items, an Atom 0.3 feed with only a
 * copyright) are read again by our own mapping on fast-xml-parser, so a sparse feed still yields
 * what it has. Anything else is "not a feed". Relative links resolve against xml:base, else the
 * URL the feed was fetched from.
 */
import { parseFeed as feedsmithParse } from 'feedsmith';
import { FeedFetchError, type FeedEntry, type FeedParser, type ParsedFeed } from '../../core/sources/index.ts';
import { decodeFeed } from './charset.ts';
import { fallbackParse } from './fallback-parse.ts';
import { first, resolveLink, textOf } from './feed-values.ts';
import { leadingStartTags, looksLikeHtml, type StartTag, withoutDoctype } from './xml-safety.ts';

type Loose = Record<string, unknown>;

const asList = (value: unknown): Loose[] =>
  Array.isArray(value) ? (value as Loose[]) : value && typeof value === 'object' ? [value as Loose] : [];
const strings = (values: unknown[]): string[] =>
  values.map(textOf).filter((value): value is string => value !== undefined && value.trim() !== '');
const dcDate = (item: Loose): unknown => {
  const dc = item.dc as Loose | undefined;
  return dc?.date ?? first(dc?.dates);
};

function rssEntry(item: Loose, base: string): FeedEntry {
  const guid = item.guid as Loose | undefined;
  const content = item.content as Loose | undefined;
  const dc = item.dc as Loose | undefined;
  const guidValue = textOf(guid?.value ?? guid);
  const permalink = guid?.isPermaLink !== false && guidValue !== undefined && /^https?:\/\//i.test(guidValue) ? guidValue : undefined;
  return {
    title: textOf(item.title ?? dc?.title ?? first(dc?.titles)),
    link: resolveLink(textOf(item.link) ?? permalink, base),
    guid: guidValue ?? textOf((item.rdf as Loose | undefined)?.about),
    content: textOf(content?.encoded),
    summary: textOf(item.description),
    published: textOf(item.pubDate ?? dcDate(item)),
    categories: [...strings(asList(item.categories).map((category) => category.name)), ...strings(asList(dc?.subjects))],
  };
}

function atomLink(links: unknown, base: string): string | undefined {
  const all = asList(links).filter((link) => typeof link.href === 'string');
  const alternate = all.find((link) => link.rel === undefined || link.rel === 'alternate') ?? all[0];
  return resolveLink(alternate?.href as string | undefined, base);
}

function atomEntry(entry: Loose, base: string): FeedEntry {
  return {
    title: textOf(entry.title),
    link: atomLink(entry.links, base),
    guid: textOf(entry.id),
    content: textOf(entry.content),
    summary: textOf(entry.summary),
    published: textOf(entry.published ?? entry.updated ?? entry.issued ?? entry.modified ?? entry.created),
    categories: strings(asList(entry.categories).map((category) => category.label ?? category.term)),
  };
}

function jsonEntry(item: Loose, base: string): FeedEntry {
  return {
    title: textOf(item.title),
    link: resolveLink(textOf(item.url ?? item.external_url), base),
    guid: textOf(item.id),
    content: textOf(item.content_html ?? item.content_text),
    summary: textOf(item.summary),
    published: textOf(item.date_published ?? item.date_modified),
    categories: strings(Array.isArray(item.tags) ? item.tags : []),
    ...(typeof item.language === 'string' && { language: item.language }),
    ...(typeof item.image === 'string' && { imageUrl: resolveLink(item.image, base) }),
  };
}

const FEED_ROOTS = new Set(['rss', 'feed', 'rdf:RDF', 'RDF', 'channel']);

/** The xml:base of the root element, or of an RSS or RDF root's channel, resolved against the fetched URL. */
function xmlBase(leading: readonly StartTag[], url: string): string {
  const declared = leading
    .filter((tag) => FEED_ROOTS.has(tag.name))
    .find((tag) => tag.attributes.has('xml:base'))
    ?.attributes.get('xml:base');
  return (declared !== undefined && declared !== '' && URL.parse(declared, url)?.href) || url;
}

const XML_BASE_ATTRIBUTE = /\sxml:base\s*=\s*["']([^"']+)["']/i;
// `<` never appears inside a tag, so each attempt stops at the next one: linear over the body.
const ENTRY_TAG = /<(?:[A-Za-z][\w.-]*:)?entry\b([^<>]*)>/g;
const ITEM_TAG = /<(?:[A-Za-z][\w.-]*:)?item\b([^<>]*)>/g;

/**
 * Each entry's own base: an Atom `<entry xml:base>` (or RSS `<item xml:base>`) resolved against
 * the feed's. The parser does not keep the attribute, so the opening tags are read in document
 * order; when their count differs from the parser's entries (markup in CDATA, say), all take the
 * feed's base.
 */
function entryBases(xml: string, tag: 'entry' | 'item', count: number, feedBase: string): (index: number) => string {
  const opening = tag === 'entry' ? ENTRY_TAG : ITEM_TAG;
  const bases = [...xml.matchAll(opening)].map((match) => {
    const own = XML_BASE_ATTRIBUTE.exec(match[1] ?? '')?.[1];
    return (own !== undefined && URL.parse(own, feedBase)?.href) || feedBase;
  });
  return bases.length === count ? (index) => bases[index]! : () => feedBase;
}

function fromFeedsmith(document: string, url: string, base: string): ParsedFeed {
  const parsed = feedsmithParse(document);
  const feed = parsed.feed as Loose;
  const language = textOf(feed.language ?? (feed.dc as Loose | undefined)?.language);
  const common = { title: textOf(feed.title), ...(language !== undefined && { language }) };
  switch (parsed.format) {
    case 'rss':
    case 'rdf': {
      const items = asList(feed.items);
      const baseOf = entryBases(document, 'item', items.length, base);
      return { format: parsed.format, ...common, entries: items.map((item, index) => rssEntry(item, baseOf(index))) };
    }
    case 'atom': {
      const entries = asList(feed.entries);
      const baseOf = entryBases(document, 'entry', entries.length, base);
      return { format: 'atom', ...common, entries: entries.map((entry, index) => atomEntry(entry, baseOf(index))) };
    }
    case 'json':
      return { format: 'json', ...common, entries: asList(feed.items).map((item) => jsonEntry(item, base)) };
  }
}

const ATOM_03_NAMESPACE = 'http://purl.org/atom/ns#';

/** Parses a decoded feed document; throws FeedFetchError('not-a-feed') for anything that is not one. */
export function parseFeedText(text: string, url: string): ParsedFeed {
  const document = withoutDoctype(text.replace(/^\uFEFF/, ''));
  const trimmed = document.trimStart();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new FeedFetchError('not a feed: the body is neither XML nor valid JSON', 'not-a-feed', undefined, { cause: error });
    }
    try {
      return fromFeedsmith(json as never, url, url);
    } catch (error) {
      throw new FeedFetchError('not a feed: JSON, but not a JSON Feed (https://jsonfeed.org)', 'not-a-feed', undefined, { cause: error });
    }
  }
  // Atom 0.3 has content modes (base64, escaped) that feedsmith, reading it as Atom 1.0, does not know.
  // The root and, for RSS and RDF, the channel: sniffing reads these two tags, never the whole body.
  const leading = leadingStartTags(document, 2);
  const base = xmlBase(leading, url);
  if (leading[0]?.name === 'feed' && leading[0].attributes.get('xmlns') === ATOM_03_NAMESPACE) {
    const atom03 = fallbackParse(document, base);
    if (atom03) return atom03;
  }
  try {
    return fromFeedsmith(document, url, base);
  } catch (error) {
    const fallback = fallbackParse(document, base);
    if (fallback) return fallback;
    const kind = looksLikeHtml(text) ? 'an HTML page' : 'no RSS, Atom or JSON Feed document';
    throw new FeedFetchError(`not a feed: ${kind}`, 'not-a-feed', undefined, { cause: error });
  }
}

/** On the calling thread: the poller uses offThreadFeedParser (off-thread.ts), which runs this in a worker. */
export const feedParser = {
  parse: (body: Uint8Array, contentType: string | undefined, url: string): ParsedFeed => parseFeedText(decodeFeed(body, contentType), url),
} satisfies FeedParser;
