/**
 * Per-send results on the real `npm start` stack: readers at the SES mailbox simulator's addresses
 * get a `send-now` digest, and `digest sends stats --json` counts what SES said of each
 * (deliveries, permanent and transient bounces, a complaint) against that send, and the readers
 * who leave through that digest's unsubscribe links (one-click and the page's button).
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
  type LocalStack,
  type StoredEmail,
} from '../support/local-stack.ts';

const READERS = [
  'bounce@simulator.amazonses.com',
  'bounce+2@simulator.amazonses.com',
  'suppressionlist@simulator.amazonses.com',
  'complaint@simulator.amazonses.com',
  'ooto@simulator.amazonses.com',
  'success@simulator.amazonses.com',
  'reader@example.com',
];
const EVENTS_WITHIN_MS = 5_000;

let stack: LocalStack;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-e2e-send-stats-'));
  stack = await startLocalStack();
});

afterAll(async () => {
  await stack?.stop('SIGKILL');
  await Promise.allSettled([rm(scratch, { recursive: true, force: true }), stack && rm(stack.dataDir, { recursive: true, force: true })]);
});

function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe('digest sends on the local stack', () => {
  it('says there is no send yet, and names the field of a malformed id', async () => {
    const none = await runCli(['sends', 'stats', '--json'], stack.env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no send/i);
    const malformed = await runCli(['sends', 'stats', 'not/a-send', '--json'], stack.env);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/send id/i);
  }, 60_000);

  it("counts a send-now's sends, deliveries, bounces and complaint against that send", async () => {
    const file = join(scratch, 'readers.csv');
    await writeFile(file, `email,timezone,sendHour\n${READERS.map((email) => `${email},UTC,7`).join('\n')}\n`);
    expect((await runCli(['subscribers', 'import', file, '--confirmed'], stack.env)).code).toBe(0);
    expect((await runCli(['ingest', 'examples/articles.json'], stack.env)).code).toBe(0);
    const sent = await runCli(['send-now'], stack.env);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);

    const expected = {
      editions: 1,
      sent: 7,
      delivered: 4,
      bounced: { permanent: 3, transient: 1 },
      complaints: 1,
      unsubscribes: 0,
      paused: false,
    };
    const sentAt = Date.now();
    let report: Record<string, unknown> = {};
    do {
      const stats = await runCli(['sends', 'stats', '--json'], stack.env);
      expect(stats.code, stats.stderr).toBe(0);
      report = lastJsonLine(stats.stdout);
      if (report['delivered'] === expected.delivered && (report['bounced'] as { transient: number }).transient === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } while (Date.now() - sentAt < EVENTS_WITHIN_MS * 3);

    expect(Object.keys(report)).toEqual([
      'send',
      'editions',
      'sent',
      'delivered',
      'bounced',
      'complaints',
      'unsubscribes',
      'clicks',
      'paused',
    ]);
    expect(report).toMatchObject(expected);
    expect(report['send']).toMatch(/^now-/);
    const clicks = report['clicks'] as { unique: number; total: number; stories: { title: string; clicks: number }[] };
    expect(clicks).toMatchObject({ unique: 0, total: 0 });
    expect(clicks.stories.length).toBeGreaterThan(0);
    expect(clicks.stories.every((story) => Object.keys(story).join() === 'title,clicks' && story.title.length > 0)).toBe(true);

    const byId = await runCli(['sends', 'stats', String(report['send']), '--json'], stack.env);
    expect(lastJsonLine(byId.stdout)).toEqual(report);
    const list = await runCli(['sends', 'list'], stack.env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(String(report['send']));
    expect(list.stdout).toMatch(/editions 1, sent 7/);
    const status = await runCli(['status'], stack.env);
    expect(status.stdout).toContain(`Last send: ${String(report['send'])}`);
    const unknown = await runCli(['sends', 'stats', 'now-unknown', '--json'], stack.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no send now-unknown/);
  }, 180_000);

  it("counts an unsubscribe through the digest's links once for its send, one-click and page alike", async () => {
    const digestTo = async (address: string): Promise<StoredEmail> => {
      const found = (await inboxEmails(stack)).find((email) => email.destination.to.includes(address));
      if (!found) throw new Error(`no digest to ${address}`);
      return found;
    };
    const latest = async () => lastJsonLine((await runCli(['sends', 'stats', '--json'], stack.env)).stdout);
    const before = await latest();
    expect(before['unsubscribes']).toBe(0);

    // RFC 8058: the mail client posts this body to the List-Unsubscribe URL.
    const oneClickUrl = /^<([^>]+)>$/.exec(headerOf(await digestTo('reader@example.com'), 'List-Unsubscribe') ?? '')?.[1];
    expect(oneClickUrl).toMatch(/\/unsubscribe\?token=/);
    for (let attempt = 0; attempt < 2; attempt++) {
      const posted = await fetch(oneClickUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(posted.status).toBe(200);
    }
    const page = linkIn(await digestTo('success@simulator.amazonses.com'), '/unsubscribe');
    expect((await fetch(page)).status).toBe(200);
    expect((await fetch(page, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(200);

    const after = await latest();
    expect(after['send']).toBe(before['send']);
    expect(after['unsubscribes']).toBe(2);
    for (const address of ['reader@example.com', 'success@simulator.amazonses.com']) {
      expect((await storedSubscriber(stack, address))?.status, address).toBe('unsubscribed');
    }
  }, 60_000);
});
