/**
 * Fuzz: every route of the route table, through the real handlers and edge with the in-memory
 * stores (test/support/memory-app.ts), with hostile and malformed requests built from the
 * OpenAPI document's examples. Properties in test/support/fuzz.ts (checkAnswer). Seeded:
 * the seed is printed; TEST_SEED replays it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_ROUTES, matchRoute, routeKey } from '../../../functions/adapters/http/api-routes.ts';
import { openClick, sealClick, storyTag } from '../../../functions/core/engagement/index.ts';
import { addConfirmedReader, MEMORY_APP_SECRET, memoryApp, type MemoryApp, PUBLISHED_EDITION_ID } from '../../support/memory-app.ts';
import {
  announceSeed,
  answerOf,
  checkAnswer,
  type Credentials,
  fuzzParameters,
  requestsFor,
  requestsForAnyRoute,
} from '../../support/fuzz.ts';

// POST /subscriptions pads every accepted answer to 400 ms so timing reveals no address; the
// fuzz suite checks answers, not timing, and would spend minutes waiting.
vi.mock('node:timers/promises', async (original) => ({
  ...(await original<Record<string, unknown>>()),
  setTimeout: async () => undefined,
}));

/** Not the OpenAPI examples' address, so subscribing to that one mails a confirmation. */
const READER = 'fuzz-reader@example.com';
/** Cases per route, and for requests spread over every route and unknown paths. */
const CASES_PER_ROUTE = 550;
const CASES_ANY_ROUTE = 1000;

let app: MemoryApp;
let credentials: Credentials;
/** A story link of the memory app's published edition, sent an hour before the app's clock. */
let clickToken: string;
const PUBLISHED_STORY_URL = 'https://news.example/rates';

beforeAll(async () => {
  announceSeed('test/unit/fuzz/fuzz-routes.test.ts');
  app = await memoryApp();
  clickToken = sealClick(MEMORY_APP_SECRET, {
    editionId: PUBLISHED_EDITION_ID,
    story: 0,
    storyTag: storyTag('a1'),
    send: 'hourly-1795676400000',
    email: READER,
    sentAt: Math.floor(app.clock.now().getTime() / 1000) - 3600,
  });
  // An article to take down: DELETE /articles/{id} then has something to find.
  const ingested = await app.answer({
    method: 'POST',
    url: '/articles',
    headers: { 'x-api-key': app.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ articles: [{ title: 'To withdraw', body: 'Text.', source: 'Fuzz' }] }),
  });
  const articleId = (JSON.parse(ingested.body!) as { results: Array<{ id: string }> }).results[0]!.id;
  // A source to remove: DELETE /sources/{id} then has something to find.
  const sourceId = await addSource({ url: 'https://feeds.example/fuzz.xml' });
  // A send: GET /sends/{id}/stats then has one to report.
  await app.deliveries.startSend({ send: 'now-fuzz', mode: 'now', createdAt: '2026-11-26T07:00:00.000Z', state: 'running', editions: [] });
  const storedIds: Record<string, string> = {
    '/articles/{id}': articleId,
    '/articles/{id}/restore': articleId,
    '/sources/{id}': sourceId,
    '/c/{token}': clickToken,
    '/sends/{id}/stats': 'now-fuzz',
  };
  credentials = {
    apiKey: app.apiKey,
    scopedApiKeys: [await app.keyWithScopes(['ingest']), await app.keyWithScopes(['sources']), await app.keyWithScopes(['takedown'])],
    token: (purpose) => app.token(purpose, READER),
    pathParam: (route, name) => (name === 'id' || name === 'token' ? storedIds[route.path] : undefined),
  };
});

async function addSource(body: { url: string }): Promise<string> {
  const added = await app.answer({
    method: 'POST',
    url: '/sources',
    headers: { 'x-api-key': app.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (JSON.parse(added.body!) as { source: { id: string } }).source.id;
}

/** Statuses seen per route, to check that the cases reach every route's handler, not just its validation. */
const seen = new Map<string, Set<number>>();

async function property(request: Parameters<typeof checkAnswer>[0]): Promise<void> {
  // Readers come and go (erase, unsubscribe): put the token's reader back before each case.
  await addConfirmedReader(app, READER);
  const answer = answerOf(await app.answer(request));
  checkAnswer(request, answer);
  const match = matchRoute(API_ROUTES, request.method, new URL(`http://fuzz.invalid${request.url}`).pathname);
  const key = match.kind === 'route' ? routeKey(match.route) : match.kind;
  seen.set(key, (seen.get(key) ?? new Set()).add(answer.status));
}

describe('fuzzing every HTTP route in memory', () => {
  it.each(API_ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s: no 5xx, no stack trace, security headers, fields named, nothing hostile in pages or headers',
    async (_key, route) => {
      await fc.assert(fc.asyncProperty(requestsFor(route, credentials), property), fuzzParameters(CASES_PER_ROUTE));
    },
  );

  it('GET /c/{token}: no open redirect; any changed link answers 4xx with no Location, the issued one only its story', async () => {
    const changedToken = fc.oneof(
      fc.constant(clickToken),
      fc
        .tuple(fc.integer({ min: 0, max: clickToken.length - 1 }), fc.constantFrom(...'AZaz09_-'))
        .map(([at, char]) => clickToken.slice(0, at) + char + clickToken.slice(at + 1)),
      fc.integer({ min: 1, max: clickToken.length - 1 }).map((length) => clickToken.slice(0, length)),
      fc.string({ unit: fc.constantFrom(...'ABCxyz019_-'), minLength: 1, maxLength: 300 }).map((tail) => clickToken + tail),
      fc.webUrl().map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(changedToken, fc.constantFrom('GET', 'HEAD'), async (token, method) => {
        const answer = await app.answer({ method, url: `/c/${token}` });
        const location = answer.headers?.['location'];
        let opens: boolean;
        try {
          opens = openClick(MEMORY_APP_SECRET, token).editionId === PUBLISHED_EDITION_ID;
        } catch {
          opens = false;
        }
        if (token === clickToken || opens) {
          expect(answer.statusCode, token).toBe(302);
          expect(location, token).toBe(PUBLISHED_STORY_URL);
        } else {
          expect(answer.statusCode, token).toBeGreaterThanOrEqual(400);
          expect(answer.statusCode, token).toBeLessThan(500);
          expect(location, token).toBeUndefined();
        }
      }),
      fuzzParameters(CASES_PER_ROUTE),
    );
  });

  it('any route or none: the same properties over requests spread across the table and unknown paths', async () => {
    await fc.assert(fc.asyncProperty(requestsForAnyRoute(credentials), property), fuzzParameters(CASES_ANY_ROUTE));
  });

  it('reaches past validation: every route answered some cases with success and some with a refusal', () => {
    for (const route of API_ROUTES) {
      const statuses = [...(seen.get(routeKey(route)) ?? [])];
      expect(
        statuses.some((status) => status < 400),
        `${routeKey(route)}: ${statuses}`,
      ).toBe(true);
    }
    expect(seen.get('not-found')?.has(404)).toBe(true);
    for (const route of API_ROUTES.filter((keyed) => 'scope' in keyed))
      expect(seen.get(routeKey(route))?.has(403), `${routeKey(route)} never answered 403`).toBe(true);
    expect(seen.get('method-not-allowed')?.has(405)).toBe(true);
    expect(app.articles.all().length).toBeGreaterThan(0);
    expect(app.mailer.sent.length).toBeGreaterThan(0);
    console.log(
      `[fuzz] statuses per route: ${JSON.stringify(Object.fromEntries([...seen].map(([key, statuses]) => [key, [...statuses].sort()])))}`,
    );
  });
});
