/** The shared capability's public face: other code imports from here, never from its files. */
export { type Clock } from './clock.ts';
export { DEFAULT_DIGEST_NAME, DEFAULT_MAX_STORIES, DEFAULT_SEND_HOUR, DEFAULT_TIME_ZONE } from './defaults.ts';
export { LruCache } from './lru-cache.ts';
export {
  CorruptRecordError,
  type FieldIssue,
  HtmlTooComplexError,
  InvalidTokenError,
  type ToleratedFailure,
  ValidationError,
} from './errors.ts';
export { allTimeZones, canonicalTimeZone, knownZone, localTime, localTimeLabels } from './local-time.ts';
export { DailyQuotaExhaustedError, type Mailer, MailerThrottledError, type OutgoingEmail } from './mail.ts';
export {
  ByteReader,
  decodeEditionId,
  decodeSendId,
  decodeUtf8,
  type DigestOrigin,
  encodeEditionId,
  encodeSendId,
  u32Bytes,
} from './digest-origin.ts';
export { deriveSecretKey } from './secret-keys.ts';
export { openSealedBytes, sealBytes } from './sealed-box.ts';
export { linkTo, type Settings } from './settings.ts';
export { defangLinks, htmlLimitIssue, htmlToPlainText, normaliseText, plainLine, singleLine, VOID_ELEMENTS } from './text.ts';
export {
  foldTopicCase,
  MAX_ARTICLE_TOPICS,
  MAX_TOPIC_LENGTH,
  normaliseTopic,
  normaliseTopics,
  parseTopic,
  type Topic,
  topicNameIssue,
  uniqueTopics,
} from './topics.ts';
export { signToken, type TokenPurpose, verifyTokenClaims } from './tokens.ts';
export { addressSha256, derivedKey, keyedHash, type KeyedHashPurpose } from './keyed-hash.ts';
export { fieldIssues, parseOrThrow, validationError, WHOLE_BODY } from './validation.ts';
