import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { TABLE } from '../functions/adapters/dynamo/schema.ts';

export interface DigestDataStackProps extends StackProps {
  /** The From address of every email; verified on its own when there is no senderDomain. */
  readonly senderEmail: string;
  /** Verify this whole domain (Easy DKIM) instead of the single sender address. */
  readonly senderDomain?: string;
}

/**
 * What outlives a redeploy: readers and their history, the key that signs the links already in
 * their inboxes, and the verified sender (a recreated domain identity gets new DKIM tokens, so
 * the DNS records would have to change). Nothing here depends on the application stack.
 *
 * The application stack (infra/digest-stack.ts) reads these through weak references
 * (Fn::GetStackOutput, no Export/ImportValue), so this stack never refuses an update because a
 * consumer imports one of its values.
 */
export class DigestDataStack extends Stack {
  readonly table: TableV2;
  readonly tokenSecret: Secret;
  readonly senderIdentity: EmailIdentity;

  constructor(scope: Construct, id: string, props: DigestDataStackProps) {
    super(scope, id, props);

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: [TABLE.byIngestDay, TABLE.bySendSlot].map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      timeToLiveAttribute: TABLE.ttlAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tokenSecret = new Secret(this, 'TokenSigningKey', {
      description: 'HMAC key that signs confirm and unsubscribe tokens',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });
    // Links in emails already sent must keep working, so the key outlives the stack.
    this.tokenSecret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The token signing key is not rotated automatically: rotating it would break every confirm and one-click unsubscribe link already delivered, which RFC 8058 and the law require to keep working.',
    });

    // No default configuration set here: that would point this stack at the application stack.
    // Every send names the set itself (SES_CONFIGURATION_SET), which is what routes its events.
    this.senderIdentity = new EmailIdentity(this, 'SenderIdentity', {
      identity: props.senderDomain ? Identity.domain(props.senderDomain) : Identity.email(props.senderEmail),
    });
    this.senderIdentity.applyRemovalPolicy(RemovalPolicy.RETAIN);

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    if (props.senderDomain) {
      this.senderIdentity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `Easy DKIM record ${index + 1} to add to the DNS of ${props.senderDomain}`,
        });
      });
    }
  }
}
