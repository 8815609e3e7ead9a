/** The ingest capability's public face: other code imports from here, never from its files. */
export {
  API_KEY_SCOPES,
  authenticateApiKey,
  DEFAULT_REQUESTS_PER_MINUTE,
  DEFAULT_SCOPES,
  generateApiKey,
  hashApiKey,
  hasScope,
  keyPublisher,
  newApiKeyRecord,
  parseScopes,
  requireScope,
  scopesLabel,
  throttleApiKey,
} from './api-keys.ts';
export { ARTICLE_ID_PATTERN, canonicalUrl, plausiblePublishedAt } from './article.ts';
export { ApiKeyRateLimitedError, ArticleNotFoundError, InvalidApiKeyError, MissingScopeError } from './errors.ts';
export { ingestBatch, type IngestDeps, type IngestReport, type IngestResult, MAX_BATCH_BYTES } from './ingest.ts';
export { type ApiKeyStore, type ArticleStore, type RequestLimiter, type TopicCatalogue } from './ports.ts';
export { CATALOGUE_LIMIT, mergeTopicCatalogue, TOPIC_HALF_LIFE_DAYS, topicWeight } from './topic-catalogue.ts';
export { type ApiKey, type ApiKeyScope, type Article, type CatalogueTopic, type Publisher, type TopicSighting } from './types.ts';
/** The request schemas, for the API's OpenAPI document (adapters/http/route-docs.ts). */
export { articleInputSchema, MAX_BATCH_ARTICLES } from './article.ts';
