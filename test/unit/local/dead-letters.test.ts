/** The local dead-letter list: shared on disk by the processes of the local stack, without addresses. */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChunkJob } from '../../../functions/core/delivery/types.ts';
import { FileDeadLetters } from '../../../functions/local/dead-letters.ts';

const job: ChunkJob = {
  slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-26' },
  id: 'now-abc-0',
  send: 'now-abc',
  editionId: '20261126T070000-20261125T070000',
  emails: ['reader@example.com'],
  recipients: 1,
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('FileDeadLetters', () => {
  it('keeps jobs without addresses across instances, hands each out once, and skips a torn line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dead-letters-'));
    await new FileDeadLetters(dir).add(job, 'SES down');
    await appendFile(join(dir, 'dead-letters.jsonl'), '{"job": {"slotDay"');
    await new FileDeadLetters(dir).add({ ...job, id: 'now-abc-1' }, 'SES down');
    expect(await readFile(join(dir, 'dead-letters.jsonl'), 'utf8')).not.toContain('reader@example.com');

    const other = new FileDeadLetters(dir);
    expect(await other.count()).toBe(2);
    const taken = await other.takeAll();
    expect(taken.map((dead) => [dead.id, dead.emails, dead.recipients])).toEqual([
      ['now-abc-0', undefined, 1],
      ['now-abc-1', undefined, 1],
    ]);
    expect(await new FileDeadLetters(dir).takeAll()).toEqual([]);
  });
});
