/**
 * The HTTP API wired to the in-memory stores: the real route table, handlers, renderer and edge
 * (adapters/http), with memory stores, a recording mailer and a fixed clock instead of DynamoDB,
 * SES and the system clock. `answer` is what the local router does after reading the body, so a
 * test or the fuzz suite can run thousands of requests without sockets.
 */
import { loadConfig } from '../../functions/adapters/runtime/config.ts';
import { Wiring } from '../../functions/adapters/runtime/wiring.ts';
import type { HttpEvent, HttpResult } from '../../functions/adapters/http/http.ts';
import { generateApiKey, newApiKeyRecord } from '../../functions/core/ingest/api-keys.ts';
import type { ApiKeyScope } from '../../functions/core/ingest/types.ts';
import { signToken, type TokenPurpose } from '../../functions/core/shared/tokens.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import type { Edition } from '../../functions/core/edition/types.ts';
import type { ClickMessage, ClickQueue } from '../../functions/core/engagement/index.ts';
import { localRoutes } from '../../functions/local/local-app.ts';
import { answerEvent, type Route, toHttpEvent } from '../../functions/local/router.ts';
import {
  FakeClock,
  MemoryApiKeyStore,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemoryPersonalDataStore,
  MemoryRateLimiter,
  MemorySubscriberStore,
  MemoryTopicCatalogue,
  MemorySourceStore,
  MemorySendStatsStore,
  RecordingMailer,
} from './fakes.ts';

export const MEMORY_APP_SECRET = 'memory-app-secret-0123456789abcdef';

export interface MemoryRequest {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  sourceIp?: string;
}

export interface MemoryApp {
  routes: Route[];
  /** What the click redirect queued. */
  clicks: ClickMessage[];
  clock: FakeClock;
  mailer: RecordingMailer;
  subscribers: MemorySubscriberStore;
  articles: MemoryArticleStore;
  /** The send ledger, for a send the stats route can find. */
  deliveries: MemoryDeliveryLedger;
  apiKey: string;
  /** A second key, limited to one request a minute. */
  limitedApiKey: string;
  /** Stores a new key with these scopes (as `digest keys create --scopes` does) and returns it. */
  keyWithScopes(scopes: ApiKeyScope[], name?: string): Promise<string>;
  /** A token for `email` signed as the handlers expect, at the app clock's time. */
  token(purpose: TokenPurpose, email: string): string;
  answer(request: MemoryRequest): Promise<HttpResult>;
  event(request: MemoryRequest): HttpEvent;
}

export async function memoryApp(): Promise<MemoryApp> {
  const clock = new FakeClock();
  const subscribers = new MemorySubscriberStore(clock);
  const deliveries = new MemoryDeliveryLedger(subscribers);
  const articles = new MemoryArticleStore();
  const apiKeys = new MemoryApiKeyStore();
  const mailer = new RecordingMailer();
  const editions = new MemoryEditionStore();
  await editions.createIfAbsent(publishedEdition());
  const clicks: ClickMessage[] & ClickQueue = Object.assign([] as ClickMessage[], {
    async enqueue(this: ClickMessage[], click: ClickMessage) {
      this.push(click);
    },
  });
  const config = loadConfig({
    TABLE_NAME: 'memory',
    PUBLIC_URL: 'https://digest.example',
    MAIL_FROM: 'The Daily Digest <digest@digest.example>',
    TOKEN_SECRET: MEMORY_APP_SECRET,
  });
  const wiring = new Wiring(config, {
    tokenSecret: MEMORY_APP_SECRET,
    ports: {
      clock,
      articles,
      apiKeys,
      subscribers,
      topics: new MemoryTopicCatalogue(),
      sources: new MemorySourceStore(),
      sendStats: new MemorySendStatsStore(),
      editions,
      editionArchive: editions,
      deliveries,
      limits: new MemoryRateLimiter(),
      personalData: new MemoryPersonalDataStore(subscribers, deliveries),
      mailer,
      clickQueue: clicks,
    },
  });
  const apiKey = generateApiKey();
  await apiKeys.put(newApiKeyRecord(apiKey, 'memory', clock.now().toISOString()));
  const limitedApiKey = generateApiKey();
  await apiKeys.put({ ...newApiKeyRecord(limitedApiKey, 'limited', clock.now().toISOString()), requestsPerMinute: 1 });
  const routes = localRoutes(wiring);
  const event = (request: MemoryRequest): HttpEvent => {
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const body =
      request.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
    return toHttpEvent(
      { method: request.method, url: request.url, headers, httpVersion: '1.1', sourceIp: request.sourceIp ?? '203.0.113.7' },
      body,
    );
  };
  return {
    routes,
    clicks,
    clock,
    mailer,
    subscribers,
    articles,
    deliveries,
    apiKey,
    limitedApiKey,
    keyWithScopes: async (scopes, name = scopes.join('+')) => {
      const key = generateApiKey();
      await apiKeys.put({ ...newApiKeyRecord(key, name, clock.now().toISOString()), scopes });
      return key;
    },
    token: (purpose, email) => signToken({ secret: MEMORY_APP_SECRET, purpose, email, now: clock.now() }),
    answer: (request) => answerEvent(routes, event(request)),
    event,
  };
}

export const PUBLISHED_EDITION_ID = '20261126T070000-20261125T070000';

/** An edition whose story text is hostile, as a publisher could have sent it: the web edition and archive must show it as text. */
function publishedEdition(): Edition {
  const story = {
    articleId: 'a1',
    title: 'Rates held <x-fuzz onfuzz="1"> "><script data-fuzz>alert(1)</script>',
    url: 'https://news.example/rates',
    source: 'Example <x-fuzz> News',
    ingestedAt: '2026-11-25T12:00:00.000Z',
    topics: ['world'],
    summary: ['See javascript:alert(1) and http://evil.example/phish for more.'],
    alsoIn: [{ source: 'Other', title: '<x-fuzz>', url: 'javascript:alert(1)' }],
  };
  return {
    id: PUBLISHED_EDITION_ID,
    since: '2026-11-25T07:00:00.000Z',
    cutoff: '2026-11-26T07:00:00.000Z',
    createdAt: '2026-11-26T07:00:01.000Z',
    subject: 'Your digest',
    preheader: 'One story',
    stories: [story],
    moreStories: [{ ...story, articleId: 'a2', summary: [] }],
    html: '<p>digest</p>',
    text: 'digest',
    placeholderNonce: 'nonce',
    status: 'sending',
    recipients: 1,
  };
}

/** A confirmed reader in the app's store, for the token routes. */
export async function addConfirmedReader(app: MemoryApp, email: string): Promise<void> {
  const at = app.clock.now().toISOString();
  const reader: Subscriber = {
    email,
    status: 'confirmed',
    timezone: 'UTC',
    sendHour: 7,
    topics: ['science'],
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
  };
  await app.subscribers.put(reader);
}
