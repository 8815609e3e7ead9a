/** DynamoDB clients for AWS and for a local emulator, configured from one validated options object. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';

const clientOptionsSchema = z.object({
  region: z.string().min(1),
  endpoint: z.url().optional(),
});

export type DynamoClientOptions = z.input<typeof clientOptionsSchema>;

// An emulator ignores signatures, but the SDK still signs: fixed keys spare a developer the AWS account.
const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  const { region, endpoint } = clientOptionsSchema.parse(options);
  return new DynamoDBClient(endpoint === undefined ? { region } : { region, endpoint, credentials: EMULATOR_CREDENTIALS });
}

/** Wraps an existing client, sharing its connections, so table setup and stores can use one pool. */
export function toDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  // Optional record fields arrive as undefined; DynamoDB rejects undefined attribute values.
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createDocumentClient(options: DynamoClientOptions): DynamoDBDocumentClient {
  return toDocumentClient(createDynamoClient(options));
}
