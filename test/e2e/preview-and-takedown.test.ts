/**
 * `digest preview` and takedowns against the real `npm start` stack and the real CLI: a preview
 * writes the next edition and records nothing (send-now still sends), a test copy is marked and
 * goes to the tester only, a bad BRAND_COLOR stops it by name; `digest articles remove` takes a
 * story out of the stored edition, its web page and the archive. The steps build on each other.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
} from '../support/local-stack.ts';

const READER = 'preview-reader@example.com';
const TESTER = 'editor@example.com';
const EXAMPLE_TITLE = 'Folk music and raids: How ultranationalists target migrants in Russia';

let stack: LocalStack;
let scratch: string;
let articleIds: string[] = [];
let targetId: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-preview-'));
  stack = await startLocalStack({ env: { DIGEST_TAGLINE: 'The news that matters, before breakfast', REPLY_TO: 'editors@example.com' } });
}, 90_000);

afterAll(async () => {
  await stack?.stop('SIGKILL');
  await Promise.allSettled([
    scratch && rm(scratch, { recursive: true, force: true }),
    stack && rm(stack.dataDir, { recursive: true, force: true }),
  ]);
});

// Each CLI run starts a fresh Node with tsx: seconds each on a loaded machine.
const CLI_STEPS = { timeout: 180_000 };

describe('digest preview', CLI_STEPS, () => {
  it('writes the next edition (nothing new yet) and exits 0', async () => {
    const out = join(scratch, 'empty.html');
    const result = await runCli(['preview', '--out', out], stack.env);
    expect(result.stderr).toContain('nothing new');
    expect(result.code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('Nothing new since your last digest.');
  });

  it('shows a reader what they would get, prints the text part, and records nothing', async () => {
    const batch = JSON.parse(await readFile('examples/articles.json', 'utf8')) as { articles: { title: string }[] };
    const ingested = await fetch(`${stack.apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify(batch),
    });
    articleIds = ((await ingested.json()) as { results: { id: string }[] }).results.map((result) => result.id);
    targetId = articleIds[batch.articles.findIndex((article) => article.title === EXAMPLE_TITLE)]!;
    await fetch(`${stack.apiUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: READER, timezone: 'Europe/Berlin' }),
    });
    const confirmation = await waitForEmail(stack, (email) => email.destination.to.includes(READER));
    expect((await fetch(linkIn(confirmation, '/confirm'), { method: 'POST' })).status).toBe(200);
    await waitForEmail(stack, (email) => email.destination.to.includes(READER) && email.subject.startsWith('Welcome'));
    const before = await storedSubscriber(stack, READER);
    const mailBefore = (await inboxEmails(stack)).length;

    const out = join(scratch, 'reader.html');
    const result = await runCli(['preview', '--email', READER, '--out', out], stack.env);

    expect(result.code).toBe(0);
    const html = await readFile(out, 'utf8');
    expect(html).toContain(EXAMPLE_TITLE);
    expect(html).toContain('The news that matters, before breakfast');
    expect(html).toContain('times in Europe/Berlin');
    expect(result.stdout).toMatch(/^Subject: \S/m);
    expect(result.stdout).toMatch(/^List-Id: The Daily Digest <the-daily-digest\.localhost\.localdomain>$/m);
    expect(result.stdout).toContain(EXAMPLE_TITLE);
    expect(result.stdout).not.toContain('<html');
    expect(await inboxEmails(stack)).toHaveLength(mailBefore);
    expect(await storedSubscriber(stack, READER)).toEqual(before);
    expect((await runCli(['preview', '--email', 'nobody@example.com'], stack.env)).code).not.toBe(0);
  });

  it('sends one test copy, marked as a test, to --send-to only', async () => {
    const result = await runCli(['preview', '--send-to', TESTER], stack.env);
    expect(result.code).toBe(0);
    const copy = await waitForEmail(stack, (email) => email.destination.to.includes(TESTER));
    expect(copy.subject).toMatch(/^\[TEST\] /);
    expect(copy.body.html).toContain('Test copy.');
    expect(copy.body.text).toContain('TEST COPY.');
    expect(headerOf(copy, 'Reply-To')).toBe('editors@example.com');
    // The reader's confirmation and welcome only: the test copy went to --send-to alone.
    expect((await inboxEmails(stack)).filter((email) => email.destination.to.includes(READER))).toHaveLength(2);
  });

  it('fails on a bad BRAND_COLOR, naming it, before reading anything', async () => {
    const result = await runCli(['preview', '--out', join(scratch, 'never.html')], { ...stack.env, BRAND_COLOR: '#ffff00' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('BRAND_COLOR');
    await expect(readFile(join(scratch, 'never.html'))).rejects.toThrow();
  });

  it('left the reader unserved: send-now still sends them the edition, with List-Id and Reply-To', async () => {
    const result = await runCli(['send-now'], stack.env);
    expect(result.stdout).toContain('sent 1, skipped 0, failed 0');
    const digest = (await inboxEmails(stack)).find(
      (email) => email.destination.to.includes(READER) && email.body.html?.includes(EXAMPLE_TITLE),
    );
    expect(digest).toBeDefined();
    expect(digest!.subject).not.toContain('The Daily Digest');
    expect(headerOf(digest!, 'List-Id')).toBe('The Daily Digest <the-daily-digest.localhost.localdomain>');
    expect(headerOf(digest!, 'Reply-To')).toBe('editors@example.com');
  });
});

describe('digest articles remove', CLI_STEPS, () => {
  it('takes the story out of the stored edition, its web page and the archive, leaving a note', async () => {
    const archive = await (await fetch(`${stack.apiUrl}/editions`)).text();
    const editionPath = /href="(\/editions\/[^"]+)"/.exec(archive)?.[1];
    expect(editionPath).toBeDefined();
    const page = await (await fetch(`${stack.apiUrl}${editionPath}`)).text();
    expect(page).toContain(EXAMPLE_TITLE);

    const result = await runCli(['articles', 'remove', targetId], stack.env);

    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^withdrawn [0-9a-f]{64} at \S+; taken out of 1 edition: /);
    expect(result.code).toBe(0);
    const after = await (await fetch(`${stack.apiUrl}${editionPath}`)).text();
    expect(after).not.toContain(EXAMPLE_TITLE);
    expect(after).toContain('One story was withdrawn from this edition by the publisher');
    expect(await (await fetch(`${stack.apiUrl}/editions`)).text()).not.toContain(EXAMPLE_TITLE);
    const preview = await runCli(['preview'], stack.env);
    expect(preview.stdout).not.toContain(EXAMPLE_TITLE);
  });

  it('answers 401 without a key, 400 naming the id for a malformed one and 404 for an unknown one', async () => {
    const remove = (id: string, key?: string) =>
      fetch(`${stack.apiUrl}/articles/${id}`, { method: 'DELETE', headers: key ? { 'x-api-key': key } : {} });
    expect((await remove(articleIds[1]!)).status).toBe(401);
    const malformed = await remove('not-an-id', stack.apiKey);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'id' }] } });
    const unknown = await remove('0'.repeat(64), stack.apiKey);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    const cli = await runCli(['articles', 'remove', '0'.repeat(64)], stack.env);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('404');
  });
});
