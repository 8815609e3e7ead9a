/** Creates the single table of schema.ts where none exists: for the local stack and tests (infra/ owns it on AWS). */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { hasErrorName } from './aws-errors.ts';
import { TABLE } from './schema.ts';

const TABLE_ACTIVE_WAIT_SECONDS = 60;

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  if (!(await tableExists(client, tableName))) {
    await createTable(client, tableName);
  }
  await waitUntilTableExists({ client, maxWaitTime: TABLE_ACTIVE_WAIT_SECONDS, minDelay: 1 }, { TableName: tableName });
  await enableTimeToLive(client, tableName);
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { byIngestDay, bySendSlot } = TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          TABLE.partitionKey,
          TABLE.sortKey,
          byIngestDay.partitionKey,
          byIngestDay.sortKey,
          bySendSlot.partitionKey,
          bySendSlot.sortKey,
        ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [byIngestDay, bySendSlot].map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    // Another process created it between our describe and create: same table, nothing to do.
    if (!hasErrorName(error, 'ResourceInUseException')) throw error;
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const status = TimeToLiveDescription?.TimeToLiveStatus;
    // AWS rejects enabling TTL twice, so a second ensureTable must not try.
    if (status === 'ENABLED' || status === 'ENABLING') return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite has no UpdateTimeToLive; locally items simply never expire, which no flow relies on.
    if (!hasErrorName(error, 'UnknownOperationException')) throw error;
  }
}
