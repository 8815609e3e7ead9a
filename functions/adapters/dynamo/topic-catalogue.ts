/**
 * The TOPICS item: the topic catalogue (at most CATALOGUE_LIMIT topics with counts and
 * last-seen times) in one item, replaced by a conditional put on its version so concurrent
 * ingests never lose each other's topics; a lost race reads again and retries.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CorruptRecordError, MAX_TOPIC_LENGTH, normaliseTopic } from '../../core/shared/index.ts';
import { fullJitterDelayMs } from '../../core/delivery/index.ts';
import { type CatalogueTopic, mergeTopicCatalogue, type TopicCatalogue, type TopicSighting } from '../../core/ingest/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { TOPICS_KEY } from './keys.ts';

/** Enough for a dozen ingests racing on one catalogue; after that the batch reports the failure. */
const MAX_ATTEMPTS = 10;

const storedTopic = z.object({
  k: z.string().min(1).max(MAX_TOPIC_LENGTH),
  l: z.string().min(1).max(MAX_TOPIC_LENGTH),
  n: z.number().int().positive(),
  t: z.iso.datetime(),
});

const catalogueRecord = z.object({
  version: z.number().int().nonnegative().optional(),
  entries: z.array(storedTopic).optional(),
  /** The earlier form: a string set of every topic ever seen, unbounded and unnormalised. */
  topics: z.set(z.string()).optional(),
});

/** Topics from before the catalogue kept counts: normalised, counted once, seen at the epoch so newer ones outrank them. */
const LEGACY_SEEN = '1970-01-01T00:00:00.000Z';

export interface CatalogueRetry {
  random: () => number;
  sleep: (ms: number) => Promise<unknown>;
}

/** The catalogue could not be written in MAX_ATTEMPTS tries: other writers kept winning. */
export class TopicCatalogueContendedError extends Error {
  override name = 'TopicCatalogueContendedError';
}

export class DynamoTopicCatalogue implements TopicCatalogue {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retry: CatalogueRetry = { random: Math.random, sleep: delay },
  ) {}

  async record(sightings: readonly TopicSighting[], at: string): Promise<void> {
    // DynamoDB rejects nothing here, but a batch without topics has nothing to add.
    if (sightings.length === 0) return;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      if (attempt > 1) await this.retry.sleep(fullJitterDelayMs(attempt, 20, 1_000, this.retry.random));
      const { version, topics } = await this.read();
      const merged = mergeTopicCatalogue(topics, sightings, at);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...TOPICS_KEY,
              version: version + 1,
              entries: merged.map((t) => ({ k: t.key, l: t.label, n: t.count, t: t.lastSeen })),
            },
            ConditionExpression: version === 0 ? 'attribute_not_exists(version)' : 'version = :version',
            ...(version !== 0 && { ExpressionAttributeValues: { ':version': version } }),
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new TopicCatalogueContendedError(`The topic catalogue changed under ${MAX_ATTEMPTS} attempts to write it.`);
  }

  async list(): Promise<CatalogueTopic[]> {
    return (await this.read()).topics;
  }

  private async read(): Promise<{ version: number; topics: CatalogueTopic[] }> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: TOPICS_KEY, ConsistentRead: true }));
    const parsed = catalogueRecord.safeParse(Item ?? {});
    if (!parsed.success)
      throw new CorruptRecordError(`The topic catalogue (${TOPICS_KEY.pk}) does not match its schema.`, { cause: parsed.error });
    const version = parsed.data.version ?? 0;
    if (parsed.data.entries) {
      const topics = parsed.data.entries.map((t) => ({ key: t.k, label: t.l, count: t.n, lastSeen: t.t }));
      return { version, topics: topics.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
    }
    // Cut to the catalogue's size as it would be after the next ingest, which rewrites it in the new form.
    const legacy = [...(parsed.data.topics ?? [])].flatMap((name) => {
      const topic = normaliseTopic(name);
      return topic ? [{ key: topic.key, label: topic.label, articles: 1 }] : [];
    });
    return { version, topics: mergeTopicCatalogue([], legacy, LEGACY_SEEN) };
  }
}
