/**
 * The composition root: one validated config -> the ports one function declares
 * (function-ports.ts) -> that function's deps, typed by the same declaration. A Lambda builds
 * only what its handler uses, on its first invocation, and keeps it while warm; the local stack,
 * the CLI and tests build theirs through the same Wiring with emulator endpoints.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock, Mailer, Settings } from '../../core/shared/index.ts';
import type { ApiKeyStore, ArticleStore, TopicCatalogue } from '../../core/ingest/index.ts';
import {
  type BulkMailer,
  type DeliveryLedger,
  type EditionCache,
  type GuardThresholds,
  type JobDeferral,
  newEditionCache,
  newSendStates,
  SEND_FLEET,
  type SendGuardStore,
  type SendStates,
  type SendStatsStore,
} from '../../core/delivery/index.ts';
import type { DigestRenderer, EditionStore } from '../../core/edition/index.ts';
import type { ClickCounter, ClickMarkers, ClickQueue, ReaderEngagement } from '../../core/engagement/index.ts';
import type { PersonalDataStore } from '../../core/privacy/index.ts';
import type { Queue } from '../../core/planning/index.ts';
import type { ConfirmationRenderer, RateLimiter, SubscriberStore } from '../../core/subscribers/index.ts';
import type { FeedFetcher, FeedParser, FeedPollQueue, FullTextFetcher, SourceLimits, SourceStore } from '../../core/sources/index.ts';
import {
  type AppConfig,
  brandOf,
  ConfigError,
  guardThresholdsFrom,
  type TableConfig,
  fetchSecretFromSecretsManager,
  loadConfig,
  resolveTokenSecret,
  settingsFrom,
  siteFrom,
} from './config.ts';
import { FUNCTION_PORTS, type FunctionName, PORT_ACCESS, type PortKind } from './function-ports.ts';
import { observability } from './observability.ts';
import { systemClock } from './system-clock.ts';
import { DynamoApiKeyStore } from '../dynamo/api-key-store.ts';
import { DynamoArticleStore } from '../dynamo/article-store.ts';
import { DynamoClickMarkers, DynamoReaderEngagement } from '../dynamo/click-store.ts';
import { createDynamoClient, toDocumentClient } from '../dynamo/client.ts';
import { DynamoDeliveryLedger } from '../dynamo/delivery-ledger.ts';
import { DynamoEditionStore } from '../dynamo/edition-store.ts';
import { DynamoPersonalDataStore } from '../dynamo/personal-data-store.ts';
import { ErasureMarks } from '../dynamo/erasure-marks.ts';
import { DynamoRateLimiter } from '../dynamo/rate-limiter.ts';
import { DynamoSendGuardStore } from '../dynamo/send-guard-store.ts';
import { DynamoSendStatsStore } from '../dynamo/send-stats-store.ts';
import { DynamoSubscriberBulk } from '../dynamo/subscriber-bulk.ts';
import { DynamoSubscriberStore } from '../dynamo/subscriber-store.ts';
import { DynamoTopicCatalogue } from '../dynamo/topic-catalogue.ts';
import { DynamoSourceStore } from '../dynamo/source-store.ts';
import { SqsFeedPollQueue } from '../feeds/sqs-feed-poll-queue.ts';
import type { EditionSite } from '../render/edition-pages.ts';
import { TemplateRenderer } from '../render/template-renderer.ts';
import { PacedMailer } from '../ses/paced-mailer.ts';
import { createSesClient, SesMailer } from '../ses/ses-mailer.ts';
import { SesQuotaSource } from '../ses/ses-quota.ts';
import { SqsClickQueue } from '../sqs/sqs-click-queue.ts';
import { SqsJobDeferral } from '../sqs/sqs-deferral.ts';
import { SqsQueue } from '../sqs/sqs-queue.ts';

/** The type of each port kind of function-ports.ts. */
export interface PortTypes {
  clock: Clock;
  site: EditionSite;
  settings: Settings;
  renderer: DigestRenderer & ConfirmationRenderer;
  editionCache: EditionCache;
  articles: ArticleStore;
  apiKeys: ApiKeyStore;
  topics: TopicCatalogue;
  subscribers: SubscriberStore;
  subscriberBulk: DynamoSubscriberBulk;
  /** Moves erasure markers written before keyed hashes to their keyed place (`digest subscribers rehash-erasures`). */
  erasureMarks: { rehashAll(): Promise<number> };
  plannerSubscribers: SubscriberStore;
  editions: EditionStore;
  editionArchive: Pick<EditionStore, 'get' | 'listRecent'>;
  deliveries: DeliveryLedger;
  limits: RateLimiter;
  personalData: PersonalDataStore;
  sendStats: SendStatsStore;
  sendGuard: SendGuardStore;
  guardThresholds: GuardThresholds;
  sendStates: SendStates;
  mailer: Mailer;
  digestMailer: BulkMailer & Mailer;
  queue: Queue;
  deferral: JobDeferral;
  sources: SourceStore;
  sourceLimits: SourceLimits;
  feedFetcher: FeedFetcher;
  feedParser: FeedParser;
  fullText: FullTextFetcher;
  feedQueue: FeedPollQueue;
  clickQueue: ClickQueue;
  clickCounter: ClickCounter;
  clickMarkers: ClickMarkers;
  readerEngagement: ReaderEngagement;
}

// Both ways: a kind declared without a type, or a type without a declared kind, fails to compile.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const portKindsMatch: Exactly<keyof PortTypes, PortKind> = true;
void portKindsMatch;

/** What a function's handler receives: exactly the ports its declaration names. */
export type FunctionDeps<F extends FunctionName> = {
  -readonly [K in keyof (typeof FUNCTION_PORTS)[F]]: (typeof FUNCTION_PORTS)[F][K] extends PortKind
    ? PortTypes[(typeof FUNCTION_PORTS)[F][K]]
    : never;
};

export type DepsProvider<F extends FunctionName> = () => Promise<FunctionDeps<F>>;

export interface WiringOptions {
  /** Required by the `settings` port only. */
  tokenSecret?: string | undefined;
  /**
   * How many sender containers share the SES account rate. AWS runs the event source's
   * maxConcurrency of them; the local stack has one in-process sender, which may take it all.
   */
  senders?: number;
  /** Ports supplied from outside: the local stack's in-process queue and deferral, test doubles. */
  ports?: Partial<PortTypes>;
  /** Builders of ports whose adapters only some functions bundle (the feed poller's: adapters/feeds/feed-ports.ts). */
  builders?: PortBuilders;
  /** Wraps every AWS SDK client built here (the X-Ray tracer in Lambda). */
  captureAwsClient?: <T>(client: T) => T;
}

/** Ports built from the config by code the caller brings, so functions that never use them do not bundle it. */
export type PortBuilders = { [P in PortKind]?: (config: AppConfig) => PortTypes[P] };

/**
 * The whole app's config (a Lambda, the local stack), or only a table's (the CLI on a deployed
 * table), which builds the table's stores and refuses every other port.
 */
export type WiringConfig = AppConfig | TableConfig;

/** Builds ports on first use and keeps them, so functions wired from one Wiring share clients and stores. */
export class Wiring {
  readonly config: WiringConfig;
  readonly #options: WiringOptions;
  readonly #ports: Partial<PortTypes>;
  #doc: DynamoDBDocumentClient | undefined;
  #ses: SESv2Client | undefined;
  #senderSes: SESv2Client | undefined;
  #sqs: SQSClient | undefined;

  constructor(config: WiringConfig, options: WiringOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#ports = { ...options.ports };
  }

  port<K extends PortKind>(kind: K): PortTypes[K] {
    let port = this.#ports[kind];
    if (port === undefined) {
      port = this.#build(kind);
      this.#ports[kind] = port;
    }
    return port as PortTypes[K];
  }

  deps<F extends FunctionName>(name: F): FunctionDeps<F> {
    const declared: Record<string, PortKind> = FUNCTION_PORTS[name];
    return Object.fromEntries(Object.entries(declared).map(([key, kind]) => [key, this.port(kind)])) as FunctionDeps<F>;
  }

  /** Closes the AWS SDK clients built here, so a short-lived process (the CLI) leaves no socket open. */
  close(): void {
    for (const client of [this.#doc, this.#ses, this.#senderSes, this.#sqs]) client?.destroy();
  }

  #build<K extends PortKind>(kind: K): PortTypes[K] {
    const app = (): AppConfig => this.#appConfig(kind);
    const builders: { [P in PortKind]: () => PortTypes[P] } = {
      clock: () => systemClock,
      site: () => siteFrom(app()),
      settings: () => settingsFrom(app(), this.#tokenSecret()),
      renderer: () =>
        new TemplateRenderer({
          templatesDir: app().TEMPLATES_DIR,
          digestName: app().DIGEST_NAME,
          postalAddress: app().POSTAL_ADDRESS,
          brand: brandOf(app()),
        }),
      editionCache: () => newEditionCache(this.port('clock')),
      articles: () => new DynamoArticleStore(this.#docClient(), this.config.TABLE_NAME),
      apiKeys: () => new DynamoApiKeyStore(this.#docClient(), this.config.TABLE_NAME),
      topics: () => new DynamoTopicCatalogue(this.#docClient(), this.config.TABLE_NAME),
      subscribers: () => new DynamoSubscriberStore(this.#docClient(), this.config.TABLE_NAME),
      subscriberBulk: () => {
        const secret = this.#options.tokenSecret;
        return new DynamoSubscriberBulk(
          this.#docClient(),
          this.config.TABLE_NAME,
          secret === undefined ? undefined : new ErasureMarks(secret),
        );
      },
      erasureMarks: () => {
        const marks = new ErasureMarks(this.#tokenSecret());
        return { rehashAll: () => marks.rehashAll(this.#docClient(), this.config.TABLE_NAME) };
      },
      plannerSubscribers: () => this.port('subscribers'),
      editions: () => new DynamoEditionStore(this.#docClient(), this.config.TABLE_NAME),
      editionArchive: () => this.port('editions'),
      deliveries: () => new DynamoDeliveryLedger(this.#docClient(), this.config.TABLE_NAME),
      limits: () => new DynamoRateLimiter(this.#docClient(), this.config.TABLE_NAME),
      personalData: () => new DynamoPersonalDataStore(this.#docClient(), this.config.TABLE_NAME, new ErasureMarks(this.#tokenSecret())),
      sendStats: () => new DynamoSendStatsStore(this.#docClient(), this.config.TABLE_NAME),
      sendGuard: () => new DynamoSendGuardStore(this.#docClient(), this.config.TABLE_NAME),
      guardThresholds: () => guardThresholdsFrom(app()),
      sendStates: () => newSendStates(this.port('deliveries'), this.port('clock')),
      mailer: () => new SesMailer(this.#sesClient(app()), { configurationSetName: app().SES_CONFIGURATION_SET }),
      digestMailer: () => {
        const ses = this.#senderSesClient(app());
        return new PacedMailer(new SesMailer(ses, { configurationSetName: app().SES_CONFIGURATION_SET }), new SesQuotaSource(ses), {
          fleet: { senders: this.#options.senders ?? SEND_FLEET.maxConcurrency, headroom: SEND_FLEET.headroom },
        });
      },
      queue: () => {
        const { SEND_QUEUE_URL } = app();
        if (!SEND_QUEUE_URL) throw new ConfigError('invalid configuration: SEND_QUEUE_URL is not set for the planner');
        return new SqsQueue(this.#sqsClient(), SEND_QUEUE_URL);
      },
      deferral: () => new SqsJobDeferral(this.#sqsClient()),
      sources: () => new DynamoSourceStore(this.#docClient(), this.config.TABLE_NAME),
      sourceLimits: () => ({ maxSources: app().MAX_SOURCES }),
      feedFetcher: () => this.#brought('feedFetcher'),
      feedParser: () => this.#brought('feedParser'),
      fullText: () => this.#brought('fullText'),
      feedQueue: () => {
        const { FEED_QUEUE_URL } = app();
        if (!FEED_QUEUE_URL) throw new ConfigError('invalid configuration: FEED_QUEUE_URL is not set for the feed planner');
        return new SqsFeedPollQueue(this.#sqsClient(), FEED_QUEUE_URL);
      },
      clickQueue: () => {
        const { CLICK_QUEUE_URL } = app();
        if (!CLICK_QUEUE_URL) throw new ConfigError('invalid configuration: CLICK_QUEUE_URL is not set for the click redirect');
        return new SqsClickQueue(this.#sqsClient(), CLICK_QUEUE_URL);
      },
      clickCounter: () => new DynamoSendStatsStore(this.#docClient(), this.config.TABLE_NAME),
      clickMarkers: () => new DynamoClickMarkers(this.#docClient(), this.config.TABLE_NAME),
      readerEngagement: () => new DynamoReaderEngagement(this.#docClient(), this.config.TABLE_NAME),
    };
    return builders[kind]();
  }

  #brought<K extends PortKind>(kind: K): PortTypes[K] {
    const build = this.#options.builders?.[kind];
    if (!build)
      throw new ConfigError(`invalid wiring: the ${kind} port is built by its function's own builders (adapters/feeds/feed-ports.ts)`);
    return build(this.#appConfig(kind));
  }

  #appConfig(kind: PortKind): AppConfig {
    if ('PUBLIC_URL' in this.config) return this.config;
    throw new ConfigError(
      `invalid wiring: the ${kind} port needs the app's settings (PUBLIC_URL, MAIL_FROM, ...), and this wiring has only a table's`,
    );
  }

  #tokenSecret(): string {
    if (this.#options.tokenSecret === undefined)
      throw new ConfigError('invalid configuration: the settings, personalData and erasureMarks ports need the token secret');
    return this.#options.tokenSecret;
  }

  #capture<T>(client: T): T {
    return this.#options.captureAwsClient ? this.#options.captureAwsClient(client) : client;
  }

  #docClient(): DynamoDBDocumentClient {
    this.#doc ??= toDocumentClient(
      this.#capture(createDynamoClient({ region: this.config.AWS_REGION, endpoint: this.config.DYNAMODB_ENDPOINT })),
    );
    return this.#doc;
  }

  #sesClient(config: AppConfig): SESv2Client {
    this.#ses ??= this.#capture(createSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT }));
    return this.#ses;
  }

  /** The digest sender's own client: one attempt per call, since PacedMailer retries through its token bucket. */
  #senderSesClient(config: AppConfig): SESv2Client {
    this.#senderSes ??= this.#capture(createSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT, retries: 'caller' }));
    return this.#senderSes;
  }

  #sqsClient(): SQSClient {
    this.#sqs ??= this.#capture(new SQSClient({ region: this.config.AWS_REGION }));
    return this.#sqs;
  }
}

/** Whether a function's ports need the token secret, so only those functions read Secrets Manager. */
export function needsTokenSecret(name: FunctionName): boolean {
  const kinds: readonly PortKind[] = Object.values(FUNCTION_PORTS[name]);
  return kinds.some((kind) => (PORT_ACCESS[kind] as readonly string[]).includes('secret:read'));
}

/**
 * A Lambda's deps: config validated and (for functions that sign or verify links) the secret
 * fetched on the first invocation of a cold container, then memoised; a failure is not
 * memoised, so a transient Secrets Manager error heals on retry.
 */
export function lambdaDeps<F extends FunctionName>(
  name: F,
  options: { env?: NodeJS.ProcessEnv; captureAwsClient?: <T>(client: T) => T; builders?: PortBuilders } = {},
): DepsProvider<F> {
  const captureAwsClient = options.captureAwsClient ?? observability.captureAwsClient;
  let pending: Promise<FunctionDeps<F>> | undefined;
  return () => {
    pending ??= (async () => {
      const config = loadConfig(options.env ?? process.env);
      const tokenSecret = needsTokenSecret(name)
        ? await resolveTokenSecret(config, (arn) => fetchSecretFromSecretsManager(arn, config.AWS_REGION, captureAwsClient))
        : undefined;
      return new Wiring(config, { tokenSecret, captureAwsClient, builders: options.builders }).deps(name);
    })().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
