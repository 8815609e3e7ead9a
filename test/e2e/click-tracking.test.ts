/**
 * Click tracking on the real `npm start` stack: `digest send-now` mails two readers; their story
 * links are redirects under PUBLIC_URL that answer 302 to the article, counted once per reader
 * 30 s after the send (a browser's single GET), never for HEAD, a click too soon after sending, or
 * a scanner's burst over several links; an altered link answers 4xx with no Location. The counts
 * are read from the stack's DynamoDB emulator.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { openClick } from '../../functions/core/engagement/index.ts';
import { inboxEmails, runCli, startLocalStack, type LocalStack, type StoredEmail } from '../support/local-stack.ts';

const READER = 'clicker@example.com';
const SCANNED = 'scanned@example.com';
const MIN_CLICK_DELAY_MS = 30_000;
const ARTICLES = [
  {
    title: 'Harbour bridge reopens after repairs',
    body: 'The harbour bridge reopened on Monday after six weeks of repairs to its deck. Engineers replaced forty steel plates.',
    source: 'City Times',
    url: 'https://news.example/bridge?id=1&from=feed',
  },
  {
    title: 'Orchestra names a new conductor',
    body: 'The national orchestra named a new principal conductor, who starts next season with a cycle of symphonies.',
    source: 'Arts Daily',
    url: 'https://arts.example/conductor',
  },
  {
    title: 'Wheat harvest beats forecasts',
    body: 'Farmers brought in a wheat harvest well above forecasts after a mild and wet spring across the plains.',
    source: 'Farm Wire',
    url: 'https://farm.example/wheat',
  },
];

let stack: LocalStack;
let workDir: string;

beforeAll(async () => {
  stack = await startLocalStack();
  workDir = await mkdtemp(join(tmpdir(), 'digest-clicks-'));
}, 60_000);

afterAll(async () => {
  await stack?.stop('SIGKILL');
  if (stack) await rm(stack.dataDir, { recursive: true, force: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function digestTo(address: string): Promise<StoredEmail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await inboxEmails(stack)).find((email) => email.destination.to.some((to) => to.includes(address)));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no digest to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function storyLinks(email: StoredEmail): string[] {
  const escaped = stack.apiUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...new Set([...(email.body.text ?? '').matchAll(new RegExp(`${escaped}/c/[A-Za-z0-9_-]+`, 'g'))].map((match) => match[0]))];
}

async function stats(send: string, editionId: string): Promise<Record<string, unknown>> {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${stack.env.DYNAMODB_PORT}` });
  try {
    const doc = toDocumentClient(client);
    const { Item } = await doc.send(new GetCommand({ TableName: 'digest-mailer', Key: { pk: `SEND#${send}`, sk: `STATS#${editionId}` } }));
    return Item ?? {};
  } finally {
    client.destroy();
  }
}

const get = (url: string, method = 'GET') => fetch(url, { method, redirect: 'manual' });

describe('story links in a delivered digest', () => {
  it('redirect to the article, count once per reader, and ignore scanners and altered links', async () => {
    const articles = join(workDir, 'articles.json');
    await writeFile(articles, JSON.stringify({ articles: ARTICLES }));
    expect((await runCli(['ingest', articles], stack.env)).code).toBe(0);
    const articleUrls = new Set(ARTICLES.map((article) => article.url));
    const csv = join(workDir, 'readers.csv');
    await writeFile(csv, `email,timezone,sendHour,topics\n${READER},UTC,7,\n${SCANNED},UTC,7,\n`);
    expect((await runCli(['subscribers', 'import', csv, '--confirmed'], stack.env)).code).toBe(0);
    expect((await runCli(['send-now'], stack.env)).code).toBe(0);
    // The digest was sent by now: links carry a send time at or before this.
    const sentBy = Date.now();

    const digest = await digestTo(READER);
    const links = storyLinks(digest);
    expect(links.length).toBeGreaterThanOrEqual(3);
    // The HTML part carries the same links; "View in browser", preferences and unsubscribe stay direct.
    for (const link of links) expect(digest.body.html).toContain(link);
    const editionId = /\/editions\/([0-9T-]+[0-9a-ft-]*)/.exec(digest.body.text ?? '')?.[1];
    expect(editionId).toBeDefined();
    expect(digest.body.text).toMatch(/\/preferences\?token=/);
    expect(digest.body.text).toMatch(/\/unsubscribe\?token=/);
    for (const url of articleUrls) expect(digest.body.html).not.toContain(`href="${url}"`);

    // A scanner right after delivery: GET and HEAD are redirected, and not counted.
    for (const method of ['GET', 'HEAD']) {
      const early = await get(links[0]!, method);
      expect(early.status).toBe(302);
      expect(articleUrls.has(early.headers.get('location') ?? '')).toBe(true);
    }

    // Altered links: 4xx, no Location.
    const token = links[0]!.slice(links[0]!.lastIndexOf('/') + 1);
    const flipped = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    for (const altered of [flipped, token.slice(0, -3), `${token}AAAA`, encodeURIComponent('https://evil.example/')]) {
      const answer = await get(`${stack.apiUrl}/c/${altered}`);
      expect(answer.status, altered).toBeGreaterThanOrEqual(400);
      expect(answer.status, altered).toBeLessThan(500);
      expect(answer.headers.get('location'), altered).toBeNull();
    }

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, sentBy + MIN_CLICK_DELAY_MS + 1_000 - Date.now())));
    // The reader: one click, and later the same story again.
    const secret = (await readFile(join(stack.dataDir, 'token-secret'), 'utf8')).trim();
    const { story, send } = openClick(secret, token);
    const click = await get(links[0]!);
    expect(click.status).toBe(302);
    const target = click.headers.get('location');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await get(links[0]!)).headers.get('location')).toBe(target);

    // The other reader's scanner follows every link at once, 30 s on.
    const scanned = storyLinks(await digestTo(SCANNED));
    await Promise.all(scanned.slice(0, 3).map((link) => get(link)));

    const deadline = Date.now() + 5_000;
    let counts = await stats(send, editionId!);
    while (counts[`clicks_${story}`] !== 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      counts = await stats(send, editionId!);
    }
    // Give the burst's retractions time to land, then read the final counts.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    counts = await stats(send, editionId!);
    expect({ clicks: counts[`clicks_${story}`], unique: counts[`uclicks_${story}`] }).toEqual({ clicks: 2, unique: 1 });
    for (const other of [0, 1, 2].filter((index) => index !== story)) expect(counts[`clicks_${other}`] ?? 0, `story ${other}`).toBe(0);
    // The publisher's view of the same send (the contract's JSON line).
    const report = await runCli(['sends', 'stats', send, '--json'], stack.env);
    const json = JSON.parse(report.stdout.trim().split('\n').at(-1)!) as { clicks: { unique: number; total: number } };
    expect(json.clicks).toMatchObject({ unique: 1, total: 2 });
  }, 90_000);
});
