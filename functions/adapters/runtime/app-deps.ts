/**
 * The composition root: config -> clients -> adapters, built once per cold start and shared by
 * every invocation of a warm Lambda. Handlers receive the result; tests and the local stack
 * build their own from the same function with emulator endpoints.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock, Mailer, Settings } from '../../core/shared/index.ts';
import type { ApiKeyStore, ArticleStore, TopicCatalogue } from '../../core/ingest/index.ts';
import { type DeliveryStore, type JobDeferral, SEND_FLEET, type SendStatsStore } from '../../core/delivery/index.ts';
import type { DigestRenderer, EditionStore } from '../../core/edition/index.ts';
import type { PersonalDataStore } from '../../core/privacy/index.ts';
import type { Queue } from '../../core/planning/index.ts';
import type { ConfirmationRenderer, RateLimiter, SubscriberStore } from '../../core/subscribers/index.ts';
import { fetchSecretFromSecretsManager, loadConfig, resolveTokenSecret, type AppConfig } from './config.ts';
import { DynamoApiKeyStore } from '../dynamo/api-key-store.ts';
import { DynamoArticleStore } from '../dynamo/article-store.ts';
import { createDocumentClient } from '../dynamo/client.ts';
import { DynamoDeliveryStore } from '../dynamo/delivery-store.ts';
import { DynamoEditionStore } from '../dynamo/edition-store.ts';
import { DynamoPersonalDataStore } from '../dynamo/personal-data-store.ts';
import { DynamoRateLimiter } from '../dynamo/rate-limiter.ts';
import { DynamoTopicCatalogue } from '../dynamo/topic-catalogue.ts';
import { DynamoSubscriberStore } from '../dynamo/subscriber-store.ts';
import { TemplateRenderer } from '../render/template-renderer.ts';
import type { PageSite } from '../render/pages.ts';
import { SesMailer, createSesClient } from '../ses/ses-mailer.ts';
import { SqsQueue } from '../sqs/sqs-queue.ts';
import { PacedMailer } from '../ses/paced-mailer.ts';
import { SesQuotaSource } from '../ses/ses-quota.ts';
import { DynamoSendStatsStore } from '../dynamo/send-stats-store.ts';
import { SqsJobDeferral } from '../sqs/sqs-deferral.ts';
import { systemClock } from './system-clock.ts';

export interface AppDeps {
  config: AppConfig;
  settings: Settings;
  clock: Clock;
  articles: ArticleStore;
  subscribers: SubscriberStore;
  editions: EditionStore;
  deliveries: DeliveryStore;
  apiKeys: ApiKeyStore;
  limits: RateLimiter;
  personalData: PersonalDataStore;
  topics: TopicCatalogue;
  mailer: Mailer;
  /** The digest sender's mailer: paced to its share of the SES account rate, retrying throttled sends. */
  digestMailer: Mailer;
  renderer: DigestRenderer & ConfirmationRenderer;
  /** What the HTML pages share: the digest's name and where the templates are. */
  site: PageSite;
  sendStats: SendStatsStore;
  /** Where the sender puts jobs back for later (the SQS send queue). */
  deferral?: JobDeferral;
  /** Only where SEND_QUEUE_URL is set (the planner); the local stack supplies its own. */
  queue?: Queue;
}

export interface AppDepsOptions {
  /**
   * How many sender containers share the SES account rate. AWS runs the event source's
   * maxConcurrency of them; the local stack has one in-process sender, which may take it all.
   */
  senders?: number;
}

export function createAppDeps(
  config: AppConfig,
  tokenSecret: string,
  overrides: Partial<AppDeps> = {},
  options: AppDepsOptions = {},
): AppDeps {
  const doc = createDocumentClient({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  const settings: Settings = {
    publicUrl: config.PUBLIC_URL,
    mailFrom: config.MAIL_FROM,
    tokenSecret,
    digestName: config.DIGEST_NAME,
    maxStories: config.MAX_STORIES,
  };
  const sesClient = createSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT });
  const senderSesClient = createSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT, retries: 'caller' });
  const sqs = new SQSClient({ region: config.AWS_REGION });
  const sesOptions = { configurationSetName: config.SES_CONFIGURATION_SET };
  return {
    config,
    settings,
    clock: systemClock,
    articles: new DynamoArticleStore(doc, config.TABLE_NAME),
    subscribers: new DynamoSubscriberStore(doc, config.TABLE_NAME),
    editions: new DynamoEditionStore(doc, config.TABLE_NAME),
    deliveries: new DynamoDeliveryStore(doc, config.TABLE_NAME),
    apiKeys: new DynamoApiKeyStore(doc, config.TABLE_NAME),
    limits: new DynamoRateLimiter(doc, config.TABLE_NAME),
    personalData: new DynamoPersonalDataStore(doc, config.TABLE_NAME),
    topics: new DynamoTopicCatalogue(doc, config.TABLE_NAME),
    mailer: new SesMailer(sesClient, sesOptions),
    digestMailer: new PacedMailer(new SesMailer(senderSesClient, sesOptions), new SesQuotaSource(senderSesClient), {
      fleet: { senders: options.senders ?? SEND_FLEET.maxConcurrency, headroom: SEND_FLEET.headroom },
    }),
    renderer: new TemplateRenderer({
      templatesDir: config.TEMPLATES_DIR,
      digestName: config.DIGEST_NAME,
      postalAddress: config.POSTAL_ADDRESS,
    }),
    site: { digestName: config.DIGEST_NAME, templatesDir: config.TEMPLATES_DIR, postalAddress: config.POSTAL_ADDRESS },
    sendStats: new DynamoSendStatsStore(doc, config.TABLE_NAME),
    deferral: new SqsJobDeferral(sqs),
    queue: config.SEND_QUEUE_URL ? new SqsQueue(sqs, config.SEND_QUEUE_URL) : undefined,
    ...overrides,
  };
}

export type DepsProvider = () => Promise<AppDeps>;

/**
 * Config is validated and the secret fetched on the first invocation of a cold Lambda, then
 * memoised; a failure is not memoised, so a transient Secrets Manager error heals on retry.
 */
export function lambdaDeps(env: NodeJS.ProcessEnv = process.env): DepsProvider {
  let pending: Promise<AppDeps> | undefined;
  return () => {
    pending ??= (async () => {
      const config = loadConfig(env);
      const secret = await resolveTokenSecret(config, (arn) => fetchSecretFromSecretsManager(arn, config.AWS_REGION));
      return createAppDeps(config, secret);
    })().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
