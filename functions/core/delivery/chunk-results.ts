/**
 * What a sender records after the bulk call: SES's answer per destination, then the watermarks
 * and delivery records of those sent (first, so a chunk taken over after a crash here finds them
 * and sends nobody twice), then, last, the chunk's results in one conditional write on its claim.
 */
import type { Edition } from '../edition/index.ts';
import type { BulkRecipientResult, ChunkLedger, Watermarks } from './ports.ts';
import type { DeliverOutcome, Delivery, DeliveryChunk, Watermark } from './types.ts';

export interface SendResults {
  sent: Record<string, string>;
  rejected: Record<string, string>;
  /** The daily quota's reason, when SES deferred some destinations for it. */
  quota?: string;
  /** The first other reason a destination was not sent. */
  failure?: string;
  /** The mailer stopped between calls because the send was paused or cancelled. */
  stopped?: boolean;
}

/** Sorts SES's answer per destination, setting the outcome of each one sent or rejected. */
export function sortResults(results: readonly BulkRecipientResult[], outcomes: Map<string, DeliverOutcome>): SendResults {
  const sorted: SendResults = { sent: {}, rejected: {} };
  for (const result of results) {
    if (result.status === 'sent') {
      sorted.sent[result.to] = result.messageId;
      outcomes.set(result.to, 'sent');
    } else if (result.status === 'rejected') {
      sorted.rejected[result.to] = result.reason;
      outcomes.set(result.to, 'rejected');
    } else if (result.status === 'deferred') sorted.quota ??= result.reason;
    else if (result.status === 'stopped') sorted.stopped = true;
    else sorted.failure ??= result.reason;
  }
  return sorted;
}

type ClaimedChunk = DeliveryChunk & { claimedAt: string };

/** Watermarks and delivery records of the destinations sent, then the chunk's results on its claim. */
export async function recordSendResults(
  deliveries: Pick<ChunkLedger, 'recordResults'> & Pick<Watermarks, 'recordDeliveries'>,
  chunk: ClaimedChunk,
  edition: Edition,
  results: SendResults,
  sentAt: string,
  stopAs?: DeliveryChunk['stopAs'],
): Promise<void> {
  const sentEmails = Object.keys(results.sent);
  if (sentEmails.length > 0) {
    const watermarks: Watermark[] = sentEmails.map((email) => ({
      email,
      editionId: edition.id,
      cutoff: edition.cutoff,
      date: chunk.slotDay.date,
      sentAt,
    }));
    const records: Delivery[] = sentEmails.map((email) => ({
      editionId: edition.id,
      email,
      status: 'sent',
      claimedAt: chunk.claimedAt,
      sentAt,
      messageId: results.sent[email]!,
      attempts: chunk.attempts,
    }));
    await deliveries.recordDeliveries(watermarks, records);
  }
  const finished = results.quota === undefined && results.failure === undefined && stopAs === undefined;
  const error = results.quota ?? results.failure;
  await deliveries.recordResults(chunk, chunk.claimedAt, {
    sent: results.sent,
    rejected: results.rejected,
    finished,
    ...(error ? { error } : {}),
    ...(stopAs ? { stopAs } : {}),
  });
}

/** A failed bulk call releases the claim with its reason; the queue's retry tries again. */
export async function releaseAfterFailedCall(
  deliveries: Pick<ChunkLedger, 'recordResults'>,
  chunk: ClaimedChunk,
  error: unknown,
): Promise<void> {
  await deliveries.recordResults(chunk, chunk.claimedAt, {
    sent: {},
    rejected: {},
    finished: false,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
