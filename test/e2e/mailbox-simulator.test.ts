/**
 * The SES mailbox simulator on the real `npm start` stack: readers at the simulator's addresses,
 * imported confirmed with the real CLI, get their digest from `send-now`, and within 5 s the
 * bounces and the complaint have come back through the SNS events handler and suppressed them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxEmails, runCli, startLocalStack, storedSubscriber, type LocalStack } from '../support/local-stack.ts';

const EXPECTED = {
  'bounce@simulator.amazonses.com': 'bounced',
  'bounce+2@simulator.amazonses.com': 'bounced',
  'complaint@simulator.amazonses.com': 'complained',
  'suppressionlist@simulator.amazonses.com': 'bounced',
  'ooto@simulator.amazonses.com': 'confirmed',
  'success@simulator.amazonses.com': 'confirmed',
  'reader@example.com': 'confirmed',
} as const;
const READERS = Object.keys(EXPECTED);
const EVENTS_WITHIN_MS = 5_000;

let stack: LocalStack;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-e2e-simulator-'));
  stack = await startLocalStack();
});

afterAll(async () => {
  await stack?.stop('SIGKILL');
  await Promise.allSettled([rm(scratch, { recursive: true, force: true }), stack && rm(stack.dataDir, { recursive: true, force: true })]);
});

async function statuses(): Promise<Record<string, string | undefined>> {
  const entries = await Promise.all(READERS.map(async (email) => [email, (await storedSubscriber(stack, email))?.status] as const));
  return Object.fromEntries(entries);
}

describe('the SES mailbox simulator on the local stack', () => {
  it('bounces, complains and delivers as SES does, suppressing within 5 s of send-now, and counts it per edition', async () => {
    const file = join(scratch, 'readers.csv');
    await writeFile(file, `email,timezone,sendHour\n${READERS.map((email) => `${email},UTC,7`).join('\n')}\n`);
    const imported = await runCli(['subscribers', 'import', file, '--confirmed'], stack.env);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(Object.values(await statuses())).toEqual(READERS.map(() => 'confirmed'));
    const ingested = await runCli(['ingest', 'examples/articles.json'], stack.env);
    expect(ingested.code, ingested.stdout + ingested.stderr).toBe(0);

    const sent = await runCli(['send-now'], stack.env);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    const sentAt = Date.now();
    const delivered = (await inboxEmails(stack)).flatMap((email) => email.destination.to);
    expect(delivered.sort()).toEqual([...READERS].sort());

    let seen = await statuses();
    while (JSON.stringify(seen) !== JSON.stringify(EXPECTED) && Date.now() - sentAt < EVENTS_WITHIN_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await statuses();
    }
    expect(seen).toEqual(EXPECTED);
    // From the emulator's acceptance (epoch seconds, rounded down: stricter) to the suppression.
    for (const email of READERS.filter((reader) => EXPECTED[reader as keyof typeof EXPECTED] !== 'confirmed')) {
      const acceptedAt = (await inboxEmails(stack)).find((mail) => mail.destination.to.includes(email))!.at * 1000;
      const suppressedAt = Date.parse((await storedSubscriber(stack, email))!.updatedAt);
      expect(suppressedAt - acceptedAt, email).toBeLessThanOrEqual(EVENTS_WITHIN_MS);
    }

    const status = await runCli(['status'], stack.env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/sent 7, skipped 0, failed 0, bounced 3, complained 1\b/);
  }, 180_000);
});
