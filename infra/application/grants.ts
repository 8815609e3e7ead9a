import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { TABLE } from '../../functions/adapters/dynamo/schema.ts';
import type { DigestDataStack } from '../data-stack.ts';
import { type DigestFunctions, FUNCTION_IDS, type FunctionId } from './functions.ts';

/** What one function may touch beyond its own log group and X-Ray (which DigestFunction grants). */
interface FunctionAccess {
  readonly table: 'read' | 'readWrite';
  /** The planner's "now" mode reads every confirmed reader: Scan, on the sparse slot index only. */
  readonly scanSendSlots?: true;
  /** Every handler resolves its dependencies, the signing key included, on its first invocation. */
  readonly signingKey: true;
  readonly sendEmail?: true;
  /** ses:GetAccount: the account's send quota, which the senders pace themselves by. */
  readonly readSendQuota?: true;
  readonly enqueueSends?: true;
}

/** The one place IAM access is decided. Reading the send queue comes with its event source (send-queue.ts). */
const FUNCTION_ACCESS: Readonly<Record<FunctionId, FunctionAccess>> = {
  ApiArticles: { table: 'readWrite', signingKey: true },
  ApiSubscriptions: { table: 'readWrite', signingKey: true, sendEmail: true },
  ApiConfirm: { table: 'readWrite', signingKey: true },
  ApiUnsubscribe: { table: 'readWrite', signingKey: true },
  ApiPreferences: { table: 'readWrite', signingKey: true },
  ApiSite: { table: 'read', signingKey: true },
  PlanDigest: { table: 'readWrite', scanSendSlots: true, signingKey: true, enqueueSends: true },
  SendDigest: { table: 'readWrite', signingKey: true, sendEmail: true, readSendQuota: true },
  SesEvents: { table: 'readWrite', signingKey: true },
};

const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const SES_SEND_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'];

export interface GrantedResources {
  readonly data: Pick<DigestDataStack, 'table' | 'tokenSecret' | 'senderIdentity'>;
  readonly configurationSet: ConfigurationSet;
  readonly sendQueue: Queue;
}

export function grantFunctionAccess(functions: DigestFunctions, resources: GrantedResources): void {
  const { table, tokenSecret } = resources.data;
  const slotIndexArn = `${table.tableArn}/index/${TABLE.bySendSlot.indexName}`;
  // Explicit index ARNs rather than `<table>/index/*`, so no grant is wider than the layout.
  const tableArns = [table.tableArn, ...[TABLE.byIngestDay, TABLE.bySendSlot].map((index) => `${table.tableArn}/index/${index.indexName}`)];
  const sesSendArns = sesSendResources(resources);
  for (const id of FUNCTION_IDS) {
    const access = FUNCTION_ACCESS[id];
    const grantee: IGrantable = functions[id].role;
    const tableActions = access.table === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    Grant.addToPrincipal({ grantee, actions: tableActions, resourceArns: tableArns });
    if (access.scanSendSlots) Grant.addToPrincipal({ grantee, actions: ['dynamodb:Scan'], resourceArns: [slotIndexArn] });
    if (access.signingKey) tokenSecret.grantRead(grantee);
    if (access.sendEmail) Grant.addToPrincipal({ grantee, actions: SES_SEND_ACTIONS, resourceArns: sesSendArns });
    // GetAccount has no resource type: the send quota it returns is account-wide.
    if (access.readSendQuota) Grant.addToPrincipal({ grantee, actions: ['ses:GetAccount'], resourceArns: ['*'] });
    if (access.enqueueSends) resources.sendQueue.grantSendMessages(grantee);
  }
}

/** The verified sender and the configuration set every send names. */
function sesSendResources({ data, configurationSet }: GrantedResources): string[] {
  return [
    data.senderIdentity.emailIdentityArn,
    Stack.of(configurationSet).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
    }),
  ];
}
