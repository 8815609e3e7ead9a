/** The in-memory stores the unit tests and benchmarks use keep the same store contract as the DynamoDB stores. */
import {
  MemoryApiKeyStore,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemoryPersonalDataStore,
  MemoryRateLimiter,
  MemorySendStatsStore,
  MemorySourceStore,
  MemorySubscriberStore,
  MemoryTopicCatalogue,
} from '../../../support/memory-stores.ts';
import { describeStoreContract } from '../../../support/store-contract.ts';

describeStoreContract('in-memory', async (clock) => {
  const subscribers = new MemorySubscriberStore(clock);
  const deliveries = new MemoryDeliveryLedger(subscribers);
  return {
    articles: new MemoryArticleStore(),
    subscribers,
    editions: new MemoryEditionStore(),
    deliveries,
    apiKeys: new MemoryApiKeyStore(),
    rateLimiter: new MemoryRateLimiter(),
    personalData: new MemoryPersonalDataStore(subscribers, deliveries),
    topics: new MemoryTopicCatalogue(),
    sendStats: new MemorySendStatsStore(),
    sources: new MemorySourceStore(),
  };
});
