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
  applySendGuard,
  DEFAULT_GUARD_THRESHOLDS,
  type GuardCounts,
  type GuardState,
  type GuardThresholds,
  guardTallyOf,
  guardVerdict,
  type SendGuardDeps,
  type SendGuardReport,
  type SendGuardStore,
} from './send-guard.ts';
export {
  cancelSend,
  type ResumeReport,
  resumePausedSend,
  type SendControlDeps,
  SendNotResumableError,
  sendPauseState,
  stillTheirDay,
} from './send-control.ts';
export { applySoftBounceHygiene, isAutoReply, SOFT_BOUNCE_SENDS, type SoftBounceReport } from './soft-bounces.ts';
export { newSendStates, SEND_STATE_MAX_AGE_MS, type SendStates, type StoppedState } from './send-stop.ts';
export {
  type BulkMailer,
  type SendReservation,
  type SlotDayLock,
  type BulkMessage,
  type BulkRecipient,
  type BulkRecipientResult,
  type ChunkResults,
  type ClaimResult,
  type ChunkLedger,
  type DeliveryLedger,
  type LocalSettlement,
  type SendRecords,
  type SlotDayLocks,
  type Watermarks,
  type JobDeferral,
  type QueuedJobReceipt,
  type SendStatsStore,
} from './ports.ts';
export { settleLocalClaims, type InboxMail } from './settle.ts';
export { CLAIM_LEASE_MS, SEND_FLEET } from './send-fleet.ts';
export {
  type ChunkCondition,
  chunkCondition,
  type ChunkQueue,
  currentLocalDate,
  OPEN_TOO_LONG_MS,
  oncePerChunk,
  readersLeft,
  repickStrandedChunks,
  type RepickDeps,
  type StrandedReport,
  type ChunkTally,
  tallyChunks,
  todaysSlotDays,
} from './stranded.ts';
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
