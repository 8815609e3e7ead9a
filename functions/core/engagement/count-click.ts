/**
 * Counting one click, off the reader's path (the click queue's consumer). Per message (one
 * reader's digest of one send) a short-lived marker keeps the latest click and the stories
 * already counted, so:
 *   - the first click on a story counts as unique, later ones as total only;
 *   - two different links of one message clicked within BURST_WINDOW_MS of each other are a
 *     scanner's burst: the later is not counted and the earlier, counted when it came alone, is
 *     taken back. A reader's single click, alone in its window, always counts.
 * The reader's "last clicked" time is set only while they are still subscribed: a click from a
 * reader who left or was erased counts in the totals and records nothing about them.
 */
import { type Clock, derivedKey, keyedHash, type Settings } from '../shared/index.ts';
import { openClick } from './click-token.ts';
import type { ClickCounter, ClickMarkers, ClickMessage, ReaderEngagement } from './ports.ts';

/** Clicks on different links of one message closer than this are a machine's. */
export const BURST_WINDOW_MS = 10_000;
/** How long a message's marker lives: unique clicks are per reader, story and send within this. */
export const CLICK_MARKER_TTL_SECONDS = 7 * 24 * 3600;

export interface CountClickDeps {
  counter: ClickCounter;
  markers: ClickMarkers;
  readers: ReaderEngagement;
  clock: Clock;
  settings: Pick<Settings, 'tokenSecret'>;
}

export type ClickCount = 'counted' | 'unique' | 'burst' | 'invalid';

/** The marker key of one reader's message: a keyed hash, so the table holds no address for it. */
export function messageKey(secret: string, send: string, email: string): string {
  return keyedHash(derivedKey(secret, 'click-marker'), `${send}\n${email.trim().toLowerCase()}`).slice(0, 32);
}

export async function countClick(message: ClickMessage, deps: CountClickDeps): Promise<ClickCount> {
  let claims;
  try {
    claims = openClick(deps.settings.tokenSecret, message.token);
  } catch {
    // The redirect opened it; only a rotated secret or a hand-made message gets here: nothing to count.
    return 'invalid';
  }
  const at = Date.parse(message.at);
  if (Number.isNaN(at)) return 'invalid';
  const key = messageKey(deps.settings.tokenSecret, claims.send, claims.email);
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + CLICK_MARKER_TTL_SECONDS;
  const marked = await deps.markers.mark(key, { at, story: claims.story }, BURST_WINDOW_MS, expiresAt);
  const click = { send: claims.send, editionId: claims.editionId, story: claims.story };
  if (!marked.counted) {
    if (marked.retract !== undefined) await deps.counter.retractClick({ ...click, ...marked.retract });
    return 'burst';
  }
  await deps.counter.recordClick({ ...click, unique: marked.unique });
  await deps.readers.recordClick(claims.email, message.at);
  return marked.unique ? 'unique' : 'counted';
}
