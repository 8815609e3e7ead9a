/** Which table a data command works on: a deployed one (--table, --region), or the local stack's. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/dynamo/client.ts';
import { DEFAULT_AWS_REGION, fetchSecretFromSecretsManager, resolveTokenSecret } from '../adapters/runtime/config.ts';
import { ErasureMarks } from '../adapters/dynamo/erasure-marks.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

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
  /** The erasure markers' keyed hash, from the token secret (the local stack's, or TOKEN_SECRET / TOKEN_SECRET_ARN for --table). */
  erasureMarks(): Promise<ErasureMarks>;
  close(): void;
}

/** A deployed table's token secret: TOKEN_SECRET, or the Secrets Manager secret TOKEN_SECRET_ARN names (the stack's TokenSigningKey). */
async function deployedErasureMarks(region: string): Promise<ErasureMarks> {
  const TOKEN_SECRET = process.env['TOKEN_SECRET'] || undefined;
  const TOKEN_SECRET_ARN = process.env['TOKEN_SECRET_ARN'] || undefined;
  if (TOKEN_SECRET === undefined && TOKEN_SECRET_ARN === undefined) {
    throw new CliError(
      'Erasure markers are keyed by the token secret: set TOKEN_SECRET_ARN to the ARN of the stack\'s TokenSigningKey secret (or TOKEN_SECRET to its value).',
    );
  }
  return new ErasureMarks(await resolveTokenSecret({ TOKEN_SECRET, TOKEN_SECRET_ARN }, (arn) => fetchSecretFromSecretsManager(arn, region)));
}

export async function tableTarget(options: TableOptions): Promise<TableTarget> {
  if (options.table) {
    const region = options.region ?? (process.env.AWS_REGION || DEFAULT_AWS_REGION);
    const doc = createDocumentClient({ region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
    return { doc, tableName: options.table, where: `table ${options.table}`, erasureMarks: () => deployedErasureMarks(region), close: () => doc.destroy() };
  }
  const { config } = await loadLocalSettings();
  const doc = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const secret = config.TOKEN_SECRET;
  return {
    doc,
    tableName: config.TABLE_NAME,
    where: 'the local stack (is `npm start` running?)',
    erasureMarks: async () => {
      if (secret === undefined) throw new CliError('The local stack has no token secret: run `npm start` once.');
      return new ErasureMarks(secret);
    },
    close: () => doc.destroy(),
  };
}

export const TABLE_OPTION = ['--table <name>', 'DynamoDB table of a deployed stack (its TableName output); default: the local stack'] as const;
export const REGION_OPTION = ['--region <region>', 'AWS region of --table (default: AWS_REGION)'] as const;
