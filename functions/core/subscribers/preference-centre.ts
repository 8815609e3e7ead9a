/**
 * The reader's own page behind a signed preferences link: when and what they get, pausing,
 * and signing out of old links. Downloading and erasing their data is in core/privacy.
 */
import { z } from 'zod';
import type { TopicCatalogue } from '../ingest/index.ts';
import { addDays, DEFAULT_WEEKLY_DAY } from './delivery-days.ts';
import { allTimeZones, DEFAULT_SEND_HOUR, DEFAULT_TIME_ZONE, localTime, parseOrThrow, signToken } from '../shared/index.ts';
import { SubscriberNotFoundError } from './errors.ts';
import { sendHourSchema, timeZoneSchema, topicList } from './subscriber.ts';
import { readerBehind, type LinkDeps } from './subscriptions.ts';
import type { DigestFrequency, Subscriber } from './types.ts';

export type PreferenceCentreDeps = LinkDeps & { topics: TopicCatalogue };

/** Longest pause a reader can choose; beyond that, unsubscribing is the honest option. */
export const MAX_PAUSE_DAYS = 90;

export interface Preferences {
  email: string;
  status: Subscriber['status'];
  timezone: string;
  sendHour: number;
  topics: string[];
  frequency: DigestFrequency;
  weeklyDay: number;
  /** Local date of the first digest after a pause. */
  pausedUntil?: string | undefined;
}

function preferencesOf(email: string, subscriber: Subscriber | undefined): Preferences {
  return {
    email,
    // A deleted reader reads as unsubscribed, revealing nothing the link holder does not know.
    status: subscriber?.status ?? 'unsubscribed',
    timezone: subscriber?.timezone ?? DEFAULT_TIME_ZONE,
    sendHour: subscriber?.sendHour ?? DEFAULT_SEND_HOUR,
    topics: subscriber?.topics ?? [],
    frequency: subscriber?.frequency ?? 'daily',
    weeklyDay: subscriber?.weeklyDay ?? DEFAULT_WEEKLY_DAY,
    pausedUntil: subscriber?.pausedUntil,
  };
}

export async function readPreferences(token: unknown, deps: LinkDeps): Promise<Preferences> {
  const { email, subscriber } = await readerBehind(token, 'preferences', deps);
  return preferencesOf(email, subscriber);
}

/** Form posts send '' for "leave as is"; JSON clients omit the field. Both mean no change. */
const blankAsAbsent = (value: unknown) => (value === '' || value === null ? undefined : value);

const wholeNumber = (message: string) =>
  z
    .union([
      z.number(),
      z
        .string()
        .trim()
        .regex(/^\d{1,3}$/, message)
        .transform(Number),
    ])
    .pipe(z.number().int(message));

/** Only what the reader sent changes: an absent field keeps its value rather than falling back to a default. */
export const preferencesUpdateSchema = z.object({
  timezone: z.preprocess(blankAsAbsent, timeZoneSchema.optional()),
  sendHour: z.preprocess(blankAsAbsent, sendHourSchema.optional()),
  topics: topicList.optional(),
  frequency: z.preprocess(blankAsAbsent, z.enum(['daily', 'weekly'], 'must be daily or weekly').optional()),
  weeklyDay: z.preprocess(
    blankAsAbsent,
    wholeNumber('must be a day from 1 (Monday) to 7 (Sunday)')
      .pipe(z.number().min(1, 'must be a day from 1 (Monday) to 7 (Sunday)').max(7, 'must be a day from 1 (Monday) to 7 (Sunday)'))
      .optional(),
  ),
  /** Days to pause from today, or `resume`; 0 also resumes. */
  pause: z.preprocess(
    blankAsAbsent,
    z
      .union([
        z.literal('resume'),
        wholeNumber(`must be a number of days from 0 to ${MAX_PAUSE_DAYS}`).pipe(
          z.number().min(0, `must be 0 to ${MAX_PAUSE_DAYS} days`).max(MAX_PAUSE_DAYS, `must be 0 to ${MAX_PAUSE_DAYS} days`),
        ),
      ])
      .optional(),
  ),
});

/** Changes the reader's preferences; the planner reads them on its next run. */
export async function updatePreferences(token: unknown, input: unknown, deps: LinkDeps): Promise<Preferences> {
  const { now, email, subscriber } = await readerBehind(token, 'preferences', deps);
  const update = parseOrThrow(preferencesUpdateSchema, input ?? {}, 'preferences');
  if (!subscriber) throw new SubscriberNotFoundError('There is no subscription for this link any more.');
  const timezone = update.timezone ?? subscriber.timezone;
  let pausedUntil = subscriber.pausedUntil;
  if (update.pause === 'resume' || update.pause === 0) pausedUntil = undefined;
  // Counted in the reader's own calendar: "pause 7 days" on a Monday means the next digest is next Monday's.
  else if (update.pause !== undefined) pausedUntil = addDays(localTime(now, timezone).date, update.pause);
  const updated: Subscriber = {
    ...subscriber,
    timezone,
    sendHour: update.sendHour ?? subscriber.sendHour,
    topics: update.topics ?? subscriber.topics,
    frequency: update.frequency ?? subscriber.frequency ?? 'daily',
    weeklyDay: update.weeklyDay ?? subscriber.weeklyDay ?? DEFAULT_WEEKLY_DAY,
    pausedUntil,
    updatedAt: now.toISOString(),
  };
  await deps.subscribers.put(updated);
  return preferencesOf(email, updated);
}

/** What the preference centre shows: the reader's preferences, the choices its form offers and its links. */
export interface PreferenceCentreView extends Preferences {
  /** The preferences link token the page was opened with. */
  token: string;
  /** The page offers unsubscribing too; that needs its own purpose-bound token. */
  unsubscribeToken: string;
  timeZones: readonly string[];
  topicChoices: TopicChoice[];
}

export async function preferenceCentreView(
  token: string | undefined,
  preferences: Preferences,
  deps: Pick<PreferenceCentreDeps, 'topics' | 'settings' | 'clock'>,
): Promise<PreferenceCentreView> {
  return {
    ...preferences,
    token: token ?? '',
    unsubscribeToken: signToken({
      secret: deps.settings.tokenSecret,
      purpose: 'unsubscribe',
      email: preferences.email,
      now: deps.clock.now(),
    }),
    timeZones: allTimeZones(),
    topicChoices: await topicChoices(preferences, deps),
  };
}

/** A tick box on the preferences page: the stored key as its value, the catalogue's spelling as its label. */
export interface TopicChoice {
  value: string;
  label: string;
}

/**
 * The topics a reader can pick: those in the catalogue (at most CATALOGUE_LIMIT, so the page
 * stays small), plus any they chose that it no longer keeps, by label.
 */
export async function topicChoices(preferences: Preferences, deps: Pick<PreferenceCentreDeps, 'topics'>): Promise<TopicChoice[]> {
  const choices = new Map<string, TopicChoice>();
  for (const topic of await deps.topics.list()) choices.set(topic.key, { value: topic.key, label: topic.label });
  for (const key of preferences.topics) if (!choices.has(key)) choices.set(key, { value: key, label: key });
  return [...choices.values()].sort(
    (a, b) => a.label.localeCompare(b.label, 'en', { sensitivity: 'base' }) || (a.value < b.value ? -1 : 1),
  );
}

/**
 * "Sign me out of old links": every preferences link issued so far stops working. Returns a
 * fresh link token for the page the reader is on; later digests carry the new version.
 */
export async function signOutOfOldLinks(token: unknown, deps: LinkDeps): Promise<string> {
  const { now, email, subscriber } = await readerBehind(token, 'preferences', deps);
  if (!subscriber) throw new SubscriberNotFoundError('There is no subscription for this link any more.');
  const tokenVersion = (subscriber.tokenVersion ?? 0) + 1;
  await deps.subscribers.put({ ...subscriber, tokenVersion, updatedAt: now.toISOString() });
  return preferencesToken(deps, email, tokenVersion);
}

/** A preferences link token for the reader's current token version. */
export function preferencesToken(deps: Pick<LinkDeps, 'settings' | 'clock'>, email: string, tokenVersion = 0): string {
  return signToken({ secret: deps.settings.tokenSecret, purpose: 'preferences', email, now: deps.clock.now(), version: tokenVersion });
}
