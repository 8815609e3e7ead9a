/**
 * Erasure erases: after a reader is erased, a Scan of every item of the table and of every index
 * finds their address in no spelling (as typed, lower case, punycode or Unicode domain). The one
 * trace allowed is the erasure mark, a hash that does not contain the address. Runs on every
 * backend of CONFORMANCE_SUITES (dynalite and moto).
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { domainToUnicode } from 'node:url';
import { DynamoArticleStore } from '../../functions/adapters/dynamo/article-store.ts';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamo/delivery-ledger.ts';
import { DynamoEditionStore } from '../../functions/adapters/dynamo/edition-store.ts';
import { DynamoPersonalDataStore } from '../../functions/adapters/dynamo/personal-data-store.ts';
import { ErasureMarks } from '../../functions/adapters/dynamo/erasure-marks.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { sendChunk, type SendChunkDeps } from '../../functions/core/delivery/send-chunk.ts';
import { planDigest } from '../../functions/core/planning/plan.ts';
import { normaliseEmailAddress } from '../../functions/core/subscribers/email-address.ts';
import { type LocalDynamo, startTestDynamo } from '../support/dynamo.ts';
import { anArticle, aSubscriber, FakeClock, FakeRenderer, RecordingMailer, testSettings } from '../support/fakes.ts';
import { SimulatedSqs } from '../support/send-sim.ts';

const NOW = '2026-11-26T07:05:00.000Z';
const TYPED = 'Erase.Me@Bücher.Example';
const BYSTANDER = 'keep.me@example.com';

let dynamo: LocalDynamo;

beforeEach(async () => {
  dynamo = await startTestDynamo();
});

afterEach(async () => {
  await dynamo?.stop();
});

function stored(address: string): string {
  const result = normaliseEmailAddress(address);
  if (!result.ok) throw new Error(`${address}: ${result.issue}`);
  return result.address;
}

/** Every spelling of the address a trace could take, lower-cased. */
function spellingsOf(typed: string): string[] {
  const address = stored(typed);
  const at = address.lastIndexOf('@');
  const unicode = `${address.slice(0, at)}@${domainToUnicode(address.slice(at + 1))}`;
  return [...new Set([typed, address, unicode].map((spelling) => spelling.toLowerCase()))];
}

/** Every item of the table and of each of its indexes, as JSON. */
async function everyItem(): Promise<string[]> {
  const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tableName }));
  const indexes = [undefined, ...(Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)];
  const items: string[] = [];
  for (const indexName of indexes) {
    for await (const page of paginateScan(
      { client: dynamo.doc },
      { TableName: dynamo.tableName, ...(indexName ? { IndexName: indexName } : {}) },
    )) {
      for (const item of page.Items ?? []) items.push(JSON.stringify(item));
    }
  }
  return items;
}

async function tracesOf(typed: string): Promise<string[]> {
  const spellings = spellingsOf(typed);
  return (await everyItem()).filter((item) => spellings.some((spelling) => item.toLowerCase().includes(spelling)));
}

async function setUp() {
  const clock = new FakeClock(NOW);
  const subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, clock);
  const articles = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
  const editions = new DynamoEditionStore(dynamo.doc, dynamo.tableName);
  const deliveries = new DynamoDeliveryLedger(dynamo.doc, dynamo.tableName);
  const personalData = new DynamoPersonalDataStore(
    dynamo.doc,
    dynamo.tableName,
    new ErasureMarks('erasure-scan-token-secret-0123456789abcdef'),
  );
  for (const email of [stored(TYPED), BYSTANDER])
    await subscribers.put(aSubscriber({ email, lastDigestCutoff: '2026-11-25T06:58:00.000Z' }));
  await articles.putIfAbsent(anArticle({ ingestedAt: '2026-11-26T05:00:00.000Z' }));
  const queue = new SimulatedSqs();
  const settings = testSettings();
  await planDigest('scheduled', { articles, subscribers, editions, queue, renderer: new FakeRenderer(), clock, settings, deliveries });
  const mailer = new RecordingMailer();
  const deps: SendChunkDeps = { editions, deliveries, mailer, clock, settings };
  const send = () => queue.drain((job) => sendChunk(job, deps), { concurrency: 2, clock, visibilityMs: 60_000 });
  return { deliveries, personalData, mailer, send };
}

describe('erasing a reader', () => {
  it('leaves no item in any table or index holding their address in any spelling, after their digest went out', async () => {
    const { deliveries, personalData, mailer, send } = await setUp();
    expect(await tracesOf(TYPED)).not.toEqual([]);
    await send();
    expect(mailer.sent.map((email) => email.to)).toContain(stored(TYPED));
    // SES's Send event for the reader arrives after the chunk was sent: it writes no address back.
    const [chunk] = (await everyItem())
      .map((item) => JSON.parse(item) as { sk: string; slotDay?: unknown; id?: string })
      .filter((item) => item.sk.startsWith('CHUNK#'));
    expect(chunk).toBeDefined();
    await deliveries.confirmSent({ slotDay: chunk!.slotDay as never, id: chunk!.id! }, { [stored(TYPED)]: 'late-event' });

    await personalData.erase(stored(TYPED), '2026-11-26T09:00:00.000Z');

    expect(await tracesOf(TYPED)).toEqual([]);
    expect(await personalData.isErased(stored(TYPED))).toBe(true);
    expect(await tracesOf(BYSTANDER)).not.toEqual([]);
  }, 60_000);

  it('takes a reader out of a chunk planned but not yet sent: nobody mails them, and the chunk forgets them', async () => {
    const { personalData, mailer, send } = await setUp();

    await personalData.erase(stored(TYPED), '2026-11-26T07:05:30.000Z');
    expect(await tracesOf(TYPED)).toEqual([]);
    await send();

    const recipients = mailer.sent.map((email) => email.to);
    expect(recipients).toEqual([BYSTANDER]);
    expect(await tracesOf(TYPED)).toEqual([]);
  }, 60_000);
});
