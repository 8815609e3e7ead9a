/**
 * The send guard's counters: one item per send (`SEND#<id>` / `GUARD`) beside the send record,
 * bumped with ADD by each SES event of the send's mail: one conditional UpdateItem per event, no
 * read. A resume starts the next count on the same item (epoch + 1, counters to 0, `since` the
 * resume); an event whose mail was sent before `since` fails the condition and is not counted.
 * These are the guard's own counts, apart from the publisher's per-send stats.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { GuardCounts, GuardState, SendGuardStore, SendId } from '../../core/delivery/index.ts';
import { isConditionalCheckFailed } from './aws-errors.ts';
import { sendKey } from './delivery-items.ts';
import { expiresAfterDays, toUtcIso } from './item-time.ts';
import { DELIVERY_TTL_DAYS } from './schema.ts';

const GUARD_SK = 'GUARD';

const count = z.number().int().min(0).default(0);
const guardRecord = z.looseObject({
  epoch: count,
  since: z.string().optional(),
  known: count,
  bounced: count,
  complained: count,
  tripped: z.string().optional(),
  trippedAt: z.string().optional(),
});

function guardKey(send: SendId): { pk: string; sk: string } {
  return { pk: sendKey(send).pk, sk: GUARD_SK };
}

function stateOf(item: Record<string, unknown> | undefined): GuardState | undefined {
  if (item === undefined) return undefined;
  const parsed = guardRecord.safeParse(item);
  if (!parsed.success) return undefined;
  const { epoch, since, known, bounced, complained, tripped, trippedAt } = parsed.data;
  return {
    epoch,
    ...(since !== undefined ? { since } : {}),
    counts: { known, bounced, complained },
    ...(tripped !== undefined ? { tripped: { reason: tripped, at: trippedAt ?? '' } } : {}),
  };
}

export class DynamoSendGuardStore implements SendGuardStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async count(send: SendId, mailAt: string, tally: GuardCounts): Promise<GuardState | undefined> {
    let sentAt: string;
    try {
      sentAt = toUtcIso(mailAt);
    } catch {
      return undefined;
    }
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(send),
          UpdateExpression:
            'ADD known :known, bounced :bounced, complained :complained SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(since) OR since <= :sentAt',
          ExpressionAttributeValues: {
            ':known': tally.known,
            ':bounced': tally.bounced,
            ':complained': tally.complained,
            ':sentAt': sentAt,
            ':expiresAt': expiresAfterDays(sentAt, DELIVERY_TTL_DAYS),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stateOf(Attributes);
    } catch (error) {
      // Mail sent before the last resume: its outcome belongs to a count that is over.
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async trip(send: SendId, epoch: number, reason: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: guardKey(send),
          UpdateExpression: 'SET tripped = :reason, trippedAt = :at',
          ConditionExpression: 'attribute_not_exists(tripped) AND (epoch = :epoch OR (attribute_not_exists(epoch) AND :epoch = :zero))',
          ExpressionAttributeValues: { ':reason': reason, ':at': at, ':epoch': epoch, ':zero': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async restart(send: SendId, at: string): Promise<void> {
    // Whole seconds: the local emulator stamps mail to the second, so mail of the resume's own second counts.
    const since = `${toUtcIso(at).slice(0, 19)}.000Z`;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: guardKey(send),
        UpdateExpression:
          'SET epoch = if_not_exists(epoch, :zero) + :one, since = :since, known = :zero, bounced = :zero, complained = :zero, ' +
          'expiresAt = if_not_exists(expiresAt, :expiresAt) REMOVE tripped, trippedAt',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':since': since, ':expiresAt': expiresAfterDays(since, DELIVERY_TTL_DAYS) },
      }),
    );
  }

  async get(send: SendId): Promise<GuardState | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: guardKey(send), ConsistentRead: true }));
    return stateOf(Item);
  }
}
