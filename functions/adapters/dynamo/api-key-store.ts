/** Publisher API keys, stored by the sha256 of the key so a leaked table reveals no key. */
import { type DynamoDBDocumentClient, GetCommand, paginateScan, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKey, ApiKeyStore } from '../../core/ingest/index.ts';
import { apiKeyKey, keyOf } from './keys.ts';
import { apiKeyRecord, parseRecord } from './records.ts';

export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(hash: string): Promise<ApiKey | undefined> {
    const key = apiKeyKey(hash);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(apiKeyRecord, Item, key);
  }

  async put(key: ApiKey): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...key, ...apiKeyKey(key.hash) } }));
  }

  async *list(): AsyncIterable<ApiKey> {
    // Operators list keys rarely; a filtered scan avoids an index for a handful of items.
    const pages = paginateScan(
      { client: this.doc },
      { TableName: this.tableName, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'KEY' } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield parseRecord(apiKeyRecord, item, keyOf(item));
    }
  }
}
