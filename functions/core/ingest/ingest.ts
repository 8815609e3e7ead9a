/** POST /articles: validate each item on its own, dedupe, store; one result per item. */
import pMap from 'p-map';
import type { ArticleStore, TopicCatalogue } from './ports.ts';
import type { Publisher, TopicSighting } from './types.ts';
import { type Clock, type FieldIssue, type ToleratedFailure, validationError } from '../shared/index.ts';
import { type ArticleInput, articleId, toArticle, validateArticle, validateBatchEnvelope } from './article.ts';

export const MAX_BATCH_BYTES = 1024 * 1024;
/** Writes in flight per batch: enough to hide DynamoDB latency, few enough to stay under a cold table's limits. */
const WRITE_CONCURRENCY = 8;

export type IngestItemResult =
  | { index: number; status: 'created' | 'duplicate'; id: string; truncated?: true }
  | { index: number; status: 'rejected'; errors: FieldIssue[] }
  /** The store failed for this item only; the publisher should retry it. */
  | { index: number; status: 'failed'; id: string; errors: FieldIssue[] };

/** What the publisher is told. */
export interface IngestReport {
  results: IngestItemResult[];
  counts: Record<IngestItemResult['status'], number>;
}

/** The report, and the store errors behind its failed items (and a failed topic write) for the log only. */
export interface IngestResult {
  report: IngestReport;
  failures: ToleratedFailure[];
}

export interface IngestDeps {
  articles: ArticleStore;
  clock: Clock;
  topics?: TopicCatalogue;
  /** Who posts the batch (the key, or the feed source): ids are scoped to them. Without one, the unscoped ids of old. */
  publisher?: Publisher;
}

export async function ingestBatch(body: unknown, deps: IngestDeps): Promise<IngestResult> {
  const envelope = validateBatchEnvelope(body);
  if (!envelope.ok) throw validationError('batch', envelope.issues);
  const ingestedAt = deps.clock.now().toISOString();
  const topics = new Map<string, TopicSighting>();
  const failures: ToleratedFailure[] = [];
  const results = await pMap(envelope.articles, (item, index) => ingestOne(item, index, ingestedAt, topics, deps, failures), {
    concurrency: WRITE_CONCURRENCY,
  });
  // One write per batch keeps the preference centre's topic list current without a scan of articles.
  // The articles are stored by now: a failed catalogue write is logged, never turned into a failed batch.
  if (topics.size > 0) {
    await deps.topics
      ?.record([...topics.values()], ingestedAt)
      .catch((cause: unknown) => failures.push({ what: 'topic catalogue write failed', cause }));
  }

  const counts = { created: 0, duplicate: 0, rejected: 0, failed: 0 };
  for (const result of results) counts[result.status] += 1;
  return { report: { results, counts }, failures };
}

async function ingestOne(
  raw: unknown,
  index: number,
  ingestedAt: string,
  topics: Map<string, TopicSighting>,
  deps: Pick<IngestDeps, 'articles' | 'publisher'>,
  failures: ToleratedFailure[],
): Promise<IngestItemResult> {
  const validated = validateArticle(raw, index);
  if (!validated.ok) return { index, status: 'rejected', errors: validated.issues };
  const { article, truncated } = toArticle(validated.input, ingestedAt, deps.publisher?.id);
  try {
    const earlier = deps.publisher && (await storedBeforePublishers(validated.input, deps.publisher, deps.articles));
    if (earlier) {
      noteTopics(topics, validated.input, 'duplicate');
      return { index, status: 'duplicate', id: earlier };
    }
    const status = await deps.articles.putIfAbsent(article);
    noteTopics(topics, validated.input, status);
    return truncated ? { index, status, id: article.id, truncated: true } : { index, status, id: article.id };
  } catch (cause) {
    failures.push({ what: 'article write failed', cause });
    return {
      index,
      status: 'failed',
      id: article.id,
      errors: [{ field: `articles.${index}`, message: 'could not be stored; retry this item' }],
    };
  }
}

/**
 * Articles stored before publishers were recorded have the unscoped id and no publisher, so who
 * posted one is unknown. A re-post stays a duplicate of it when the publisher already existed
 * when it was stored (it may be theirs, as before); a key or source made later cannot be its
 * author, so its post is its own. The id of that earlier article, or undefined. Such articles
 * expire with the article TTL, and nothing stores unscoped ids any more.
 */
async function storedBeforePublishers(input: ArticleInput, publisher: Publisher, articles: ArticleStore): Promise<string | undefined> {
  const unscoped = await articles.get(articleId(input));
  if (unscoped === undefined || unscoped.publisher !== undefined) return undefined;
  return Date.parse(unscoped.ingestedAt) >= Date.parse(publisher.since) ? unscoped.id : undefined;
}

function noteTopics(sightings: Map<string, TopicSighting>, input: ArticleInput, status: 'created' | 'duplicate'): void {
  for (const topic of input.topics ?? []) {
    const sighting = sightings.get(topic.key) ?? { key: topic.key, label: topic.label, articles: 0 };
    if (status === 'created') sighting.articles += 1;
    sightings.set(topic.key, sighting);
  }
}
