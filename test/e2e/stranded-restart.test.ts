/**
 * Nothing stranded after a crash (issue 21): `npm start` is killed with SIGKILL at three points of
 * a 300-reader send-now (as the first digests go out while the plan still runs, with a few dozen
 * out, near the end), restarted on the same DATA_DIR, and one `send-now` is run: when it returns,
 * every reader has exactly one digest. The restart releases the dead process's claims (after
 * confirming what its inbox shows as sent) and sends nothing itself, so that send-now is the one
 * sender of those chunks and does not report them "being sent by another run" while they are not.
 * The three kills share one stack's data: each round brings 300 new readers of the same slot.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, inboxEmails, runCli, startLocalStack, type LocalStack, type StoredEmail } from '../support/local-stack.ts';

let scratch: string;
const stacks: LocalStack[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-e2e-stranded-'));
});

afterAll(async () => {
  await Promise.allSettled(stacks.map((stack) => stack.stop('SIGKILL')));
  await Promise.allSettled([
    rm(scratch, { recursive: true, force: true }),
    ...stacks.map((stack) => rm(stack.dataDir, { recursive: true, force: true })),
  ]);
});

const isDigest = (email: StoredEmail): boolean => !email.subject.startsWith('Confirm your subscription');

async function digestsPerReader(stack: LocalStack, prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const email of (await inboxEmails(stack)).filter(isDigest)) {
    for (const to of email.destination.to) {
      const address = (/<([^>]+)>/.exec(to)?.[1] ?? to).toLowerCase();
      if (address.startsWith(`${prefix}-`)) counts.set(address, (counts.get(address) ?? 0) + 1);
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

describe('a SIGKILL of npm start during a 300-reader send-now', () => {
  it('leaves no reader without exactly one digest once the send-now after the restart returns, wherever the kill lands', async () => {
    const [PORT, SES_PORT, DYNAMODB_PORT] = (await freePorts(3)).map(String) as [string, string, string];
    const env = { PORT, SES_PORT, DYNAMODB_PORT };
    let stack = await startLocalStack({ env, via: 'npm' });
    stacks.push(stack);
    const ingested = await runCli(['ingest', 'examples/articles.json'], stack.env);
    expect(ingested.code, ingested.stdout + ingested.stderr).toBe(0);

    const killPoints = [
      { name: 'planning', digestsOut: 1 },
      { name: 'few-out', digestsOut: 40 },
      { name: 'near-end', digestsOut: 270 },
    ];
    const missed: string[] = [];
    for (const point of killPoints) {
      const emails = await importReaders(stack, point.name, 300);
      const interrupted = runCli(['send-now'], stack.env);
      const deadline = Date.now() + 120_000;
      while ((await digestsPerReader(stack, point.name)).size < point.digestsOut && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await stack.stop('SIGKILL');
      // The CLI loses its stack mid-send; its claims are left for the restart to settle.
      await interrupted;

      stack = await startLocalStack({ dataDir: stack.dataDir, env, via: 'npm' });
      stacks.push(stack);
      const resent = await runCli(['send-now'], stack.env);
      expect(resent.code, resent.stdout + resent.stderr).toBe(0);
      expect(resent.stdout).not.toMatch(/being sent by another run/);

      // Judged as send-now returns: no waiting for a sender elsewhere.
      const counts = await digestsPerReader(stack, point.name);
      for (const email of emails) if (counts.get(email) !== 1) missed.push(`${point.name}: ${email}: ${counts.get(email) ?? 0}`);
    }
    expect(missed, 'readers without exactly one digest when send-now returned').toEqual([]);
  }, 600_000);
});
