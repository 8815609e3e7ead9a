/**
 * Which table a data command works on, a deployed one (--table, --region) or the local stack's,
 * as a Wiring: the CLI takes its stores from the same composition root as every Lambda.
 */
import { DEFAULT_AWS_REGION, fetchSecretFromSecretsManager, loadTableConfig, resolveTokenSecret } from '../adapters/runtime/config.ts';
import { Wiring } from '../adapters/runtime/wiring.ts';
import { loadLocalSettings } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';
export interface TableOptions {
  table?: string;
  region?: string;
  /** A DynamoDB-compatible endpoint (DynamoDB Local, dynalite) for --table. */
  endpoint?: string;
}

export interface TableTarget {
  wiring: Wiring;
  /**
   * The same table's Wiring with the token secret, for the ports keyed by it (erasure markers):
   * the local stack's secret, or TOKEN_SECRET / TOKEN_SECRET_ARN for --table.
   */
  keyedWiring(): Promise<Wiring>;
  /** For messages: "table X" or "the local stack". */
  where: string;
  close(): void;
}

/** A deployed table's token secret: TOKEN_SECRET, or the Secrets Manager secret TOKEN_SECRET_ARN names (the stack's TokenSigningKey). */
async function deployedTokenSecret(region: string): Promise<string> {
  const TOKEN_SECRET = process.env['TOKEN_SECRET'] || undefined;
  const TOKEN_SECRET_ARN = process.env['TOKEN_SECRET_ARN'] || undefined;
  if (TOKEN_SECRET === undefined && TOKEN_SECRET_ARN === undefined) {
    throw new CliError(
      "Erasure markers are keyed by the token secret: set TOKEN_SECRET_ARN to the ARN of the stack's TokenSigningKey secret (or TOKEN_SECRET to its value).",
    );
  }
  return resolveTokenSecret({ TOKEN_SECRET, TOKEN_SECRET_ARN }, (arn) => fetchSecretFromSecretsManager(arn, region));
}

export async function tableTarget(options: TableOptions): Promise<TableTarget> {
  if (options.table) {
    const region = options.region ?? (process.env.AWS_REGION || DEFAULT_AWS_REGION);
    const config = loadTableConfig({ TABLE_NAME: options.table, AWS_REGION: region, DYNAMODB_ENDPOINT: options.endpoint });
    const wiring = new Wiring(config);
    let keyed: Wiring | undefined;
    return {
      wiring,
      keyedWiring: async () => (keyed ??= new Wiring(config, { tokenSecret: await deployedTokenSecret(region) })),
      where: `table ${options.table}`,
      close: () => {
        wiring.close();
        keyed?.close();
      },
    };
  }
  const { config } = await loadLocalSettings();
  const wiring = new Wiring(config, { tokenSecret: config.TOKEN_SECRET });
  return {
    wiring,
    keyedWiring: async () => {
      if (config.TOKEN_SECRET === undefined) throw new CliError('The local stack has no token secret: run `npm start` once.');
      return wiring;
    },
    where: 'the local stack (is `npm start` running?)',
    close: () => wiring.close(),
  };
}

export const TABLE_OPTION = [
  '--table <name>',
  'DynamoDB table of a deployed stack (its TableName output); default: the local stack',
] as const;
export const REGION_OPTION = ['--region <region>', 'AWS region of --table (default: AWS_REGION)'] as const;
