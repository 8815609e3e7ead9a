/** `digest sends stats` and GET /sends/{id}/stats: one send's record, counters and editions, read into its report. */
import type { EditionStore } from '../edition/index.ts';
import { ValidationError } from '../shared/index.ts';
import { SendNotFoundError } from './errors.ts';
import type { DeliveryLedger, SendStatsStore } from './ports.ts';
import { sendStatsReport, type SendStatsDetail } from './send-results.ts';
import { SEND_ID_PATTERN } from './types.ts';

export interface SendStatsDeps {
  deliveries: Pick<DeliveryLedger, 'sendRecord' | 'recentSends'>;
  sendStats: Pick<SendStatsStore, 'sendResults'>;
  editions: Pick<EditionStore, 'get'>;
}

/**
 * The results of send `send`, or of the latest send when none is named. ValidationError naming
 * `field` for an id no send can have; SendNotFoundError when there is no such send.
 */
export async function readSendStats(send: string | undefined, deps: SendStatsDeps, field = 'send'): Promise<SendStatsDetail> {
  if (send !== undefined && !SEND_ID_PATTERN.test(send)) {
    throw new ValidationError('That is not a send id.', [{ field, message: 'must be 1-64 letters, digits or "-"' }]);
  }
  const record = send === undefined ? (await deps.deliveries.recentSends(1))[0] : await deps.deliveries.sendRecord(send);
  if (record === undefined) throw new SendNotFoundError(send === undefined ? 'No send has been made yet.' : `There is no send ${send}.`);
  const perEdition = await deps.sendStats.sendResults(record.send);
  const ids = new Set([...record.editions, ...perEdition.map((row) => row.editionId)]);
  const editions = new Map(await Promise.all([...ids].map(async (id) => [id, await deps.editions.get(id)] as const)));
  return sendStatsReport(record, perEdition, editions);
}
