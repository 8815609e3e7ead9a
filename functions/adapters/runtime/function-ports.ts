/**
 * What each Lambda uses, and what AWS access each of those ports needs: one declaration that the
 * runtime wiring builds from (wiring.ts types a handler's deps by it, so a handler cannot reach
 * a port its function does not declare) and that infra grants IAM from (so a function cannot
 * call what its role lacks). Pure data, no AWS SDK: the CDK app imports it.
 */

/** One kind of AWS access; infra turns each into IAM statements on the stack's resources. */
export type AwsAccess =
  /** GetItem, BatchGetItem, Query, ConditionCheckItem, DescribeTable on the table and its indexes. */
  | 'table:read'
  /** PutItem, UpdateItem, DeleteItem, BatchWriteItem on the table. */
  | 'table:write'
  /** Scan of the sparse slot index: the planner's "now" mode reads every confirmed reader. */
  | 'table:scan-slot-index'
  /** Scan of the whole table: the operator's reader export (CLI, the operator's own credentials); no function declares it. */
  | 'table:scan'
  /** SendEmail and SendRawEmail from the sender identity through the configuration set. */
  | 'ses:send'
  /** SendBulkEmail, likewise: the digest sender only, so a transactional function cannot mail 50 at a call. */
  | 'ses:send-bulk'
  /** The account's send quota (GetAccount), for pacing and the daily quota. */
  | 'ses:get-account'
  /** SendMessage to the send queue. */
  | 'sqs:send'
  /** ChangeMessageVisibility on the send queue, to defer jobs past the daily quota. */
  | 'sqs:change-visibility'
  /** GetSecretValue of the token-signing secret (TOKEN_SECRET_ARN). */
  | 'secret:read'
  /** SendMessage to the feed poll queue. */
  | 'sqs:send-feed-poll'
  /** SendMessage to the click queue: the redirect hands clicks on to be counted. */
  | 'sqs:send-click';

const TABLE_READ_WRITE = ['table:read', 'table:write'] as const;

/** Every port the wiring can build, with the access it needs; the wiring's PortTypes gives each its type. */
export const PORT_ACCESS = {
  clock: [],
  /** Digest name, templates, postal address and public URL: config alone. */
  site: [],
  /** Settings carry the token-signing secret (signing and verifying links, the placeholder nonce). */
  settings: ['secret:read'],
  renderer: [],
  /** Editions a warm sender has read, bounded. */
  editionCache: [],
  articles: TABLE_READ_WRITE,
  apiKeys: TABLE_READ_WRITE,
  topics: TABLE_READ_WRITE,
  subscribers: TABLE_READ_WRITE,
  /** Readers in bulk for the operator's import and export: batch writes, and a scan of the whole table. */
  subscriberBulk: [...TABLE_READ_WRITE, 'table:scan'],
  erasureMarks: [...TABLE_READ_WRITE, 'table:scan', 'secret:read'],
  /** The subscriber store as the planner uses it: its "now" mode scans the slot index. */
  plannerSubscribers: [...TABLE_READ_WRITE, 'table:scan-slot-index'],
  editions: TABLE_READ_WRITE,
  /** Reading published editions only (the web edition and the archive). */
  editionArchive: ['table:read'],
  deliveries: TABLE_READ_WRITE,
  limits: TABLE_READ_WRITE,
  /** Erasure markers are keyed hashes under a key derived from the token secret (erasure-marks.ts). */
  personalData: [...TABLE_READ_WRITE, 'secret:read'],
  sendStats: TABLE_READ_WRITE,
  /** The send guard's own counters per send (SEND#<id> / GUARD). */
  sendGuard: TABLE_READ_WRITE,
  /** The send guard's limits (SEND_GUARD_*): config alone. */
  guardThresholds: [],
  /** A send's state as a sender reads it between SES calls (a consistent GetItem of the send record). */
  sendStates: ['table:read'],
  /** Transactional mail (confirmation links), the SDK retrying throttles. */
  mailer: ['ses:send'],
  /** The digest sender's mailer: paced to its share of the account's rate, which it reads. */
  digestMailer: ['ses:send', 'ses:send-bulk', 'ses:get-account'],
  /** The send queue, for the planner. */
  queue: ['sqs:send'],
  /** Puts the sender's jobs back on the send queue for later. */
  deferral: ['sqs:change-visibility'],
  /** Feed sources in the table. */
  sources: TABLE_READ_WRITE,
  /** How many sources may be added (MAX_SOURCES): config alone. */
  sourceLimits: [],
  /** Fetching feeds and linked pages over the internet (no AWS access), under the SSRF rules. */
  feedFetcher: [],
  feedParser: [],
  fullText: [],
  /** The feed poll queue, for the feed planner. */
  feedQueue: ['sqs:send-feed-poll'],
  /** The click queue, for the click redirect. */
  clickQueue: ['sqs:send-click'],
  /** Per-story and per-send click counters (ADD on the STATS items). */
  clickCounter: TABLE_READ_WRITE,
  /** Short-lived per-message click markers (TTL). */
  clickMarkers: TABLE_READ_WRITE,
  /** A reader's last click, on their item while they are subscribed. */
  readerEngagement: TABLE_READ_WRITE,
} as const satisfies Record<string, readonly AwsAccess[]>;

export type PortKind = keyof typeof PORT_ACCESS;

/**
 * Per function (named as its file in functions/handlers/): each dependency the handler gets,
 * mapped to the kind of port that fills it.
 */
export const FUNCTION_PORTS = {
  // Takedowns (DELETE /articles/{id}) re-render the editions that showed the article: no secret needed, the nonce is stored.
  'api-articles': {
    clock: 'clock',
    apiKeys: 'apiKeys',
    limits: 'limits',
    articles: 'articles',
    topics: 'topics',
    site: 'site',
    editions: 'editions',
    renderer: 'renderer',
  },
  'api-subscriptions': {
    clock: 'clock',
    settings: 'settings',
    site: 'site',
    subscribers: 'subscribers',
    limits: 'limits',
    personalData: 'personalData',
    mailer: 'mailer',
    renderer: 'renderer',
  },
  'api-confirm': {
    clock: 'clock',
    settings: 'settings',
    site: 'site',
    subscribers: 'subscribers',
    personalData: 'personalData',
    /** The welcome email after confirming. */
    mailer: 'mailer',
    renderer: 'renderer',
  },
  /** An unsubscribe through a digest's link counts for its send (SEND#<send> / STATS#<edition>). */
  'api-unsubscribe': { clock: 'clock', settings: 'settings', site: 'site', subscribers: 'subscribers', sendStats: 'sendStats' },
  'api-preferences': {
    clock: 'clock',
    settings: 'settings',
    site: 'site',
    subscribers: 'subscribers',
    topics: 'topics',
    personalData: 'personalData',
  },
  'api-site': { site: 'site', editions: 'editionArchive' },
  'schedule-plan-digest': {
    clock: 'clock',
    settings: 'settings',
    articles: 'articles',
    subscribers: 'plannerSubscribers',
    editions: 'editions',
    renderer: 'renderer',
    queue: 'queue',
    deliveries: 'deliveries',
  },
  'sqs-send-digest': {
    clock: 'clock',
    settings: 'settings',
    editions: 'editions',
    editionCache: 'editionCache',
    deliveries: 'deliveries',
    sendStats: 'sendStats',
    mailer: 'digestMailer',
    deferral: 'deferral',
    sendStates: 'sendStates',
  },
  'sns-ses-events': {
    clock: 'clock',
    subscribers: 'subscribers',
    deliveries: 'deliveries',
    sendStats: 'sendStats',
    sendGuard: 'sendGuard',
    guardThresholds: 'guardThresholds',
  },
  // The click redirect: one read (the edition) and a queue message, nothing written on the reader's path.
  'api-clicks': { clock: 'clock', settings: 'settings', editions: 'editionArchive', clicks: 'clickQueue' },
  'sqs-count-clicks': {
    clock: 'clock',
    settings: 'settings',
    counter: 'clickCounter',
    markers: 'clickMarkers',
    readers: 'readerEngagement',
  },
  'api-sources': { clock: 'clock', apiKeys: 'apiKeys', limits: 'limits', sources: 'sources', sourceLimits: 'sourceLimits' },
  /** GET /sends/{id}/stats: reads a send's record, counters and editions (the key check writes its rate counter). */
  'api-sends': {
    clock: 'clock',
    apiKeys: 'apiKeys',
    limits: 'limits',
    deliveries: 'deliveries',
    sendStats: 'sendStats',
    editions: 'editionArchive',
  },
  'schedule-plan-feeds': { clock: 'clock', sources: 'sources', queue: 'feedQueue' },
  'sqs-poll-feeds': {
    clock: 'clock',
    sources: 'sources',
    articles: 'articles',
    topics: 'topics',
    fetcher: 'feedFetcher',
    parser: 'feedParser',
    fullText: 'fullText',
  },
} as const satisfies Record<string, Record<string, PortKind>>;

export type FunctionName = keyof typeof FUNCTION_PORTS;

/** The AWS access a function needs: the union over its ports. */
export function accessOf(name: FunctionName): Set<AwsAccess> {
  const kinds: readonly PortKind[] = Object.values(FUNCTION_PORTS[name]);
  return new Set(kinds.flatMap((kind): readonly AwsAccess[] => PORT_ACCESS[kind]));
}
