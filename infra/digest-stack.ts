import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Grant, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE } from '../functions/adapters/dynamo/schema.ts';
import type { DigestDataStack } from './data-stack.ts';
import { SEND_FLEET } from '../functions/core/delivery/index.ts';
import { DEFAULT_DIGEST_NAME } from '../functions/core/shared/index.ts';
import { accessOf, type AwsAccess, type FunctionName } from '../functions/adapters/runtime/function-ports.ts';
import { DigestFunction } from './digest-function.ts';
import { DigestMonitoring } from './monitoring.ts';

export interface DigestStackProps extends StackProps {
  /** The table, signing key and verified sender, from the stack that outlives this one. */
  readonly data: DigestDataStack;
  /** The From address of every email. */
  readonly senderEmail: string;
  /** Public base URL for links in emails when a custom domain fronts the API; no trailing slash. */
  readonly publicUrl?: string;
  /** Subscribed to the alarm topic; without it the alarms still exist, for a subscription added later. */
  readonly alarmEmail?: string;
  readonly digestName?: string;
  /** The sender's postal address for every email footer (CAN-SPAM). */
  readonly postalAddress?: string;
}

const API_TIMEOUT = Duration.seconds(10);
const SEND_TIMEOUT = Duration.seconds(SEND_FLEET.timeoutSeconds);
// A plan run enqueues a whole send slot (100k readers is a normal day) in SQS batches of ten.
const PLAN_TIMEOUT = Duration.minutes(10);
// The senders split the account's SES rate by this figure (functions/core/send-fleet.ts), so the
// event source must never run more of them than the code assumes.
const SEND_MAX_CONCURRENCY = SEND_FLEET.maxConcurrency;

const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const SES_SEND_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'];

/**
 * The application: everything that can be torn down and rebuilt without losing a reader.
 * Functions, the HTTP API, the hourly schedule, the send queue, SES's configuration set and its
 * feedback topic, the dead-letter queues, alarms and dashboard (infra/monitoring.ts).
 */
export class DigestStack extends Stack {
  constructor(scope: Construct, id: string, props: DigestStackProps) {
    super(scope, id, props);
    // Read the data stack's values through Fn::GetStackOutput rather than Export/ImportValue: an
    // export in use can never change, which would freeze the table and secret in place.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);

    const { table, tokenSecret, senderIdentity } = props.data;
    // Explicit index ARNs rather than `<table>/index/*`, so no grant is wider than the layout.
    const tableResources = [
      table.tableArn,
      ...[TABLE.byIngestDay, TABLE.bySendSlot].map((index) => `${table.tableArn}/index/${index.indexName}`),
    ];
    const grantTable = (grantee: IGrantable, access: 'read' | 'readWrite'): void => {
      const actions = access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
      Grant.addToPrincipal({ grantee, actions, resourceArns: tableResources });
    };

    const configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const sesSendResources = [
      senderIdentity.emailIdentityArn,
      this.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: configurationSet.configurationSetName,
      }),
    ];
    const grantSendEmail = (grantee: IGrantable): void => {
      Grant.addToPrincipal({ grantee, actions: SES_SEND_ACTIONS, resourceArns: sesSendResources });
    };

    const sendDeadLetterQueue = this.deadLetterQueue('SendDeadLetterQueue');
    const sendQueue = new Queue(this, 'SendQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance for Lambda consumers: at least six times the function timeout.
      // The claim lease of a delivery row is this long too (CLAIM_LEASE_MS).
      visibilityTimeout: Duration.seconds(SEND_FLEET.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: sendDeadLetterQueue, maxReceiveCount: SEND_FLEET.maxReceiveCount },
    });

    const api = new HttpApi(this, 'HttpApi', {
      description: 'digest-mailer: ingest, subscribe, confirm, unsubscribe',
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // routeKey rather than the path with its query: confirm/unsubscribe tokens stay out of the logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // api.apiEndpoint is an attribute of the Api resource alone (routes depend on functions,
    // the Api does not), so functions can carry it without a dependency cycle.
    const publicUrl = props.publicUrl ?? api.apiEndpoint;
    const environment: Record<string, string> = {
      TABLE_NAME: table.tableName,
      PUBLIC_URL: publicUrl,
      // A display name in From is what readers see in their inbox list.
      MAIL_FROM: `${props.digestName ?? DEFAULT_DIGEST_NAME} <${props.senderEmail}>`,
      TOKEN_SECRET_ARN: tokenSecret.secretArn,
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      ...(props.digestName ? { DIGEST_NAME: props.digestName } : {}),
      ...(props.postalAddress ? { POSTAL_ADDRESS: props.postalAddress } : {}),
    };
    const apiFunction = (id: string, entry: string, description: string, memorySize = 256): DigestFunction =>
      new DigestFunction(this, id, { entry, description, memorySize, timeout: API_TIMEOUT, environment });

    // Lambda CPU scales with memory: a 1 MB batch of HTML bodies needs the headroom to finish well inside the timeout.
    const articles = apiFunction('ApiArticles', 'functions/handlers/api-articles.ts', 'POST /articles: ingest a batch', 1024);
    const subscriptions = apiFunction('ApiSubscriptions', 'functions/handlers/api-subscriptions.ts', 'POST /subscriptions');
    const confirm = apiFunction('ApiConfirm', 'functions/handlers/api-confirm.ts', 'GET|POST /confirm');
    const unsubscribe = apiFunction('ApiUnsubscribe', 'functions/handlers/api-unsubscribe.ts', 'GET|POST /unsubscribe');
    const preferences = apiFunction('ApiPreferences', 'functions/handlers/api-preferences.ts', 'GET|POST /preferences');
    const site = apiFunction('ApiSite', 'functions/handlers/api-site.ts', 'GET /, GET /health, GET /editions, GET /editions/{id}');
    const plan = new DigestFunction(this, 'PlanDigest', {
      entry: 'functions/handlers/schedule-plan-digest.ts',
      description: 'Hourly: build the edition for the readers whose local send hour is now and enqueue them',
      memorySize: 512,
      timeout: PLAN_TIMEOUT,
      environment: { ...environment, SEND_QUEUE_URL: sendQueue.queueUrl },
    });
    const send = new DigestFunction(this, 'SendDigest', {
      entry: 'functions/handlers/sqs-send-digest.ts',
      description: 'Sends one edition to the recipients of an SQS batch',
      memorySize: 512,
      timeout: SEND_TIMEOUT,
      environment,
    });

    // Bounces and complaints: SES -> SNS -> ses-events, which suppresses the address.
    const feedbackKey = new Key(this, 'FeedbackTopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts SES bounce and complaint events, which carry reader addresses',
    });
    feedbackKey.grant(new ServicePrincipal('ses.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    const feedbackTopic = new Topic(this, 'FeedbackTopic', {
      displayName: 'digest-mailer SES feedback',
      masterKey: feedbackKey,
      enforceSSL: true,
    });
    configurationSet.addEventDestination('FeedbackToSns', {
      destination: EventDestination.snsTopic(feedbackTopic),
      // Sends mark the delivery row sent (closing the sender's crash window); deliveries and
      // rejects change nothing in the table: ses-events counts them as ignored.
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.REJECT,
      ],
    });
    const sesEvents = new DigestFunction(this, 'SesEvents', {
      entry: 'functions/handlers/sns-ses-events.ts',
      description: 'Suppresses readers after a permanent bounce or a complaint',
      memorySize: 256,
      timeout: API_TIMEOUT,
      environment,
    });
    const feedbackDeadLetterQueue = this.deadLetterQueue(
      'FeedbackDeadLetterQueue',
      'the SNS subscription that feeds ses-events',
    );
    feedbackTopic.addSubscription(new LambdaSubscription(sesEvents.function, { deadLetterQueue: feedbackDeadLetterQueue }));

    // Each role gets what its function's ports declare (functions/adapters/runtime/function-ports.ts),
    // the declaration the runtime wiring builds each handler's deps from.
    const grants: Record<Exclude<AwsAccess, 'table:read' | 'table:write'>, (grantee: IGrantable) => void> = {
      // Scan is for the planner's "now" mode (every confirmed reader), on the sparse slot index only.
      'table:scan-slot-index': (grantee) =>
        Grant.addToPrincipal({ grantee, actions: ['dynamodb:Scan'], resourceArns: [`${table.tableArn}/index/${TABLE.bySendSlot.indexName}`] }),
      'secret:read': (grantee) => tokenSecret.grantRead(grantee),
      'ses:send': grantSendEmail,
      // GetAccount has no resource type: the send quota it returns is account-wide.
      'ses:get-account': (grantee) => Grant.addToPrincipal({ grantee, actions: ['ses:GetAccount'], resourceArns: ['*'] }),
      'sqs:send': (grantee) => sendQueue.grantSendMessages(grantee),
      'sqs:change-visibility': (grantee) =>
        Grant.addToPrincipal({ grantee, actions: ['sqs:ChangeMessageVisibility'], resourceArns: [sendQueue.queueArn] }),
    };
    const functionsByName = {
      'api-articles': articles,
      'api-subscriptions': subscriptions,
      'api-confirm': confirm,
      'api-unsubscribe': unsubscribe,
      'api-preferences': preferences,
      'api-site': site,
      'schedule-plan-digest': plan,
      'sqs-send-digest': send,
      'sns-ses-events': sesEvents,
    } satisfies Record<FunctionName, DigestFunction>;
    for (const [name, fn] of Object.entries(functionsByName) as [FunctionName, DigestFunction][]) {
      const access = accessOf(name);
      if (access.has('table:write')) grantTable(fn.role, 'readWrite');
      else if (access.has('table:read')) grantTable(fn.role, 'read');
      for (const [kind, grant] of Object.entries(grants) as [keyof typeof grants, (grantee: IGrantable) => void][]) {
        if (access.has(kind)) grant(fn.role);
      }
    }
    const functions = Object.values(functionsByName);
    send.function.addEventSource(
      new SqsEventSource(sendQueue, {
        batchSize: SEND_FLEET.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: SEND_MAX_CONCURRENCY,
      }),
    );

    const route = (path: string, methods: HttpMethod[], target: DigestFunction, name: string): void => {
      api.addRoutes({ path, methods, integration: new HttpLambdaIntegration(name, target.function) });
    };
    route('/articles', [HttpMethod.POST], articles, 'ArticlesIntegration');
    route('/subscriptions', [HttpMethod.POST], subscriptions, 'SubscriptionsIntegration');
    route('/confirm', [HttpMethod.GET, HttpMethod.POST], confirm, 'ConfirmIntegration');
    route('/unsubscribe', [HttpMethod.GET, HttpMethod.POST], unsubscribe, 'UnsubscribeIntegration');
    route('/preferences', [HttpMethod.GET, HttpMethod.POST], preferences, 'PreferencesIntegration');
    route('/', [HttpMethod.GET], site, 'SiteIntegration');
    route('/health', [HttpMethod.GET], site, 'HealthIntegration');
    route('/editions', [HttpMethod.GET], site, 'ArchiveIntegration');
    route('/editions/{id}', [HttpMethod.GET], site, 'EditionIntegration');
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Subscribe, confirm, unsubscribe (RFC 8058 one-click), preferences, the subscribe page, web editions and /health are public by design; confirm/unsubscribe/preferences carry a signed token and POST /articles checks a hashed x-api-key inside the function.',
    });

    const scheduleDeadLetterQueue = this.deadLetterQueue('ScheduleDeadLetterQueue', 'the hourly schedule');
    // The planner reads the clock, so a run retried past its hour would plan the next hour's readers:
    // both Lambda's own retries and the scheduler's give up well inside the hour.
    plan.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.minutes(30) });
    const schedulerRole = new Role(this, 'PlanDigestSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    const planLogicalId = this.getLogicalId(plan.function.node.defaultChild as CfnFunction);
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${planLogicalId}.Arn>:*]`,
      reason: "CDK's grantInvoke adds the function's qualified ARNs (versions, aliases); the wildcard never leaves the plan function.",
    });
    new Schedule(this, 'PlanDigestSchedule', {
      description: 'Top of every hour (UTC): plan the digests whose local send hour is now',
      schedule: ScheduleExpression.cron({ minute: '0' }),
      target: new LambdaInvoke(plan.function, {
        input: ScheduleTargetInput.fromObject({ mode: 'scheduled' }),
        role: schedulerRole,
        deadLetterQueue: scheduleDeadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.minutes(30),
      }),
    });

    for (const fn of functions) {
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

    new DigestMonitoring(this, 'Monitoring', {
      alarmEmail: props.alarmEmail,
      api,
      sendQueue,
      deadLetterQueues: { Send: sendDeadLetterQueue, Schedule: scheduleDeadLetterQueue, Feedback: feedbackDeadLetterQueue },
      functions: {
        ApiArticles: articles,
        ApiSubscriptions: subscriptions,
        ApiConfirm: confirm,
        ApiUnsubscribe: unsubscribe,
        ApiPreferences: preferences,
        ApiSite: site,
        PlanDigest: plan,
        SendDigest: send,
        SesEvents: sesEvents,
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'PublicUrl', { value: publicUrl, description: 'Base URL used in emailed links' });
    new CfnOutput(this, 'QueueUrl', { value: sendQueue.queueUrl });
    new CfnOutput(this, 'StageUrl', { value: stage.url });
  }

  /**
   * Encrypted, TLS-only, kept 14 days. `deadLetterFor` names a non-SQS source (cdk-nag only sees
   * queues that serve another queue as dead-letter queues, and would ask this one for its own).
   */
  private deadLetterQueue(id: string, deadLetterFor?: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    if (deadLetterFor) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself the dead-letter queue of ${deadLetterFor}.`,
      });
    }
    return queue;
  }
}
