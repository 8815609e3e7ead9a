/**
 * The single-table layout of docs/architecture.md. Shared by the stores and by infra/ so the
 * table the CDK app creates is the table the code reads.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** Articles by ingest day: gsi1pk `DAY#<yyyy-mm-dd>`, gsi1sk `<ingestedAt>#<id>`. */
  byIngestDay: { indexName: 'GSI1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Sparse, confirmed readers only: gsi2pk `SLOT#<tz>#<hour>`, gsi2sk email. */
  bySendSlot: { indexName: 'GSI2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

export const ARTICLE_TTL_DAYS = 30;

/** Editions and their delivery ledger stay for the web version and for support questions, then expire. */
export const EDITION_TTL_DAYS = 90;
export const DELIVERY_TTL_DAYS = 90;
