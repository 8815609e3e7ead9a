/** The delivery capability's public face: other code imports from here, never from its files. */
export { deliverDigest, type EditionCache, newEditionCache } from './deliver.ts';
export { ClaimHeldError } from './errors.ts';
export { type BatchItemOutcome, type BatchItemResult, deliveryJobSchema, type QueuedDelivery, sendBatch, type SendBatchDeps, type SendBatchReport } from './send-batch.ts';
export { type DeliverOutcome } from './types.ts';
export { applySesFeedback, confirmSesSend } from './feedback.ts';
export { type DeliveryStore, type JobDeferral, type QueuedJobReceipt, type SendStatsStore } from './ports.ts';
export { SEND_FLEET } from './send-fleet.ts';
export { dailySendsLeft, fullJitterDelayMs, perSenderRate, type SendFleet, type SendQuota } from './send-rate.ts';
export { countNameFor, secondsToNextHour, SEND_COUNT_NAMES, type SendCountName, type SendCounts, zeroCounts } from './send-stats.ts';
export { TokenBucket } from './token-bucket.ts';
export { type Delivery, type DeliveryJob } from './types.ts';
