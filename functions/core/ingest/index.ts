/** The ingest capability's public face: other code imports from here, never from its files. */
export { authenticateApiKey, generateApiKey, newApiKeyRecord } from './api-keys.ts';
export { canonicalUrl, MAX_BATCH_ARTICLES } from './article.ts';
export { InvalidApiKeyError } from './errors.ts';
export { ingestBatch, type IngestReport, type IngestResult, MAX_BATCH_BYTES } from './ingest.ts';
export { type ApiKeyStore, type ArticleStore, type TopicCatalogue } from './ports.ts';
export { type ApiKey, type Article } from './types.ts';
