/**
 * A topic flood on DynamoDB: however many topics publishers send, every ingest stores its
 * articles, the catalogue stays bounded (and its item far below 400 KB), and the preferences
 * page stays small, while a reader's pick still matches the articles' topics.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoArticleStore } from '../../functions/adapters/dynamo/article-store.ts';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamo/subscriber-store.ts';
import { DynamoTopicCatalogue } from '../../functions/adapters/dynamo/topic-catalogue.ts';
import { TOPICS_KEY } from '../../functions/adapters/dynamo/keys.ts';
import { ensureTable } from '../../functions/adapters/dynamo/create-table.ts';
import { preferencesPage } from '../../functions/adapters/render/pages.ts';
import { ingestBatch } from '../../functions/core/ingest/ingest.ts';
import { CATALOGUE_LIMIT } from '../../functions/core/ingest/topic-catalogue.ts';
import { signToken } from '../../functions/core/shared/tokens.ts';
import { preferenceCentreView, readPreferences, updatePreferences } from '../../functions/core/subscribers/preference-centre.ts';
import { type LocalDynamo, startTestDynamo } from '../support/dynamo.ts';
import { aSubscriber, FakeClock, testSettings } from '../support/fakes.ts';
import { collect, unique } from '../support/store-contract.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

function batch(run: string, number: number): { articles: Record<string, unknown>[] } {
  return {
    articles: Array.from({ length: 100 }, (_, i) => ({
      title: `Story ${number}.${i}`,
      body: 'Something happened. Then more happened.',
      source: 'Flood Wire',
      url: `https://flood.example/${run}/${number}/${i}`,
      topics: Array.from({ length: 10 }, (_, t) => `<b>Batch ${number} story ${i} Topic ${t}</b>`),
    })),
  };
}

describe('eleven batches of 100 articles with 10 new topics each', () => {
  it('stores every article, keeps the catalogue to 200 topics and the preferences page small', async () => {
    const run = unique();
    const clock = new FakeClock('2026-11-26T10:00:00.000Z');
    const articles = new DynamoArticleStore(dynamo.doc, dynamo.tableName);
    const topics = new DynamoTopicCatalogue(dynamo.doc, dynamo.tableName);
    const subscribers = new DynamoSubscriberStore(dynamo.doc, dynamo.tableName, clock);
    // A topic in steady use before the flood.
    const steady = {
      articles: Array.from({ length: 30 }, (_, i) => ({
        title: `Science ${i}`,
        body: 'Science moved on.',
        source: 'Lab News',
        url: `https://lab.example/${run}/${i}`,
        topics: ['Science'],
      })),
    };
    expect((await ingestBatch(steady, { articles, clock, topics })).failures).toEqual([]);

    for (let number = 1; number <= 11; number += 1) {
      clock.advance(60_000);
      const { report, failures } = await ingestBatch(batch(run, number), { articles, clock, topics });
      expect(report.counts).toEqual({ created: 100, duplicate: 0, rejected: 0, failed: 0 });
      expect(failures).toEqual([]);
    }

    const catalogue = await topics.list();
    expect(catalogue).toHaveLength(CATALOGUE_LIMIT);
    expect(catalogue).toContainEqual(expect.objectContaining({ key: 'science', label: 'Science', count: 30 }));
    // The newest batch got in; markup never reaches the catalogue.
    expect(catalogue.filter((topic) => topic.label.startsWith('Batch 11 '))).toHaveLength(CATALOGUE_LIMIT - 1);
    expect(catalogue.some((topic) => /[<>]/.test(topic.label))).toBe(false);
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: TOPICS_KEY }));
    expect(Buffer.byteLength(JSON.stringify(Item))).toBeLessThan(64 * 1024);

    const email = `reader-${run}@example.com`;
    await subscribers.put(aSubscriber({ email, status: 'confirmed' }));
    const deps = { subscribers, clock, settings: testSettings(), topics };
    const token = signToken({ secret: deps.settings.tokenSecret, purpose: 'preferences', email, now: clock.now() });
    const pick = catalogue.find((topic) => topic.label.startsWith('Batch 11 story '));
    const storyNumber = pick?.label.split(' ')[3];
    expect(storyNumber).toBeDefined();
    await updatePreferences(token, { topics: ['science', pick?.key ?? ''] }, deps);

    const view = await preferenceCentreView(token, await readPreferences(token, deps), deps);
    const html = preferencesPage(view);
    expect(html.length).toBeLessThan(120 * 1024);
    expect(html.match(/type="checkbox" name="topics"/g)?.length ?? 0).toBeLessThanOrEqual(CATALOGUE_LIMIT);

    // The reader's picks are the keys the articles carry, so their digest puts those stories first.
    const reader = await subscribers.get(email);
    const stored = await collect(articles.listIngested('2026-11-26T10:10:59.000Z', clock.now().toISOString()));
    const story = stored.find((article) => article.title === `Story 11.${storyNumber}`);
    expect(story?.topics).toContain(pick?.key);
    expect(reader?.topics).toEqual(['science', pick?.key]);
  }, 120_000);
});

describe('DynamoTopicCatalogue and the earlier catalogue item', () => {
  it('reads the old unbounded string set normalised and capped, and rewrites it on the next ingest', async () => {
    const tableName = `legacy-${unique()}`;
    await ensureTable(dynamo.client, tableName);
    await dynamo.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...TOPICS_KEY, topics: new Set(['world', 'Bad <b>topic</b>', ...Array.from({ length: 300 }, (_, i) => `legacy ${i}`)]) },
      }),
    );
    const topics = new DynamoTopicCatalogue(dynamo.doc, tableName);
    const listed = await topics.list();
    expect(listed).toHaveLength(CATALOGUE_LIMIT);
    expect(listed.some((topic) => topic.label.includes('<'))).toBe(false);

    await topics.record([{ key: 'fresh', label: 'Fresh', articles: 1 }], '2026-11-26T10:00:00.000Z');
    const { Item } = await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: TOPICS_KEY }));
    expect(Item?.['topics']).toBeUndefined();
    expect(await topics.list()).toContainEqual({ key: 'fresh', label: 'Fresh', count: 1, lastSeen: '2026-11-26T10:00:00.000Z' });
  });
});
