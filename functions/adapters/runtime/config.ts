/**
 * Runtime configuration from environment variables, validated once at cold start so a
 * misconfigured function fails on its first invocation with every problem named, instead
 * of half-working. Secret values never appear in error messages.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { DEFAULT_DIGEST_NAME, DEFAULT_MAX_STORIES, type Settings } from '../../core/shared/index.ts';
import { brandFrom } from '../render/brand.ts';
import type { EditionSite } from '../render/edition-pages.ts';
import { brandColour, logoUrl, replyTo, tagline } from './brand-settings.ts';
import { guardSettingsShape } from './guard-settings.ts';

export { guardThresholdsFrom } from './guard-settings.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const MIN_SECRET_LENGTH = 32;

/** Where the SDK clients go when AWS_REGION is unset (the local stack, a CLI run without a profile region). */
export const DEFAULT_AWS_REGION = 'us-east-1';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const emailAddress = z.email({ error: 'must be an email address' });

/** `addr@example.com` or `Display Name <addr@example.com>`; no line breaks, so it cannot smuggle a header. */
const mailFrom = z
  .string({ error: 'is required' })
  .refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks')
  .refine((value) => {
    const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
    const address = named ? named[1] : value.trim();
    return emailAddress.safeParse(address).success;
  }, 'must be an email address or "Name <address>"');

const MAX_STORIES_MESSAGE = 'must be a whole number from 1 to 30';
const MAX_SOURCES_MESSAGE = 'must be a whole number from 1 to 100000';
/** How many feed sources the sources API and `digest sources add` accept before refusing more. */
export const DEFAULT_MAX_SOURCES = 500;

const configSchema = z.object({
  TABLE_NAME: z.string({ error: 'is required' }).min(1, 'is required'),
  AWS_REGION: z.string().min(1).default(DEFAULT_AWS_REGION),
  PUBLIC_URL: z
    .string({ error: 'is required' })
    .pipe(httpUrl)
    .transform((url) => url.replace(/\/+$/, '')),
  MAIL_FROM: mailFrom,
  TOKEN_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  TOKEN_SECRET_ARN: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: httpUrl.optional(),
  SES_ENDPOINT: httpUrl.optional(),
  SEND_QUEUE_URL: httpUrl.optional(),
  /** The queue the feed planner hands due sources to the pollers on. */
  FEED_QUEUE_URL: httpUrl.optional(),
  /** The queue the click redirect hands clicks to the counter on. */
  CLICK_QUEUE_URL: httpUrl.optional(),
  /** `1` lets feed fetches reach loopback and private addresses: local tests and fixtures only, never set in AWS. */
  FEEDS_ALLOW_PRIVATE: z
    .enum(['0', '1', 'true', 'false'], { error: 'must be 1 or 0' })
    .transform((value) => value === '1' || value === 'true')
    .default(false),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  TEMPLATES_DIR: z.string().min(1).optional(),
  // An edition item must stay under DynamoDB's 400 KB and its HTML under Gmail's 102 KB clip.
  MAX_STORIES: z.coerce
    .number({ error: MAX_STORIES_MESSAGE })
    .int(MAX_STORIES_MESSAGE)
    .min(1, MAX_STORIES_MESSAGE)
    .max(30, MAX_STORIES_MESSAGE)
    .default(DEFAULT_MAX_STORIES),
  // Every source is polled every 15 minutes: the cap bounds what one key with the sources scope can make the pollers do.
  MAX_SOURCES: z.coerce
    .number({ error: MAX_SOURCES_MESSAGE })
    .int(MAX_SOURCES_MESSAGE)
    .min(1, MAX_SOURCES_MESSAGE)
    .max(100_000, MAX_SOURCES_MESSAGE)
    .default(DEFAULT_MAX_SOURCES),
  DIGEST_NAME: z
    .string()
    .min(1)
    .refine((value) => !/[\r\n]/.test(value), 'must not contain line breaks')
    .default(DEFAULT_DIGEST_NAME),
  // CAN-SPAM asks every commercial email for the sender's postal address; it goes in the footer.
  POSTAL_ADDRESS: z
    .string()
    .min(1)
    .max(300, 'must be at most 300 characters')
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'must be one line without control characters')
    .optional(),
  // The publisher's brand (brand-settings.ts): every one optional, with the product's look without them.
  BRAND_COLOR: brandColour.optional(),
  LOGO_URL: logoUrl.optional(),
  DIGEST_TAGLINE: tagline.optional(),
  REPLY_TO: replyTo.optional(),
  ...guardSettingsShape,
  // Story links through the click redirect (on PUBLIC_URL) unless the publisher turns it off.
  CLICK_TRACKING: z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .transform((value) => value === 'on')
    .default(true),
});

export type AppConfig = z.infer<typeof configSchema>;

/**
 * What the table's stores read, and all an operator's CLI run against a deployed table
 * (`--table`, `--region`) has: it signs no link and sends no mail, so it needs no other setting.
 */
export type TableConfig = Pick<AppConfig, 'TABLE_NAME' | 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>;

const tableConfigSchema = configSchema.pick({ TABLE_NAME: true, AWS_REGION: true, DYNAMODB_ENDPOINT: true });

/** A TableConfig from the CLI's flags, checked like the rest of the config; an empty value counts as unset. */
export function loadTableConfig(values: {
  TABLE_NAME?: string | undefined;
  AWS_REGION?: string | undefined;
  DYNAMODB_ENDPOINT?: string | undefined;
}): TableConfig {
  const relevant = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = tableConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    `invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
  );
}

const KEYS = Object.keys(configSchema.shape) as (keyof AppConfig)[];

/** Parses the variables this app reads; an empty string counts as unset, as in most env files. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const relevant: Record<string, string> = {};
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = configSchema.safeParse(relevant);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'} ${issue.message}`);
  // Checked apart from the schema so it is reported even when other variables are bad too.
  if ((relevant.TOKEN_SECRET === undefined) === (relevant.TOKEN_SECRET_ARN === undefined)) {
    problems.push('exactly one of TOKEN_SECRET and TOKEN_SECRET_ARN must be set');
  }
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** What core's use cases read from the config: the one place Settings are made. */
export function settingsFrom(config: AppConfig, tokenSecret: string): Settings {
  return {
    publicUrl: config.PUBLIC_URL,
    mailFrom: config.MAIL_FROM,
    tokenSecret,
    digestName: config.DIGEST_NAME,
    maxStories: config.MAX_STORIES,
    clickTracking: config.CLICK_TRACKING,
    ...(config.REPLY_TO !== undefined && { replyTo: config.REPLY_TO }),
  };
}

/** What the HTML pages share, from the same config. */
export function siteFrom(config: AppConfig): EditionSite {
  return {
    digestName: config.DIGEST_NAME,
    templatesDir: config.TEMPLATES_DIR,
    postalAddress: config.POSTAL_ADDRESS,
    publicUrl: config.PUBLIC_URL,
    brand: brandOf(config),
  };
}

/** The brand the emails and pages show, from the same config. */
export function brandOf(config: AppConfig): ReturnType<typeof brandFrom> {
  return brandFrom({ brandColor: config.BRAND_COLOR, logoUrl: config.LOGO_URL, tagline: config.DIGEST_TAGLINE });
}

/** The token-signing secret, from the environment or from Secrets Manager. */
export async function resolveTokenSecret(
  config: Pick<AppConfig, 'TOKEN_SECRET' | 'TOKEN_SECRET_ARN'>,
  fetchSecret: (arn: string) => Promise<string>,
): Promise<string> {
  if (config.TOKEN_SECRET !== undefined) return config.TOKEN_SECRET;
  if (config.TOKEN_SECRET_ARN === undefined) {
    throw new ConfigError('invalid configuration: TOKEN_SECRET or TOKEN_SECRET_ARN must be set');
  }
  const secret = await fetchSecret(config.TOKEN_SECRET_ARN);
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`invalid configuration: the secret named by TOKEN_SECRET_ARN must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}

export async function fetchSecretFromSecretsManager(
  arn: string,
  region: string,
  captureAwsClient: <T>(client: T) => T = (client) => client,
): Promise<string> {
  const client = captureAwsClient(new SecretsManagerClient({ region }));
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (result.SecretString === undefined) {
      throw new ConfigError('invalid configuration: the secret named by TOKEN_SECRET_ARN has no string value');
    }
    return result.SecretString;
  } finally {
    client.destroy();
  }
}
