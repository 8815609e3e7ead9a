/**
 * Which table a data command works on, a deployed one (--table, --region) or the local stack's,
 * as a Wiring: the CLI takes its stores from the same composition root as every Lambda.
 */
import { DEFAULT_AWS_REGION, loadTableConfig } from '../adapters/runtime/config.ts';
import { Wiring } from '../adapters/runtime/wiring.ts';
import { loadLocalSettings } from '../local/local-settings.ts';

export interface TableOptions {
  table?: string;
  region?: string;
  /** A DynamoDB-compatible endpoint (DynamoDB Local, dynalite) for --table. */
  endpoint?: string;
}

export interface TableTarget {
  wiring: Wiring;
  /** For messages: "table X" or "the local stack". */
  where: string;
  close(): void;
}

export async function tableTarget(options: TableOptions): Promise<TableTarget> {
  if (options.table) {
    const wiring = new Wiring(
      loadTableConfig({
        TABLE_NAME: options.table,
        AWS_REGION: options.region ?? (process.env.AWS_REGION || DEFAULT_AWS_REGION),
        DYNAMODB_ENDPOINT: options.endpoint,
      }),
    );
    return { wiring, where: `table ${options.table}`, close: () => wiring.close() };
  }
  const { config } = await loadLocalSettings();
  const wiring = new Wiring(config);
  return { wiring, where: 'the local stack (is `npm start` running?)', close: () => wiring.close() };
}

export const TABLE_OPTION = ['--table <name>', 'DynamoDB table of a deployed stack (its TableName output); default: the local stack'] as const;
export const REGION_OPTION = ['--region <region>', 'AWS region of --table (default: AWS_REGION)'] as const;
