/** The subscribers capability's public face: other code imports from here, never from its files. */
export { hadTodaysDigest, localRunDate, memoisedLocalRunDate, receivesDigestOn, SETTLE_MS } from './delivery-days.ts';
export {
  type ConfirmDeps,
  type ConfirmLinkState,
  confirmLinkState,
  type ConfirmOutcome,
  type ConfirmResult,
  confirmSubscription,
} from './confirmation.ts';
export { describeIssues, importColumnName, importedReader } from './import.ts';
export { RateLimitExceededError, SubscriberNotFoundError } from './errors.ts';
export {
  type ConfirmationRenderer,
  type ConfirmView,
  type WelcomeView,
  type ErasedAddresses,
  type RateLimiter,
  type RenderedEmail,
  type SubscriberStore,
  type UnsubscribeCounter,
  type UnsubscribeVia,
} from './ports.ts';
export {
  preferenceCentreView,
  type PreferenceCentreView,
  type Preferences,
  readPreferences,
  signOutOfOldLinks,
  type TopicChoice,
  topicChoices,
  updatePreferences,
} from './preference-centre.ts';
export { emailSchema, MAX_ADDRESS_OCTETS, MAX_LOCAL_PART_OCTETS, normaliseEmailAddress } from './email-address.ts';
export {
  checkUnsubscribeToken,
  PENDING_LIFETIME_MS,
  requestSubscription,
  type SubscribeOutcome,
  type SubscribeResult,
  unsubscribe,
  type UnsubscribeDeps,
  type UnsubscribeOutcome,
  readerBehind,
  type LinkDeps,
} from './subscriptions.ts';
export { type Subscriber, type SubscriberStatus, SUBSCRIBER_STATUSES, type TimeSlot } from './types.ts';
/** The request schemas, for the API's OpenAPI document (adapters/http/route-docs.ts). */
export { subscriptionRequestSchema } from './subscriber.ts';
export { preferencesUpdateSchema } from './preference-centre.ts';
