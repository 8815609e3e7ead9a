/**
 * Nobody left out, against the real `npm start` stack and the real `digest` CLI: readers who join
 * a slot-day after a send-now served it get their digest from the next send-now, and its report
 * names no reason that does not hold.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxEmails, runCli, startLocalStack, type LocalStack, type StoredEmail } from '../support/local-stack.ts';

let scratch: string;
const stacks: LocalStack[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-e2e-late-'));
});

afterAll(async () => {
  await Promise.allSettled(stacks.map((stack) => stack.stop('SIGKILL')));
  await Promise.allSettled([
    rm(scratch, { recursive: true, force: true }),
    ...stacks.map((stack) => rm(stack.dataDir, { recursive: true, force: true })),
  ]);
});

const isDigest = (email: StoredEmail): boolean => !email.subject.startsWith('Confirm your subscription');

async function digestsPerReader(stack: LocalStack): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const email of (await inboxEmails(stack)).filter(isDigest)) {
    for (const to of email.destination.to) {
      const address = (/<([^>]+)>/.exec(to)?.[1] ?? to).toLowerCase();
      counts.set(address, (counts.get(address) ?? 0) + 1);
    }
  }
  return counts;
}

async function importReaders(stack: LocalStack, prefix: string, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, index) => `${prefix}-${index}@example.com`);
  const file = join(scratch, `${prefix}.csv`);
  await writeFile(file, `email,timezone,sendHour\n${emails.map((email) => `${email},UTC,7`).join('\n')}\n`);
  const imported = await runCli(['subscribers', 'import', file, '--confirmed'], stack.env);
  expect(imported.code, imported.stdout + imported.stderr).toBe(0);
  return emails;
}

async function waitForDigests(stack: LocalStack, emails: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const counts = await digestsPerReader(stack);
    if (emails.every((email) => counts.has(email))) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Give a late duplicate time to show up before judging.
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

describe('readers who join a slot-day after a send-now served it', () => {
  it('30 readers, send-now, 20 more of the same zone and hour, send-now: all 50 have exactly one digest, and the second report is true', async () => {
    const stack = await startLocalStack();
    stacks.push(stack);
    const early = await importReaders(stack, 'early', 30);
    const ingested = await runCli(['ingest', 'examples/articles.json'], stack.env);
    expect(ingested.code, ingested.stdout + ingested.stderr).toBe(0);

    const first = await runCli(['send-now'], stack.env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    await waitForDigests(stack, early, 30_000);

    const late = await importReaders(stack, 'late', 20);
    const second = await runCli(['send-now'], stack.env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    await waitForDigests(stack, [...early, ...late], 30_000);

    const counts = await digestsPerReader(stack);
    const wrong = [...early, ...late].filter((email) => counts.get(email) !== 1).map((email) => `${email}: ${counts.get(email) ?? 0}`);
    expect(wrong, 'readers without exactly one digest').toEqual([]);
    // The 30 had theirs; none is "planned by another run" (no run holds them), and the 20 were sent.
    expect(second.stdout).toMatch(/skipped 30: already had today's digest/);
    expect(second.stdout).not.toMatch(/another run/);
    expect(second.stdout).toMatch(/sent 20,/);
  }, 240_000);
});
