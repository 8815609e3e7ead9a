/**
 * The click redirect, on the reader's path: open the sealed link, read the edition (the one
 * read), answer with the story's URL as the stored edition has it, and hand the click to the
 * queue to be counted later. The target is never taken from the link: a link names a story of an
 * edition, and only a URL of that edition can come out. A link whose story has been withdrawn
 * (or whose edition is gone) answers 404.
 *
 * Mail security scanners follow every link of a message within seconds of delivery, often with
 * HEAD: neither a HEAD nor a GET sooner than MIN_CLICK_DELAY_MS after the digest was sent is put
 * on the queue. Bursts over several links of one message are told apart by the counter
 * (count-click.ts), which sees the clicks of one message together.
 */
import type { EditionStore, Story } from '../edition/index.ts';
import { type Clock, InvalidTokenError, type Settings, type ToleratedFailure } from '../shared/index.ts';
import { type ClickClaims, openClick, storyTag } from './click-token.ts';
import { ClickTargetNotFoundError } from './errors.ts';
import type { ClickQueue } from './ports.ts';

/** No reader opens a message and clicks in less: a click this soon after sending is a scanner's. */
export const MIN_CLICK_DELAY_MS = 30_000;

/** The shape of a click token before any crypto work: base64url, about 100-200 characters. */
const CLICK_TOKEN = /^[A-Za-z0-9_-]{40,400}$/;

export interface FollowClickDeps {
  editions: Pick<EditionStore, 'get'>;
  clicks: ClickQueue;
  clock: Clock;
  settings: Pick<Settings, 'tokenSecret'>;
}

/** Why a click was not put on the queue; `queued` when it was. */
export type ClickDisposition = 'queued' | 'head' | 'too-early' | 'queue-failed';

export interface FollowedClick {
  location: string;
  disposition: ClickDisposition;
  failures: ToleratedFailure[];
}

/** The story a link was made for: where it was, or where a withdrawal moved it; undefined once it is gone. */
function storyOf(stories: readonly Story[], claims: ClickClaims): Story | undefined {
  const at = stories[claims.story];
  if (at !== undefined && storyTag(at.articleId) === claims.storyTag) return at;
  return stories.find((story) => storyTag(story.articleId) === claims.storyTag);
}

function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url);
}

export async function followClick(token: unknown, method: string, deps: FollowClickDeps): Promise<FollowedClick> {
  if (typeof token !== 'string' || !CLICK_TOKEN.test(token)) throw new InvalidTokenError('The link is malformed.', 'malformed');
  const claims = openClick(deps.settings.tokenSecret, token);
  const edition = await deps.editions.get(claims.editionId);
  const story = edition === undefined ? undefined : storyOf(edition.stories, claims);
  if (story?.url === undefined || !isWebUrl(story.url)) throw new ClickTargetNotFoundError('This story is no longer in the digest.');
  const now = deps.clock.now();
  const result: FollowedClick = { location: story.url, disposition: 'queued', failures: [] };
  if (method.toUpperCase() === 'HEAD') result.disposition = 'head';
  else if (now.getTime() - claims.sentAt * 1000 < MIN_CLICK_DELAY_MS) result.disposition = 'too-early';
  else {
    try {
      await deps.clicks.enqueue({ token, at: now.toISOString() });
    } catch (error) {
      // The reader still gets their story: an uncounted click costs less than a broken link.
      result.disposition = 'queue-failed';
      result.failures.push({ what: 'click not queued for counting', cause: error });
    }
  }
  return result;
}
