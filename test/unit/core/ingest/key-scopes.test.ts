/**
 * Key scopes through the real routes, edge and handlers (in-memory stores): every keyed route of
 * the route table, with a key of each scope, answers 403 `forbidden` naming the route's scope
 * when the key lacks it and 2xx when it has it; ingest keys take down and restore only their own
 * articles; one key's post of a URL never makes another's a duplicate.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '../../../../functions/adapters/http/api-routes.ts';
import type { ApiKeyScope } from '../../../../functions/core/ingest/types.ts';
import { memoryApp, type MemoryApp } from '../../../support/memory-app.ts';

let app: MemoryApp;
let serial = 0;

beforeEach(async () => {
  app = await memoryApp();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function call(method: string, url: string, key: string, body?: unknown): Promise<Answer> {
  const answer = await app.answer({
    method,
    url,
    headers: { 'x-api-key': key, 'content-type': 'application/json', accept: 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: answer.statusCode ?? 200, body: answer.body ? (JSON.parse(answer.body) as Answer['body']) : {} };
}

async function post(key: string, article: Record<string, unknown>): Promise<{ status: string; id: string }> {
  const answer = await call('POST', '/articles', key, { articles: [article] });
  expect(answer.status).toBe(200);
  return (answer.body['results'] as Array<{ status: string; id: string }>)[0]!;
}

function article(extra: Record<string, unknown> = {}): Record<string, unknown> {
  serial += 1;
  return {
    title: `Council approves budget ${serial}`,
    body: 'The council approved the budget after a long debate.',
    source: 'Gazette',
    url: `https://gazette.example/news/${serial}`,
    ...extra,
  };
}

/** A request that succeeds on the route for a key allowed to use it; what it acts on is made by an admin key, not the key under test. */
async function requestFor(route: (typeof API_ROUTES)[number], admin: string): Promise<{ url: string; body?: unknown }> {
  serial += 1;
  switch (routeKey(route)) {
    case 'POST /articles':
      return { url: '/articles', body: { articles: [article()] } };
    case 'DELETE /articles/{id}':
      return { url: `/articles/${(await post(admin, article())).id}` };
    case 'POST /articles/{id}/restore': {
      const { id } = await post(admin, article());
      expect((await call('DELETE', `/articles/${id}`, admin)).status).toBe(200);
      return { url: `/articles/${id}/restore` };
    }
    case 'POST /sources':
      return { url: '/sources', body: { url: `https://feeds.example/${serial}.xml` } };
    case 'GET /sources':
      return { url: '/sources' };
    case 'DELETE /sources/{id}': {
      const added = await call('POST', '/sources', admin, { url: `https://feeds.example/gone-${serial}.xml` });
      return { url: `/sources/${(added.body['source'] as { id: string }).id}` };
    }
    case 'GET /sends/{id}/stats': {
      const send = `now-scopes-${serial}`;
      await app.deliveries.startSend({ send, mode: 'now', createdAt: '2026-11-26T07:00:00.000Z', state: 'running', editions: [] });
      return { url: `/sends/${send}/stats` };
    }
    default:
      throw new Error(`no request for ${routeKey(route)}: add one so its scope is tested`);
  }
}

const KEYED_ROUTES = API_ROUTES.filter((route) => 'scope' in route);
const SCOPE_SETS: Array<ApiKeyScope[] | 'legacy'> = [['ingest'], ['sources'], ['takedown'], ['admin'], ['ingest', 'sources'], 'legacy'];

describe('scoped keys over every keyed route', () => {
  it('covers every keyed route of the table', () => {
    expect(KEYED_ROUTES.map(routeKey).sort()).toEqual(
      [
        'DELETE /articles/{id}',
        'DELETE /sources/{id}',
        'GET /sends/{id}/stats',
        'GET /sources',
        'POST /articles',
        'POST /articles/{id}/restore',
        'POST /sources',
      ].sort(),
    );
  });

  it.each(
    KEYED_ROUTES.flatMap((route) =>
      SCOPE_SETS.map(
        (scopes) => [routeKey(route), scopes === 'legacy' ? 'legacy (no scopes stored)' : scopes.join('+'), route, scopes] as const,
      ),
    ),
  )('%s with a %s key: 2xx with the scope, 403 forbidden naming it without', async (_name, _label, route, scopes) => {
    const admin = await app.keyWithScopes(['admin']);
    const key = scopes === 'legacy' ? app.apiKey : await app.keyWithScopes(scopes);
    const allowed = scopes === 'legacy' || scopes.includes('admin') || scopes.includes(route.scope);
    const request = await requestFor(route, admin);

    const answer = await call(route.method, request.url, key, request.body);

    if (allowed) {
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(200);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    } else {
      expect(answer.status).toBe(403);
      expect(answer.body.error).toEqual({
        code: 'forbidden',
        message: expect.stringContaining(`This x-api-key lacks the "${route.scope}" scope`),
      });
    }
  });

  it('answers HEAD /sources like GET: 403 without the sources scope', async () => {
    const answer = await app.answer({ method: 'HEAD', url: '/sources', headers: { 'x-api-key': await app.keyWithScopes(['ingest']) } });
    expect(answer.statusCode).toBe(403);
  });
});

describe('takedowns by ingest keys', () => {
  it("withdraws and restores its own article, but not another key's (403); a takedown key may do both", async () => {
    const mine = await app.keyWithScopes(['ingest'], 'pub-a');
    const theirs = await app.keyWithScopes(['ingest'], 'pub-b');
    const takedown = await app.keyWithScopes(['takedown']);
    const own = await post(mine, article());
    const other = await post(theirs, article());

    expect((await call('DELETE', `/articles/${own.id}`, mine)).status).toBe(200);
    const refused = await call('DELETE', `/articles/${other.id}`, mine);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/lacks the "takedown" scope, and this article was not posted with it/);
    expect((await app.articles.get(other.id))?.withdrawnAt).toBeUndefined();

    expect((await call('DELETE', `/articles/${other.id}`, takedown)).status).toBe(200);
    expect((await call('POST', `/articles/${other.id}/restore`, mine)).status).toBe(403);
    expect((await call('POST', `/articles/${own.id}/restore`, mine)).body).toMatchObject({ id: own.id, status: 'restored' });
    expect((await call('POST', `/articles/${other.id}/restore`, takedown)).body).toMatchObject({ id: other.id, status: 'restored' });
  });

  it('answers 404 for an unknown article and 400 for a malformed id, whatever the scope', async () => {
    const ingest = await app.keyWithScopes(['ingest']);
    expect((await call('DELETE', `/articles/${'a'.repeat(64)}`, ingest)).status).toBe(404);
    expect((await call('POST', `/articles/${'a'.repeat(64)}/restore`, ingest)).status).toBe(404);
    expect((await call('DELETE', '/articles/not-an-id', ingest)).status).toBe(400);
  });

  it('restores a withdrawn article into later editions: listed again from the restore time; a re-post stays a duplicate', async () => {
    const key = await app.keyWithScopes(['ingest']);
    const posted = await post(key, article());
    await call('DELETE', `/articles/${posted.id}`, key);
    app.clock.advance(60_000);
    const restoredAt = app.clock.now().toISOString();

    const restored = await call('POST', `/articles/${posted.id}/restore`, key);

    expect(restored.body).toEqual({ id: posted.id, status: 'restored', ingestedAt: restoredAt });
    const listed = [];
    for await (const shown of app.articles.listIngested(new Date(Date.parse(restoredAt) - 1).toISOString(), restoredAt))
      listed.push(shown.id);
    expect(listed).toEqual([posted.id]);
    expect((await call('POST', `/articles/${posted.id}/restore`, key)).body).toMatchObject({ status: 'shown' });
    const again = await call('POST', '/articles', key, { articles: [{ ...article(), url: (await app.articles.get(posted.id))!.url }] });
    expect((again.body['results'] as Array<{ status: string }>)[0]!.status).toBe('duplicate');
  });
});

describe("no pre-claiming of another publisher's URL", () => {
  it("stores the genuine article after a forged one with the same canonical URL, and each key's re-post is its own duplicate", async () => {
    const forger = await app.keyWithScopes(['ingest'], 'pub-a');
    const genuine = await app.keyWithScopes(['ingest'], 'bbc');
    const forged = await post(forger, {
      title: 'Bank confirms all accounts frozen; call 0800 000 to unlock',
      body: 'Call now.',
      source: 'BBC News',
      url: 'https://www.bbc.co.uk/news/real-story-123?utm_source=x',
    });
    const real = await post(genuine, {
      title: 'Real story',
      body: 'What happened.',
      source: 'BBC News',
      url: 'https://www.bbc.co.uk/news/real-story-123',
    });

    expect(forged.status).toBe('created');
    expect(real.status).toBe('created');
    expect(real.id).not.toBe(forged.id);
    expect(
      (
        await post(genuine, {
          title: 'Real story',
          body: 'What happened.',
          source: 'BBC News',
          url: 'https://www.bbc.co.uk/news/real-story-123#top',
        })
      ).status,
    ).toBe('duplicate');
    expect(
      (await post(forger, { title: 'Again', body: 'Call now.', source: 'BBC News', url: 'https://www.bbc.co.uk/news/real-story-123' }))
        .status,
    ).toBe('duplicate');
    expect((await app.articles.get(real.id))?.publisher).toMatch(/^key:[0-9a-f]{64}$/);
  });
});
