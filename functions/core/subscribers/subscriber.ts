/** Subscription requests and the subscriber state machine. */
import { z } from 'zod';
import { canonicalTimeZone, DEFAULT_SEND_HOUR, DEFAULT_TIME_ZONE, normaliseTopic, parseOrThrow, topicNameIssue } from '../shared/index.ts';
import { emailSchema } from './email-address.ts';
import type { Consent, Subscriber } from './types.ts';

/** Topics a reader may follow at once. */
export const MAX_READER_TOPICS = 20;

/** A topic name as a reader (or an import) sends it, stored as the key articles carry. */
const topicName = z.string().transform((value, ctx) => {
  const issue = topicNameIssue(value);
  const topic = issue === undefined ? normaliseTopic(value) : undefined;
  if (!topic) {
    ctx.addIssue({ code: 'custom', message: issue ?? 'must contain a letter or digit' });
    return z.NEVER;
  }
  return topic.key;
});

/** A list, or one comma-separated string (a CSV cell); blanks (the form's empty hidden value) are ignored. */
export const topicList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).filter((topic) => topic.trim() !== ''))
  .pipe(z.array(topicName))
  .transform((keys) => [...new Set(keys)])
  .pipe(z.array(z.string()).max(MAX_READER_TOPICS, `must have at most ${MAX_READER_TOPICS} topics`));

/** Form posts send strings, JSON sends numbers: accept both, but only whole hours. */
export const sendHourSchema = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d{1,2}$/, 'must be a whole hour from 0 to 23')
      .transform(Number),
  ])
  .pipe(z.number().int('must be a whole hour from 0 to 23').min(0, 'must be 0 to 23').max(23, 'must be 0 to 23'));

export const timeZoneSchema = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const canonical = canonicalTimeZone(value);
    if (!canonical) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/London' });
      return z.NEVER;
    }
    return canonical;
  });

export const subscriptionRequestSchema = z.object({
  email: emailSchema,
  timezone: z.preprocess((v) => (v === '' || v === null ? undefined : v), timeZoneSchema.optional()).default(DEFAULT_TIME_ZONE),
  sendHour: z.preprocess((v) => (v === '' || v === null ? undefined : v), sendHourSchema.optional()).default(DEFAULT_SEND_HOUR),
  topics: topicList.optional().default([]),
  /** The honeypot: hidden from people, so anything in it came from a bot. */
  website: z.string().max(500).optional(),
});

export type SubscriptionRequest = z.infer<typeof subscriptionRequestSchema>;

export function parseSubscriptionRequest(input: unknown): SubscriptionRequest {
  return parseOrThrow(subscriptionRequestSchema, input ?? {}, 'subscription');
}

/** Addresses that bounced or complained are never mailed again, whatever the request says. */
export function isSuppressed(subscriber: Subscriber): boolean {
  return subscriber.status === 'bounced' || subscriber.status === 'complained';
}

/** A fresh or re-opened pending subscription; keeps history fields of an earlier one. */
export function toPending(request: SubscriptionRequest, consent: Consent, existing: Subscriber | undefined): Subscriber {
  return {
    ...existing,
    email: request.email,
    status: 'pending',
    timezone: request.timezone,
    sendHour: request.sendHour,
    topics: request.topics,
    createdAt: existing?.createdAt ?? consent.at,
    updatedAt: consent.at,
    consent,
  };
}

export function toConfirmed(subscriber: Subscriber, at: string): Subscriber {
  return { ...subscriber, status: 'confirmed', confirmedAt: at, updatedAt: at };
}

export function toUnsubscribed(subscriber: Subscriber, at: string): Subscriber {
  return { ...subscriber, status: 'unsubscribed', unsubscribedAt: at, updatedAt: at };
}
