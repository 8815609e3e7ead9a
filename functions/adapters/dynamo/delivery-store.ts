/**
 * The send ledger: one row per (edition, reader). Every transition is a conditional write on one
 * item, so two senders racing for the same recipient cannot both send (dynalite has no transactions).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery, DeliveryJob, DeliveryStore } from '../../core/delivery/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { expiresAfterDays } from './item-time.ts';
import { deliveryKey } from './keys.ts';
import { deliveryRecord, parseRecord } from './records.ts';
import { DELIVERY_TTL_DAYS } from './schema.ts';

export const DELIVERY_ERROR_MAX_CHARS = 500;

/** markSent found the row in a state other than claimed: the ledger and the mail actually sent disagree. */
export class DeliveryStateError extends Error {
  override name = 'DeliveryStateError';
}

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(job: DeliveryJob, at: string): Promise<'claimed' | 'duplicate'> {
    try {
      // An update rather than a put so that reclaiming a failed row counts the attempt.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(job.editionId, job.email),
          UpdateExpression:
            'SET editionId = :editionId, email = :email, #status = :claimed, claimedAt = :at, ' +
            'attempts = if_not_exists(attempts, :zero) + :one, expiresAt = :expiresAt REMOVE #error, failedAt',
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :failed',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':editionId': job.editionId,
            ':email': job.email,
            ':claimed': 'claimed',
            ':failed': 'failed',
            ':at': at,
            ':zero': 0,
            ':one': 1,
            ':expiresAt': expiresAfterDays(at, DELIVERY_TTL_DAYS),
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw error;
    }
  }

  async reclaimStale(job: DeliveryJob, staleClaimedAt: string, at: string): Promise<'claimed' | 'duplicate'> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(job.editionId, job.email),
          UpdateExpression: 'SET claimedAt = :at, attempts = attempts + :one',
          // On the exact claimedAt read, so of several senders finding the same stale row one wins.
          ConditionExpression: '#status = :claimed AND claimedAt = :stale',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':stale': staleClaimedAt, ':at': at, ':one': 1 },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw error;
    }
  }

  async markSent(job: DeliveryJob, messageId: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(job.editionId, job.email),
          UpdateExpression: 'SET #status = :sent, messageId = :messageId, sentAt = :at',
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':messageId': messageId, ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const current = await this.get(job);
      // A retried markSent for the same message is done already.
      if (current?.status === 'sent' && current.messageId === messageId) return;
      throw new DeliveryStateError(
        `delivery of ${job.editionId} to ${job.email} is ${current?.status ?? 'unclaimed'}, not claimed`,
        { cause: error },
      );
    }
  }

  async confirmSent(job: DeliveryJob, messageId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(job.editionId, job.email),
          UpdateExpression: 'SET #status = :sent, messageId = :messageId, sentAt = :at REMOVE #error, failedAt',
          ConditionExpression: '#status IN (:claimed, :failed)',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':failed': 'failed', ':messageId': messageId, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async markFailed(job: DeliveryJob, error: string, at: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(job.editionId, job.email),
          UpdateExpression: 'SET #status = :failed, #error = :error, failedAt = :at',
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':claimed': 'claimed',
            ':error': error.slice(0, DELIVERY_ERROR_MAX_CHARS),
            // Kept on the row for operators; the Delivery record has no field for it.
            ':at': at,
          },
        }),
      );
    } catch (caught) {
      // Only a claimed row can fail: a sent one stays sent, and an unclaimed one has nothing to record.
      if (!isConditionalCheckFailed(caught)) throw caught;
    }
  }

  async get(job: DeliveryJob): Promise<Delivery | undefined> {
    const key = deliveryKey(job.editionId, job.email);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item === undefined ? undefined : parseRecord(deliveryRecord, Item, key);
  }
}
