/** Articles: one item each, deduplicated by id; GSI1 lists them by ingest day for the digest planner. */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Article, ArticleStore } from '../../core/ingest/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { expiresAfterDays, toUtcIso, utcDay } from './item-time.ts';
import { articleKey, keyOf } from './keys.ts';
import { articleRecord, parseRecord } from './records.ts';
import { ARTICLE_TTL_DAYS, TABLE } from './schema.ts';

const DAY_MS = 86_400_000;
/** Sorts after `#<id>` for any id, so `<timestamp>${AFTER_EVERY_ID}` bounds every article of that instant. */
const AFTER_EVERY_ID = '#\uffff';

export class DynamoArticleStore implements ArticleStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putIfAbsent(article: Article): Promise<'created' | 'duplicate'> {
    const ingestedAt = toUtcIso(article.ingestedAt);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...article,
            ...articleKey(article.id),
            gsi1pk: dayPartition(ingestedAt),
            gsi1sk: `${ingestedAt}#${article.id}`,
            expiresAt: expiresAfterDays(ingestedAt, ARTICLE_TTL_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw error;
    }
  }

  async *listIngested(since: string, cutoff: string): AsyncIterable<Article> {
    const after = toUtcIso(since);
    const upTo = toUtcIso(cutoff);
    if (after >= upTo) return;
    for (const day of daysToQuery(after, upTo)) {
      const pages = paginateQuery(
        { client: this.doc },
        {
          TableName: this.tableName,
          IndexName: TABLE.byIngestDay.indexName,
          KeyConditionExpression: 'gsi1pk = :day AND gsi1sk BETWEEN :after AND :upTo',
          ExpressionAttributeValues: {
            ':day': dayPartition(day),
            // `since` itself is excluded: every `<since>#<id>` sorts below `<since>#\uffff`.
            ':after': `${after}${AFTER_EVERY_ID}`,
            ':upTo': `${upTo}${AFTER_EVERY_ID}`,
          },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const article = parseRecord(articleRecord, item, keyOf(item));
          if (article.withdrawnAt === undefined) yield article;
        }
      }
    }
  }

  async get(id: string): Promise<Article | undefined> {
    const key = articleKey(id);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(articleRecord, Item, key);
  }

  async withdraw(id: string, at: string): Promise<Article | undefined> {
    const key = articleKey(id);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET withdrawnAt = if_not_exists(withdrawnAt, :at)',
          // Without it an update would create a stub item that no schema accepts.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': toUtcIso(at) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes === undefined ? undefined : parseRecord(articleRecord, Attributes, key);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async restore(id: string, at: string): Promise<Article | undefined> {
    const key = articleKey(id);
    const restoredAt = toUtcIso(at);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE withdrawnAt SET restoredAt = :at, ingestedAt = :at, gsi1pk = :day, gsi1sk = :listed',
          // Only a withdrawn article moves: restoring one that is shown changes nothing.
          ConditionExpression: 'attribute_exists(withdrawnAt)',
          ExpressionAttributeValues: { ':at': restoredAt, ':day': dayPartition(restoredAt), ':listed': `${restoredAt}#${id}` },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes === undefined ? undefined : parseRecord(articleRecord, Attributes, key);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return this.get(id);
      throw error;
    }
  }
}

function dayPartition(timestamp: string): string {
  return `DAY#${utcDay(timestamp)}`;
}

/**
 * Every UTC day from since's to cutoff's, oldest first. Days before the article TTL are skipped:
 * their articles have expired, and a reader with an old watermark must not cost a query per day of absence.
 */
function* daysToQuery(since: string, cutoff: string): Generator<string> {
  const last = Date.parse(`${utcDay(cutoff)}T00:00:00.000Z`);
  const first = Math.max(Date.parse(`${utcDay(since)}T00:00:00.000Z`), last - ARTICLE_TTL_DAYS * DAY_MS);
  for (let day = first; day <= last; day += DAY_MS) yield new Date(day).toISOString();
}
