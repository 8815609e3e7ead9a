/**
 * Settings of the local stack (`npm start`) and of the `digest` CLI, from the environment.
 * They become the same AppConfig the Lambdas read, with emulator endpoints filled in.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, type AppConfig } from '../adapters/runtime/config.ts';
import { DEFAULT_DIGEST_NAME } from '../core/shared/index.ts';

const PORT_MESSAGE = 'must be a port number from 1 to 65535';
const port = z.coerce.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);

const localEnvSchema = z.object({
  PORT: port.default(3000),
  SES_PORT: port.default(8005),
  DYNAMODB_PORT: port.default(8000),
  DATA_DIR: z.string().min(1).default('.data'),
  API_KEY: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  PUBLIC_URL: z.string().optional(),
  MAIL_FROM: z.string().default(`${DEFAULT_DIGEST_NAME} <digest@localhost.localdomain>`),
  TABLE_NAME: z.string().default('digest-mailer'),
});

export interface LocalSettings {
  port: number;
  sesPort: number;
  dynamoPort: number;
  dataDir: string;
  apiKey?: string;
  apiUrl: string;
  inboxUrl: string;
  config: AppConfig;
}

function nonEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

export async function loadLocalSettings(env: NodeJS.ProcessEnv = process.env): Promise<LocalSettings> {
  const parsed = localEnvSchema.safeParse(nonEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(`invalid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  const local = parsed.data;
  const dataDir = resolve(local.DATA_DIR);
  const apiUrl = `http://localhost:${local.PORT}`;
  const config = loadConfig({
    ...env,
    TABLE_NAME: local.TABLE_NAME,
    PUBLIC_URL: local.PUBLIC_URL || apiUrl,
    MAIL_FROM: local.MAIL_FROM,
    TOKEN_SECRET: await localSecret(dataDir),
    TOKEN_SECRET_ARN: undefined,
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${local.DYNAMODB_PORT}`,
    SES_ENDPOINT: `http://127.0.0.1:${local.SES_PORT}`,
    SEND_QUEUE_URL: undefined,
  });
  return {
    port: local.PORT,
    sesPort: local.SES_PORT,
    dynamoPort: local.DYNAMODB_PORT,
    dataDir,
    apiKey: local.API_KEY,
    apiUrl,
    inboxUrl: `http://localhost:${local.SES_PORT}`,
    config,
  };
}

/** The token-signing secret lives in DATA_DIR, made on first run, so links survive a restart. */
async function localSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'token-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    return secret;
  }
}

export const apiKeyFile = (dataDir: string): string => join(dataDir, 'api-key');

/** The dev key printed by `npm start`, for the CLI when API_KEY is not set. */
export async function readLocalApiKey(settings: LocalSettings): Promise<string | undefined> {
  if (settings.apiKey) return settings.apiKey;
  try {
    return (await readFile(apiKeyFile(settings.dataDir), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}
