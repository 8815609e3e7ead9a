/**
 * Schemas of the domain records as stored. Items read back from DynamoDB are untrusted (a bug,
 * a manual edit, an older layout), so every read goes through parseRecord before core sees it.
 */
import { z } from 'zod';
import { CorruptRecordError } from '../../core/shared/index.ts';
import type { ApiKey, Article } from '../../core/ingest/index.ts';
import type { Delivery } from '../../core/delivery/index.ts';
import type { Edition, Story } from '../../core/edition/index.ts';
import { type Subscriber, SUBSCRIBER_STATUSES } from '../../core/subscribers/index.ts';
import type { ItemKey } from './keys.ts';

const timestamp = z.iso.datetime({ offset: true });
const text = z.string();
const name = z.string().min(1);

export const articleRecord: z.ZodType<Article> = z.object({
  id: name,
  title: text,
  text,
  source: name,
  url: z.string().optional(),
  publishedAt: timestamp.optional(),
  topics: z.array(z.string()),
  language: z.string().optional(),
  imageUrl: z.string().optional(),
  ingestedAt: timestamp,
  truncated: z.boolean().optional(),
  withdrawnAt: timestamp.optional(),
  restoredAt: timestamp.optional(),
  publisher: name.optional(),
});

export const subscriberRecord: z.ZodType<Subscriber> = z.object({
  email: name,
  status: z.enum(SUBSCRIBER_STATUSES),
  timezone: name,
  sendHour: z.int().min(0).max(23),
  topics: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
  consent: z
    .object({ at: timestamp, source: z.string().optional(), ip: z.string().optional(), userAgent: z.string().optional() })
    .optional(),
  confirmedAt: timestamp.optional(),
  unsubscribedAt: timestamp.optional(),
  confirmSentAt: timestamp.optional(),
  lastDigestCutoff: timestamp.optional(),
  lastEditionId: z.string().optional(),
  // Records from before the preference centre have none of these; absent reads as daily, unpaused, version 0.
  frequency: z.enum(['daily', 'weekly']).optional(),
  weeklyDay: z.int().min(1).max(7).optional(),
  pausedUntil: z.iso.date().optional(),
  tokenVersion: z.int().min(0).optional(),
  softBounces: z.object({ send: z.string(), count: z.int().min(0) }).optional(),
});

const storyRecord: z.ZodType<Story> = z.object({
  articleId: name,
  title: text,
  url: z.string().optional(),
  source: name,
  publishedAt: timestamp.optional(),
  ingestedAt: timestamp,
  topics: z.array(z.string()),
  summary: z.array(z.string()),
  // Editions stored before stories were merged have no alsoIn.
  alsoIn: z.array(z.object({ source: name, title: text, url: z.string().optional(), articleId: name.optional() })).default([]),
  section: z.string().optional(),
});

export const editionRecord: z.ZodType<Edition> = z.object({
  id: name,
  since: timestamp,
  cutoff: timestamp,
  createdAt: timestamp,
  subject: text,
  preheader: text,
  stories: z.array(storyRecord),
  moreStories: z.array(storyRecord).default([]),
  html: text,
  text,
  placeholderNonce: name,
  status: z.enum(['planned', 'sending']),
  recipients: z.int().min(0),
  withdrawn: z.array(z.object({ articleId: name, at: timestamp })).optional(),
});

export const deliveryRecord: z.ZodType<Delivery> = z.object({
  editionId: name,
  email: name,
  status: z.enum(['claimed', 'sent', 'failed']),
  claimedAt: timestamp,
  sentAt: timestamp.optional(),
  messageId: z.string().optional(),
  error: z.string().optional(),
  attempts: z.int().min(0),
});

export const apiKeyRecord: z.ZodType<ApiKey> = z.object({
  hash: name,
  name,
  createdAt: timestamp,
  disabled: z.boolean(),
  expiresAt: timestamp.optional(),
  requestsPerMinute: z.number().int().positive().optional(),
  scopes: z.array(z.enum(['ingest', 'sources', 'takedown', 'admin'])).optional(),
  dev: z.literal(true).optional(),
});

/** The domain record in `item` (table keys and index attributes stripped), or CorruptRecordError naming the key. */
export function parseRecord<T>(schema: z.ZodType<T>, item: Record<string, unknown>, key: ItemKey): T {
  const result = schema.safeParse(item);
  if (!result.success) {
    throw new CorruptRecordError(`stored item ${key.pk} / ${key.sk} does not match its schema:\n${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}
