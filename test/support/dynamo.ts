/**
 * A DynamoDB emulator with the project's table, for integration tests. Each call gets its own
 * server on a free loopback port and its own table, so suites run in parallel without sharing state.
 *
 * TEST_DYNAMO_BACKEND picks the implementation (vitest.config.ts runs the integration suites once
 * per backend found on the machine):
 * - `dynalite` (default): in-process, Node only.
 * - `moto`: moto's server (Python, Apache-2.0), a second, independent implementation of the
 *   DynamoDB API, and one that has TransactWriteItems.
 * - `endpoint`: whatever TEST_DYNAMO_ENDPOINT points at, such as an official DynamoDB Local the
 *   developer runs themselves (see docs/architecture.md, "Conformance").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { ensureTable } from '../../functions/adapters/dynamo/create-table.ts';
import { startDynamoEmulator } from '../../functions/local/emulators.ts';

export interface LocalDynamo {
  backend: TestDynamoBackend;
  endpoint: string;
  doc: DynamoDBDocumentClient;
  client: DynamoDBClient;
  tableName: string;
  stop(): Promise<void>;
}

export const TEST_DYNAMO_BACKENDS = ['dynalite', 'moto', 'endpoint'] as const;
export type TestDynamoBackend = (typeof TEST_DYNAMO_BACKENDS)[number];

const backendEnvSchema = z.object({
  TEST_DYNAMO_BACKEND: z.enum(TEST_DYNAMO_BACKENDS).default('dynalite'),
  TEST_DYNAMO_ENDPOINT: z.url().optional(),
});

interface RunningServer {
  endpoint: string;
  close(): Promise<void>;
}

/** The backend TEST_DYNAMO_BACKEND names, with a fresh table. */
export async function startTestDynamo(env: NodeJS.ProcessEnv = process.env): Promise<LocalDynamo> {
  const { TEST_DYNAMO_BACKEND: backend, TEST_DYNAMO_ENDPOINT: endpoint } = backendEnvSchema.parse(env);
  if (backend === 'moto') return withTable(backend, await startMotoServer());
  if (backend === 'endpoint') {
    if (!endpoint) throw new Error('TEST_DYNAMO_BACKEND=endpoint needs TEST_DYNAMO_ENDPOINT');
    return withTable(backend, { endpoint, close: async () => {} });
  }
  return startDynalite();
}

export async function startDynalite(): Promise<LocalDynamo> {
  const emulator = await startDynamoEmulator({ port: 0 });
  return withTable('dynalite', { endpoint: emulator.endpoint, close: () => emulator.close() });
}

async function withTable(backend: TestDynamoBackend, server: RunningServer): Promise<LocalDynamo> {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: server.endpoint });
  const doc = toDocumentClient(client);
  const tableName = `digest-test-${randomUUID()}`;

  const stop = async () => {
    // Dropping the SDK's keep-alive sockets first lets the server close at once instead of waiting on them.
    client.destroy();
    await server.close();
  };

  try {
    await ensureTable(client, tableName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { backend, endpoint: server.endpoint, doc, client, tableName, stop };
}

const MOTO_START_TIMEOUT_MS = 30_000;

// moto_server serves each request on its own thread, and its conditional writes are a read then a
// write without a lock: ten concurrent claims of one delivery row all succeed there. DynamoDB
// applies a conditional write to one item atomically, so serving one request at a time is the
// faithful model (and the only way the claim and dedupe tests can hold on moto).
const MOTO_SERVER_SCRIPT = [
  'import sys',
  'from werkzeug.serving import run_simple',
  'from moto.server import DomainDispatcherApplication, create_backend_app',
  'run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)',
].join('\n');

async function startMotoServer(): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn('python3', ['-c', MOTO_SERVER_SCRIPT, '127.0.0.1', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_PORT: String(port) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child);
  } catch (error) {
    child.kill();
    throw new Error(`moto's server did not start: ${stderr.trim()}`, { cause: error });
  }
  return { endpoint, close: () => stopChild(child) };
}

async function waitUntilServing(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      return;
    } catch {
      await delay(100);
    }
  }
  throw new Error(`not serving after ${MOTO_START_TIMEOUT_MS} ms`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

// moto_server cannot report a port it picked itself, so ask the OS for one and hand it over.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
