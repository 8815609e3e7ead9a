/**
 * Product defaults, each in one place: the config adapter, the local stack, infra, the pages and
 * the subscriber rules all read them from here.
 */
export const DEFAULT_DIGEST_NAME = 'The Daily Digest';
/** Stories per edition when MAX_STORIES is unset. */
export const DEFAULT_MAX_STORIES = 12;
/** A new reader's local send hour and zone when the subscribe form or import leaves them out. */
export const DEFAULT_SEND_HOUR = 7;
export const DEFAULT_TIME_ZONE = 'UTC';
