/**
 * OPML, the list every feed reader imports and exports, through feedsmith. An outline with an
 * xmlUrl is a feed; its folders and its `category` attribute become topics.
 */
import { generateOpml, parseOpml } from 'feedsmith';
import { displayName, type Source } from '../../core/sources/index.ts';
import { withoutDoctype } from './xml-safety.ts';

export interface OpmlFeed {
  url: string;
  name?: string;
  topics: string[];
}

interface Outline {
  text?: string;
  title?: string;
  xmlUrl?: string;
  category?: string;
  outlines?: Outline[];
}

function categories(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .flatMap((path) => path.split('/'))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function collect(outlines: Outline[] | undefined, folders: string[], into: OpmlFeed[]): void {
  for (const outline of outlines ?? []) {
    const label = (outline.title ?? outline.text)?.trim();
    if (outline.xmlUrl) {
      into.push({
        url: outline.xmlUrl.trim(),
        ...(label && { name: label }),
        topics: [...new Set([...folders, ...categories(outline.category)])],
      });
    }
    collect(outline.outlines, label && !outline.xmlUrl ? [...folders, label] : folders, into);
  }
}

/** Every feed an OPML document lists, in order. Throws feedsmith's ParseError for a document that is not OPML. */
export function readOpml(text: string): OpmlFeed[] {
  const document = parseOpml(withoutDoctype(text.replace(/^\uFEFF/, ''))) as { body?: { outlines?: Outline[] } };
  const feeds: OpmlFeed[] = [];
  collect(document.body?.outlines, [], feeds);
  return feeds;
}

export function writeOpml(sources: readonly Source[], title: string): string {
  return generateOpml({
    head: { title },
    body: {
      outlines: sources.map((source) => ({
        text: displayName(source),
        title: displayName(source),
        type: 'rss',
        xmlUrl: source.url,
        ...(source.topics.length > 0 && { category: source.topics.join(',') }),
      })),
    },
  }) as string;
}
