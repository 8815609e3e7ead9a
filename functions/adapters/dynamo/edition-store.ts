/** Editions: one item each (rendered html and text included, well under the 400 KB item limit), listed newest first through GSI1. */
import { type DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Edition,
  type EditionContent,
  EditionNotFoundError,
  type EditionStatus,
  type EditionStore,
} from '../../core/edition/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { expiresAfterDays, toUtcIso } from './item-time.ts';
import { editionKey, keyOf } from './keys.ts';
import { editionRecord, parseRecord } from './records.ts';
import { EDITION_TTL_DAYS, TABLE } from './schema.ts';

/** The one GSI1 partition holding every edition; a few writes an hour, so it never runs hot. */
/** Every edition sits in one GSI1 partition, newest last: the archive and the personal-data lookup read it. */
export const EDITIONS_PARTITION = 'EDITIONS';

export class DynamoEditionStore implements EditionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Edition | undefined> {
    const key = editionKey(id);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(editionRecord, Item, key);
  }

  async createIfAbsent(edition: Edition): Promise<{ edition: Edition; created: boolean }> {
    const createdAt = toUtcIso(edition.createdAt);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...edition,
            ...editionKey(edition.id),
            gsi1pk: EDITIONS_PARTITION,
            gsi1sk: `${createdAt}#${edition.id}`,
            expiresAt: expiresAfterDays(createdAt, EDITION_TTL_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { edition, created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // Another planner won the race: share its edition. Nothing deletes editions before their TTL.
    const stored = await this.get(edition.id);
    if (stored === undefined) throw new Error(`edition ${edition.id} failed its create condition yet cannot be read`);
    return { edition: stored, created: false };
  }

  async setStatus(id: string, status: EditionStatus, recipients: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: editionKey(id),
          UpdateExpression: 'SET #status = :status, recipients = :recipients',
          // Without it an update would create a stub item that no schema accepts.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':recipients': recipients },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new EditionNotFoundError(`no edition ${id}`, { cause: error });
      throw error;
    }
  }

  async listRecent(limit: number): Promise<Edition[]> {
    const editions: Edition[] = [];
    if (limit <= 0) return editions;
    const pages = paginateQuery(
      { client: this.doc, pageSize: limit },
      {
        TableName: this.tableName,
        IndexName: TABLE.byIngestDay.indexName,
        KeyConditionExpression: 'gsi1pk = :editions',
        ExpressionAttributeValues: { ':editions': EDITIONS_PARTITION },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        editions.push(parseRecord(editionRecord, item, keyOf(item)));
        if (editions.length === limit) return editions;
      }
    }
    return editions;
  }

  async *listCreatedSince(createdAt: string): AsyncIterable<Edition> {
    const pages = paginateQuery(
      // Editions are large items: a few per page keeps memory flat over a month of them.
      { client: this.doc, pageSize: 10 },
      {
        TableName: this.tableName,
        IndexName: TABLE.byIngestDay.indexName,
        KeyConditionExpression: 'gsi1pk = :editions AND gsi1sk >= :from',
        ExpressionAttributeValues: { ':editions': EDITIONS_PARTITION, ':from': toUtcIso(createdAt) },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield parseRecord(editionRecord, item, keyOf(item));
    }
  }

  async replaceContent(id: string, content: EditionContent): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: editionKey(id),
          UpdateExpression:
            'SET subject = :subject, preheader = :preheader, html = :html, #text = :text, stories = :stories, moreStories = :more, withdrawn = :withdrawn',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#text': 'text' },
          ExpressionAttributeValues: {
            ':subject': content.subject,
            ':preheader': content.preheader,
            ':html': content.html,
            ':text': content.text,
            ':stories': content.stories,
            ':more': content.moreStories,
            ':withdrawn': content.withdrawn,
          },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new EditionNotFoundError(`no edition ${id}`, { cause: error });
      throw error;
    }
  }
}
