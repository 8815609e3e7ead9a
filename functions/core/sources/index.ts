/** The sources capability's public face: feeds polled into the article pipeline. Other code imports from here. */
export { countWords, httpLink, isoDate } from './entries.ts';
export { type FeedFailureReason, FeedFetchError, SourceLimitReachedError, SourceNotFoundError } from './errors.ts';
export {
  dueSources,
  MAX_ENTRIES_PER_POLL,
  planFeedPolls,
  pollAllSources,
  type PollDeps,
  pollDueSources,
  pollQueuedSource,
  type PollResult,
  pollSource,
  pollSources,
  TEASER_WORDS,
} from './poll.ts';
export type { ConditionalHeaders, FeedFetcher, FeedParser, FeedPollQueue, FullTextFetcher, SourceStore } from './ports.ts';
export { backoffMs, DISABLE_AFTER_MS, isDue, MAX_BACKOFF_MS, POLL_INTERVAL_MS } from './schedule.ts';
export {
  addSource,
  type AddedSource,
  displayName,
  findSource,
  listSources,
  newSourceSchema,
  pauseSource,
  removeSource,
  resumeSource,
  sourceId,
} from './sources.ts';
export { entryTopics } from './topics.ts';
export type {
  FeedEntry,
  FetchedFeed,
  FetchOutcome,
  ParsedFeed,
  PollReport,
  PollStatus,
  Source,
  SourceLimits,
  SourceState,
} from './types.ts';
