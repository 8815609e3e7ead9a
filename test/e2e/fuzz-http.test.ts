/**
 * Fuzz over real HTTP: 1,000 seeded requests (the seed is printed; TEST_SEED replays it) against
 * the local stack as `npm start` runs it, with the same requests and properties as the in-memory
 * suite (test/support/fuzz.ts), so the router, Node's HTTP parser and the emulators are in the loop.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { DynamoApiKeyStore } from '../../functions/adapters/dynamo/api-key-store.ts';
import { generateApiKey, newApiKeyRecord } from '../../functions/core/ingest/index.ts';
import type { ApiKeyScope } from '../../functions/core/ingest/index.ts';
import { signToken } from '../../functions/core/shared/tokens.ts';
import {
  announceSeed,
  type Answer,
  checkAnswer,
  type Credentials,
  type FuzzRequest,
  fuzzParameters,
  requestsForAnyRoute,
} from '../support/fuzz.ts';
import { startLocalStack, type LocalStack } from '../support/local-stack.ts';

const READER = 'fuzz-reader@example.com';
const CASES = 1000;
/** Requests in flight at once: the stack waits on dynalite's disk more than on the CPU. */
const BATCH = 4;

let stack: LocalStack;
let store: DynamoSubscriberStore;
let credentials: Credentials;
let destroyClient: () => void;

beforeAll(async () => {
  announceSeed('test/e2e/fuzz-http.test.ts');
  stack = await startLocalStack();
  const secret = (await readFile(join(stack.dataDir, 'token-secret'), 'utf8')).trim();
  const client = createDynamoClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${stack.env.DYNAMODB_PORT}` });
  destroyClient = () => client.destroy();
  store = new DynamoSubscriberStore(toDocumentClient(client), 'digest-mailer');
  await putReader();
  // Keys as `digest keys create --scopes` makes them, so the fuzz reaches the 403 of a missing scope too.
  const apiKeys = new DynamoApiKeyStore(toDocumentClient(client), 'digest-mailer');
  const scoped = async (scopes: ApiKeyScope[]): Promise<string> => {
    const key = generateApiKey();
    await apiKeys.put({ ...newApiKeyRecord(key, scopes.join('+'), new Date().toISOString()), scopes });
    return key;
  };
  credentials = {
    apiKey: stack.apiKey,
    scopedApiKeys: [await scoped(['ingest']), await scoped(['sources'])],
    token: (purpose) => signToken({ secret, purpose, email: READER, now: new Date() }),
  };
});

afterAll(async () => {
  destroyClient?.();
  await stack?.stop();
  if (stack) await rm(stack.dataDir, { recursive: true, force: true });
});

async function putReader(): Promise<void> {
  const at = new Date().toISOString();
  await store.put({
    email: READER,
    status: 'confirmed',
    timezone: 'UTC',
    sendHour: 7,
    topics: [],
    createdAt: at,
    updatedAt: at,
    confirmedAt: at,
  });
}

async function send(request: FuzzRequest): Promise<Answer> {
  const response = await fetch(`${stack.apiUrl}${request.url}`, {
    method: request.method,
    headers: request.headers,
    redirect: 'manual',
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: await response.text() };
}

describe('fuzzing the local stack over HTTP', () => {
  it("holds the in-memory suite's properties for 1,000 requests (250 runs of 4 at once) through the real router", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(requestsForAnyRoute(credentials), { minLength: BATCH, maxLength: BATCH }), async (requests) => {
        const answers = await Promise.all(requests.map(send));
        requests.forEach((request, i) => checkAnswer(request, answers[i]!));
        for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // Only a POST through a link can erase, unsubscribe or sign the reader out: put them back after one.
        if (requests.some((r) => r.method === 'POST' && /^\/(preferences|unsubscribe|confirm)\b/.test(r.url))) await putReader();
      }),
      fuzzParameters(CASES / BATCH),
    );
    console.log(`[fuzz] HTTP statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect(statuses.get(404)).toBeGreaterThan(0);
  }, 180_000);
});
