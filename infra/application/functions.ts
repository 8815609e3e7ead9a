import { Duration, Validations } from 'aws-cdk-lib';
import type { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { SEND_FLEET } from '../../functions/core/delivery/index.ts';
import { CLICK_FLEET } from '../../functions/core/engagement/click-fleet.ts';
import { FEED_FLEET } from '../../functions/core/sources/feed-fleet.ts';
import { DEFAULT_DIGEST_NAME } from '../../functions/core/shared/index.ts';
import { accessOf, type FunctionName } from '../../functions/adapters/runtime/function-ports.ts';
import type { DigestDataStack } from '../data-stack.ts';
import { DigestFunction } from '../digest-function.ts';

/** Every Lambda by construct id; the ids name their logical IDs, alarms and dashboard lines. */
export const FUNCTION_IDS = [
  'ApiArticles',
  'ApiSubscriptions',
  'ApiConfirm',
  'ApiUnsubscribe',
  'ApiPreferences',
  'ApiSite',
  'PlanDigest',
  'SendDigest',
  'SesEvents',
  'ApiSources',
  'ApiSends',
  'PlanFeedPolls',
  'PollFeeds',
  'ApiClicks',
  'CountClicks',
] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];
export type DigestFunctions = Readonly<Record<FunctionId, DigestFunction>>;

interface FunctionSpec {
  /** The handler file it runs (functions/handlers/<name>.ts), which names its ports and so its grants. */
  readonly handler: FunctionName;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
}

const API_TIMEOUT = Duration.seconds(10);

const FUNCTION_SPECS: Readonly<Record<FunctionId, FunctionSpec>> = {
  // Lambda CPU scales with memory: a 1 MB batch of HTML bodies needs the headroom to finish well inside the timeout.
  ApiArticles: apiFunction('api-articles', 'POST /articles: ingest a batch', 1024),
  ApiSubscriptions: apiFunction('api-subscriptions', 'POST /subscriptions'),
  ApiConfirm: apiFunction('api-confirm', 'GET|POST /confirm'),
  ApiUnsubscribe: apiFunction('api-unsubscribe', 'GET|POST /unsubscribe'),
  ApiPreferences: apiFunction('api-preferences', 'GET|POST /preferences'),
  ApiSite: apiFunction('api-site', 'GET /, GET /health, GET /editions, GET /editions/{id}'),
  PlanDigest: {
    handler: 'schedule-plan-digest',
    description: 'Hourly: build the edition for the readers whose local send hour is now and enqueue them',
    memorySize: 512,
    // A plan run enqueues a whole send slot (100k readers is a normal day) in SQS batches of ten.
    timeout: Duration.minutes(10),
  },
  SendDigest: {
    handler: 'sqs-send-digest',
    description: 'Sends one edition to the recipients of an SQS batch',
    memorySize: 512,
    timeout: Duration.seconds(SEND_FLEET.timeoutSeconds),
  },
  SesEvents: {
    handler: 'sns-ses-events',
    description: 'Suppresses readers after a permanent bounce or a complaint',
    memorySize: 256,
    timeout: API_TIMEOUT,
  },
  ApiSources: apiFunction('api-sources', 'POST /sources, GET /sources, DELETE /sources/{id}'),
  ApiSends: apiFunction('api-sends', 'GET /sends/{id}/stats'),
  PlanFeedPolls: {
    handler: 'schedule-plan-feeds',
    description: 'Every 15 minutes: queue the feed sources that are due',
    memorySize: 256,
    timeout: Duration.minutes(1),
  },
  PollFeeds: {
    handler: 'sqs-poll-feeds',
    description: 'Polls one feed source: fetch under the SSRF rules, parse, ingest its entries',
    // Parsing a 5 MB feed and converting 200 entries' HTML wants the CPU that memory brings.
    memorySize: 1024,
    timeout: Duration.seconds(FEED_FLEET.timeoutSeconds),
  },
  ApiClicks: apiFunction('api-clicks', 'GET /c/{token}: a story link; redirects to the story and queues the click'),
  CountClicks: {
    handler: 'sqs-count-clicks',
    description: 'Counts the story clicks the redirect queued, telling scanners from readers',
    memorySize: 256,
    timeout: Duration.seconds(CLICK_FLEET.timeoutSeconds),
  },
};

function apiFunction(handler: FunctionName, description: string, memorySize = 256): FunctionSpec {
  return { handler, description, memorySize, timeout: API_TIMEOUT };
}

/** The handler a function runs; grants.ts reads its declared access through this. */
export function handlerOf(id: FunctionId): FunctionName {
  return FUNCTION_SPECS[id].handler;
}

export interface EnvironmentSources {
  readonly data: DigestDataStack;
  readonly senderEmail: string;
  readonly digestName?: string;
  readonly postalAddress?: string;
  readonly brandColor?: string;
  readonly logoUrl?: string;
  readonly digestTagline?: string;
  readonly replyTo?: string;
  readonly publicUrl: string;
  readonly configurationSet: ConfigurationSet;
}

/** The settings every function reads from its environment. */
export function functionEnvironment(sources: EnvironmentSources): Record<string, string> {
  return {
    TABLE_NAME: sources.data.table.tableName,
    PUBLIC_URL: sources.publicUrl,
    // A display name in From is what readers see in their inbox list.
    MAIL_FROM: `${sources.digestName ?? DEFAULT_DIGEST_NAME} <${sources.senderEmail}>`,
    TOKEN_SECRET_ARN: sources.data.tokenSecret.secretArn,
    SES_CONFIGURATION_SET: sources.configurationSet.configurationSetName,
    ...(sources.digestName ? { DIGEST_NAME: sources.digestName } : {}),
    ...(sources.postalAddress ? { POSTAL_ADDRESS: sources.postalAddress } : {}),
    ...(sources.brandColor ? { BRAND_COLOR: sources.brandColor } : {}),
    ...(sources.logoUrl ? { LOGO_URL: sources.logoUrl } : {}),
    ...(sources.digestTagline ? { DIGEST_TAGLINE: sources.digestTagline } : {}),
    ...(sources.replyTo ? { REPLY_TO: sources.replyTo } : {}),
  };
}

/** One DigestFunction per handler, directly under `scope` so each keeps its construct path and logical IDs. */
export function createDigestFunctions(
  scope: Construct,
  environment: Readonly<Record<string, string>>,
  sendQueueUrl: string,
  feedQueueUrl: string,
  clickQueueUrl: string,
): DigestFunctions {
  const create = (id: FunctionId): DigestFunction => {
    const { handler, description, memorySize, timeout } = FUNCTION_SPECS[id];
    // The queue URL goes only where the declared ports send to the queue (the planner).
    const sendsToQueue = accessOf(handler).has('sqs:send');
    const queuesFeeds = accessOf(handler).has('sqs:send-feed-poll');
    const queuesClicks = accessOf(handler).has('sqs:send-click');
    const fn = new DigestFunction(scope, id, {
      entry: `functions/handlers/${handler}.ts`,
      description,
      memorySize,
      timeout,
      environment: {
        ...environment,
        ...(sendsToQueue && { SEND_QUEUE_URL: sendQueueUrl }),
        ...(queuesFeeds && { FEED_QUEUE_URL: feedQueueUrl }),
        ...(queuesClicks && { CLICK_QUEUE_URL: clickQueueUrl }),
      },
    });
    acknowledgeFunctionFindings(fn);
    return fn;
  };
  return Object.fromEntries(FUNCTION_IDS.map((id) => [id, create(id)])) as Record<FunctionId, DigestFunction>;
}

function acknowledgeFunctionFindings(fn: DigestFunction): void {
  Validations.of(fn).acknowledge(
    {
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the pinned target: esbuild bundles for node22 and the project is tested on that line; moving to a newer runtime is a deliberate change with its target.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) and ses:GetAccount support no resource-level permissions; every other statement names its resources.',
    },
  );
}
