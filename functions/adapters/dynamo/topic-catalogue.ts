/** The TOPICS item: a string set of every topic seen at ingest, like the ZONES item for zones. */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CorruptRecordError } from '../../core/shared/index.ts';
import type { TopicCatalogue } from '../../core/ingest/index.ts';
import { TOPICS_KEY } from './keys.ts';

const topicsRecord = z.set(z.string());

export class DynamoTopicCatalogue implements TopicCatalogue {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(topics: readonly string[]): Promise<void> {
    // DynamoDB rejects an empty set; a batch without topics has nothing to add.
    if (topics.length === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: TOPICS_KEY,
        UpdateExpression: 'ADD topics :topics',
        ExpressionAttributeValues: { ':topics': new Set(topics) },
      }),
    );
  }

  async list(): Promise<string[]> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: TOPICS_KEY }));
    const topics = topicsRecord.safeParse(Item?.['topics'] ?? new Set());
    if (!topics.success) throw new CorruptRecordError(`The topic list (${TOPICS_KEY.pk}) is not a set of strings.`);
    return [...topics.data].sort();
  }
}
