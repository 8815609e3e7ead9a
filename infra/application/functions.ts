import { Duration, Validations } from 'aws-cdk-lib';
import type { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { SEND_FLEET } from '../../functions/core/delivery/index.ts';
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
] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];
export type DigestFunctions = Readonly<Record<FunctionId, DigestFunction>>;

interface FunctionSpec {
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** The planner is the one function that writes to the send queue. */
  readonly needsSendQueueUrl?: true;
}

const API_TIMEOUT = Duration.seconds(10);

const FUNCTION_SPECS: Readonly<Record<FunctionId, FunctionSpec>> = {
  // Lambda CPU scales with memory: a 1 MB batch of HTML bodies needs the headroom to finish well inside the timeout.
  ApiArticles: apiFunction('api-articles.ts', 'POST /articles: ingest a batch', 1024),
  ApiSubscriptions: apiFunction('api-subscriptions.ts', 'POST /subscriptions'),
  ApiConfirm: apiFunction('api-confirm.ts', 'GET|POST /confirm'),
  ApiUnsubscribe: apiFunction('api-unsubscribe.ts', 'GET|POST /unsubscribe'),
  ApiPreferences: apiFunction('api-preferences.ts', 'GET|POST /preferences'),
  ApiSite: apiFunction('api-site.ts', 'GET /, GET /health, GET /editions, GET /editions/{id}'),
  PlanDigest: {
    entry: 'functions/handlers/schedule-plan-digest.ts',
    description: 'Hourly: build the edition for the readers whose local send hour is now and enqueue them',
    memorySize: 512,
    // A plan run enqueues a whole send slot (100k readers is a normal day) in SQS batches of ten.
    timeout: Duration.minutes(10),
    needsSendQueueUrl: true,
  },
  SendDigest: {
    entry: 'functions/handlers/sqs-send-digest.ts',
    description: 'Sends one edition to the recipients of an SQS batch',
    memorySize: 512,
    timeout: Duration.seconds(SEND_FLEET.timeoutSeconds),
  },
  SesEvents: {
    entry: 'functions/handlers/sns-ses-events.ts',
    description: 'Suppresses readers after a permanent bounce or a complaint',
    memorySize: 256,
    timeout: API_TIMEOUT,
  },
};

function apiFunction(handlerFile: string, description: string, memorySize = 256): FunctionSpec {
  return { entry: `functions/handlers/${handlerFile}`, description, memorySize, timeout: API_TIMEOUT };
}

export interface EnvironmentSources {
  readonly data: DigestDataStack;
  readonly senderEmail: string;
  readonly digestName?: string;
  readonly postalAddress?: string;
  readonly publicUrl: string;
  readonly configurationSet: ConfigurationSet;
}

/** The settings every function reads from its environment. */
export function functionEnvironment(sources: EnvironmentSources): Record<string, string> {
  return {
    TABLE_NAME: sources.data.table.tableName,
    PUBLIC_URL: sources.publicUrl,
    // A display name in From is what readers see in their inbox list.
    MAIL_FROM: `${sources.digestName ?? 'The Daily Digest'} <${sources.senderEmail}>`,
    TOKEN_SECRET_ARN: sources.data.tokenSecret.secretArn,
    SES_CONFIGURATION_SET: sources.configurationSet.configurationSetName,
    ...(sources.digestName ? { DIGEST_NAME: sources.digestName } : {}),
    ...(sources.postalAddress ? { POSTAL_ADDRESS: sources.postalAddress } : {}),
  };
}

/** One DigestFunction per handler, directly under `scope` so each keeps its construct path and logical IDs. */
export function createDigestFunctions(
  scope: Construct,
  environment: Readonly<Record<string, string>>,
  sendQueueUrl: string,
): DigestFunctions {
  const create = (id: FunctionId): DigestFunction => {
    const { needsSendQueueUrl, ...spec } = FUNCTION_SPECS[id];
    const fn = new DigestFunction(scope, id, {
      ...spec,
      environment: needsSendQueueUrl ? { ...environment, SEND_QUEUE_URL: sendQueueUrl } : environment,
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
