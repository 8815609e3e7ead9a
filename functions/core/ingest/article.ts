/**
 * One incoming article: validation of the untrusted item, its identity, and the stored record.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type FieldIssue,
  fieldIssues,
  htmlLimitIssue,
  htmlToPlainText,
  MAX_ARTICLE_TOPICS,
  parseTopic,
  plainLine,
  uniqueTopics,
  ValidationError,
  WHOLE_BODY,
} from '../shared/index.ts';
import type { Article } from './types.ts';

export const MAX_BATCH_ARTICLES = 100;

/**
 * DynamoDB items stop at 400 KB. The other fields are bounded by the schema (title 500,
 * source 200, two ASCII URLs of 2048, 10 topics of 40 characters: under 10 KB even at 3
 * bytes a character), so this leaves ample room for the keys and attribute names.
 */
export const MAX_TEXT_BYTES = 350_000;

const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

const typeError =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${expected}`;

/** Feeds often send `null` for a field they lack; treat it as absent. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

/** A field that may be copied into a mail header: a CR or LF is refused, never repaired. */
function headerSafeText(maxLength: number) {
  return z
    .string({ error: typeError('a string') })
    .refine((value) => !LINE_BREAK.test(value), { error: 'must not contain line breaks', abort: true })
    .trim()
    .min(1, { error: 'must not be empty', abort: true })
    .max(maxLength, { error: `must be at most ${maxLength} characters`, abort: true })
    .refine((value) => htmlLimitIssue(value) === undefined && plainLine(value) !== '', {
      error: 'must contain text, not only markup',
      abort: true,
    });
}

const MAX_URL_LENGTH = 2048;
const URL_TOO_LONG = `must be at most ${MAX_URL_LENGTH} characters`;

function httpUrl() {
  return z
    .string({ error: typeError('a string') })
    .refine((value) => !LINE_BREAK.test(value), { error: 'must not contain line breaks', abort: true })
    .trim()
    .max(MAX_URL_LENGTH, { error: URL_TOO_LONG, abort: true })
    .transform((value, ctx) => {
      const url = URL.parse(value);
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
        ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
        return z.NEVER;
      }
      // Percent-encoding can make the parsed form several times longer than the input.
      if (url.href.length > MAX_URL_LENGTH) {
        ctx.addIssue({ code: 'custom', message: URL_TOO_LONG });
        return z.NEVER;
      }
      // `https://bank.example@evil.example` shows one host and opens another.
      if (url.username !== '' || url.password !== '') {
        ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
        return z.NEVER;
      }
      return url.href;
    });
}

/** Markup the converter would refuse is refused here, with the reason, so the item fails alone. */
const bodyText = z.string({ error: typeError('a string') }).superRefine((value, ctx) => {
  const issue = htmlLimitIssue(value);
  if (issue !== undefined) ctx.addIssue({ code: 'custom', message: issue });
});

const publishedAt = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO-8601 date-time with a time-zone offset, or a date (YYYY-MM-DD)',
  })
  .transform((value, ctx) => {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be a real calendar date' });
      return z.NEVER;
    }
    return date.toISOString();
  });

/** One topic: plain text, normalised and case-folded (core/shared/topics.ts); too long or empty is refused. */
const topic = z
  .string({ error: typeError('a string') })
  .refine((value) => !LINE_BREAK.test(value), { error: 'must not contain line breaks', abort: true })
  .transform((value, ctx) => {
    const parsed = parseTopic(value);
    if (parsed.ok) return parsed.topic;
    ctx.addIssue({ code: 'custom', message: parsed.issue });
    return z.NEVER;
  });

const topics = z
  .array(topic, { error: typeError('an array of strings') })
  .max(MAX_ARTICLE_TOPICS, { error: `must have at most ${MAX_ARTICLE_TOPICS} topics`, abort: true })
  .transform(uniqueTopics);

const LANGUAGE_TAG = { error: 'must be a language tag like en or pt-BR', abort: true };

const language = z
  .string({ error: typeError('a string') })
  .trim()
  .max(35, LANGUAGE_TAG)
  .regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/, LANGUAGE_TAG);

/** One article as a publisher sends it. Unknown keys are dropped. */
export const articleInputSchema = z.object({
  title: headerSafeText(500),
  body: optional(bodyText),
  summary: optional(bodyText),
  url: optional(httpUrl()),
  source: headerSafeText(200),
  publishedAt: optional(publishedAt),
  topics: optional(topics),
  language: optional(language),
  imageUrl: optional(httpUrl()),
  /** A feed entry's guid: its identity when it has no link (feeds scope it to themselves, so it is paired with the source). */
  guid: optional(
    z
      .string({ error: typeError('a string') })
      .refine((value) => !LINE_BREAK.test(value), { error: 'must not contain line breaks', abort: true })
      .trim()
      .min(1, { error: 'must not be empty', abort: true })
      .max(MAX_URL_LENGTH, { error: URL_TOO_LONG, abort: true }),
  ),
});

export type ArticleInput = z.output<typeof articleInputSchema>;

/**
 * The batch around the articles. Items stay `unknown` here and are validated one by one,
 * so one bad item never costs the good ones.
 */
export const batchEnvelopeSchema = z.object({
  articles: z
    .array(z.unknown(), { error: typeError('an array of articles') })
    .min(1, { error: 'must contain at least 1 article', abort: true })
    .max(MAX_BATCH_ARTICLES, { error: `must contain at most ${MAX_BATCH_ARTICLES} articles`, abort: true }),
});

export type Validated<T> = { ok: true } & T;
export type Invalid = { ok: false; issues: FieldIssue[] };

export function validateBatchEnvelope(raw: unknown): Validated<{ articles: unknown[] }> | Invalid {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: WHOLE_BODY, message: 'must be a JSON object with an articles array' }] };
  }
  const result = batchEnvelopeSchema.safeParse(raw);
  if (!result.success) return { ok: false, issues: fieldIssues(result.error, []) };
  return { ok: true, articles: result.data.articles };
}

/** Validates the item at `index` of a batch; issue fields read like `articles.3.url`. */
export function validateArticle(raw: unknown, index: number): Validated<{ input: ArticleInput }> | Invalid {
  const prefix = ['articles', index];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: prefix.join('.'), message: 'must be an object' }] };
  }
  const result = articleInputSchema.safeParse(raw);
  if (!result.success) return { ok: false, issues: fieldIssues(result.error, prefix) };
  return { ok: true, input: result.data };
}

/** Query parameters that only say where a click came from. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'mc_cid',
  'mc_eid',
  'ref',
  'ref_src',
  'ref_url',
  'igshid',
  'igsh',
  '_ga',
  '_gl',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'vero_conv',
  '_hsenc',
  '_hsmi',
  'hsctatracking',
  'at_medium',
  'at_campaign',
  'at_custom1',
  'at_custom2',
  'at_custom3',
  'at_custom4',
  'xtor',
  'cmpid',
  'ocid',
  'ncid',
  'smid',
  'spm',
  's_cid',
  'wt.mc_id',
  'rss',
  'cmp',
  'ito',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/**
 * The form of a URL that two links to the same story share: lower-case scheme and host
 * (the URL parser does that, and drops default ports), no fragment, no tracking
 * parameters, the rest sorted, no trailing slash except on the root.
 */
export function canonicalUrl(url: string): string {
  const parsed = URL.parse(url.trim());
  if (!parsed) throw new ValidationError('not a valid URL', [{ field: 'url', message: 'must be an http(s) URL' }]);
  parsed.hash = '';
  const kept = [...parsed.searchParams].filter(([name]) => !isTrackingParam(name));
  const params = new URLSearchParams(kept);
  params.sort();
  parsed.search = params.size > 0 ? params.toString() : '';
  if (parsed.pathname.length > 1 && parsed.pathname.endsWith('/')) {
    parsed.pathname = parsed.pathname.replace(/(?<!\/)\/+$/, '') || '/';
  }
  return parsed.href;
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * What makes two posts the same article: the canonical URL, else the source and the guid, else
 * the source, lower-cased title and text. With a publisher it is scoped to them (each key or
 * source dedupes only against itself, so no one can pre-claim another's URL); without, it is the
 * id articles had before publishers were recorded.
 */
function idOf(url: string | undefined, guid: string | undefined, source: string, title: string, text: string, publisher?: string): string {
  const identity =
    url !== undefined ? [canonicalUrl(url)] : guid !== undefined ? ['guid', source, guid] : [source, title.toLowerCase(), text];
  if (publisher === undefined) return sha256Hex(identity.length === 1 ? identity[0]! : identity.join('\u0000'));
  return sha256Hex(['publisher', publisher, ...identity].join('\u0000'));
}

/**
 * Text of the article as stored: the body as plain text, or the summary when the body has
 * no text (absent, empty, blank, or only markup such as `<p></p>`).
 */
function articleText(input: ArticleInput): string {
  const body = htmlToPlainText(input.body ?? '');
  return body !== '' ? body : htmlToPlainText(input.summary ?? '');
}

/**
 * The article's identity: the canonical URL when there is one, else the source and the guid,
 * else the source, the lower-cased title and the full (uncut) text, so a re-sent story maps to
 * the same id.
 */
export function articleId(input: ArticleInput, publisher?: string): string {
  return idOf(input.url, input.guid, plainLine(input.source), plainLine(input.title), articleText(input), publisher);
}

/** The record to store (its id scoped to `publisher` when given), and whether its text had to be cut to fit. */
export function toArticle(input: ArticleInput, ingestedAt: string, publisher?: string): { article: Article; truncated: boolean } {
  const title = plainLine(input.title);
  const source = plainLine(input.source);
  const fullText = articleText(input);
  const text = truncateUtf8(fullText, MAX_TEXT_BYTES);
  const truncated = text.length < fullText.length;
  const article: Article = {
    id: idOf(input.url, input.guid, source, title, fullText, publisher),
    title,
    text,
    source,
    topics: (input.topics ?? []).map((topic) => topic.key),
    ingestedAt,
    // Absent rather than undefined: the DynamoDB marshaller refuses undefined values.
    ...(input.url !== undefined && { url: input.url }),
    ...(input.publishedAt !== undefined && { publishedAt: plausiblePublishedAt(input.publishedAt, ingestedAt) }),
    ...(input.language !== undefined && { language: input.language }),
    ...(input.imageUrl !== undefined && { imageUrl: input.imageUrl }),
    ...(truncated && { truncated: true }),
    ...(publisher !== undefined && { publisher }),
  };
  return { article, truncated };
}

/** An article id: a sha256 hex (of its publisher and canonical URL, or source, title and text). */
export const ARTICLE_ID_PATTERN = /^[0-9a-f]{64}$/;

/** Clocks drift and feeds round to the hour; past this a publication time is a typo or a bid for the top. */
export const MAX_PUBLISHED_AHEAD_MS = 60 * 60_000;

/**
 * A publishedAt more than an hour after the ingest time cannot be true, and shown as is it reads
 * "Today, 23:50" in the morning: it becomes the ingest time, the latest it can really be.
 */
export function plausiblePublishedAt(publishedAt: string, ingestedAt: string): string {
  return Date.parse(publishedAt) - Date.parse(ingestedAt) > MAX_PUBLISHED_AHEAD_MS ? ingestedAt : publishedAt;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Look this far back from the byte limit for a sentence end before settling for a word end. */
const SENTENCE_WINDOW = 2_000;
const SENTENCE_END = /[.!?…。！？]['"”’»)\]]*\s/g;

/**
 * Cuts text to at most `maxBytes` of UTF-8, at the end of a sentence near the limit, else
 * at a word, else at a character. Never splits a UTF-8 sequence, so never a surrogate pair.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  const head = decoder.decode(bytes.subarray(0, end));
  const tail = head.slice(-SENTENCE_WINDOW);
  let sentenceEnd = -1;
  for (const match of tail.matchAll(SENTENCE_END)) sentenceEnd = match.index + match[0].length;
  if (sentenceEnd > 0) return head.slice(0, head.length - tail.length + sentenceEnd).trimEnd();
  const lastSpace = head.search(/\s\S*$/);
  return (lastSpace > 0 ? head.slice(0, lastSpace) : head).trimEnd();
}
