/**
 * The README tour as a new user takes it, against the real `npm start` stack in a child
 * process and the real `digest` CLI: ingest, subscribe, confirm, send, stop, restart.
 * The steps build on each other, so they run in order over one stack.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  headerOf,
  inboxEmails,
  linkIn,
  runCli,
  startLocalStack,
  storedSubscriber,
  waitForEmail,
  type LocalStack,
  type StoredEmail,
} from '../support/local-stack.ts';

const READER = 'tour-reader@example.com';
const isConfirmation = (email: StoredEmail): boolean => email.subject.startsWith('Confirm your subscription');
/** Not a digest: the confirmation request, or the welcome that follows confirming. */
const isTransactional = (email: StoredEmail): boolean => isConfirmation(email) || email.subject.startsWith('Welcome to ');
const EXAMPLE_TITLE = 'Folk music and raids: How ultranationalists target migrants in Russia';

let stack: LocalStack;
let restarted: LocalStack | undefined;
let scratch: string;
let digest: StoredEmail | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-e2e-files-'));
  stack = await startLocalStack();
});

afterAll(async () => {
  await Promise.allSettled([stack?.stop('SIGKILL'), restarted?.stop('SIGKILL')]);
  await Promise.allSettled([
    scratch && rm(scratch, { recursive: true, force: true }),
    stack && rm(stack.dataDir, { recursive: true, force: true }),
  ]);
});

describe('the local stack, toured as a new user', () => {
  it('prints the API URL, the inbox URL and a dev API key, and answers /health', async () => {
    expect(stack.apiUrl).toBe(`http://localhost:${stack.env.PORT}`);
    expect(stack.inboxUrl).toBe(`http://localhost:${stack.env.SES_PORT}`);
    expect(stack.apiKey.length).toBeGreaterThanOrEqual(16);
    const health = await fetch(`${stack.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('ingests the example articles: created 4 the first time, duplicate 4 the second', async () => {
    const first = await runCli(['ingest', 'examples/articles.json'], stack.env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('created 4, duplicate 0, rejected 0, failed 0');
    expect(first.code).toBe(0);

    const second = await runCli(['ingest', 'examples/articles.json'], stack.env);
    expect(second.stdout).toContain('created 0, duplicate 4, rejected 0, failed 0');
    expect(second.code).toBe(0);
  });

  it('exits non-zero on a batch with a javascript: url, names the field and still stores the good item', async () => {
    const file = join(scratch, 'one-bad.json');
    await writeFile(
      file,
      JSON.stringify([
        { title: 'A harmless local story', source: 'e2e', body: 'The council met and agreed on the budget.' },
        { title: 'A hostile link', source: 'e2e', url: 'javascript:alert(1)', body: 'Click me.' },
      ]),
    );
    const result = await runCli(['ingest', file], stack.env);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/^#0 created$/m);
    expect(result.stdout).toMatch(/^#1 rejected: .*\burl\b/m);
    expect(result.stdout).toContain('created 1, duplicate 0, rejected 1, failed 0');
  });

  it('creates a new ingest key that the API accepts', async () => {
    const created = await runCli(['keys', 'create', '--name', 'e2e publisher'], stack.env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^dm_[A-Za-z0-9_-]{20,}$/);
    const file = join(scratch, 'with-new-key.json');
    await writeFile(file, JSON.stringify([{ title: 'Posted with a new key', source: 'e2e' }]));
    const ingest = await runCli(['ingest', file, '--api-key', key], stack.env);
    expect(ingest.stdout).toContain('created 1');
    const refused = await runCli(['ingest', file, '--api-key', 'dm_not-a-key-at-all'], stack.env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/401/);
  });

  it('prints help for digest and for digest send-now', async () => {
    const [top, sendNow] = await Promise.all([runCli(['--help'], stack.env), runCli(['send-now', '--help'], stack.env)]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: digest/);
    expect(top.stdout).toMatch(/^\s+ingest \[options\] <file>/m);
    expect(top.stdout).toMatch(/^\s+send-now\b/m);
    expect(sendNow.code).toBe(0);
    expect(sendNow.stdout).toMatch(/Usage: digest send-now/);
  });

  it('mails a confirmation link for a JSON subscription, and the link confirms the reader', async () => {
    const response = await fetch(`${stack.apiUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: READER, timezone: 'Europe/Berlin', sendHour: 7 }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'pending' });

    const mail = await waitForEmail(stack, (email) => email.destination.to.includes(READER) && isConfirmation(email));
    const confirmUrl = linkIn(mail, '/confirm');
    expect(confirmUrl.origin).toBe(stack.apiUrl);

    const page = await fetch(confirmUrl, { method: 'POST' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<h1>You are subscribed</h1>');
    expect(await storedSubscriber(stack, READER)).toMatchObject({ status: 'confirmed', timezone: 'Europe/Berlin' });
  });

  it('send-now mails the digest once, with one-click List-Unsubscribe headers', async () => {
    const result = await runCli(['send-now'], stack.env);
    expect(result.stdout).toMatch(/^edition \S+: [1-9]\d* stories, 1 readers$/m);
    expect(result.stdout).toContain('sent 1, skipped 0, failed 0');
    expect(result.code).toBe(0);

    const digests = (await inboxEmails(stack)).filter((e) => e.destination.to.includes(READER) && !isTransactional(e));
    expect(digests).toHaveLength(1);
    digest = digests[0]!;
    expect(headerOf(digest, 'List-Unsubscribe')).toMatch(new RegExp(`^<${stack.apiUrl}/unsubscribe\\?token=[^>]+>$`));
    expect(headerOf(digest, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(digest.body.html).toContain(EXAMPLE_TITLE);
    expect(digest.body.text).toContain(EXAMPLE_TITLE);
  });

  it('a second send-now sends nothing new', async () => {
    const before = (await inboxEmails(stack)).length;
    const result = await runCli(['send-now'], stack.env);
    expect(result.stdout).toContain('sent 0, skipped 1, failed 0');
    expect(result.code).toBe(0);
    expect(await inboxEmails(stack)).toHaveLength(before);
  });

  it('serves the emulated inbox page', async () => {
    const response = await fetch(`${stack.inboxUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('stops cleanly within 5 s of SIGTERM', async () => {
    const stopped = await stack.stop('SIGTERM');
    expect(stopped.ms).toBeLessThan(5000);
    expect(stopped.code).toBe(0);
    expect(stack.output()).toMatch(/SIGTERM: .*stopping/);
    await expect(fetch(`${stack.apiUrl}/health`)).rejects.toThrow();
  });

  it('npm start over the same DATA_DIR keeps the articles, the API key, the ledger, the inbox and the links', async () => {
    const { PORT, SES_PORT, DYNAMODB_PORT } = stack.env as Record<'PORT' | 'SES_PORT' | 'DYNAMODB_PORT', string>;
    restarted = await startLocalStack({ dataDir: stack.dataDir, env: { PORT, SES_PORT, DYNAMODB_PORT }, via: 'npm' });
    expect(restarted.apiKey).toBe(stack.apiKey);
    expect((await inboxEmails(restarted)).map((email) => email.messageId)).toContain(digest?.messageId);

    const ingest = await runCli(['ingest', 'examples/articles.json'], restarted.env);
    expect(ingest.stdout).toContain('created 0, duplicate 4, rejected 0, failed 0');
    expect(ingest.code).toBe(0);

    const sendNow = await runCli(['send-now'], restarted.env);
    expect(sendNow.stdout).toContain('sent 0, skipped 1, failed 0');
    expect(sendNow.code).toBe(0);

    // The token secret lives in DATA_DIR too, so the digest's one-click link still works.
    expect(digest, 'the digest from the send-now step').toBeDefined();
    const oneClick = /^<(.+)>$/.exec(headerOf(digest!, 'List-Unsubscribe') ?? '')?.[1] ?? '';
    const unsubscribed = await fetch(oneClick, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    expect(await storedSubscriber(restarted, READER)).toMatchObject({ status: 'unsubscribed' });

    const stopped = await restarted.stop('SIGINT');
    expect(stopped.ms).toBeLessThan(5000);
    expect(restarted.output()).toMatch(/SIGINT: .*stopping/);
    // Four process start-ups (npm start, two CLI runs, tsx each): over 30 s on two busy cores.
  }, 120_000);
});
