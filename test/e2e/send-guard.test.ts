/**
 * The send guard on the real `npm start` stack (the issue's Done-when): 300 imported readers over
 * four topic variants, one in five `bounce+N@` the SES mailbox simulator and one `complaint+x@`.
 * The simulator's bounces come back through the SNS events handler while `send-now` is sending,
 * and the guard pauses the send before the end of the list; `send resume`, repeated while the
 * list keeps bouncing, sends the rest. Every address gets exactly one digest: no bounced or
 * complaining address twice, nobody left out.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, toDocumentClient } from '../../functions/adapters/dynamo/client.ts';
import { DynamoSendGuardStore } from '../../functions/adapters/dynamo/send-guard-store.ts';
import { inboxEmails, repoRoot, runCli, startLocalStack, storedSubscriber, type LocalStack } from '../support/local-stack.ts';

const READERS = 300;
const TOPICS = ['', 'science', 'culture', 'world'];

let stack: LocalStack;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'digest-e2e-guard-'));
  stack = await startLocalStack();
});

afterAll(async () => {
  await stack?.stop('SIGKILL');
  await Promise.allSettled([rm(scratch, { recursive: true, force: true }), stack && rm(stack.dataDir, { recursive: true, force: true })]);
});

/**
 * The planner goes through readers in address order; the other readers share the simulator's
 * local parts so that the bounces are spread through the list, as in an old list, not all first.
 */
function readerAddress(i: number): string {
  if (i === 1) return 'complaint+x@simulator.amazonses.com';
  const label = String(i).padStart(4, '0');
  return i % 5 === 0 ? `bounce+${label}@simulator.amazonses.com` : `bounce+${label}@example.com`;
}

async function storedGuard(send: string) {
  const client = createDynamoClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${stack.env.DYNAMODB_PORT}` });
  try {
    return await new DynamoSendGuardStore(toDocumentClient(client), stack.env.TABLE_NAME ?? 'digest-mailer').get(send);
  } finally {
    client.destroy();
  }
}

async function deliveredTo(): Promise<string[]> {
  return (await inboxEmails(stack)).flatMap((email) => email.destination.to.map((to) => to.toLowerCase()));
}

describe('the send guard on the local stack', () => {
  it('pauses a send whose list bounces, and resume (repeated while it pauses again) sends the rest, each reader once', async () => {
    const readers = Array.from({ length: READERS }, (_, i) => readerAddress(i));
    const file = join(scratch, 'readers.csv');
    await writeFile(
      file,
      `email,timezone,sendHour,topics\n${readers.map((email, i) => `${email},UTC,7,${TOPICS[i % TOPICS.length]}`).join('\n')}\n`,
    );
    const imported = await runCli(['subscribers', 'import', file, '--confirmed'], stack.env);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    const articles = JSON.parse(await readFile(join(repoRoot, 'examples/articles.json'), 'utf8')) as {
      articles: Record<string, unknown>[];
    };
    const ingest = await fetch(`${stack.apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({ articles: articles.articles.map((article, i) => ({ ...article, topics: [TOPICS.slice(1)[i % 3]!] })) }),
    });
    expect(ingest.status).toBe(200);

    const sent = await runCli(['send-now'], stack.env);
    expect(sent.code, sent.stdout + sent.stderr).toBe(0);
    const send = /^send (\S+)$/m.exec(sent.stdout)?.[1];
    expect(send, sent.stdout).toBeDefined();
    expect(sent.stdout).toMatch(/paused: permanent bounces reached \d+ of \d+/);
    const beforeResume = (await deliveredTo()).length;
    // The guard's own count: the pause came at the limit's first check, 100 known outcomes.
    expect((await storedGuard(send!))?.tripped?.reason).toMatch(/of 100 recipients/);
    expect(beforeResume).toBeLessThan(READERS);
    expect((await storedSubscriber(stack, 'bounce+0005@simulator.amazonses.com'))?.status).toMatch(/bounced|confirmed/);
    const rounds = [beforeResume];

    let output = sent.stdout;
    for (let round = 0; round < 8 && /paused: /.test(output); round += 1) {
      const resumed = await runCli(['send', 'resume', send!], stack.env);
      expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
      output = resumed.stdout;
      expect(resumed.stdout).toMatch(/resumed: \d+ chunks, \d+ readers not yet sent/);
      rounds.push((await deliveredTo()).length);
    }
    console.log(`send guard e2e: digests accepted after send-now and each resume: ${rounds.join(', ')}`);
    expect(output).not.toMatch(/paused: /);
    // The guard counts afresh from each resume, and this list keeps bouncing: it pauses again.
    expect(rounds.length).toBeGreaterThan(2);

    // Settled: the last events handled, then every address has exactly one digest.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const delivered = await deliveredTo();
    const times = new Map<string, number>();
    for (const to of delivered) times.set(to, (times.get(to) ?? 0) + 1);
    expect([...times.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    expect([...times.keys()].sort()).toEqual([...readers].sort());
    expect((await storedSubscriber(stack, 'complaint+x@simulator.amazonses.com'))?.status).toBe('complained');
    expect((await storedSubscriber(stack, 'bounce+0010@simulator.amazonses.com'))?.status).toBe('bounced');

    const unknown = await runCli(['send', 'resume', 'no-such-send'], stack.env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/No send no-such-send/);
  }, 300_000);
});
