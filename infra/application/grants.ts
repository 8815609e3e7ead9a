import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { TABLE } from '../../functions/adapters/dynamo/schema.ts';
import { accessOf, type AwsAccess } from '../../functions/adapters/runtime/function-ports.ts';
import type { DigestDataStack } from '../data-stack.ts';
import { type DigestFunctions, FUNCTION_IDS, handlerOf } from './functions.ts';

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
  readonly feedQueue: Queue;
  readonly clickQueue: Queue;
}

/**
 * What a function may touch beyond its own log group and X-Ray (which DigestFunction grants) is
 * what its handler's ports declare in function-ports.ts, the declaration its runtime wiring is
 * typed by: no grant is kept by hand. Reading the send queue comes with its event source
 * (send-queue.ts).
 */
export function grantFunctionAccess(functions: DigestFunctions, resources: GrantedResources): void {
  const { table, tokenSecret } = resources.data;
  // Explicit index ARNs rather than `<table>/index/*`, so no grant is wider than the layout.
  const tableArns = [table.tableArn, ...[TABLE.byIngestDay, TABLE.bySendSlot].map((index) => `${table.tableArn}/index/${index.indexName}`)];
  const sesSendArns = sesSendResources(resources);
  // One entry per kind of access, so a kind added to function-ports.ts without a grant here fails to compile.
  const grants: Readonly<Record<AwsAccess, (grantee: IGrantable) => void>> = {
    'table:read': (grantee) => Grant.addToPrincipal({ grantee, actions: TABLE_READ_ACTIONS, resourceArns: tableArns }),
    'table:write': (grantee) => Grant.addToPrincipal({ grantee, actions: TABLE_WRITE_ACTIONS, resourceArns: tableArns }),
    // The planner's "now" mode reads every confirmed reader: Scan, on the sparse slot index only.
    'table:scan-slot-index': (grantee) =>
      Grant.addToPrincipal({
        grantee,
        actions: ['dynamodb:Scan'],
        resourceArns: [`${table.tableArn}/index/${TABLE.bySendSlot.indexName}`],
      }),
    'table:scan': (grantee) => Grant.addToPrincipal({ grantee, actions: ['dynamodb:Scan'], resourceArns: [table.tableArn] }),
    'secret:read': (grantee) => tokenSecret.grantRead(grantee),
    'ses:send': (grantee) => Grant.addToPrincipal({ grantee, actions: SES_SEND_ACTIONS, resourceArns: sesSendArns }),
    'ses:send-bulk': (grantee) => Grant.addToPrincipal({ grantee, actions: ['ses:SendBulkEmail'], resourceArns: sesSendArns }),
    // GetAccount has no resource type: the send quota it returns is account-wide.
    'ses:get-account': (grantee) => Grant.addToPrincipal({ grantee, actions: ['ses:GetAccount'], resourceArns: ['*'] }),
    'sqs:send': (grantee) => resources.sendQueue.grantSendMessages(grantee),
    // The event source's consume grant covers it too; declared here so the deferral never depends on that.
    'sqs:change-visibility': (grantee) =>
      Grant.addToPrincipal({ grantee, actions: ['sqs:ChangeMessageVisibility'], resourceArns: [resources.sendQueue.queueArn] }),
    'sqs:send-feed-poll': (grantee) => resources.feedQueue.grantSendMessages(grantee),
    'sqs:send-click': (grantee) => resources.clickQueue.grantSendMessages(grantee),
  };
  for (const id of FUNCTION_IDS) {
    const access = accessOf(handlerOf(id));
    // In the order above, so each role's statements read the same from deploy to deploy.
    for (const [kind, grant] of Object.entries(grants) as [AwsAccess, (grantee: IGrantable) => void][]) {
      if (access.has(kind)) grant(functions[id].role);
    }
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
