import { CLICK_FLEET } from '../../functions/core/engagement/click-fleet.ts';
import { readFileSync } from 'node:fs';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE } from '../../functions/adapters/dynamo/schema.ts';
import { API_ROUTES } from '../../functions/adapters/http/api-routes.ts';
import { accessOf, type AwsAccess, FUNCTION_PORTS, type FunctionName } from '../../functions/adapters/runtime/function-ports.ts';
import { DigestContextError, PLACEHOLDER_SENDER, readDigestContext } from '../../infra/context.ts';
import { DigestDataStack } from '../../infra/data-stack.ts';
import { DigestStack, type DigestStackProps } from '../../infra/digest-stack.ts';
import { SES_BOUNCE_RATE_ALARM, SES_COMPLAINT_RATE_ALARM } from '../../infra/monitoring.ts';

type Json = Record<string, unknown>;
interface CfnResource {
  Type: string;
  Properties?: Json;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

// The feature flags `cdk synth` runs with, so the tested template is the deployed one.
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Json };

const FUNCTION_IDS = [
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
type FunctionId = (typeof FUNCTION_IDS)[number];

interface Synthesized {
  stack: DigestStack;
  template: Template;
  resources: Record<string, CfnResource>;
  data: { stack: DigestDataStack; template: Template; resources: Record<string, CfnResource> };
  functionLogicalId: (id: FunctionId) => string;
  roleLogicalId: (id: FunctionId) => string;
}

type TestProps = Partial<Omit<DigestStackProps, 'data'>> & { senderDomain?: string };

function synthesize(props: TestProps = {}): Synthesized {
  // An empty bundling-stacks list makes NodejsFunction skip esbuild, and the built-in template
  // validation costs seconds per test run; `cdk synth` still does both.
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const { senderDomain, ...appProps } = props;
  const senderEmail = props.senderEmail ?? 'news@example.org';
  const dataStack = new DigestDataStack(app, 'DigestTestData', { senderEmail, senderDomain });
  const stack = new DigestStack(app, 'DigestTest', { ...appProps, senderEmail, data: dataStack });
  const template = Template.fromStack(stack);
  const dataTemplate = Template.fromStack(dataStack);
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  const child = (id: FunctionId, name: string): CfnElement => stack.node.findChild(id).node.findChild(name).node.defaultChild as CfnElement;
  return {
    stack,
    template,
    resources,
    data: { stack: dataStack, template: dataTemplate, resources: dataTemplate.toJSON().Resources as Record<string, CfnResource> },
    functionLogicalId: (id) => stack.getLogicalId(child(id, 'Handler')),
    roleLogicalId: (id) => stack.getLogicalId(child(id, 'Role')),
  };
}

function ofType(resources: Record<string, CfnResource>, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function statementsOfRole(resources: Record<string, CfnResource>, roleLogicalId: string): Statement[] {
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleLogicalId}"`))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A value the application stack reads from the data stack's outputs. */
const fromDataStack = (outputName: RegExp) => ({
  'Fn::GetStackOutput': { StackName: 'DigestTestData', Region: { Ref: 'AWS::Region' }, OutputName: expect.stringMatching(outputName) },
});
const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => asList(s.Action));

/** Logical ids a value points at through Ref, Fn::GetAtt or Fn::Sub. */
function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner)) into.add(String(inner[0]));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
        for (const match of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) into.add(match[1]!);
        if (Array.isArray(inner)) referencedIds(inner[1], into);
      } else referencedIds(inner, into);
    }
  }
  return into;
}

function findDependencyCycle(resources: Record<string, CfnResource>): string[] | undefined {
  const edges = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(resources)) {
    const targets = new Set([...referencedIds(resource.Properties), ...asList(resource.DependsOn ?? [])]);
    edges.set(
      id,
      [...targets].filter((target) => target in resources),
    );
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

const FULL_PROPS: TestProps = {
  senderEmail: 'news@example.org',
  senderDomain: 'example.org',
  publicUrl: 'https://digest.example.org',
  alarmEmail: 'ops@example.org',
  digestName: 'Morning Brief',
  postalAddress: '1 Example Street, Springfield',
};

let minimal: Synthesized;
let full: Synthesized;
beforeAll(() => {
  minimal = synthesize();
  full = synthesize(FULL_PROPS);
});

function byMetricName(alarms: Json[], name: string): Json[] {
  return alarms.filter((alarm) => alarm['MetricName' as never] === name);
}

describe('DigestStack with only a sender address', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = minimal;
  });

  it('creates the single table of functions/adapters/dynamo/schema.ts in the data stack, on demand, with PITR, TTL and deletion protection, retained', () => {
    expect(ofType(synth.resources, 'AWS::DynamoDB::GlobalTable')).toEqual([]);
    const tables = ofType(synth.data.resources, 'AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(1);
    const [, table] = tables[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }],
    });
    const indexes = table.Properties?.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((index) => [index.IndexName, index.KeySchema])).toEqual(
      [TABLE.byIngestDay, TABLE.bySendSlot].map((index) => [
        index.indexName,
        [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
      ]),
    );
  });

  it('runs every handler as its own nodejs22.x arm64 function with active tracing and a one-month log group', () => {
    const functions = ofType(synth.resources, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_IDS.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      const logGroupId = referencedIds((fn.Properties?.LoggingConfig as Json).LogGroup);
      const [logGroup] = [...logGroupId].map((id) => synth.resources[id]);
      expect(logGroup?.Properties?.RetentionInDays).toBe(30);
    }
  });

  it('gives ingest and the feed poller 1024 MB, the planner and the sender 512 MB and the other functions 256 MB', () => {
    const expected = (id: FunctionId): number =>
      id === 'ApiArticles' || id === 'PollFeeds' ? 1024 : id === 'PlanDigest' || id === 'SendDigest' ? 512 : 256;
    for (const id of FUNCTION_IDS) {
      const memory = synth.resources[synth.functionLogicalId(id)]?.Properties?.MemorySize;
      expect(memory, id).toBe(expected(id));
    }
  });

  it('passes the runtime configuration, and the queue URL only to the planner', () => {
    for (const id of FUNCTION_IDS) {
      const variables = (synth.resources[synth.functionLogicalId(id)]?.Properties?.Environment as { Variables: Json }).Variables;
      expect(variables, id).toMatchObject({
        TABLE_NAME: fromDataStack(/^PublishOutputRefTable/),
        PUBLIC_URL: { 'Fn::GetAtt': [expect.stringMatching(/^HttpApi/), 'ApiEndpoint'] },
        MAIL_FROM: 'The Daily Digest <news@example.org>',
        TOKEN_SECRET_ARN: fromDataStack(/^PublishOutputRefTokenSigningKey/),
        SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^MailConfigurationSet/) },
        TEMPLATES_DIR: '/var/task/templates',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      expect('SEND_QUEUE_URL' in variables, id).toBe(id === 'PlanDigest');
      expect('FEED_QUEUE_URL' in variables, id).toBe(id === 'PlanFeedPolls');
      // Deployed functions never reach private addresses.
      expect('FEEDS_ALLOW_PRIVATE' in variables, id).toBe(false);
      expect('DIGEST_NAME' in variables, id).toBe(false);
    }
  });

  it('polls feeds: a 15-minute schedule to the feed planner, a queue with a DLQ to the poller at bounded concurrency, an alarm for a source failing a day', () => {
    const schedules = ofType(synth.resources, 'AWS::Scheduler::Schedule').map(([, schedule]) => schedule.Properties ?? {});
    const feedSchedule = schedules.find((schedule) => schedule.ScheduleExpression === 'rate(15 minutes)');
    expect([...referencedIds((feedSchedule?.Target as Json)?.['Arn' as never])]).toContain(synth.functionLogicalId('PlanFeedPolls'));
    const mappings = ofType(synth.resources, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties ?? {});
    const pollMapping = mappings.find((mapping) => [...referencedIds(mapping.FunctionName)].includes(synth.functionLogicalId('PollFeeds')));
    expect(pollMapping).toMatchObject({
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const [queueId] = [...referencedIds(pollMapping?.EventSourceArn)];
    expect(synth.resources[queueId!]?.Properties).toMatchObject({ VisibilityTimeout: 1800, RedrivePolicy: { maxReceiveCount: 3 } });
    const alarms = ofType(synth.resources, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
    expect(alarms).toContainEqual(
      expect.objectContaining({ MetricName: 'FeedSourcesFailingForADay', Threshold: 1, Statistic: 'Maximum', Period: 900 }),
    );
  });

  it('routes the public API to the right functions', () => {
    const integrationTarget = new Map(
      ofType(synth.resources, 'AWS::ApiGatewayV2::Integration').map(([id, integration]) => [
        id,
        [...referencedIds(integration.Properties?.IntegrationUri)][0],
      ]),
    );
    const routes = Object.fromEntries(
      ofType(synth.resources, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
        const integrationId = [...referencedIds(route.Properties?.Target)].find((id) => integrationTarget.has(id))!;
        return [route.Properties?.RouteKey as string, integrationTarget.get(integrationId)];
      }),
    );
    const fn = synth.functionLogicalId;
    expect(routes).toEqual({
      'POST /articles': fn('ApiArticles'),
      'DELETE /articles/{id}': fn('ApiArticles'),
      'POST /articles/{id}/restore': fn('ApiArticles'),
      'POST /subscriptions': fn('ApiSubscriptions'),
      'GET /confirm': fn('ApiConfirm'),
      'POST /confirm': fn('ApiConfirm'),
      'GET /unsubscribe': fn('ApiUnsubscribe'),
      'POST /unsubscribe': fn('ApiUnsubscribe'),
      'GET /preferences': fn('ApiPreferences'),
      'POST /preferences': fn('ApiPreferences'),
      'GET /': fn('ApiSite'),
      'GET /health': fn('ApiSite'),
      'GET /editions': fn('ApiSite'),
      'GET /editions/{id}': fn('ApiSite'),
      'GET /openapi.json': fn('ApiSite'),
      'GET /c/{token}': fn('ApiClicks'),
      'HEAD /c/{token}': fn('ApiClicks'),
      'HEAD /confirm': fn('ApiConfirm'),
      'HEAD /unsubscribe': fn('ApiUnsubscribe'),
      'HEAD /preferences': fn('ApiPreferences'),
      'HEAD /': fn('ApiSite'),
      'HEAD /health': fn('ApiSite'),
      'HEAD /editions': fn('ApiSite'),
      'HEAD /editions/{id}': fn('ApiSite'),
      'HEAD /openapi.json': fn('ApiSite'),
      'POST /sources': fn('ApiSources'),
      'GET /sources': fn('ApiSources'),
      'HEAD /sources': fn('ApiSources'),
      'DELETE /sources/{id}': fn('ApiSources'),
      'GET /sends/{id}/stats': fn('ApiSends'),
      'HEAD /sends/{id}/stats': fn('ApiSends'),
      // Unknown paths and methods reach our site function, which answers JSON 404 / 405 with Allow and our headers.
      $default: fn('ApiSite'),
    });
  });

  it('routes exactly the route table of the local stack, HEAD beside every GET', () => {
    const routeKeys = ofType(synth.resources, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties?.RouteKey as string);
    const expected = API_ROUTES.flatMap((route) =>
      route.method === 'GET' ? [`GET ${route.path}`, `HEAD ${route.path}`] : [`${route.method} ${route.path}`],
    );
    expect(routeKeys.sort()).toEqual([...expected, '$default'].sort());
  });

  it('lets API Gateway invoke each API function only from its own routes and the site function from $default', () => {
    const permissions = ofType(synth.resources, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties?.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions.length).toBe(API_ROUTES.length + API_ROUTES.filter((r) => r.method === 'GET').length + 1);
  });

  it('throttles the default stage and writes access logs without query strings', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
    const format = ofType(synth.resources, 'AWS::ApiGatewayV2::Stage')[0]![1].Properties?.AccessLogSettings as Json;
    expect(String(format.Format)).not.toMatch(/\$context\.path|querystring/i);
  });

  it('invokes the planner at the top of every hour, with retries and a dead-letter queue', () => {
    const [, schedule] = ofType(synth.resources, 'AWS::Scheduler::Schedule')[0]!;
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 * * * ? *)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [synth.functionLogicalId('PlanDigest'), 'Arn'] },
        Input: JSON.stringify({ mode: 'scheduled' }),
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number) },
      },
    });
    const deadLetterId = [...referencedIds((schedule.Properties?.Target as Json).DeadLetterConfig)][0]!;
    expect(synth.resources[deadLetterId]?.Type).toBe('AWS::SQS::Queue');
  });

  it('feeds the sender from an encrypted queue whose failures go to a dead-letter queue after 5 receives', () => {
    const sendTimeout = synth.resources[synth.functionLogicalId('SendDigest')]?.Properties?.Timeout as number;
    const [[queueId, queue]] = ofType(synth.resources, 'AWS::SQS::Queue').filter(([, q]) => q.Properties?.RedrivePolicy !== undefined) as [
      [string, CfnResource],
    ];
    const redrive = queue.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(5);
    expect(queue.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * sendTimeout);
    expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    const dlqId = [...referencedIds(redrive.deadLetterTargetArn)][0]!;
    expect(synth.resources[dlqId]?.Properties?.SqsManagedSseEnabled).toBe(true);

    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: synth.functionLogicalId('SendDigest') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('denies plain-HTTP access to every queue', () => {
    for (const [queueId] of ofType(synth.resources, 'AWS::SQS::Queue')) {
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('denies plain-HTTP publishing to every topic', () => {
    const topics = ofType(synth.resources, 'AWS::SNS::Topic');
    expect(topics.length).toBe(2);
    for (const [topicId] of topics) {
      synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('verifies the sender address in the data stack, retained, and keeps the configuration set in the application stack', () => {
    synth.data.template.hasResource('AWS::SES::EmailIdentity', {
      DeletionPolicy: 'Retain',
      Properties: { EmailIdentity: 'news@example.org' },
    });
    // A default set on the identity would make the data stack depend on the application stack.
    const [, identity] = ofType(synth.data.resources, 'AWS::SES::EmailIdentity')[0]!;
    expect(identity.Properties?.ConfigurationSetAttributes).toBeUndefined();
    synth.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    synth.template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it('generates a 64-character signing key without punctuation and keeps it when the stack goes', () => {
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    synth.data.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 64 } },
    });
  });

  it('lets only the subscriptions, confirm (welcome email) and send functions send mail, on the identity and configuration set only', () => {
    for (const id of FUNCTION_IDS) {
      const statements = statementsOfRole(synth.resources, synth.roleLogicalId(id));
      const sending = statements.filter((s) => asList(s.Action).some((a) => a === 'ses:SendEmail' || a === 'ses:SendRawEmail'));
      expect(sending.length > 0, id).toBe(id === 'ApiSubscriptions' || id === 'ApiConfirm' || id === 'SendDigest');
      for (const statement of sending) {
        const resources = asList(statement.Resource);
        expect(resources).not.toContain('*');
        expect(JSON.stringify(resources)).toMatch(/:identity\/.*SenderIdentity/);
        expect(JSON.stringify(resources)).toMatch(/:configuration-set\/.*MailConfigurationSet/);
      }
    }
  });

  it('allows on every resource only the actions that have no resource type (what the IAM5 acknowledgement claims)', () => {
    const statements = ofType(synth.resources, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const unscoped = new Set(actionsOf(statements.filter((s) => asList(s.Resource).includes('*'))));
    expect([...unscoped].sort()).toEqual(['ses:GetAccount', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('grants ses:GetAccount to the sender alone', () => {
    for (const id of FUNCTION_IDS) {
      const actions = actionsOf(statementsOfRole(synth.resources, synth.roleLogicalId(id)));
      expect(actions.includes('ses:GetAccount'), id).toBe(id === 'SendDigest');
    }
  });

  it('never grants a dynamodb wildcard action or any dynamodb action on every resource', () => {
    const statements = ofType(synth.resources, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const dynamo = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      expect(asList(statement.Action).filter((a) => a.includes('*'))).toEqual([]);
      expect(asList(statement.Resource)).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
    }
  });

  it('keeps the site function read-only and lets only the planner scan, and only the slot index', () => {
    const site = actionsOf(statementsOfRole(synth.resources, synth.roleLogicalId('ApiSite')));
    expect(site).toContain('dynamodb:GetItem');
    expect(site.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    for (const id of FUNCTION_IDS) {
      const scans = statementsOfRole(synth.resources, synth.roleLogicalId(id)).filter((s) => asList(s.Action).includes('dynamodb:Scan'));
      expect(scans.length > 0, id).toBe(id === 'PlanDigest');
      if (id !== 'PlanDigest') continue;
      for (const scan of scans) expect(JSON.stringify(scan.Resource)).toMatch(new RegExp(`/index/${TABLE.bySendSlot.indexName}"`));
    }
  });

  it('gives the click redirect a route throttle of its own, beside the stage throttle for every other route', () => {
    const [[, stage]] = ofType(synth.resources, 'AWS::ApiGatewayV2::Stage') as [[string, CfnResource]];
    const properties = stage.Properties as {
      DefaultRouteSettings?: { ThrottlingRateLimit?: number };
      RouteSettings?: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    };
    expect(properties.DefaultRouteSettings?.ThrottlingRateLimit).toBe(50);
    const limits = { ThrottlingRateLimit: CLICK_FLEET.redirectRateLimit, ThrottlingBurstLimit: CLICK_FLEET.redirectBurstLimit };
    expect(properties.RouteSettings).toEqual({ 'GET /c/{token}': limits, 'HEAD /c/{token}': limits });
  });

  it('lets only the planners and the click redirect enqueue and only the functions that sign or verify links read the signing key', () => {
    // Ingest, the public site, SES feedback and feeds never touch a token, so their wiring never fetches the secret.
    const withoutSecret = ['ApiArticles', 'ApiSite', 'SesEvents', 'ApiSources', 'ApiSends', 'PlanFeedPolls', 'PollFeeds'];
    for (const id of FUNCTION_IDS) {
      const actions = actionsOf(statementsOfRole(synth.resources, synth.roleLogicalId(id)));
      expect(actions.includes('sqs:SendMessage'), id).toBe(id === 'PlanDigest' || id === 'PlanFeedPolls' || id === 'ApiClicks');
      expect(actions.includes('secretsmanager:GetSecretValue'), id).toBe(!withoutSecret.includes(id));
    }
  });

  it('grants each function exactly the access its ports declare in function-ports.ts', () => {
    const idOf: Record<FunctionName, FunctionId> = {
      'api-articles': 'ApiArticles',
      'api-subscriptions': 'ApiSubscriptions',
      'api-confirm': 'ApiConfirm',
      'api-unsubscribe': 'ApiUnsubscribe',
      'api-preferences': 'ApiPreferences',
      'api-site': 'ApiSite',
      'schedule-plan-digest': 'PlanDigest',
      'sqs-send-digest': 'SendDigest',
      'sns-ses-events': 'SesEvents',
      'api-sources': 'ApiSources',
      'api-sends': 'ApiSends',
      'schedule-plan-feeds': 'PlanFeedPolls',
      'sqs-poll-feeds': 'PollFeeds',
      'api-clicks': 'ApiClicks',
      'sqs-count-clicks': 'CountClicks',
    };
    const probes: [AwsAccess, string][] = [
      ['table:read', 'dynamodb:GetItem'],
      ['table:write', 'dynamodb:PutItem'],
      ['table:scan-slot-index', 'dynamodb:Scan'],
      ['ses:send', 'ses:SendEmail'],
      ['ses:get-account', 'ses:GetAccount'],
      ['sqs:send', 'sqs:SendMessage'],
      ['sqs:change-visibility', 'sqs:ChangeMessageVisibility'],
      ['secret:read', 'secretsmanager:GetSecretValue'],
      ['sqs:send-feed-poll', 'sqs:SendMessage'],
      ['sqs:send-click', 'sqs:SendMessage'],
    ];
    for (const name of Object.keys(FUNCTION_PORTS) as FunctionName[]) {
      const actions = actionsOf(statementsOfRole(synth.resources, synth.roleLogicalId(idOf[name])));
      // An action is granted exactly when some access the function declares brings it (two queues share SendMessage).
      // The feed poller's SQS event source grants it what consuming its queue takes, ChangeMessageVisibility included.
      const consumesFeedQueue = (action: string) =>
        (name === 'sqs-poll-feeds' || name === 'sqs-count-clicks') && action === 'sqs:ChangeMessageVisibility';
      const declared = (action: string) =>
        consumesFeedQueue(action) || probes.some(([access, probe]) => probe === action && accessOf(name).has(access));
      for (const [access, action] of probes) expect(actions.includes(action), `${name} ${access}`).toBe(declared(action));
    }
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const [id, role] of ofType(synth.resources, 'AWS::IAM::Role')) {
      expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('outputs the API URL and the queue URL, and the table name from the data stack', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const [[apiId]] = ofType(synth.resources, 'AWS::ApiGatewayV2::Api') as [[string, CfnResource]];
    expect(outputs.ApiUrl?.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    const dataOutputs = synth.data.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect([...referencedIds(dataOutputs.TableName?.Value)].map((id) => synth.data.resources[id]?.Type)).toEqual([
      'AWS::DynamoDB::GlobalTable',
    ]);
    expect([...referencedIds(outputs.QueueUrl?.Value)].map((id) => synth.resources[id]?.Type)).toEqual(['AWS::SQS::Queue']);
  });

  it('has no dependency cycle between resources', () => {
    expect(findDependencyCycle(synth.resources)).toBeUndefined();
    expect(findDependencyCycle(synth.data.resources)).toBeUndefined();
  });

  it('creates the alarms and their topic without an alarm address, with no subscription yet', () => {
    expect(ofType(synth.resources, 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
    synth.template.resourcePropertiesCountIs('AWS::SNS::Topic', { DisplayName: 'digest-mailer alarms' }, 1);
    synth.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  });

  it('reads the data stack through stack outputs, never through exports, so the data stack stays free to change', () => {
    expect(JSON.stringify(synth.template.toJSON())).not.toContain('Fn::ImportValue');
    for (const output of Object.values(synth.data.template.toJSON().Outputs as Record<string, Json>)) {
      expect(output.Export).toBeUndefined();
    }
    expect(JSON.stringify(synth.template.toJSON())).toContain('"StackName":"DigestTestData"');
    expect(synth.stack.dependencies).toContain(synth.data.stack);
    expect(synth.data.stack.dependencies).toEqual([]);
  });

  it('keeps every stateful resource in the data stack and nothing stateful in the application stack', () => {
    const statefulTypes = ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret', 'AWS::SES::EmailIdentity'];
    for (const type of statefulTypes) synth.template.resourceCountIs(type, 0);
    expect(
      Object.values(synth.data.resources)
        .map((resource) => resource.Type)
        .sort(),
    ).toEqual(['AWS::DynamoDB::GlobalTable', 'AWS::SES::EmailIdentity', 'AWS::SecretsManager::Secret']);
  });

  it('routes SES sends, bounces, complaints, deliveries, rejects and rendering failures through an encrypted topic to the ses-events function, with a dead-letter queue', () => {
    synth.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['send', 'bounce', 'complaint', 'delivery', 'reject', 'renderingFailure']),
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^FeedbackTopic') } },
      }),
    });
    synth.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'digest-mailer SES feedback',
      KmsMasterKeyId: Match.anyValue(),
    });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [synth.functionLogicalId('SesEvents'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
  });
});

describe('DigestStack with a domain, a public URL and an alarm address', () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = full;
  });

  it('verifies the whole domain with Easy DKIM and outputs its three records', () => {
    synth.data.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.org' });
    const [, identity] = ofType(synth.data.resources, 'AWS::SES::EmailIdentity')[0]!;
    // Absent signing attributes mean SES-managed (Easy) DKIM; BYODKIM would set a private key here.
    expect(identity.Properties?.DkimSigningAttributes).toBeUndefined();
    expect((identity.Properties?.DkimAttributes as Json | undefined)?.SigningEnabled ?? true).toBe(true);
    const outputs = Object.keys(synth.data.template.toJSON().Outputs as Json);
    expect(outputs.filter((name) => name.startsWith('DkimRecord'))).toHaveLength(3);
  });

  it('puts the custom public URL, the digest name and the postal address in every function', () => {
    for (const id of FUNCTION_IDS) {
      const variables = (synth.resources[synth.functionLogicalId(id)]?.Properties?.Environment as { Variables: Json }).Variables;
      expect(variables.PUBLIC_URL, id).toBe('https://digest.example.org');
      expect(variables.DIGEST_NAME, id).toBe('Morning Brief');
      expect(variables.POSTAL_ADDRESS, id).toBe('1 Example Street, Springfield');
    }
  });

  it('alarms by email on every dead-letter queue, every function, send and rendering failures, SES reputation and API 5xx', () => {
    synth.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
    const alarms = ofType(synth.resources, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
    const [[topicId]] = ofType(synth.resources, 'AWS::SNS::Topic').filter(
      ([, topic]) => topic.Properties?.DisplayName === 'digest-mailer alarms',
    ) as [[string, CfnResource]];
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    expect(byMetricName(alarms, 'ChunksOpenTooLong')).toEqual([
      expect.objectContaining({ Namespace: 'DigestMailer', Threshold: 1, Statistic: 'Maximum', Period: 3600 }),
    ]);

    const byMetric = (namespace: string, name: string) =>
      alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === name);
    expect(byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible')).toHaveLength(6);
    const deadLetterQueues = new Set(
      byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible').flatMap((alarm) => [...referencedIds(alarm.Dimensions)]),
    );
    expect(deadLetterQueues.size).toBe(6);
    for (const id of deadLetterQueues) expect(synth.resources[id]?.Properties?.RedrivePolicy).toBeUndefined();

    const functionErrors = byMetric('AWS/Lambda', 'Errors');
    expect(new Set(functionErrors.flatMap((alarm) => [...referencedIds(alarm.Dimensions)]))).toEqual(
      new Set(FUNCTION_IDS.map((id) => synth.functionLogicalId(id))),
    );

    expect(byMetric('DigestMailer', 'SendFailed')).toEqual([
      expect.objectContaining({ Dimensions: [{ Name: 'service', Value: 'digest-mailer' }], Statistic: 'Sum' }),
    ]);
    expect(byMetric('DigestMailer', 'RenderingFailures')).toEqual([expect.objectContaining({ Threshold: 1, Statistic: 'Sum' })]);
    // The send guard paused a send: one is enough to tell the operator.
    expect(byMetric('DigestMailer', 'SendsPaused')).toEqual([
      expect.objectContaining({ Threshold: 1, Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    ]);
    expect(byMetric('AWS/SES', 'Reputation.BounceRate')).toEqual([
      expect.objectContaining({ Threshold: SES_BOUNCE_RATE_ALARM, ComparisonOperator: 'GreaterThanThreshold' }),
    ]);
    expect(byMetric('AWS/SES', 'Reputation.ComplaintRate')).toEqual([
      expect.objectContaining({ Threshold: SES_COMPLAINT_RATE_ALARM, ComparisonOperator: 'GreaterThanThreshold' }),
    ]);
    expect(SES_BOUNCE_RATE_ALARM).toBeLessThan(0.05);
    expect(SES_COMPLAINT_RATE_ALARM).toBeLessThan(0.001);
    const [api5xx] = byMetric('AWS/ApiGateway', '5xx');
    const [[apiId]] = ofType(synth.resources, 'AWS::ApiGatewayV2::Api') as [[string, CfnResource]];
    expect(api5xx?.Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: apiId } }]);
    // Dead letters (the click queue's too), functions, send and rendering failures, sends paused, SES reputation, API 5xx, feed sources, chunks open too long.
    expect(alarms).toHaveLength(6 + FUNCTION_IDS.length + 2 + 1 + 2 + 1 + 1 + 1);
  });

  it('builds a dashboard with the application metrics, SES reputation, the queues, the API and the functions', () => {
    const [[, dashboard]] = ofType(synth.resources, 'AWS::CloudWatch::Dashboard') as [[string, CfnResource]];
    const body = JSON.stringify(dashboard.Properties?.DashboardBody);
    for (const name of ['ArticlesIngested', 'DigestsSent', 'SendThrottled', 'SendFailed', 'Bounces', 'Complaints']) {
      expect(body, name).toContain(`\\"DigestMailer\\",\\"${name}\\"`);
    }
    for (const name of ['Reputation.BounceRate', 'Reputation.ComplaintRate', 'ApproximateAgeOfOldestMessage', '5xx', 'Duration']) {
      expect(body, name).toContain(name);
    }
  });

  it('has no dependency cycle between resources', () => {
    expect(findDependencyCycle(synth.resources)).toBeUndefined();
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it('finds nothing unacknowledged in either stack with only a sender address', () => {
    for (const stack of [minimal.stack, minimal.data.stack]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(
        report.violations.map((violation) => violation.ruleName),
        stack.stackName,
      ).toEqual([]);
    }
  });

  it('finds nothing unacknowledged in either stack with a domain, a public URL and alarms', () => {
    for (const stack of [full.stack, full.data.stack]) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect(
        report.violations.map((violation) => violation.ruleName),
        stack.stackName,
      ).toEqual([]);
    }
  });

  it('records a reason with every acknowledgement', () => {
    const acknowledgements = [...full.stack.node.findAll(), ...full.data.stack.node.findAll()]
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThan(40);
  });

  it('still reports a finding nobody acknowledged', () => {
    const { stack } = synthesize();
    const role = stack.node.findChild('SendDigest').node.findChild('Role') as Role;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::some-bucket'] }));
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual(['AwsSolutions-IAM5[Action::s3:*]']);
  });
});

describe('readDigestContext', () => {
  const appWith = (context: Json): App => new App({ context });

  it('falls back to the placeholder sender when none is given', () => {
    expect(readDigestContext(appWith({})).senderEmail).toBe(PLACEHOLDER_SENDER);
  });

  it('strips the trailing slash of the public URL and ignores empty values', () => {
    const context = readDigestContext(appWith({ publicUrl: 'https://digest.example.org/', alarmEmail: '' }));
    expect(context.publicUrl).toBe('https://digest.example.org');
    expect(context.alarmEmail).toBeUndefined();
  });

  it('sends as digest@ the sender domain when only the domain is given', () => {
    expect(readDigestContext(appWith({ senderDomain: 'example.org' })).senderEmail).toBe('digest@example.org');
  });

  it('refuses a digest name that could break out of the From display name', () => {
    expect(() => readDigestContext(appWith({ digestName: 'News <evil@example.com>' }))).toThrow(/digestName/);
  });

  it('rejects a sender address outside the sender domain', () => {
    expect(() => readDigestContext(appWith({ senderEmail: 'news@other.org', senderDomain: 'example.org' }))).toThrow(DigestContextError);
  });

  it('rejects a plain-http public URL and a malformed alarm address', () => {
    expect(() => readDigestContext(appWith({ publicUrl: 'http://digest.example.org' }))).toThrow(/publicUrl/);
    expect(() => readDigestContext(appWith({ alarmEmail: 'not-an-address' }))).toThrow(/alarmEmail/);
  });
});

/** An intrinsic as readable text, so the snapshot reads like a policy written by hand. */
function readable(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => readable(item, names));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, inner] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') return `\${${names.get(String(inner)) ?? String(inner)}}`;
  if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(inner)) {
    return `\${${names.get(String(inner[0])) ?? String(inner[0])}.${String(inner[1])}}`;
  }
  if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(inner)) {
    return (inner[1] as unknown[]).map((part) => String(readable(part, names))).join(String(inner[0]));
  }
  if (entries.length === 1 && key === 'Fn::GetStackOutput') {
    const { StackName, OutputName } = inner as { StackName: string; OutputName: string };
    // PublishOutput{Ref|FnGetAtt}<logical id><attribute><hash>: keep the construct id and the attribute.
    const [, id = OutputName, attribute = ''] = /^PublishOutput(?:Ref|FnGetAtt)(.*?)[0-9A-F]{8}(.*?)[0-9A-F]{8}$/.exec(OutputName) ?? [];
    return `\${${StackName}:${id}${attribute ? `.${attribute}` : ''}}`;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, readable(v, names)]));
}

/** Every role with its trust and its statements, and every resource-based Lambda permission. */
function iamSnapshot(synth: Synthesized): Json {
  const names = new Map(
    synth.stack.node
      .findAll()
      .filter((construct) => construct.node.defaultChild === undefined && 'logicalId' in construct)
      .map((construct) => [synth.stack.getLogicalId(construct as CfnElement), construct.node.path.replace(/^DigestTest\//, '')]),
  );
  const roles = Object.fromEntries(
    ofType(synth.resources, 'AWS::IAM::Role')
      .map(([id, role]) => {
        const trust = (role.Properties?.AssumeRolePolicyDocument as { Statement: Json[] }).Statement;
        const statements = statementsOfRole(synth.resources, id).map((statement) => ({
          Effect: statement.Effect,
          Action: asList(statement.Action).sort(),
          Resource: readable(asList(statement.Resource), names),
        }));
        return [names.get(id) ?? id, { trust: readable(trust, names), statements }] as const;
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const lambdaPermissions = ofType(synth.resources, 'AWS::Lambda::Permission')
    .map(([, permission]) => readable(permission.Properties, names))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { roles, lambdaPermissions };
}

describe('IAM', () => {
  it('matches the reviewed snapshot of every role, statement and Lambda permission', async () => {
    const snapshot = JSON.stringify(iamSnapshot(full), null, 2);
    await expect(`${snapshot}\n`).toMatchFileSnapshot('./__snapshots__/iam-policies.json');
  });
});
