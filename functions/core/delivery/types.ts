/** The send ledger. Timestamps are ISO-8601 strings in UTC. */

export type DeliveryStatus = 'claimed' | 'sent' | 'failed';

export interface Delivery {
  editionId: string;
  email: string;
  status: DeliveryStatus;
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
  error?: string;
  attempts: number;
}

/** What plan-digest puts on the send queue: one recipient of one edition. */
export interface DeliveryJob {
  editionId: string;
  email: string;
}

/** What became of one delivery job. */
export type DeliverOutcome = 'sent' | 'duplicate' | 'not-subscribed' | 'already-served-today';
