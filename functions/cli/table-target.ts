/** Which table a data command works on: a deployed one (--table, --region), or the local stack's. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/dynamo/client.ts';
import { DEFAULT_AWS_REGION } from '../adapters/runtime/config.ts';
import { loadLocalSettings } from '../local/local-settings.ts';

export interface TableOptions {
  table?: string;
  region?: string;
  /** A DynamoDB-compatible endpoint (DynamoDB Local, dynalite) for --table. */
  endpoint?: string;
}

export interface TableTarget {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** For messages: "table X" or "the local stack". */
  where: string;
  close(): void;
}

export async function tableTarget(options: TableOptions): Promise<TableTarget> {
  if (options.table) {
    const doc = createDocumentClient({
      region: options.region ?? (process.env.AWS_REGION || DEFAULT_AWS_REGION),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    return { doc, tableName: options.table, where: `table ${options.table}`, close: () => doc.destroy() };
  }
  const { config } = await loadLocalSettings();
  const doc = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  return {
    doc,
    tableName: config.TABLE_NAME,
    where: 'the local stack (is `npm start` running?)',
    close: () => doc.destroy(),
  };
}

export const TABLE_OPTION = ['--table <name>', 'DynamoDB table of a deployed stack (its TableName output); default: the local stack'] as const;
export const REGION_OPTION = ['--region <region>', 'AWS region of --table (default: AWS_REGION)'] as const;
