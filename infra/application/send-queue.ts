import type { Construct } from 'constructs';
import { SEND_FLEET } from '../../functions/core/delivery/index.ts';
import type { DigestFunction } from '../digest-function.ts';
import { createWorkQueue, drainQueue, type WorkQueue } from './work-queue.ts';

/**
 * The planner enqueues one message per chunk of readers; the send function drains it. The
 * visibility timeout is also the chunk claim's lease (CLAIM_LEASE_MS).
 */
export function createSendQueue(scope: Construct): WorkQueue {
  return createWorkQueue(scope, 'Send', SEND_FLEET);
}

/** The senders split the account's SES rate by SEND_FLEET.maxConcurrency (send-fleet.ts). */
export function connectSendFunction(send: WorkQueue, sender: DigestFunction): void {
  drainQueue(send.queue, sender, SEND_FLEET);
}
