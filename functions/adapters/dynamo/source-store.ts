/**
 * Feed sources: one partition (`SOURCES`) holding one item per source (`SRC#<id>`), so the
 * planner lists them with a Query, never a Scan. A deployment has hundreds of feeds, not
 * millions: one partition serves that many with room to spare.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Source, SourceStore } from '../../core/sources/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { type ItemKey, keyOf } from './keys.ts';
import { parseRecord } from './records.ts';

const SOURCES_PARTITION = 'SOURCES';

export function sourceKey(id: string): ItemKey {
  return { pk: SOURCES_PARTITION, sk: `SRC#${id}` };
}

const timestamp = z.iso.datetime({ offset: true });

export const sourceRecord: z.ZodType<Source> = z.object({
  id: z.string().min(1),
  url: z.string().min(1),
  name: z.string().optional(),
  feedTitle: z.string().optional(),
  topics: z.array(z.string()),
  fullText: z.boolean(),
  state: z.enum(['active', 'paused', 'failing', 'disabled']),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  lastSuccessAt: timestamp.optional(),
  lastPolledAt: timestamp.optional(),
  lastError: z.string().optional(),
  consecutiveFailures: z.int().min(0),
  failingSince: timestamp.optional(),
  nextPollAt: timestamp,
  createdAt: timestamp,
});

export class DynamoSourceStore implements SourceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putIfAbsent(source: Source): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...source, ...sourceKey(source.id) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'exists';
      throw error;
    }
  }

  async get(id: string): Promise<Source | undefined> {
    const key = sourceKey(id);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(sourceRecord, Item, key);
  }

  async put(source: Source): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...source, ...sourceKey(source.id) } }));
  }

  async delete(id: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: sourceKey(id), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  async *list(): AsyncIterable<Source> {
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': SOURCES_PARTITION, ':prefix': 'SRC#' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield parseRecord(sourceRecord, item, keyOf(item));
    }
  }
}
