/** `digest keys create|list|revoke`: ingest API keys. Only a key's sha256 is stored, so a key is shown once. */
import type { Command } from 'commander';
import {
  API_KEY_SCOPES,
  type ApiKey,
  type ApiKeyScope,
  type ApiKeyStore,
  DEFAULT_REQUESTS_PER_MINUTE,
  DEFAULT_SCOPES,
  generateApiKey,
  newApiKeyRecord,
  parseScopes,
  scopesLabel,
} from '../core/ingest/index.ts';
import { CliError } from './cli-error.ts';
import { REGION_OPTION, TABLE_OPTION, tableTarget, type TableOptions, type TableTarget } from './table-target.ts';

/** Enough of the hash to tell keys apart in a listing and to name one to revoke. */
const ID_LENGTH = 12;
const MIN_ID_LENGTH = 6;

const DURATION_UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * When a new key should expire, from `--expires-in 30d|12h|90m` or `--expires <ISO instant>`;
 * undefined (never) when neither is given. Refuses a past instant so a key is never born dead.
 */
export function keyExpiry(options: { expiresIn?: string; expires?: string }, now: Date): string | undefined {
  if (options.expiresIn !== undefined && options.expires !== undefined) {
    throw new CliError('Give --expires-in or --expires, not both.');
  }
  if (options.expiresIn !== undefined) {
    const match = /^(\d{1,6})([mhd])$/.exec(options.expiresIn.trim());
    if (!match || Number(match[1]) === 0) {
      throw new CliError(
        `--expires-in must be a positive whole number of minutes, hours or days, such as 90m, 12h or 30d (got "${options.expiresIn}").`,
      );
    }
    return new Date(now.getTime() + Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS]).toISOString();
  }
  if (options.expires !== undefined) {
    const at = Date.parse(options.expires);
    if (!/^\d{4}-\d{2}-\d{2}/.test(options.expires) || Number.isNaN(at)) {
      throw new CliError(
        `--expires must be an ISO 8601 date or instant, such as 2027-01-31 or 2027-01-31T12:00:00Z (got "${options.expires}").`,
      );
    }
    if (at <= now.getTime()) throw new CliError(`--expires ${options.expires} is already past.`);
    return new Date(at).toISOString();
  }
  return undefined;
}

/** `--scopes ingest,sources`, or CliError naming the unknown scope and the known ones. */
export function keyScopes(list: string): ApiKeyScope[] {
  try {
    return parseScopes(list);
  } catch (error) {
    throw new CliError(`--scopes: ${error instanceof Error ? error.message : String(error)} (got "${list}").`, { cause: error });
  }
}

async function withKeys<T>(options: TableOptions, use: (store: ApiKeyStore, target: TableTarget) => Promise<T>): Promise<T> {
  const target = await tableTarget(options);
  try {
    return await use(target.wiring.port('apiKeys'), target);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot reach the keys in ${target.where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    target.close();
  }
}

async function listAll(store: ApiKeyStore): Promise<ApiKey[]> {
  const keys: ApiKey[] = [];
  for await (const key of store.list()) keys.push(key);
  return keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Manage ingest API keys');
  keys
    .command('create')
    .description('Create an ingest API key and print it once (only its hash is stored)')
    .option('--name <name>', 'who the key is for', 'publisher')
    .option('--expires-in <duration>', 'refuse the key after this long: 90m, 12h, 30d (default: never)')
    .option('--expires <instant>', 'refuse the key from this ISO 8601 date or instant (default: never)')
    .option('--requests-per-minute <n>', 'refuse requests past this many a minute with 429', String(DEFAULT_REQUESTS_PER_MINUTE))
    .option(
      '--scopes <list>',
      `what the key may do, comma-separated: ${API_KEY_SCOPES.join(', ')} (ingest: post articles and take down its own; sources: the sources API; takedown: withdraw or restore any article; admin: all)`,
      DEFAULT_SCOPES.join(','),
    )
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(
      async (options: TableOptions & { name: string; expiresIn?: string; expires?: string; requestsPerMinute: string; scopes: string }) => {
        const now = new Date();
        const scopes = keyScopes(options.scopes);
        const expiresAt = keyExpiry(options, now);
        const requestsPerMinute = Number(options.requestsPerMinute);
        if (!/^\d{1,6}$/.test(options.requestsPerMinute) || requestsPerMinute < 1) {
          throw new CliError(`--requests-per-minute must be a whole number from 1 (got "${options.requestsPerMinute}").`);
        }
        const key = generateApiKey();
        const record = { ...newApiKeyRecord(key, options.name, now.toISOString(), expiresAt), requestsPerMinute, scopes };
        await withKeys(options, (store) => store.put(record));
        console.log(key);
        console.error(
          `Created ingest key "${options.name}" (id ${record.hash.slice(0, ID_LENGTH)}) with scopes ${scopes.join(',')}${expiresAt ? `, expiring ${expiresAt}` : ''}. ` +
            'Send it as the x-api-key header; it is not shown again.',
        );
      },
    );
  keys
    .command('list')
    .description('List ingest keys: id (start of the hash), name, created, state, scopes ("all (legacy)" for keys made before scopes)')
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (options: TableOptions) => {
      const all = await withKeys(options, listAll);
      if (all.length === 0) console.error('No ingest keys.');
      for (const key of all) {
        const state = key.disabled
          ? 'revoked'
          : key.expiresAt === undefined
            ? 'active'
            : `${Date.parse(key.expiresAt) <= Date.now() ? 'expired' : 'expires'} ${key.expiresAt}`;
        console.log([key.hash.slice(0, ID_LENGTH), key.name, key.createdAt, state, scopesLabel(key)].join('\t'));
      }
    });
  keys
    .command('revoke')
    .description('Revoke an ingest key by its id from `digest keys list`; requests with it get 401 from then on')
    .argument('<id>', `the start of the key's hash, at least ${MIN_ID_LENGTH} characters`)
    .option(...TABLE_OPTION)
    .option(...REGION_OPTION)
    .action(async (id: string, options: TableOptions) => {
      const prefix = id.trim().toLowerCase();
      if (!/^[0-9a-f]+$/.test(prefix) || prefix.length < MIN_ID_LENGTH) {
        throw new CliError(`The id must be at least ${MIN_ID_LENGTH} hex characters, as \`digest keys list\` shows it.`);
      }
      const revoked = await withKeys(options, async (store) => {
        const matches = (await listAll(store)).filter((key) => key.hash.startsWith(prefix));
        if (matches.length === 0) throw new CliError(`No key has an id starting ${prefix}.`);
        if (matches.length > 1) throw new CliError(`${matches.length} keys have ids starting ${prefix}; give more characters.`);
        const [key] = matches as [ApiKey];
        if (!key.disabled) await store.put({ ...key, disabled: true });
        return key;
      });
      console.log(`revoked ${revoked.hash.slice(0, ID_LENGTH)} (${revoked.name})`);
    });
}
