import { beforeEach, describe, expect, it } from 'vitest';
import { addDays, isoWeekday, receivesDigestOn } from '../../../../functions/core/subscribers/delivery-days.ts';
import { InvalidTokenError, ValidationError } from '../../../../functions/core/shared/errors.ts';
import { SubscriberNotFoundError } from '../../../../functions/core/subscribers/errors.ts';
import {
  readPreferences,
  signOutOfOldLinks,
  topicChoices,
  updatePreferences,
  type PreferenceCentreDeps,
} from '../../../../functions/core/subscribers/preference-centre.ts';
import { erasePersonalData, exportPersonalData, type PersonalDataDeps } from '../../../../functions/core/privacy/personal-data.ts';
import { unsubscribe } from '../../../../functions/core/subscribers/subscriptions.ts';
import { signToken } from '../../../../functions/core/shared/tokens.ts';
import {
  aSubscriber,
  FakeClock,
  MemoryDeliveryLedger,
  MemoryPersonalDataStore,
  MemorySendStatsStore,
  MemorySubscriberStore,
  MemoryTopicCatalogue,
  testSettings,
} from '../../../support/fakes.ts';

const EMAIL = 'reader@example.com';
let subscribers: MemorySubscriberStore;
let deliveries: MemoryDeliveryLedger;
let clock: FakeClock;
let deps: PreferenceCentreDeps & PersonalDataDeps;

beforeEach(() => {
  subscribers = new MemorySubscriberStore();
  deliveries = new MemoryDeliveryLedger();
  // A Thursday.
  clock = new FakeClock('2026-11-26T10:00:00.000Z');
  deps = {
    subscribers,
    clock,
    settings: testSettings(),
    personalData: new MemoryPersonalDataStore(subscribers, deliveries),
    topics: new MemoryTopicCatalogue(),
  };
});

const token = (purpose: 'confirm' | 'unsubscribe' | 'preferences', email = EMAIL, version = 0) =>
  signToken({ secret: deps.settings.tokenSecret, purpose, email, now: clock.now(), version });

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
}

async function issueFields(promise: Promise<unknown>): Promise<string[]> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.field);
}

describe('receivesDigestOn', () => {
  it('numbers weekdays the ISO way and adds calendar days across a month end', () => {
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(addDays('2026-11-26', 7)).toBe('2026-12-03');
  });

  it('sends daily readers every day and old records without a frequency too', () => {
    expect(receivesDigestOn({}, '2026-11-26')).toBe(true);
    expect(receivesDigestOn({ frequency: 'daily' }, '2026-11-28')).toBe(true);
  });

  it('sends weekly readers only on their day, Monday when none was chosen', () => {
    expect(receivesDigestOn({ frequency: 'weekly', weeklyDay: 4 }, '2026-11-26')).toBe(true);
    expect(receivesDigestOn({ frequency: 'weekly', weeklyDay: 4 }, '2026-11-27')).toBe(false);
    expect(receivesDigestOn({ frequency: 'weekly' }, '2026-11-30')).toBe(true);
  });

  it('sends nothing before the end of a pause, and again from its last day', () => {
    expect(receivesDigestOn({ pausedUntil: '2026-12-03' }, '2026-12-02')).toBe(false);
    expect(receivesDigestOn({ pausedUntil: '2026-12-03' }, '2026-12-03')).toBe(true);
  });
});

describe('updatePreferences', () => {
  it('changes the send hour and zone of a reader', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL, timezone: 'Europe/London', sendHour: 7 }));
    clock.advance(1000);

    const result = await updatePreferences(token('preferences'), { timezone: 'Asia/Calcutta', sendHour: '21' }, deps);

    const stored = subscribers.peek(EMAIL);
    expect(result).toMatchObject({ email: EMAIL, timezone: stored?.timezone, sendHour: 21, status: 'confirmed' });
    expect(stored).toMatchObject({ sendHour: 21, status: 'confirmed', updatedAt: clock.now().toISOString() });
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(stored?.timezone);
  });

  it('changes only what is sent: the hour alone keeps zone, topics and frequency', async () => {
    await subscribers.put(
      aSubscriber({ email: EMAIL, timezone: 'Asia/Tokyo', sendHour: 7, topics: ['science'], frequency: 'weekly', weeklyDay: 5 }),
    );
    await updatePreferences(token('preferences'), { sendHour: 9 }, deps);
    expect(subscribers.peek(EMAIL)).toMatchObject({
      timezone: 'Asia/Tokyo',
      sendHour: 9,
      topics: ['science'],
      frequency: 'weekly',
      weeklyDay: 5,
    });
  });

  it('stores topics from a form (a list with the empty hidden value) and clears them when none is ticked', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    await updatePreferences(token('preferences'), { topics: ['', 'Science', 'world'] }, deps);
    expect(subscribers.peek(EMAIL)?.topics).toEqual(['science', 'world']);
    await updatePreferences(token('preferences'), { topics: '' }, deps);
    expect(subscribers.peek(EMAIL)?.topics).toEqual([]);
  });

  it('switches to weekly on a chosen day', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    const result = await updatePreferences(token('preferences'), { frequency: 'weekly', weeklyDay: '6' }, deps);
    expect(result).toMatchObject({ frequency: 'weekly', weeklyDay: 6 });
  });

  it("pauses for N days counted in the reader's own calendar, and resumes", async () => {
    // 12:00 UTC on the 26th is already the 27th in Auckland.
    clock.set('2026-11-26T12:00:00.000Z');
    await subscribers.put(aSubscriber({ email: EMAIL, timezone: 'Pacific/Auckland' }));
    await updatePreferences(token('preferences'), { pause: '7' }, deps);
    expect(subscribers.peek(EMAIL)?.pausedUntil).toBe('2026-12-04');
    await updatePreferences(token('preferences'), { pause: 'resume' }, deps);
    expect(subscribers.peek(EMAIL)?.pausedUntil).toBeUndefined();
  });

  it.each([
    [{ timezone: 'Nowhere/Else' }, ['timezone']],
    [{ sendHour: 25 }, ['sendHour']],
    [{ sendHour: '7am' }, ['sendHour']],
    [{ frequency: 'hourly' }, ['frequency']],
    [{ weeklyDay: '8' }, ['weeklyDay']],
    [{ pause: '365' }, ['pause']],
    [{ pause: 'forever' }, ['pause']],
    [{ topics: ['<script>'] }, ['topics.0']],
  ])('rejects %j naming the field and leaves the reader unchanged', async (input, fields) => {
    const reader = aSubscriber({ email: EMAIL });
    await subscribers.put(reader);
    expect(await issueFields(updatePreferences(token('preferences'), input, deps))).toEqual(fields);
    expect(subscribers.peek(EMAIL)).toEqual(reader);
  });

  it('refuses an unsubscribe link', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    const error = await refusal(updatePreferences(token('unsubscribe'), { sendHour: 9 }, deps));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).reason).toBe('purpose');
  });

  it('reports a deleted reader as not found', async () => {
    await expect(updatePreferences(token('preferences'), { sendHour: 9 }, deps)).rejects.toBeInstanceOf(SubscriberNotFoundError);
    expect(subscribers.size()).toBe(0);
  });
});

describe('readPreferences', () => {
  it('reads an old record with the defaults for what it lacks', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL, timezone: 'America/Chicago', sendHour: 5 }));
    expect(await readPreferences(token('preferences'), deps)).toEqual({
      email: EMAIL,
      status: 'confirmed',
      timezone: 'America/Chicago',
      sendHour: 5,
      topics: [],
      frequency: 'daily',
      weeklyDay: 1,
      pausedUntil: undefined,
    });
  });

  it('reads an unknown reader as unsubscribed with the defaults', async () => {
    expect(await readPreferences(token('preferences', 'gone@example.com'), deps)).toMatchObject({
      email: 'gone@example.com',
      timezone: 'UTC',
      sendHour: 7,
      status: 'unsubscribed',
    });
  });
});

describe('topicChoices', () => {
  it('offers the catalogue by label with the stored key as value, plus the reader’s own', async () => {
    await deps.topics.record(
      [
        { key: 'world', label: 'World', articles: 1 },
        { key: 'science', label: 'Science', articles: 2 },
      ],
      clock.now().toISOString(),
    );
    const choices = await topicChoices({ ...(await readPreferences(token('preferences'), deps)), topics: ['gardening'] }, deps);
    expect(choices).toEqual([
      { value: 'gardening', label: 'gardening' },
      { value: 'science', label: 'Science' },
      { value: 'world', label: 'World' },
    ]);
  });
});

describe('signOutOfOldLinks', () => {
  it('stops older manage links, keeps the fresh one and unsubscribe links working', async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    const old = token('preferences');
    const fresh = await signOutOfOldLinks(old, deps);

    const error = await refusal(readPreferences(old, deps));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).reason).toBe('revoked');
    expect((await readPreferences(fresh, deps)).email).toBe(EMAIL);
    expect(subscribers.peek(EMAIL)?.tokenVersion).toBe(1);

    await unsubscribe(token('unsubscribe'), { ...deps, sendStats: new MemorySendStatsStore() }, 'page');
    expect(subscribers.peek(EMAIL)?.status).toBe('unsubscribed');
  });
});

describe('personal data', () => {
  beforeEach(async () => {
    await subscribers.put(aSubscriber({ email: EMAIL }));
    const row = {
      editionId: 'ed-1',
      status: 'sent',
      claimedAt: '2026-11-25T07:00:00.000Z',
      sentAt: '2026-11-25T07:00:01.000Z',
      attempts: 1,
    } as const;
    const mark = { editionId: 'ed-1', cutoff: '2026-11-25T07:00:00.000Z', date: '2026-11-25', sentAt: '2026-11-25T07:00:01.000Z' };
    await deliveries.recordDeliveries(
      [
        { ...mark, email: EMAIL },
        { ...mark, email: 'someone@example.com' },
      ],
      [
        { ...row, email: EMAIL, messageId: 'msg-1' },
        { ...row, email: 'someone@example.com', messageId: 'msg-2' },
      ],
    );
  });

  it('exports the subscriber record, their watermark and only their own delivery rows', async () => {
    const data = await exportPersonalData(token('preferences'), deps);
    expect(data.subscriber).toMatchObject({ email: EMAIL, status: 'confirmed' });
    expect(data.watermark).toEqual({
      email: EMAIL,
      editionId: 'ed-1',
      cutoff: '2026-11-25T07:00:00.000Z',
      date: '2026-11-25',
      sentAt: '2026-11-25T07:00:01.000Z',
    });
    expect(data.deliveries).toEqual([expect.objectContaining({ editionId: 'ed-1', email: EMAIL, messageId: 'msg-1' })]);
    expect(data.exportedAt).toBe(clock.now().toISOString());
  });

  it('refuses to erase without the tick box, naming it', async () => {
    expect(await issueFields(erasePersonalData(token('preferences'), {}, deps))).toEqual(['confirmErase']);
    expect(subscribers.peek(EMAIL)).toBeDefined();
  });

  it('erases the subscriber and their deliveries, keeping the erasure mark and other readers', async () => {
    await erasePersonalData(token('preferences'), { confirmErase: 'yes' }, deps);
    expect(subscribers.peek(EMAIL)).toBeUndefined();
    expect(deliveries.all().map((row: { email: string }) => row.email)).toEqual(['someone@example.com']);
    expect(await deps.personalData.isErased(EMAIL)).toBe(true);
    expect(await readPreferences(token('preferences'), deps)).toMatchObject({ status: 'unsubscribed' });
  });
});
