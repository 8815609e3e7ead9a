/**
 * The real local stack (`npm start`) as a child process, for end-to-end tests, and the `digest`
 * CLI run the way a developer runs it. Each stack gets its own free ports and, unless told
 * otherwise, its own fresh DATA_DIR, so suites can run side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import type { StoredEmail } from './ses.ts';

export type { StoredEmail };

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const START_TIMEOUT_MS = 60_000;
/** The stack's table when TABLE_NAME is not set (functions/local/local-settings.ts). */
const DEFAULT_TABLE_NAME = 'digest-mailer';
/** After this long a stop() gives up waiting and kills, so a hung stack cannot hang the suite. */
const STOP_TIMEOUT_MS = 15_000;
const CLI_TIMEOUT_MS = 60_000;

/** Settings the stack reads; inherited values would make a test depend on the developer's shell. */
const STACK_VARIABLES = [
  'PORT',
  'SES_PORT',
  'DYNAMODB_PORT',
  'DATA_DIR',
  'API_KEY',
  'PUBLIC_URL',
  'MAIL_FROM',
  'TABLE_NAME',
  'BRAND_COLOR',
  'LOGO_URL',
  'DIGEST_TAGLINE',
  'REPLY_TO',
];

export interface StartOptions {
  /** Reuse a DATA_DIR, e.g. to restart over the data of an earlier run; default a fresh temp dir. */
  dataDir?: string;
  /** Extra or overriding environment for the stack (and for runCli with stack.env). */
  env?: Record<string, string>;
  /** `tsx` runs start.ts like `npm start` does minus npm; `npm` runs the package script itself. */
  via?: 'tsx' | 'npm';
}

export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

export interface LocalStack {
  apiUrl: string;
  inboxUrl: string;
  apiKey: string;
  dataDir: string;
  /** The environment the stack runs with: pass it to runCli so the CLI talks to this stack. */
  env: Record<string, string>;
  /** Everything the stack printed so far, stdout and stderr interleaved. */
  output(): string;
  /**
   * Sends `signal` (default SIGTERM) to the stack's process (under npm: its process group)
   * and waits for it to exit; ms is the time from the signal to the exit.
   */
  stop(signal?: NodeJS.Signals): Promise<StopResult>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class LocalStackError extends Error {
  override name = 'LocalStackError';
}

/** Free loopback ports, all held at once so the OS cannot hand out the same one twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    // The child is not a test worker: vitest's variables would change how code under test behaves.
    if (STACK_VARIABLES.includes(name) || name.startsWith('VITEST') || name === 'NODE_OPTIONS') delete env[name];
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...overrides };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Signals the child's whole process group (tsx and npm start grandchildren). Also after the
 * child itself has exited: a grandchild can outlive a killed parent.
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Waits until no process of the child's group is left, or `timeoutMs` passes. */
async function groupGone(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.pid === undefined) return;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

export async function startLocalStack(options: StartOptions = {}): Promise<LocalStack> {
  const [port, sesPort, dynamoPort] = (await freePorts(3)) as [number, number, number];
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'digest-e2e-')));
  const env: Record<string, string> = {
    PORT: String(port),
    SES_PORT: String(sesPort),
    DYNAMODB_PORT: String(dynamoPort),
    DATA_DIR: dataDir,
    ...options.env,
  };

  const [command, args] =
    options.via === 'npm'
      ? ['npm', ['start', '--silent']]
      : [process.execPath, [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'functions/local/start.ts']];
  // Own process group, so teardown can reach every process the stack spawned.
  const child = spawn(command, args, { cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = exited(child);

  const ready = new Promise<{ apiUrl: string; inboxUrl: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new LocalStackError(`The stack did not start within ${START_TIMEOUT_MS / 1000} s. Output:\n${output}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      const apiUrl = /API and pages:\s+(\S+)/.exec(output)?.[1];
      const inboxUrl = /Email inbox:\s+(\S+)/.exec(output)?.[1];
      const apiKey = /Ingest API key:\s+(\S+)/.exec(output)?.[1];
      if (apiUrl && inboxUrl && apiKey) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ apiUrl, inboxUrl, apiKey });
      }
    };
    child.stdout?.on('data', check);
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new LocalStackError(`The stack exited (code ${code}, signal ${signal}) before it was ready. Output:\n${output}`));
    });
  });
  let banner: Awaited<typeof ready>;
  try {
    banner = await ready;
  } catch (error) {
    await exit;
    killGroup(child, 'SIGKILL');
    running.delete(child);
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  let stopping: Promise<StopResult> | undefined;
  return {
    ...banner,
    dataDir,
    env,
    output: () => output,
    stop(signal = 'SIGTERM') {
      stopping ??= (async () => {
        const started = performance.now();
        if (child.exitCode === null && child.signalCode === null) {
          // Under npm, signal the group as a terminal's Ctrl+C does; npm itself may not pass it on.
          if (options.via === 'npm' && child.pid !== undefined) killGroup(child, signal);
          else child.kill(signal);
        }
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
        const { code, signal: endedBy } = await exit;
        // npm exits at once on a signal while the stack it started is still draining: stopped means the whole group is gone.
        await groupGone(child, STOP_TIMEOUT_MS - (performance.now() - started));
        clearTimeout(timer);
        const ms = Math.round(performance.now() - started);
        // Whatever the main process did, leave no grandchild behind.
        killGroup(child, 'SIGKILL');
        running.delete(child);
        return { code, signal: endedBy, ms };
      })();
      return stopping;
    },
  };
}

/** `node bin/digest.js ...args` from the repository root, as `npx digest` runs it. */
export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/digest.js'), ...args], {
      cwd: repoRoot,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The emails the stack's SES emulator holds (its inbox page reads the same store). */
export async function inboxEmails(stack: Pick<LocalStack, 'inboxUrl'>): Promise<StoredEmail[]> {
  const response = await fetch(`${stack.inboxUrl}/store`);
  if (!response.ok) throw new LocalStackError(`${stack.inboxUrl}/store answered ${response.status}`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

/** Polls the inbox until `match` finds an email: the API may answer before the send completes. */
export async function waitForEmail(
  stack: Pick<LocalStack, 'inboxUrl'>,
  match: (email: StoredEmail) => boolean,
  timeoutMs = 10_000,
): Promise<StoredEmail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await inboxEmails(stack)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new LocalStackError(`No matching email arrived within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link to `path` (e.g. /confirm) in an email's plain-text part. */
export function linkIn(email: StoredEmail, path: string): URL {
  const text = email.body.text ?? '';
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`https?://[^\\s<>"\\[\\]]+${escaped}\\?[^\\s<>"\\[\\]]+`).exec(text)?.[0];
  if (!found) throw new LocalStackError(`No ${path} link in the email "${email.subject}":\n${text}`);
  return new URL(found);
}

export function headerOf(email: StoredEmail, name: string): string | undefined {
  return email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** A reader as the running stack stored it, read straight from its DynamoDB emulator. */
export async function storedSubscriber(stack: Pick<LocalStack, 'env'>, email: string): Promise<Subscriber | undefined> {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${stack.env.DYNAMODB_PORT}` });
  try {
    return await new DynamoSubscriberStore(toDocumentClient(client), stack.env.TABLE_NAME ?? DEFAULT_TABLE_NAME).get(email);
  } finally {
    client.destroy();
  }
}
