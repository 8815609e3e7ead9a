/**
 * A page's main text with Mozilla Readability on linkedom (a DOM without a browser: fast, small,
 * no native parts, unlike jsdom). CPU-bound and attacker-shaped, so it runs off the main thread
 * (off-thread.ts) and refuses a page nested deeper than any article before parsing it.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { FeedFetchError } from '../../core/sources/index.ts';
import { decodeFeed } from './charset.ts';
import { nestingDepth } from './html-depth.ts';

type ReadableDocument = ConstructorParameters<typeof Readability>[0];

/** Deeper than real articles by far (a few dozen levels), shallow enough for Readability to finish within a second. */
export const MAX_PAGE_DEPTH = 400;

/** The main text of an HTML page's bytes; undefined when Readability finds none. */
export function extractArticleText(body: Uint8Array, contentType: string | undefined): string | undefined {
  const html = decodeFeed(body, contentType);
  const depth = nestingDepth(html, MAX_PAGE_DEPTH);
  if (depth > MAX_PAGE_DEPTH)
    throw new FeedFetchError(`the page nests its elements more than ${MAX_PAGE_DEPTH} deep; not read`, 'too-large');
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as ReadableDocument, { charThreshold: 200 }).parse();
  const text = article?.textContent?.trim();
  return text ? text : undefined;
}
