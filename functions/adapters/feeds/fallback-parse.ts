/**
 * Our own mapping of RSS, RDF and Atom on fast-xml-parser, for documents feedsmith refuses
 * because a part its schema requires is missing. Namespace prefixes are dropped (`content:encoded`
 * is `encoded`, `rdf:RDF` is `RDF`); the DOCTYPE is already gone (xml-safety.ts), so only the five
 * XML entities and character references are decoded.
 */
import { XMLParser } from 'fast-xml-parser';
import type { FeedEntry, ParsedFeed } from '../../core/sources/index.ts';
import { first, resolveLink, textOf } from './feed-values.ts';

type Loose = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ['item', 'entry', 'link', 'category', 'subject'].includes(name),
});

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const texts = (values: unknown[]): string[] =>
  values
    .map((value) => textOf((value as Loose)?.['@term'] ?? value))
    .filter((value): value is string => value !== undefined && value.trim() !== '');

/** Atom 0.3's `mode="base64"` content, decoded; other values as text. */
function atomText(value: unknown): string | undefined {
  const node = first(value) as Loose | string | undefined;
  if (node && typeof node === 'object' && node['@mode'] === 'base64') {
    const encoded = textOf(node['#text']);
    return encoded === undefined ? undefined : Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return textOf(node);
}

function rssItem(item: Loose, base: string): FeedEntry {
  const guid = textOf(item.guid);
  return {
    title: textOf(item.title),
    link: resolveLink(textOf(item.link), base),
    guid: guid ?? textOf(item['@about']),
    content: textOf(item.encoded),
    summary: textOf(item.description),
    published: textOf(item.pubDate ?? item.date),
    categories: texts([...list(item.category), ...list(item.subject)]),
  };
}

function atomEntry(entry: Loose, base: string): FeedEntry {
  const links = list(entry.link) as Loose[];
  const alternate = links.find((link) => link['@rel'] === undefined || link['@rel'] === 'alternate') ?? links[0];
  return {
    title: atomText(entry.title),
    link: resolveLink(textOf(alternate?.['@href']), base),
    guid: textOf(entry.id),
    content: atomText(entry.content),
    summary: atomText(entry.summary),
    published: textOf(entry.published ?? entry.issued ?? entry.created ?? entry.updated ?? entry.modified),
    categories: texts(list(entry.category)),
  };
}

/** The feed, or undefined when the document is not RSS, RDF or Atom at all. */
export function fallbackParse(xml: string, base: string): ParsedFeed | undefined {
  let document: Loose;
  try {
    document = parser.parse(xml) as Loose;
  } catch {
    return undefined;
  }
  const rss = document.rss as Loose | undefined;
  if (rss !== undefined || document.channel !== undefined) {
    const channel = ((rss?.channel ?? document.channel) as Loose | undefined) ?? {};
    return { format: 'rss', title: textOf(channel.title), entries: list(channel.item).map((item) => rssItem(item as Loose, base)) };
  }
  const rdf = document.RDF as Loose | undefined;
  if (rdf !== undefined) {
    const channel = (rdf.channel as Loose | undefined) ?? {};
    const items = [...list(rdf.item), ...list(channel.item)];
    return { format: 'rdf', title: textOf(channel.title), entries: items.map((item) => rssItem(item as Loose, base)) };
  }
  const feed = document.feed as Loose | undefined;
  if (feed !== undefined) {
    return { format: 'atom', title: atomText(feed.title), entries: list(feed.entry).map((entry) => atomEntry(entry as Loose, base)) };
  }
  return undefined;
}
