/**
 * A restarted local stack settles the claims its dead process held. The emulator publishes no
 * Send events, but its inbox is persisted as each email is accepted and every digest carries a
 * header naming its chunk: a claimed chunk's recipients whose mail is in the inbox are marked
 * sent (with their watermark), and the chunk is released so the rest are sent, never skipped.
 * Slot-day locks its plan runs left incomplete are handed to the next run, which plans the
 * readers they had not chunked yet.
 */
import type { Clock } from '../shared/index.ts';
import type { EditionStore } from '../edition/index.ts';
import type { DeliveryLedger, SendStatsStore } from './ports.ts';
import { chunkName } from './send-chunk.ts';
import type { DeliveryChunk, Settlement } from './types.ts';

/** One accepted email as the persisted inbox holds it. */
export interface InboxMail {
  to: string[];
  messageId: string;
  /** The chunk header's value, when the mail is a digest. */
  chunk: string | undefined;
}

export async function settleLocalClaims(
  inbox: readonly InboxMail[],
  deps: { deliveries: DeliveryLedger; sendStats: SendStatsStore; editions: EditionStore; clock: Clock },
): Promise<{ settlement: Settlement; released: DeliveryChunk[] }> {
  const open = (await deps.deliveries.openChunks()).filter((chunk) => chunk.status === 'claimed');
  const byChunk = new Map<string, Map<string, string>>();
  for (const mail of inbox) {
    if (mail.chunk === undefined) continue;
    const sent = byChunk.get(mail.chunk) ?? new Map<string, string>();
    for (const to of mail.to) sent.set(to.toLowerCase(), mail.messageId);
    byChunk.set(mail.chunk, sent);
  }
  const at = deps.clock.now().toISOString();
  let confirmed = 0;
  let releasedRecipients = 0;
  for (const chunk of open) {
    const mailed = byChunk.get(chunkName(chunk));
    const sent: Record<string, string> = {};
    for (const email of chunk.emails) {
      const messageId = mailed?.get(email.toLowerCase());
      if (messageId !== undefined && chunk.sent[email] === undefined) sent[email] = messageId;
    }
    const count = Object.keys(sent).length;
    if (count > 0) {
      const cutoff = (await deps.editions.get(chunk.editionId))?.cutoff ?? chunk.createdAt;
      await deps.deliveries.confirmSent(chunk, sent);
      await deps.deliveries.recordDeliveries(
        Object.keys(sent).map((email) => ({ email, editionId: chunk.editionId, cutoff, date: chunk.slotDay.date, sentAt: at })),
        Object.entries(sent).map(([email, messageId]) => ({
          editionId: chunk.editionId,
          email,
          status: 'sent' as const,
          claimedAt: chunk.claimedAt ?? at,
          sentAt: at,
          messageId,
          attempts: chunk.attempts,
        })),
      );
      await deps.sendStats.add(chunk.editionId, { sent: count });
      await deps.sendStats.addToSend(chunk.send, chunk.editionId, { sent: count });
    }
    confirmed += count;
    releasedRecipients += chunk.emails.length - Object.keys(chunk.sent).length - Object.keys(chunk.rejected).length - count;
    await deps.deliveries.release(chunk);
  }
  // Plan runs died with the old process too: the slot-days they left part-planned go to the next run.
  const slotDays = await deps.deliveries.abandonOpenSlotDays();
  const settlement: Settlement = {
    at,
    chunks: open.length,
    confirmed,
    released: releasedRecipients,
    ...(slotDays > 0 ? { slotDays } : {}),
  };
  if (open.length > 0 || slotDays > 0) await deps.deliveries.recordSettlement(settlement);
  // Paused chunks stay paused: only their send's resume opens them.
  const released = (await deps.deliveries.openChunks()).filter((chunk) => chunk.status === 'open');
  return { settlement, released };
}
