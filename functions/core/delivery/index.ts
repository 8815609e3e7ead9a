/** The delivery capability's public face: other code imports from here, never from its files. */
export {
  BULK_REQUEST_MAX_BYTES,
  CHUNK_HEADER,
  CHUNK_SIZE,
  CHUNK_TAG,
  chunkName,
  chunkTagValue,
  type ChunkReport,
  EDITION_TAG,
  type EditionCache,
  newEditionCache,
  parseChunkName,
  parseChunkTagValue,
  sendChunk,
  type SendChunkDeps,
  TEMPLATE_DATA_MAX_CHARS,
} from './send-chunk.ts';
export { chunkJobOf, jobWithoutAddresses, recipientsOf } from './chunk-job.ts';
export { ChunkTooLargeError, ClaimHeldError, SendNotFoundError } from './errors.ts';
export {
  type BatchItemOutcome,
  type BatchItemResult,
  chunkJobSchema,
  type QueuedDelivery,
  sendBatch,
  type SendBatchDeps,
  type SendBatchReport,
} from './send-batch.ts';
export { applySesFeedback, confirmSesSend } from './feedback.ts';
export {
  type BulkMailer,
  type SendReservation,
  type SlotDayLock,
  type BulkMessage,
  type BulkRecipient,
  type BulkRecipientResult,
  type ClaimResult,
  type DeliveryLedger,
  type JobDeferral,
  type QueuedJobReceipt,
  type SendStatsStore,
} from './ports.ts';
export { settleLocalClaims, type InboxMail } from './settle.ts';
export { CLAIM_LEASE_MS, SEND_FLEET } from './send-fleet.ts';
export { dailySendsLeft, fullJitterDelayMs, perSenderRate, type SendFleet, type SendQuota } from './send-rate.ts';
export { countNameFor, secondsToNextHour, SEND_COUNT_NAMES, type SendCountName, type SendCounts, zeroCounts } from './send-stats.ts';
export {
  type CountedClick,
  type CountedOpen,
  type EditionResults,
  SEND_RESULT_NAMES,
  type SendResultCounts,
  type SendResultName,
  sendStatsReport,
  type SendStatsDetail,
  type SendStatsReport,
  type StoryClicks,
  zeroResults,
} from './send-results.ts';
export { readSendStats, type SendStatsDeps } from './read-send-stats.ts';
export { countSendOutcome, type CountedOutcome, sendOutcomeOf } from './send-outcomes.ts';
export { TokenBucket } from './token-bucket.ts';
export {
  type ChunkJob,
  type ChunkRef,
  type ChunkStatus,
  type DeliverOutcome,
  type Delivery,
  type DeliveryChunk,
  type DeliveryJob,
  SEND_ID_PATTERN,
  type SendId,
  sendOfChunkId,
  type SendRecord,
  type SendState,
  type Settlement,
  type SlotDay,
  type Watermark,
} from './types.ts';
