import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidTokenError, ValidationError } from '../../../../functions/core/shared/errors.ts';
import { RateLimitExceededError } from '../../../../functions/core/subscribers/errors.ts';
import {
  CONFIRM_RESEND_INTERVAL_MS,
  PENDING_LIFETIME_MS,
  requestSubscription,
  SUBSCRIBE_LIMIT_PER_ADDRESS,
  SUBSCRIBE_LIMIT_PER_IP,
  unsubscribe,
  type SubscriptionDeps,
} from '../../../../functions/core/subscribers/subscriptions.ts';
import { signToken, verifyToken } from '../../../../functions/core/shared/tokens.ts';
import { confirmLinkState, confirmSubscription } from '../../../../functions/core/subscribers/confirmation.ts';
import { readPreferences, signOutOfOldLinks } from '../../../../functions/core/subscribers/preference-centre.ts';
import {
  aSubscriber,
  FakeClock,
  FakeRenderer,
  MemoryDeliveryLedger,
  MemoryPersonalDataStore,
  MemoryRateLimiter,
  MemorySendStatsStore,
  MemorySubscriberStore,
  RecordingMailer,
  testSettings,
} from '../../../support/fakes.ts';

let subscribers: MemorySubscriberStore;
let mailer: RecordingMailer;
let clock: FakeClock;
let deps: SubscriptionDeps;
let personalData: MemoryPersonalDataStore;
let sendStats: MemorySendStatsStore;
/** What an unsubscribe needs: the links' deps and the send counters a digest's link adds to. */
const leaving = () => ({ ...deps, sendStats });

beforeEach(() => {
  subscribers = new MemorySubscriberStore();
  mailer = new RecordingMailer();
  clock = new FakeClock('2026-11-26T10:00:00.000Z');
  personalData = new MemoryPersonalDataStore(subscribers, new MemoryDeliveryLedger());
  sendStats = new MemorySendStatsStore();
  deps = {
    subscribers,
    mailer,
    renderer: new FakeRenderer(),
    clock,
    settings: testSettings(),
    limits: new MemoryRateLimiter(),
    personalData,
  };
});

const EMAIL = 'reader@example.com';
const token = (purpose: 'confirm' | 'unsubscribe' | 'preferences', email = EMAIL) =>
  signToken({ secret: deps.settings.tokenSecret, purpose, email, now: clock.now() });

/** The token in the confirmation link of a sent email, read from its plain-text part. */
function confirmTokenIn(text: string): string {
  const match = /https:\/\/digest\.example\/confirm\?token=(\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`no confirm link in: ${text}`);
  return decodeURIComponent(match[1]);
}

async function validationIssues(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.field);
}

async function tokenRefusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidTokenError);
  return (error as InvalidTokenError).reason;
}

describe('requestSubscription', () => {
  it('records a pending reader and mails one confirmation link that verifies for them', async () => {
    const { outcome } = await requestSubscription(
      { email: EMAIL, timezone: 'Europe/Berlin', sendHour: 6 },
      { ip: '203.0.113.9', userAgent: 'Test/1.0' },
      deps,
    );

    expect(outcome).toBe('confirmation-sent');
    expect(subscribers.peek(EMAIL)).toMatchObject({
      email: EMAIL,
      status: 'pending',
      timezone: 'Europe/Berlin',
      sendHour: 6,
      consent: { at: '2026-11-26T10:00:00.000Z', ip: '203.0.113.9', userAgent: 'Test/1.0' },
      confirmSentAt: '2026-11-26T10:00:00.000Z',
    });
    expect(mailer.sent).toHaveLength(1);
    const [email] = mailer.sent;
    expect(email).toMatchObject({ to: EMAIL, from: deps.settings.mailFrom });
    const confirmToken = confirmTokenIn(email!.text);
    expect(verifyToken(deps.settings.tokenSecret, confirmToken, 'confirm', clock.now())).toEqual({ email: EMAIL });
    expect((await confirmSubscription(confirmToken, deps)).outcome).toBe('confirmed');
  });

  it('uses UTC at 07:00 when the reader gives no zone or hour', async () => {
    await requestSubscription({ email: EMAIL, timezone: '', sendHour: null }, {}, deps);
    expect(subscribers.peek(EMAIL)).toMatchObject({ timezone: 'UTC', sendHour: 7, topics: [] });
  });

  it('stores the canonical zone name and accepts the hour as a form string', async () => {
    await requestSubscription({ email: EMAIL, timezone: 'US/Eastern', sendHour: '18' }, {}, deps);
    expect(subscribers.peek(EMAIL)).toMatchObject({ timezone: 'America/New_York', sendHour: 18 });
  });

  it('sends no second email for a repeat request within 10 minutes', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    clock.advance(CONFIRM_RESEND_INTERVAL_MS - 1000);

    expect((await requestSubscription({ email: EMAIL }, {}, deps)).outcome).toBe('confirmation-throttled');
    expect(mailer.sent).toHaveLength(1);
    expect(subscribers.peek(EMAIL)?.status).toBe('pending');
  });

  it('keeps throttling from the first email, not from the last request', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    for (let request = 0; request < 3; request += 1) {
      clock.advance(4 * 60 * 1000);
      await requestSubscription({ email: EMAIL }, {}, deps);
    }
    // 12 minutes after the first email: a second one is due even though requests kept coming.
    expect(mailer.sent).toHaveLength(2);
  });

  it('sends the confirmation again once 10 minutes have passed', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    clock.advance(CONFIRM_RESEND_INTERVAL_MS + 1000);

    expect((await requestSubscription({ email: EMAIL }, {}, deps)).outcome).toBe('confirmation-sent');
    expect(mailer.sent).toHaveLength(2);
    expect(subscribers.peek(EMAIL)?.confirmSentAt).toBe(clock.now().toISOString());
  });

  it('mails nobody when the address is already confirmed, and leaves the reader as they were', async () => {
    const reader = aSubscriber({ email: EMAIL, timezone: 'Asia/Tokyo', sendHour: 9 });
    await subscribers.put(reader);

    expect((await requestSubscription({ email: EMAIL, sendHour: 3 }, {}, deps)).outcome).toBe('already-confirmed');
    expect(mailer.sent).toHaveLength(0);
    expect(subscribers.peek(EMAIL)).toEqual(reader);
  });

  it.each(['bounced', 'complained'] as const)('never mails a %s address and keeps it suppressed', async (status) => {
    const reader = aSubscriber({ email: EMAIL, status });
    await subscribers.put(reader);

    expect((await requestSubscription({ email: EMAIL }, {}, deps)).outcome).toBe('suppressed');
    expect(mailer.sent).toHaveLength(0);
    expect(subscribers.peek(EMAIL)).toEqual(reader);
  });

  it('lets an unsubscribed reader subscribe again with a fresh confirmation', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL, status: 'unsubscribed', unsubscribedAt: '2026-11-20T00:00:00.000Z' }));

    expect((await requestSubscription({ email: EMAIL }, {}, deps)).outcome).toBe('confirmation-sent');
    expect(mailer.sent).toHaveLength(1);
    expect(subscribers.peek(EMAIL)?.status).toBe('pending');
  });

  it('mails a reader who unsubscribed minutes after confirming and subscribes again: the resend window is for pending requests', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    expect((await confirmSubscription(confirmTokenIn(mailer.sent[0]!.text), deps)).outcome).toBe('confirmed');
    await subscribers.put({ ...subscribers.peek(EMAIL)!, status: 'unsubscribed', unsubscribedAt: clock.now().toISOString() });
    clock.advance(60 * 1000);

    expect((await requestSubscription({ email: EMAIL }, {}, deps)).outcome).toBe('confirmation-sent');
    expect(mailer.sent.filter((mail) => mail.subject.startsWith('Confirm'))).toHaveLength(2);
  });

  it('stores and mails the address in lower case', async () => {
    await requestSubscription({ email: '  Reader@Example.COM ' }, {}, deps);

    expect(subscribers.peek(EMAIL)?.email).toBe(EMAIL);
    expect(mailer.sent[0]?.to).toBe(EMAIL);
    expect(verifyToken(deps.settings.tokenSecret, confirmTokenIn(mailer.sent[0]!.text), 'confirm', clock.now()).email).toBe(EMAIL);
  });

  it.each([
    [{ email: 'not-an-address' }, ['email']],
    [{}, ['email']],
    [{ email: EMAIL, timezone: 'Mars/Olympus_Mons' }, ['timezone']],
    [{ email: EMAIL, sendHour: 24 }, ['sendHour']],
    [{ email: EMAIL, sendHour: 7.5 }, ['sendHour']],
    [{ email: EMAIL, sendHour: '-1' }, ['sendHour']],
    [{ email: EMAIL, sendHour: 'seven' }, ['sendHour']],
    [{ email: 'x', timezone: 'Nowhere/Else', sendHour: 99 }, ['email', 'timezone', 'sendHour']],
  ])('rejects %j naming the fields %j', async (input, fields) => {
    expect((await validationIssues(requestSubscription(input, {}, deps))).sort()).toEqual([...fields].sort());
    expect(mailer.sent).toHaveLength(0);
    expect(subscribers.size()).toBe(0);
  });

  it.each(['reader@example.com\r\nBcc: everyone@example.com', 'reader@example.com\nBcc: x@example.com', 'reader@exa\rmple.com'])(
    'refuses an address with a line break (%j)',
    async (email) => {
      expect(await validationIssues(requestSubscription({ email }, {}, deps))).toContain('email');
      expect(mailer.sent).toHaveLength(0);
      expect(subscribers.size()).toBe(0);
    },
  );
});

describe('requestSubscription when the mailer fails', () => {
  it('answers like any other request, reports the error and lets the next request try again at once', async () => {
    mailer.failNext(1);

    const failed = await requestSubscription({ email: EMAIL }, {}, deps);
    expect(failed.outcome).toBe('confirmation-failed');
    expect(failed.failures).toEqual([{ what: 'confirmation email failed', cause: expect.any(Error) }]);
    expect(subscribers.peek(EMAIL)).toMatchObject({ status: 'pending' });
    expect(subscribers.peek(EMAIL)?.confirmSentAt).toBeUndefined();

    expect(await requestSubscription({ email: EMAIL }, {}, deps)).toEqual({ outcome: 'confirmation-sent', failures: [] });
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('confirmSubscription', () => {
  it('turns a pending reader into a confirmed one, once', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    const confirmToken = confirmTokenIn(mailer.sent[0]!.text);
    clock.advance(60_000);

    expect((await confirmSubscription(confirmToken, deps)).outcome).toBe('confirmed');
    const confirmed = subscribers.peek(EMAIL);
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmedAt: clock.now().toISOString() });

    clock.advance(60_000);
    expect((await confirmSubscription(confirmToken, deps)).outcome).toBe('already-confirmed');
    expect(subscribers.peek(EMAIL)).toEqual(confirmed);
  });

  it('does not bring back a reader who unsubscribed after asking', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    const confirmToken = confirmTokenIn(mailer.sent[0]!.text);
    await unsubscribe(token('unsubscribe'), leaving(), 'page');

    expect((await confirmSubscription(confirmToken, deps)).outcome).toBe('not-pending');
    expect(subscribers.peek(EMAIL)?.status).toBe('unsubscribed');
  });

  it.each(['bounced', 'complained'] as const)('does not confirm a %s address', async (status) => {
    await subscribers.put(aSubscriber({ email: EMAIL, status }));
    expect((await confirmSubscription(token('confirm'), deps)).outcome).toBe('not-pending');
    expect(subscribers.peek(EMAIL)?.status).toBe(status);
  });

  it('creates nobody for a valid link to an unknown address', async () => {
    expect((await confirmSubscription(token('confirm', 'ghost@example.com'), deps)).outcome).toBe('not-pending');
    expect(subscribers.size()).toBe(0);
  });

  it('refuses an unsubscribe link', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    expect(await tokenRefusal(confirmSubscription(token('unsubscribe'), deps))).toBe('purpose');
    expect(subscribers.peek(EMAIL)?.status).toBe('pending');
  });

  it('refuses an expired confirmation link', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    const confirmToken = confirmTokenIn(mailer.sent[0]!.text);
    clock.advance(8 * 24 * 3600 * 1000);
    expect(await tokenRefusal(confirmSubscription(confirmToken, deps))).toBe('expired');
    expect(subscribers.peek(EMAIL)?.status).toBe('pending');
  });
});

describe('confirmation links are single-use and follow sign-outs', () => {
  async function subscribeAndConfirm(): Promise<{ confirmToken: string; preferencesToken: string }> {
    await requestSubscription({ email: EMAIL }, {}, deps);
    const confirmToken = confirmTokenIn(mailer.sent[0]!.text);
    const result = await confirmSubscription(confirmToken, deps);
    expect(result.outcome).toBe('confirmed');
    return { confirmToken, preferencesToken: result.preferencesToken! };
  }

  it('gives a manage link to the request that confirmed, and none when the link is used again', async () => {
    const { confirmToken, preferencesToken } = await subscribeAndConfirm();
    expect((await readPreferences(preferencesToken, deps)).email).toBe(EMAIL);

    clock.advance(60_000);
    const again = await confirmSubscription(confirmToken, deps);
    expect(again).toEqual({ outcome: 'already-confirmed', failures: [] });
    expect(await confirmLinkState(confirmToken, deps)).toBe('already-confirmed');
  });

  it('after "Sign me out of old links", the original confirmation link is refused and yields no manage link', async () => {
    const { confirmToken, preferencesToken } = await subscribeAndConfirm();
    await signOutOfOldLinks(preferencesToken, deps);

    expect(await tokenRefusal(confirmSubscription(confirmToken, deps))).toBe('revoked');
    expect(await tokenRefusal(confirmLinkState(confirmToken, deps))).toBe('revoked');
    expect(await tokenRefusal(readPreferences(preferencesToken, deps))).toBe('revoked');
  });

  it("signs a returning reader's confirmation link with their current token version", async () => {
    await subscribers.put(aSubscriber({ email: EMAIL, status: 'unsubscribed', tokenVersion: 3 }));
    await requestSubscription({ email: EMAIL }, {}, deps);
    const confirmToken = confirmTokenIn(mailer.sent[0]!.text);
    const { preferencesToken } = await confirmSubscription(confirmToken, deps);
    expect((await readPreferences(preferencesToken, deps)).status).toBe('confirmed');
  });

  it('confirms once when the link is posted five times at once', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    const confirmToken = confirmTokenIn(mailer.sent[0]!.text);
    const results = await Promise.all(Array.from({ length: 5 }, () => confirmSubscription(confirmToken, deps)));
    expect(results.filter((result) => result.outcome === 'confirmed')).toHaveLength(1);
    expect(results.filter((result) => result.preferencesToken !== undefined)).toHaveLength(1);
    expect(mailer.sent.filter((email) => email.subject === 'Welcome')).toHaveLength(1);
  });
});

describe('the welcome email', () => {
  it('follows confirmation with a working manage link and a one-click unsubscribe', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    await confirmSubscription(confirmTokenIn(mailer.sent[0]!.text), deps);

    expect(mailer.sent).toHaveLength(2);
    const welcome = mailer.sent[1]!;
    expect(welcome).toMatchObject({ to: EMAIL, from: deps.settings.mailFrom, subject: 'Welcome' });
    expect(welcome.headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    const manage = /preferences\?token=(\S+)/.exec(welcome.text)?.[1];
    expect((await readPreferences(decodeURIComponent(manage ?? ''), deps)).status).toBe('confirmed');
    const leave = /unsubscribe\?token=(\S+)/.exec(welcome.text)?.[1];
    await unsubscribe(decodeURIComponent(leave ?? ''), leaving(), 'page');
    expect(subscribers.peek(EMAIL)?.status).toBe('unsubscribed');
  });

  it('still confirms when the welcome email fails, and reports why', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    mailer.failNext(1);
    const result = await confirmSubscription(confirmTokenIn(mailer.sent[0]!.text), deps);
    expect(result.outcome).toBe('confirmed');
    expect(result.failures).toEqual([{ what: 'welcome email failed', cause: expect.any(Error) }]);
    expect(subscribers.peek(EMAIL)?.status).toBe('confirmed');
  });
});

describe('unsubscribe', () => {
  it('unsubscribes a confirmed reader and is idempotent', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    await unsubscribe(token('unsubscribe'), leaving(), 'page');
    const first = subscribers.peek(EMAIL);
    expect(first).toMatchObject({ status: 'unsubscribed', unsubscribedAt: clock.now().toISOString() });

    clock.advance(3600_000);
    await unsubscribe(token('unsubscribe'), leaving(), 'page');
    expect(subscribers.peek(EMAIL)).toEqual(first);
  });

  it('succeeds for an address it has never seen, storing nothing', async () => {
    await expect(unsubscribe(token('unsubscribe', 'stranger@example.com'), leaving(), 'page')).resolves.toBe('unchanged');
    expect(subscribers.size()).toBe(0);
  });

  it('leaves a bounced address suppressed', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL, status: 'bounced' }));
    await unsubscribe(token('unsubscribe'), leaving(), 'page');
    expect(subscribers.peek(EMAIL)?.status).toBe('bounced');
  });

  it('refuses a confirmation link', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    expect(await tokenRefusal(unsubscribe(token('confirm'), leaving(), 'page'))).toBe('purpose');
    expect(subscribers.peek(EMAIL)?.status).toBe('confirmed');
  });
});

describe('unsubscribes counted for the send a digest link came from', () => {
  const SEND = 'now-0f8fad5b-d9cb-469f-a165-70867728950e';
  const EDITION = '20261126T060000-20261125T060000-t0123456789';
  const digestLink = (email = EMAIL) =>
    signToken({
      secret: deps.settings.tokenSecret,
      purpose: 'unsubscribe',
      email,
      now: clock.now(),
      origin: { send: SEND, editionId: EDITION },
    });
  const counts = async () =>
    (await sendStats.sendResults(SEND)).map((row) => [row.editionId, row.counts.unsubscribedOneClick, row.counts.unsubscribedPage]);

  it('counts a one-click unsubscribe once for its send and edition, however often the link is posted', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    expect(await unsubscribe(digestLink(), leaving(), 'one-click')).toBe('left');
    expect(await unsubscribe(digestLink(), leaving(), 'one-click')).toBe('unchanged');
    expect(await unsubscribe(digestLink(), leaving(), 'page')).toBe('unchanged');
    expect(await counts()).toEqual([[EDITION, 1, 0]]);
  });

  it('counts the page button apart from one-click', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    await unsubscribe(digestLink(), leaving(), 'page');
    expect(await counts()).toEqual([[EDITION, 0, 1]]);
  });

  it('counts of two racing requests only the one whose conditional move won', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    const outcomes = await Promise.all([unsubscribe(digestLink(), leaving(), 'one-click'), unsubscribe(digestLink(), leaving(), 'page')]);
    expect(outcomes.filter((outcome) => outcome === 'left')).toHaveLength(1);
    const [[, oneClick, page]] = (await counts()) as [[string, number, number]];
    expect(oneClick + page).toBe(1);
  });

  it('counts nothing for a reader who was not subscribed: unknown, already left or suppressed', async () => {
    await subscribers.put(aSubscriber({ email: 'gone@example.com', status: 'unsubscribed' }));
    await subscribers.put(aSubscriber({ email: 'bounced@example.com', status: 'bounced' }));
    for (const email of ['stranger@example.com', 'gone@example.com', 'bounced@example.com']) {
      expect(await unsubscribe(digestLink(email), leaving(), 'one-click')).toBe('unchanged');
    }
    expect(await counts()).toEqual([]);
  });

  it('counts nothing for a link without a send (welcome and confirmation emails)', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    expect(await unsubscribe(token('unsubscribe'), leaving(), 'one-click')).toBe('left');
    expect(subscribers.peek(EMAIL)?.status).toBe('unsubscribed');
    expect(await counts()).toEqual([]);
  });
});

describe('abuse limits', () => {
  it('counts addresses and IPs under keyed hashes: the plain sha256 of neither appears in a counter key', async () => {
    const keys: string[] = [];
    const limits = new MemoryRateLimiter();
    const recording = {
      hit: (key: string, limit: number, windowSeconds: number, now: Date) => (keys.push(key), limits.hit(key, limit, windowSeconds, now)),
    };
    await requestSubscription({ email: 'Reader@Example.com' }, { ip: '198.51.100.9' }, { ...deps, limits: recording });
    const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toContain(sha256('reader@example.com'));
    expect(keys.join(' ')).not.toContain(sha256('198.51.100.9'));
    expect(keys.join(' ')).not.toContain('reader@example.com');
    expect(keys.some((key) => /^subscribe-address#[0-9a-f]{64}$/.test(key))).toBe(true);
  });

  it('answers a filled honeypot like any request but stores and mails nothing', async () => {
    expect((await requestSubscription({ email: EMAIL, website: 'http://spam.example' }, {}, deps)).outcome).toBe('honeypot');
    expect(subscribers.size()).toBe(0);
    expect(mailer.sent).toHaveLength(0);
  });

  it('refuses one IP past its hourly limit, whatever the addresses, and lets it in again the next hour', async () => {
    const context = { ip: '198.51.100.7' };
    for (let i = 0; i < SUBSCRIBE_LIMIT_PER_IP.limit; i += 1) {
      await requestSubscription({ email: `reader${i}@example.com` }, context, deps);
    }
    await expect(requestSubscription({ email: 'one-more@example.com' }, context, deps)).rejects.toBeInstanceOf(RateLimitExceededError);
    expect(subscribers.peek('one-more@example.com')).toBeUndefined();
    expect((await requestSubscription({ email: 'other-ip@example.com' }, { ip: '198.51.100.8' }, deps)).outcome).toBe('confirmation-sent');
    clock.advance(SUBSCRIBE_LIMIT_PER_IP.windowSeconds * 1000);
    expect((await requestSubscription({ email: 'one-more@example.com' }, context, deps)).outcome).toBe('confirmation-sent');
  });

  it('quietly drops requests for one address past its limit, from any IP, without touching the record', async () => {
    for (let i = 0; i < SUBSCRIBE_LIMIT_PER_ADDRESS.limit; i += 1) {
      await requestSubscription({ email: EMAIL, sendHour: 6 }, { ip: `203.0.113.${i}` }, deps);
    }
    const before = subscribers.peek(EMAIL);
    expect((await requestSubscription({ email: EMAIL, sendHour: 9 }, { ip: '203.0.113.99' }, deps)).outcome).toBe('rate-limited');
    expect(subscribers.peek(EMAIL)).toEqual(before);
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('pending expiry and erasure', () => {
  it('refuses to confirm a pending subscription older than 7 days, even with a link that has not expired', async () => {
    await requestSubscription({ email: EMAIL }, {}, deps);
    const link = confirmTokenIn(mailer.sent[0]?.text ?? '');
    clock.advance(PENDING_LIFETIME_MS);
    // A second link signed at the last moment is still inside its own lifetime.
    const fresh = token('confirm');
    expect((await confirmSubscription(fresh, deps)).outcome).toBe('expired');
    expect(await tokenRefusal(confirmSubscription(link, deps))).toBe('expired');
    expect(subscribers.peek(EMAIL)?.status).toBe('pending');
  });

  it('clears the erasure mark when a reader who deleted their data confirms a new subscription', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    await personalData.erase(EMAIL, clock.now().toISOString());
    expect(await personalData.isErased(EMAIL)).toBe(true);

    await requestSubscription({ email: EMAIL }, {}, deps);
    expect(await personalData.isErased(EMAIL)).toBe(true);
    expect((await confirmSubscription(confirmTokenIn(mailer.sent[0]?.text ?? ''), deps)).outcome).toBe('confirmed');
    expect(await personalData.isErased(EMAIL)).toBe(false);
  });
});
