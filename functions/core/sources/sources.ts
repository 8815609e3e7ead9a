/** Adding, listing, pausing, resuming and removing feed sources: the CLI and the API share these. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalUrl } from '../ingest/index.ts';
import { type Clock, MAX_ARTICLE_TOPICS, parseOrThrow, parseTopic, plainLine } from '../shared/index.ts';
import { SourceLimitReachedError, SourceNotFoundError } from './errors.ts';
import type { SourceStore } from './ports.ts';
import type { Source, SourceLimits } from './types.ts';

const MAX_URL_LENGTH = 2048;

const feedUrl = z
  .string({ error: 'is required' })
  .trim()
  .min(1, { error: 'is required', abort: true })
  .max(MAX_URL_LENGTH, { error: `must be at most ${MAX_URL_LENGTH} characters`, abort: true })
  .transform((value, ctx) => {
    const url = URL.parse(value);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
      return z.NEVER;
    }
    if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
      return z.NEVER;
    }
    url.hash = '';
    return url.href;
  });

const sourceName = z
  .string({ error: 'must be a string' })
  .transform((value) => {
    try {
      return plainLine(value);
    } catch {
      return '';
    }
  })
  .pipe(z.string().min(1, 'must contain text').max(200, 'must be at most 200 characters'));

const topicList = z
  .union([z.string().transform((value) => value.split(',')), z.array(z.string({ error: 'must be a string' }))], {
    error: 'must be a list of topics or a comma-separated string',
  })
  .transform((values, ctx) => {
    const keys = new Set<string>();
    for (const [index, value] of values.entries()) {
      if (value.trim() === '') continue;
      const parsed = parseTopic(value);
      if (parsed.ok) keys.add(parsed.topic.key);
      else ctx.addIssue({ code: 'custom', path: [index], message: parsed.issue });
    }
    if (keys.size > MAX_ARTICLE_TOPICS) ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_ARTICLE_TOPICS} topics` });
    return [...keys];
  });

/** What an operator sends to add a source. Unknown keys are dropped. */
export const newSourceSchema = z.object({
  url: feedUrl,
  name: sourceName.optional(),
  topics: topicList.optional(),
  fullText: z.boolean({ error: 'must be true or false' }).optional(),
});

export type NewSource = z.input<typeof newSourceSchema>;

/** A source's id: stable for the feed, whatever tracking parameters or case of host the URL was given with. */
export function sourceId(url: string): string {
  return createHash('sha256').update(canonicalUrl(url), 'utf8').digest('hex').slice(0, 16);
}

/** What a reader of a listing sees the source as. */
export function displayName(source: Source): string {
  return source.name ?? source.feedTitle ?? new URL(source.url).hostname;
}

export interface AddedSource {
  source: Source;
  /** False when the URL was already a source: nothing changed. */
  created: boolean;
}

/**
 * Adds a source, due at once. Adding a URL that is already a source changes nothing and says so;
 * a new one past `sourceLimits.maxSources` is refused (SourceLimitReachedError). The count is read
 * before the write, so concurrent adds may pass the cap by a few: it bounds load, not billing.
 */
export async function addSource(
  raw: unknown,
  deps: { sources: SourceStore; clock: Clock; sourceLimits: SourceLimits },
): Promise<AddedSource> {
  const input = parseOrThrow(newSourceSchema, raw, 'source');
  const known = await deps.sources.get(sourceId(input.url));
  if (known !== undefined) return { source: known, created: false };
  let count = 0;
  for await (const _source of deps.sources.list()) count += 1;
  if (count >= deps.sourceLimits.maxSources) throw new SourceLimitReachedError(deps.sourceLimits.maxSources);
  const now = deps.clock.now().toISOString();
  const source: Source = {
    id: sourceId(input.url),
    url: input.url,
    ...(input.name !== undefined && { name: input.name }),
    topics: input.topics ?? [],
    fullText: input.fullText ?? false,
    state: 'active',
    consecutiveFailures: 0,
    nextPollAt: now,
    createdAt: now,
  };
  if ((await deps.sources.putIfAbsent(source)) === 'created') return { source, created: true };
  const existing = await deps.sources.get(source.id);
  return { source: existing ?? source, created: false };
}

export async function listSources(deps: { sources: SourceStore }): Promise<Source[]> {
  const all: Source[] = [];
  for await (const source of deps.sources.list()) all.push(source);
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * The source an operator means: its id, or its URL (any spelling with the same canonical form).
 * Throws SourceNotFoundError.
 */
export async function findSource(idOrUrl: string, deps: { sources: SourceStore }): Promise<Source> {
  const trimmed = idOrUrl.trim();
  const id = /^[0-9a-f]{16}$/.test(trimmed) ? trimmed : URL.canParse(trimmed) ? sourceId(trimmed) : undefined;
  const source = id === undefined ? undefined : await deps.sources.get(id);
  if (!source) throw new SourceNotFoundError(`No source ${JSON.stringify(trimmed)}.`);
  return source;
}

export async function removeSource(idOrUrl: string, deps: { sources: SourceStore }): Promise<Source> {
  const source = await findSource(idOrUrl, deps);
  await deps.sources.delete(source.id);
  return source;
}

export async function pauseSource(idOrUrl: string, deps: { sources: SourceStore }): Promise<Source> {
  const source = { ...(await findSource(idOrUrl, deps)), state: 'paused' as const };
  await deps.sources.put(source);
  return source;
}

/** Back to active and due now, its failures forgotten: also how a disabled source is given another chance. */
export async function resumeSource(idOrUrl: string, deps: { sources: SourceStore; clock: Clock }): Promise<Source> {
  const { lastError: _error, failingSince: _since, ...found } = await findSource(idOrUrl, deps);
  const source: Source = { ...found, state: 'active', consecutiveFailures: 0, nextPollAt: deps.clock.now().toISOString() };
  await deps.sources.put(source);
  return source;
}
