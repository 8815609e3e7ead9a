import { describe, expect, it } from 'vitest';
import type { Edition, Story } from '../../../../functions/core/edition/types.ts';
import {
  BURST_WINDOW_MS,
  type ClickCounter,
  type ClickMarkers,
  type ClickMessage,
  ClickTargetNotFoundError,
  countClick,
  followClick,
  openClick,
  sealClick,
  storyTag,
  type StoryClick,
} from '../../../../functions/core/engagement/index.ts';
import { clickLinkData } from '../../../../functions/core/engagement/click-links.ts';
import { InvalidTokenError } from '../../../../functions/core/shared/errors.ts';
import { FakeClock, testSettings } from '../../../support/fakes.ts';

const settings = testSettings();
const SENT_AT = '2026-11-26T07:00:00.000Z';
const EDITION_ID = '20261126T070000-20261125T070000-t0123456789';

function story(articleId: string, url?: string): Story {
  return { articleId, title: articleId, url, source: 'S', ingestedAt: SENT_AT, topics: [], summary: [], alsoIn: [] };
}

function edition(stories: Story[]): Edition {
  return {
    id: EDITION_ID,
    since: '2026-11-25T07:00:00.000Z',
    cutoff: SENT_AT,
    createdAt: SENT_AT,
    subject: 's',
    preheader: '',
    stories,
    moreStories: [],
    html: '',
    text: '',
    placeholderNonce: 'n',
    status: 'sending',
    recipients: 1,
  };
}

const STORIES = [story('a', 'https://news.example/a'), story('b', 'https://news.example/b?x=1&y=2'), story('c')];

function linkToken(index: number, overrides: Partial<Parameters<typeof sealClick>[1]> = {}): string {
  return sealClick(settings.tokenSecret, {
    editionId: EDITION_ID,
    story: index,
    storyTag: storyTag(STORIES[index]!.articleId),
    send: 'now-0f8fad5b-d9cb-469f-a165-70867728950e',
    email: 'reader@example.com',
    sentAt: Date.parse(SENT_AT) / 1000,
    ...overrides,
  });
}

class RecordingQueue {
  readonly messages: ClickMessage[] = [];
  async enqueue(message: ClickMessage): Promise<void> {
    this.messages.push(message);
  }
}

function redirectDeps(stories: Story[] = STORIES, at = '2026-11-26T07:00:31.000Z') {
  const stored = edition(stories);
  const clicks = new RecordingQueue();
  return {
    clicks,
    deps: { editions: { get: async (id: string) => (id === stored.id ? stored : undefined) }, clicks, clock: new FakeClock(at), settings },
  };
}

describe('click link tokens', () => {
  it('round-trip every claim, for hourly, send-now and other send ids, and read as random characters', () => {
    for (const send of ['hourly-1795676400000', 'now-0f8fad5b-d9cb-469f-a165-70867728950e', 'custom-send-7']) {
      const token = linkToken(1, { send });
      expect(openClick(settings.tokenSecret, token)).toEqual({
        editionId: EDITION_ID,
        story: 1,
        storyTag: storyTag('b'),
        send,
        email: 'reader@example.com',
        sentAt: Date.parse(SENT_AT) / 1000,
      });
      expect(token).not.toMatch(/reader|example|now-|hourly/);
    }
  });

  it('stay short: under 140 characters for a send-now link to a topic variant and a 30-character address', () => {
    const token = linkToken(0, { email: 'a.reader.with.30.chars@ex.com' });
    console.log(`[click link] token of ${token.length} characters`);
    expect(token.length).toBeLessThan(140);
  });

  it('refuse any changed character, a truncation or an extension', () => {
    const token = linkToken(0);
    for (let at = 0; at < token.length; at += 1) {
      const changed = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
      expect(() => openClick(settings.tokenSecret, changed), `position ${at}`).toThrow(InvalidTokenError);
    }
    expect(() => openClick(settings.tokenSecret, token.slice(0, -1))).toThrow(InvalidTokenError);
    expect(() => openClick(settings.tokenSecret, `${token}A`)).toThrow(InvalidTokenError);
  });

  it('are keyed apart from reader links: the same secret never opens one as the other', async () => {
    const { signToken, verifyToken } = await import('../../../../functions/core/shared/tokens.ts');
    const unsubscribe = signToken({ secret: settings.tokenSecret, purpose: 'unsubscribe', email: 'reader@example.com', now: new Date() });
    expect(() => openClick(settings.tokenSecret, unsubscribe)).toThrow(InvalidTokenError);
    expect(() => verifyToken(settings.tokenSecret, linkToken(0), 'unsubscribe', new Date())).toThrow(InvalidTokenError);
  });

  it("override each linked story's placeholder with the reader's link, escaped for the HTML part", () => {
    const data = clickLinkData(
      edition(STORIES),
      { email: 'reader@example.com', send: 'hourly-1', sentAt: new Date(SENT_AT) },
      { ...settings, publicUrl: 'https://digest.example/x?y&z' },
    );
    expect(Object.keys(data).sort()).toEqual(['hs0', 'hs1', 'ts0', 'ts1']);
    expect(data.ts0).toMatch(/^https:\/\/digest\.example\/x\?y&z\/c\/[A-Za-z0-9_-]+$/);
    expect(data.hs0).toBe(data.ts0!.replace('&', '&amp;'));
  });
});

describe('the click redirect', () => {
  it("answers with the stored story's URL and queues a GET 30 s or more after sending", async () => {
    const { deps, clicks } = redirectDeps();
    const token = linkToken(1);
    const click = await followClick(token, 'GET', deps);
    expect(click).toMatchObject({ location: 'https://news.example/b?x=1&y=2', disposition: 'queued' });
    expect(clicks.messages).toEqual([{ token, at: '2026-11-26T07:00:31.000Z' }]);
  });

  it('answers HEAD and clicks sooner than 30 s after sending without queueing them', async () => {
    const early = redirectDeps(STORIES, '2026-11-26T07:00:29.999Z');
    expect((await followClick(linkToken(0), 'GET', early.deps)).disposition).toBe('too-early');
    const head = redirectDeps();
    expect((await followClick(linkToken(0), 'HEAD', head.deps)).disposition).toBe('head');
    expect([...early.clicks.messages, ...head.clicks.messages]).toEqual([]);
  });

  it('follows a story a withdrawal moved, and refuses one withdrawn, an unknown edition, a story without URL', async () => {
    const moved = redirectDeps([STORIES[1]!, STORIES[2]!]);
    expect((await followClick(linkToken(1), 'GET', moved.deps)).location).toBe('https://news.example/b?x=1&y=2');
    await expect(followClick(linkToken(0), 'GET', moved.deps)).rejects.toThrow(ClickTargetNotFoundError);
    await expect(followClick(linkToken(2), 'GET', redirectDeps().deps)).rejects.toThrow(ClickTargetNotFoundError);
    const otherEdition = sealClick(settings.tokenSecret, {
      ...openClick(settings.tokenSecret, linkToken(0)),
      editionId: '20261127T070000-20261126T070000',
    });
    await expect(followClick(otherEdition, 'GET', redirectDeps().deps)).rejects.toThrow(ClickTargetNotFoundError);
  });

  it('refuses a tampered or hand-made link before reading anything', async () => {
    const { deps } = redirectDeps();
    let reads = 0;
    const counting = { ...deps, editions: { get: async () => (reads++, undefined) } };
    for (const token of [
      undefined,
      '',
      'x',
      `${linkToken(0)}A`,
      'https://evil.example',
      linkToken(0).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    ]) {
      await expect(followClick(token, 'GET', counting)).rejects.toThrow(InvalidTokenError);
    }
    expect(reads).toBe(0);
  });

  it('still redirects when the queue fails, reporting it', async () => {
    const { deps } = redirectDeps();
    const click = await followClick(linkToken(0), 'GET', { ...deps, clicks: { enqueue: async () => Promise.reject(new Error('down')) } });
    expect(click.disposition).toBe('queue-failed');
    expect(click.failures).toHaveLength(1);
  });
});

/** The markers and counters as the Dynamo adapters keep them, in memory. */
function counting() {
  const markers = new Map<
    string,
    { lastAt?: number; lastStory?: number; counted?: { story: number; at: number } | undefined; first: Map<number, number> }
  >();
  const totals = new Map<string, number>();
  const bump = (click: StoryClick, by: number) => {
    const key = `${click.editionId}#${click.story}`;
    totals.set(`clicks ${key}`, (totals.get(`clicks ${key}`) ?? 0) + by);
    if (click.unique) totals.set(`unique ${key}`, (totals.get(`unique ${key}`) ?? 0) + by);
  };
  const counter: ClickCounter = { recordClick: async (c) => bump(c, 1), retractClick: async (c) => bump(c, -1) };
  // The Dynamo adapter's conditional writes, one at a time as DynamoDB applies them to one item.
  const clickMarkers: ClickMarkers = {
    mark: async (message, click, windowMs) => {
      const marker = markers.get(message) ?? { first: new Map<number, number>() };
      markers.set(message, marker);
      const { lastAt, lastStory } = marker;
      if (lastAt === undefined || lastStory === click.story || Math.abs(lastAt - click.at) >= windowMs) {
        Object.assign(marker, { lastAt: click.at, lastStory: click.story, counted: { story: click.story, at: click.at } });
        const unique = !marker.first.has(click.story);
        if (unique) marker.first.set(click.story, click.at);
        return { counted: true, unique };
      }
      const counted = marker.counted;
      Object.assign(marker, { lastAt: click.at, lastStory: click.story, counted: undefined });
      if (counted === undefined) return { counted: false };
      const unique = marker.first.get(counted.story) === counted.at;
      if (unique) marker.first.delete(counted.story);
      return { counted: false, retract: { story: counted.story, unique } };
    },
  };
  const lastClicked = new Map<string, string>();
  const deps = {
    counter,
    markers: clickMarkers,
    readers: { recordClick: async (email: string, at: string) => void lastClicked.set(email, at) },
    clock: new FakeClock(SENT_AT),
    settings,
  };
  const total = (story: number) => totals.get(`clicks ${EDITION_ID}#${story}`) ?? 0;
  const unique = (story: number) => totals.get(`unique ${EDITION_ID}#${story}`) ?? 0;
  return { deps, total, unique, lastClicked };
}

const at = (seconds: number) => new Date(Date.parse(SENT_AT) + seconds * 1000).toISOString();

describe('counting clicks', () => {
  it("counts a reader's click on a story once as unique, again in the total only", async () => {
    const { deps, total, unique, lastClicked } = counting();
    expect(await countClick({ token: linkToken(0), at: at(60) }, deps)).toBe('unique');
    expect(await countClick({ token: linkToken(0), at: at(600) }, deps)).toBe('counted');
    expect([total(0), unique(0)]).toEqual([2, 1]);
    expect(lastClicked.get('reader@example.com')).toBe(at(600));
  });

  it("counts another reader's click on the same story as unique too", async () => {
    const { deps, unique } = counting();
    await countClick({ token: linkToken(0), at: at(60) }, deps);
    await countClick({ token: linkToken(0, { email: 'other@example.com' }), at: at(61) }, deps);
    expect(unique(0)).toBe(2);
  });

  it("takes back a scanner's burst over several links of one message, and counts a single click after it", async () => {
    const { deps, total, unique } = counting();
    const results = [];
    for (const [index, second] of [
      [0, 40],
      [1, 40.5],
      [0, 41],
    ] as const)
      results.push(await countClick({ token: linkToken(index), at: at(second) }, deps));
    expect(results).toEqual(['unique', 'burst', 'burst']);
    expect([total(0), unique(0), total(1), unique(1)]).toEqual([0, 0, 0, 0]);
    // The reader opens it later and clicks once: that always counts, as a first (unique) click.
    expect(await countClick({ token: linkToken(1), at: at(41 + BURST_WINDOW_MS / 1000 + 1) }, deps)).toBe('unique');
    expect([total(1), unique(1)]).toEqual([1, 1]);
  });

  it('drops a message whose token does not open', async () => {
    const { deps, total } = counting();
    expect(await countClick({ token: `${linkToken(0)}A`, at: at(60) }, deps)).toBe('invalid');
    expect(total(0)).toBe(0);
  });
});
