/**
 * The OpenAPI document as GET /openapi.json serves it, through the tools its users run on it:
 * Redocly CLI (`lint`, its recommended rules) and Spectral (`spectral:oas`), both with their
 * rule sets as published, must report no error and no warning; openapi-typescript's types of it
 * must be the ones committed beside the example client (examples/api-client/), which
 * `npm run typecheck` compiles with openapi-fetch.
 *
 * The linters run from node_modules/.bin, offline: Redocly's telemetry and update check and
 * Scarf's install analytics are turned off by environment.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addSource,
  type Article,
  DigestApiError,
  digestClient,
  ingestArticles,
  listSources,
  removeSource,
} from '../../examples/api-client/client.ts';
import { memoryApp, type MemoryApp } from '../support/memory-app.ts';

const run = promisify(execFile);
const BIN = resolve('node_modules/.bin');
const OFFLINE_ENV = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  SCARF_ANALYTICS: 'false',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
};
/** The generated types the example client compiles against; `npm run api:types` rewrites them. */
const API_TYPES = resolve('examples/api-client/api-types.ts');

let app: MemoryApp;
let served: Record<string, unknown>;
let dir: string;

beforeAll(async () => {
  app = await memoryApp();
  const answer = await app.answer({ method: 'GET', url: '/openapi.json' });
  expect(answer.statusCode).toBe(200);
  served = JSON.parse(answer.body!) as Record<string, unknown>;
  dir = await mkdtemp(join(tmpdir(), 'openapi-tools-'));
  await writeFile(join(dir, 'served.json'), answer.body!);
  // A copy with two faults both rule sets report, so a linter that checks nothing fails here.
  const { servers: _servers, ...unserved } = served;
  await writeFile(join(dir, 'broken.json'), JSON.stringify({ ...unserved, info: { title: 'broken', version: '1' } }));
  await writeFile(join(dir, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A tool's stdout, whatever its exit code (both exit non-zero when they find something). */
async function output(bin: string, args: string[]): Promise<string> {
  try {
    return (await run(join(BIN, bin), args, { cwd: dir, env: OFFLINE_ENV, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    if (!stdout) throw new Error(`${bin} ${args.join(' ')} failed: ${stderr}`, { cause: error });
    return stdout;
  }
}

/** `fetch` for the example client, answered by the same handlers, in memory. */
async function fetchFromApp(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  const answer = await app.answer({
    method: request.method,
    url: url.pathname + url.search,
    headers: Object.fromEntries(request.headers),
    ...(body ? { body } : {}),
  });
  return new Response(answer.body || null, { status: answer.statusCode, headers: answer.headers as Record<string, string> });
}

interface RedoclyReport {
  problems: Array<{
    ruleId: string;
    severity: 'error' | 'warn';
    message: string;
    location: Array<{ source: { ref: string }; pointer: string }>;
  }>;
}
interface SpectralResult {
  code: string;
  severity: 0 | 1 | 2 | 3;
  message: string;
  source: string;
  path: string[];
}

describe('the served OpenAPI document, as third-party tools see it', () => {
  it('passes Redocly CLI lint (recommended) and Spectral (spectral:oas) with no error and no warning', async () => {
    // Redocly prints one JSON report per file, back to back: one run per file keeps each parseable.
    const [redoclyServed, redoclyBroken, spectralOut] = await Promise.all([
      output('redocly', ['lint', 'served.json', '--format=json']),
      output('redocly', ['lint', 'broken.json', '--format=json']),
      output('spectral', ['lint', 'served.json', 'broken.json', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet']),
    ]);
    const redocly = [redoclyServed, redoclyBroken].flatMap((out) =>
      (JSON.parse(out) as RedoclyReport).problems.map((p) => ({
        file: p.location[0]?.source.ref ?? '',
        line: `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
      })),
    );
    const spectral = (JSON.parse(spectralOut) as SpectralResult[]).map((r) => ({
      file: r.source,
      severity: r.severity,
      line: `${['error', 'warning', 'info', 'hint'][r.severity]} ${r.code} at ${r.path.join('.')}: ${r.message}`,
    }));

    expect(redocly.filter((p) => p.file.endsWith('served.json')).map((p) => p.line)).toEqual([]);
    expect(spectral.filter((r) => r.file.endsWith('served.json') && r.severity <= 1).map((r) => r.line)).toEqual([]);
    expect(redocly.filter((p) => p.file.endsWith('broken.json')).map((p) => p.line)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^error no-empty-servers/), expect.stringMatching(/^warn info-license/)]),
    );
    expect(spectral.filter((r) => r.file.endsWith('broken.json')).map((r) => r.line)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^warning oas3-api-servers/), expect.stringMatching(/^warning info-contact/)]),
    );
  }, 120_000);

  it('gives openapi-typescript the types committed beside the example client', async () => {
    const types = astToString(await openapiTS(served as never));
    await expect(
      `// Generated from GET /openapi.json by test/integration/openapi-tools.test.ts: \`npm run api:types\` rewrites it.\n${types}`,
    ).toMatchFileSnapshot(API_TYPES);
  });

  it('drives the example client (openapi-fetch) against the handlers: ingest, add, list and remove a source', async () => {
    const client = digestClient('https://digest.example', app.apiKey, fetchFromApp);
    const article: Article = {
      title: 'Rates held',
      body: 'The central bank held rates at 4% for a third month.',
      source: 'Example News',
      url: 'https://news.example/rates',
    };
    const ingested = await ingestArticles(client, [
      article,
      { ...article, url: 'https://news.example/rates' },
      { title: 'No source' } as Article,
    ]);
    expect(ingested.counts).toEqual({ created: 1, duplicate: 1, rejected: 1, failed: 0 });
    expect(ingested.rejected).toEqual([expect.stringMatching(/^#2: .*source/)]);

    const added = await addSource(client, 'https://news.example/feed.xml', { name: 'Example News', topics: ['economy'] });
    expect(added.created).toBe(true);
    expect((await addSource(client, 'https://news.example/feed.xml')).created).toBe(false);
    expect((await listSources(client)).map((source) => [source.id, source.state, source.name])).toEqual([
      [added.source.id, 'active', 'Example News'],
    ]);
    expect((await removeSource(client, added.source.id)).url).toBe('https://news.example/feed.xml');
    await expect(removeSource(client, added.source.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(listSources(digestClient('https://digest.example', 'not-a-key-of-this-deployment', fetchFromApp))).rejects.toBeInstanceOf(
      DigestApiError,
    );
  });
});
