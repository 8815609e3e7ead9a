/**
 * Every handler against real emulators: dynalite for DynamoDB and aws-ses-v2-local for SES,
 * reached through the local API Gateway stand-in, with mail read back from the emulator.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Wiring } from '../../functions/adapters/runtime/wiring.ts';
import { loadConfig } from '../../functions/adapters/runtime/config.ts';
import { generateApiKey, newApiKeyRecord } from '../../functions/core/ingest/api-keys.ts';
import { canonicalTimeZone } from '../../functions/core/shared/local-time.ts';
import { signToken } from '../../functions/core/shared/tokens.ts';
import type { ChunkJob, DeliveryJob } from '../../functions/core/delivery/types.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import { planDigestHandler } from '../../functions/handlers/schedule-plan-digest.ts';
import { sendDigestHandler } from '../../functions/handlers/sqs-send-digest.ts';
import { sesEventsHandler } from '../../functions/handlers/sns-ses-events.ts';
import { subscriptionsHandler } from '../../functions/handlers/api-subscriptions.ts';
import permanentBounce from '../fixtures/events/ses-bounce-permanent.json' with { type: 'json' };
import { closeServer } from '../../functions/local/emulators.ts';
import { localRoutes, provide } from '../../functions/local/local-app.ts';
import { createRouter } from '../../functions/local/router.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';
import seedBatch from '../../examples/articles.json' with { type: 'json' };
import { startTestDynamo, type LocalDynamo } from '../support/dynamo.ts';
import { startSesEmulator, type SesEmulator } from '../support/ses.ts';
import { signedJsonToken } from '../support/link-tokens.ts';

const SECRET = 'integration-test-secret-0123456789abcdef';

class RecordingQueue implements Queue {
  jobs: DeliveryJob[] = [];
  /** The chunk jobs as enqueued: what the sender's SQS messages carry. */
  chunks: ChunkJob[] = [];
  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    this.chunks.push(...jobs);
    for (const job of jobs) this.jobs.push(...(job.emails ?? []).map((email) => ({ editionId: job.editionId, email })));
  }
}

function aConfirmedReader(email: string): Subscriber {
  const now = new Date().toISOString();
  return { email, status: 'confirmed', timezone: 'UTC', sendHour: 7, topics: [], createdAt: now, updatedAt: now };
}

function sqsEvent(jobs: readonly (DeliveryJob | ChunkJob)[]): SQSEvent {
  return {
    Records: jobs.map((job, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: JSON.stringify(job),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:send',
      awsRegion: 'us-east-1',
    })),
  };
}

let dynamo: LocalDynamo;
let ses: SesEmulator;
let server: Server;
let baseUrl: string;
let wiring: Wiring;
let queue: RecordingQueue;
let apiKey: string;

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startTestDynamo(), startSesEmulator()]);
  server = createRouter([]);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await closeServer(server);

  const config = loadConfig({
    TABLE_NAME: dynamo.tableName,
    PUBLIC_URL: baseUrl,
    MAIL_FROM: 'The Daily Digest <digest@example.com>',
    TOKEN_SECRET: SECRET,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SES_ENDPOINT: ses.endpoint,
  });
  queue = new RecordingQueue();
  wiring = new Wiring(config, { tokenSecret: SECRET, ports: { queue } });
  apiKey = generateApiKey();
  await wiring.port('apiKeys').put(newApiKeyRecord(apiKey, 'test', new Date().toISOString()));

  server = createRouter(localRoutes(wiring));
  await new Promise<void>((resolve) => server.listen(Number(new URL(baseUrl).port), '127.0.0.1', resolve));
});

afterAll(async () => {
  await closeServer(server);
  await Promise.all([dynamo.stop(), ses.stop()]);
});

beforeEach(() => {
  queue.jobs = [];
  queue.chunks = [];
});

function postArticles(body: unknown, key: string | null = apiKey): Promise<Response> {
  return fetch(`${baseUrl}/articles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function subscribe(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}/subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function mailTo(address: string) {
  return (await ses.emails()).filter((e) => e.destination.to.includes(address));
}

function linkFrom(text: string, path: string): string {
  const match = new RegExp(`${baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${path}\\?token=[A-Za-z0-9._%-]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text.slice(0, 500)}`);
  return match[0];
}

describe('POST /articles', () => {
  it('refuses a request without a valid API key with a JSON 401', async () => {
    for (const key of [null, 'dm_not-a-real-key']) {
      const response = await postArticles(seedBatch, key);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('stores the seed batch once and reports duplicates on a re-post', async () => {
    const first = await postArticles(seedBatch);
    expect(first.status).toBe(200);
    const report = (await first.json()) as { counts: Record<string, number>; results: { status: string }[] };
    expect(report.counts).toMatchObject({ created: 4, duplicate: 0, rejected: 0 });

    const again = (await (await postArticles(seedBatch)).json()) as { counts: Record<string, number> };
    expect(again.counts).toMatchObject({ created: 0, duplicate: 4 });
  });

  it('accepts a JSON content type in any letter case, with parameters', async () => {
    const response = await fetch(`${baseUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'Application/JSON; charset=UTF-8', 'x-api-key': apiKey },
      body: JSON.stringify({ articles: [{ title: 'Case-insensitive', source: 'Wire' }] }),
    });
    expect(response.status).toBe(200);
  });

  it('rejects bad items by field and keeps the good ones in the same batch', async () => {
    const response = await postArticles({
      articles: [
        { title: 'A good one', source: 'Wire', body: 'Fine text. Second sentence.', url: 'https://news.example/a?utm_source=x' },
        { title: 'Evil link', source: 'Wire', url: 'javascript:alert(1)' },
        { source: 'Wire', body: 'No title' },
        { title: 'Header\r\nBcc: victim@example.com', source: 'Wire' },
      ],
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { results: { status: string; errors?: { field: string }[] }[] };
    expect(report.results.map((r) => r.status)).toEqual(['created', 'rejected', 'rejected', 'rejected']);
    expect(report.results[1]?.errors?.[0]?.field).toBe('articles.1.url');
    expect(report.results[2]?.errors?.[0]?.field).toBe('articles.2.title');
    expect(report.results[3]?.errors?.[0]?.field).toBe('articles.3.title');
  });

  it('answers malformed and oversized bodies with a 4xx naming the problem, never a 500', async () => {
    const notJson = await postArticles('{"articles": [');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'validation_failed' } });

    const tooMany = await postArticles({ articles: Array.from({ length: 101 }, (_, i) => ({ title: `t${i}`, source: 's' })) });
    expect(tooMany.status).toBe(400);
    const tooManyBody = (await tooMany.json()) as { error: { details: { field: string }[] } };
    expect(tooManyBody.error.details[0]?.field).toBe('articles');

    const huge = await postArticles({ articles: [{ title: 'big', source: 's', body: 'x'.repeat(1_100_000) }] });
    expect(huge.status).toBe(413);
    const text = await huge.text();
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('ingest key expiry and rate limit, on the local stack', () => {
  it('refuses an expired key with a JSON 401 saying it expired', async () => {
    const expired = generateApiKey();
    await wiring.port('apiKeys').put(newApiKeyRecord(expired, 'trial', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z'));

    const response = await postArticles(seedBatch, expired);

    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/expired at 2026-01-02T00:00:00.000Z/);
  });

  it('answers a key past its requests per minute with a JSON 429 and Retry-After', async () => {
    const limited = generateApiKey();
    await wiring.port('apiKeys').put({ ...newApiKeyRecord(limited, 'busy', new Date().toISOString()), requestsPerMinute: 3 });
    // Aligned to a fresh minute so the four requests share one counter window.
    const secondsLeft = 60 - (Math.floor(Date.now() / 1000) % 60);
    if (secondsLeft < 5) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000));

    const answers = await Promise.all(Array.from({ length: 4 }, () => postArticles(seedBatch, limited)));

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 429]);
    const refused = answers.find((answer) => answer.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
  });
});

describe('subscribe, confirm, unsubscribe', () => {
  it('answers the same 202 whatever state the address is in', async () => {
    const bodies: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const response = await subscribe({ email: 'Same.Reader@Example.com' });
      expect(response.status).toBe(202);
      bodies.push(await response.text());
    }
    const unknownBody = await (await subscribe({ email: 'someone-else@example.com' })).text();
    expect(new Set([...bodies, unknownBody]).size).toBe(1);
    // Throttled: one confirmation email for two requests within ten minutes.
    expect(await mailTo('same.reader@example.com')).toHaveLength(1);
  });

  it('rejects a bad address, zone or hour with the field named', async () => {
    const response = await subscribe({ email: 'not-an-address', timezone: 'Mars/Olympus', sendHour: 25 });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { field: string }[] } };
    expect(body.error.details.map((d) => d.field).sort()).toEqual(['email', 'sendHour', 'timezone']);
  });

  it('mails a confirmation link whose GET only shows a button, and whose POST confirms', async () => {
    await subscribe({ email: 'confirm.me@example.com', timezone: 'Europe/London', sendHour: 8 });
    const [mail] = await mailTo('confirm.me@example.com');
    expect(mail?.subject).toMatch(/confirm/i);
    const link = linkFrom(mail?.body.text ?? '', '/confirm');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<form method="post"/);
    // Link scanners follow GETs: only the button's POST may subscribe anyone.
    expect((await wiring.port('subscribers').get('confirm.me@example.com'))?.status).toBe('pending');

    const confirmed = await fetch(link, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toMatch(/you are subscribed/i);
    expect((await wiring.port('subscribers').get('confirm.me@example.com'))?.status).toBe('confirmed');
  });

  it('sends exactly one confirmation email for five parallel subscribes of a new address, every time', async () => {
    for (const email of ['race.one@example.com', 'race.two@example.com']) {
      const answers = await Promise.all(Array.from({ length: 5 }, () => subscribe({ email })));
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
      expect(await mailTo(email)).toHaveLength(1);
    }
  });

  it('welcomes a confirmed reader with a manage link, and a used confirmation link shows no token', async () => {
    const email = 'welcome.me@example.com';
    await subscribe({ email });
    const link = linkFrom((await mailTo(email))[0]?.body.text ?? '', '/confirm');
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);

    const welcome = (await mailTo(email))[1];
    expect(welcome?.subject).toMatch(/welcome/i);
    const manage = linkFrom(welcome?.body.text ?? '', '/preferences');
    expect((await fetch(manage)).status).toBe(200);

    for (const method of ['GET', 'POST']) {
      const again = await fetch(link, { method });
      expect(again.status).toBe(200);
      const page = await again.text();
      expect(page).toMatch(/already confirmed/i);
      expect(page).not.toMatch(/token=/);
    }
    expect(await mailTo(email)).toHaveLength(2);

    // Signing out of old links voids the confirmation link as well as the manage link.
    const signOut = await fetch(manage, { method: 'POST', body: new URLSearchParams({ action: 'sign-out' }), redirect: 'manual' });
    expect(signOut.status).toBe(303);
    expect((await fetch(link, { method: 'POST' })).status).toBe(410);
    expect((await fetch(manage)).status).toBe(410);
  });

  it('shows a 4xx page for a tampered, expired or wrong-purpose token', async () => {
    const good = signToken({ secret: SECRET, purpose: 'confirm', email: 'x@example.com', now: new Date() });
    const tampered = `${good.slice(0, -3)}abc`;
    const expired = signToken({
      secret: SECRET,
      purpose: 'confirm',
      email: 'x@example.com',
      now: new Date(Date.now() - 8 * 24 * 3600 * 1000),
    });
    const wrongPurpose = signToken({ secret: SECRET, purpose: 'unsubscribe', email: 'x@example.com', now: new Date() });
    const middle = Buffer.from(good, 'base64url');
    middle[20]! ^= 1;
    const cases: [string, number][] = [
      [tampered, 400],
      [middle.toString('base64url'), 400],
      [expired, 410],
      [wrongPurpose, 400],
      ['', 400],
    ];
    for (const [token, status] of cases) {
      const response = await fetch(`${baseUrl}/confirm?token=${encodeURIComponent(token)}`);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('keeps links mailed in the signed-JSON format working: unsubscribe for ever, manage links until expiry or a sign-out', async () => {
    const email = 'old.links@example.com';
    await wiring.port('subscribers').put(aConfirmedReader(email));
    const seconds = Math.floor(Date.now() / 1000);
    const manage = `${baseUrl}/preferences?token=${signedJsonToken(SECRET, { p: 'preferences', e: email, x: seconds + 3600 })}`;
    const page = await fetch(manage);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(email);
    const expired = signedJsonToken(SECRET, { p: 'preferences', e: email, x: seconds - 1 });
    expect((await fetch(`${baseUrl}/preferences?token=${expired}`)).status).toBe(410);

    const signOut = await fetch(manage, { method: 'POST', body: new URLSearchParams({ action: 'sign-out' }), redirect: 'manual' });
    expect(signOut.status).toBe(303);
    expect((await fetch(manage)).status).toBe(410);

    // An unsubscribe link from a digest mailed a year ago, when they still carried an expiry.
    const unsubscribe = signedJsonToken(SECRET, { p: 'unsubscribe', e: email, x: seconds - 365 * 24 * 3600 });
    expect((await fetch(`${baseUrl}/unsubscribe?token=${unsubscribe}`, { method: 'POST' })).status).toBe(200);
    expect((await wiring.port('subscribers').get(email))?.status).toBe('unsubscribed');
  });

  it('answers a browser form post with the check-your-inbox page', async () => {
    const response = await fetch(`${baseUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'form.user@example.com', timezone: 'Asia/Kolkata', sendHour: '6' }).toString(),
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toMatch(/inbox/i);
    const stored = await wiring.port('subscribers').get('form.user@example.com');
    expect(stored).toMatchObject({ status: 'pending', timezone: canonicalTimeZone('Asia/Kolkata'), sendHour: 6 });
  });
});

describe('plan and send the digest', () => {
  it('sends one digest with html, text and one-click unsubscribe headers, exactly once', async () => {
    await subscribe({ email: 'digest.reader@example.com' });
    const [confirmMail] = await mailTo('digest.reader@example.com');
    await fetch(linkFrom(confirmMail?.body.text ?? '', '/confirm'), { method: 'POST' });
    await postArticles(seedBatch);

    const plan = planDigestHandler(provide(wiring, 'schedule-plan-digest'));
    const report = await plan({ mode: 'now' });
    const jobs = queue.jobs.filter((j) => j.email === 'digest.reader@example.com');
    expect(jobs).toHaveLength(1);
    expect(report.editions[0]?.stories).toBeGreaterThanOrEqual(4);

    const chunks = queue.chunks.filter((chunk) => (chunk.emails ?? []).includes('digest.reader@example.com'));
    const send = sendDigestHandler(provide(wiring, 'sqs-send-digest'));
    expect(await send(sqsEvent(chunks))).toEqual({ batchItemFailures: [] });
    // A duplicate SQS delivery of the same job sends nothing more.
    expect(await send(sqsEvent(chunks))).toEqual({ batchItemFailures: [] });

    const digests = (await mailTo('digest.reader@example.com')).filter((m) => !/confirm|welcome/i.test(m.subject));
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    // The subject is the lead story alone: the From name already says which digest it is.
    expect(digest.subject).not.toContain('The Daily Digest');
    expect(digest.body.html).toContain('No miracles');
    expect(digest.body.text).toContain('Dahiyeh');
    const headers = Object.fromEntries((digest.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(headers['list-unsubscribe']).toMatch(new RegExp(`^<${baseUrl}/unsubscribe\\?token=[^>]+>$`));
    expect(headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(headers['list-id']).toBe('The Daily Digest <the-daily-digest.example.com>');

    const parsed = await ses.rawMessage(digest.messageId);
    // As the emulator writes it out: readable, not an RFC 2047 encoded word.
    expect(parsed.headerLines.find((header) => header.key === 'list-id')?.line).toBe(
      'List-ID: The Daily Digest <the-daily-digest.example.com>',
    );
    expect(parsed.html).toBeTruthy();
    expect(parsed.text).toContain('Dahiyeh');

    // The same day, a second plan finds the reader already served.
    queue.jobs = [];
    const again = await plan({ mode: 'now' });
    expect(queue.jobs.filter((j) => j.email === 'digest.reader@example.com')).toHaveLength(0);
    expect(again.skipped.alreadySentToday).toBeGreaterThanOrEqual(1);

    // One-click unsubscribe exactly as a mailbox provider sends it.
    const oneClick = await fetch(headers['list-unsubscribe']!.slice(1, -1), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await wiring.port('subscribers').get('digest.reader@example.com'))?.status).toBe('unsubscribed');
    // It counts once, as one-click, for the send and edition the digest came in.
    await fetch(headers['list-unsubscribe']!.slice(1, -1), { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    const results = await wiring.port('sendStats').sendResults(chunks[0]!.send!);
    expect(results.map((row) => [row.editionId, row.counts.unsubscribedOneClick, row.counts.unsubscribedPage])).toEqual([
      [jobs[0]!.editionId, 1, 0],
    ]);

    // The web edition is served, without anyone's personal links.
    const web = await fetch(`${baseUrl}/editions/${jobs[0]!.editionId}`);
    expect(web.status).toBe(200);
    const webHtml = await web.text();
    expect(webHtml).toContain('No miracles');
    expect(webHtml).not.toContain('__DM_');
    expect(webHtml).toContain('times in UTC');

    // The digest showed its times in the reader's zone, filled in at send time.
    expect(digest.body.html).toMatch(/times in [A-Za-z_/]+/);
    expect(digest.body.html).not.toContain('__DM_');
    expect(digest.body.text).not.toContain('__DM_');

    const archive = await (await fetch(`${baseUrl}/editions`)).text();
    expect(archive).toContain(`href="/editions/${jobs[0]!.editionId}"`);
  });

  it('reports an undecodable SQS message as a batch item failure, not a crash', async () => {
    const send = sendDigestHandler(provide(wiring, 'sqs-send-digest'));
    const event = sqsEvent([{ editionId: 'nope', email: 'x@example.com' }]);
    expect(await send(event)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }] });
  });

  it('refuses a malformed schedule event', async () => {
    await expect(planDigestHandler(provide(wiring, 'schedule-plan-digest'))({ mode: 'sometimes' })).rejects.toThrow(/schedule event/);
  });
});

describe('SES feedback through SNS', () => {
  it('suppresses a reader after a permanent bounce, so the next plan leaves them out', async () => {
    const now = new Date().toISOString();
    await wiring.port('subscribers').put(aConfirmedReader('gone@example.com'));
    const snsEvent: SNSEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:ses-events:sub',
          Sns: {
            Type: 'Notification',
            MessageId: 'b1',
            TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
            Subject: null as unknown as string,
            Message: JSON.stringify(permanentBounce),
            Timestamp: now,
            SignatureVersion: '1',
            Signature: 'x',
            SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
            UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/unsubscribe',
            MessageAttributes: {},
          },
        },
      ],
    };
    await sesEventsHandler(provide(wiring, 'sns-ses-events'))(snsEvent);
    expect((await wiring.port('subscribers').get('gone@example.com'))?.status).toBe('bounced');

    queue.jobs = [];
    await planDigestHandler(provide(wiring, 'schedule-plan-digest'))({ mode: 'now' });
    expect(queue.jobs.map((j) => j.email)).not.toContain('gone@example.com');
  });
});

describe('web edition and archive', () => {
  const id = '20300102T070000-20300101T070000';
  const story = {
    articleId: 'a1',
    title: 'Hostile <script>alert(1)</script> {{subject}}',
    url: 'javascript:alert(1)',
    source: 'Src " onclick="x',
    ingestedAt: '2030-01-02T06:00:00.000Z',
    topics: [],
    summary: [`Forged __DM_0000000000000000_UNSUBSCRIBE__ link.`],
    alsoIn: [{ source: 'Other <b>', title: 't', url: 'data:text/html,x' }],
  };

  beforeAll(async () => {
    await wiring.port('editions').createIfAbsent({
      id,
      since: '2030-01-01T07:00:00.000Z',
      cutoff: '2030-01-02T07:00:00.000Z',
      createdAt: '2030-01-02T07:00:00.000Z',
      subject: 'The Daily Digest: <i>Hostile</i>',
      preheader: 'p',
      stories: [story],
      moreStories: [{ ...story, articleId: 'a2', title: 'The story past the email limit', url: 'https://news.example/more' }],
      html: '<p>stored email html</p>',
      text: 'stored text',
      placeholderNonce: '0000000000000000',
      status: 'sending',
      recipients: 1,
    });
  });

  it('renders the edition from its stories, including those past the email limit, with every value escaped', async () => {
    const response = await fetch(`${baseUrl}/editions/${id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('The story past the email limit');
    expect(page).toContain('href="https://news.example/more"');
    expect(page).toContain('Hostile &lt;script&gt;alert(1)&lt;/script&gt; {{subject}}');
    expect(page).not.toMatch(/<script|javascript:|data:text|<b>|<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(page).not.toContain('stored email html');
    expect(page).toMatch(/<a href="[^"]*\/editions"[^>]*>All editions<\/a>/);
    expect(page).not.toMatch(/Unsubscribe|token=/);
  });

  it('lists recent editions newest first in the archive', async () => {
    const page = await (await fetch(`${baseUrl}/editions`)).text();
    expect(page).toContain(`href="/editions/${id}"`);
    expect(page).toContain('The Daily Digest: &lt;i&gt;Hostile&lt;/i&gt;');
    expect(page).toContain('2 stories');
    const ids = [...page.matchAll(/href="\/editions\/([0-9T-]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it('answers 400 for a malformed edition id and 404 for an unknown one, as pages', async () => {
    const malformed = await fetch(`${baseUrl}/editions/..%2F..%2Fetc`);
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${baseUrl}/editions/not-an-id`)).status).toBe(400);
    const unknown = await fetch(`${baseUrl}/editions/20200101T000000-20191231T000000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('There is no edition with that date.');
  });
});

describe('pages', () => {
  it('serves the subscribe page, health and a 404 for unknown editions', async () => {
    const home = await fetch(`${baseUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/<form[^>]+action="\/subscriptions"/);
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/editions/20200101T000000-20191231T000000`)).status).toBe(404);
  });

  it('answers unknown paths with a JSON 404 and a wrong method with a JSON 405', async () => {
    const missing = await fetch(`${baseUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const wrongMethod = await fetch(`${baseUrl}/articles`);
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('shows an unsubscribe page with a button for a GET, without unsubscribing', async () => {
    await wiring.port('subscribers').put(aConfirmedReader('stay@example.com'));
    const token = signToken({ secret: SECRET, purpose: 'unsubscribe', email: 'stay@example.com', now: new Date() });
    const page = await fetch(`${baseUrl}/unsubscribe?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<button/);
    expect((await wiring.port('subscribers').get('stay@example.com'))?.status).toBe('confirmed');
  });

  it("shows and saves the reader's send hour and zone on the preferences page", async () => {
    await wiring.port('subscribers').put(aConfirmedReader('prefs@example.com'));
    const url = `${baseUrl}/preferences?token=${signToken({ secret: SECRET, purpose: 'preferences', email: 'prefs@example.com', now: new Date() })}`;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('prefs@example.com');

    const save = (body: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    expect((await save({ sendHour: '9', timezone: 'America/New_York' })).status).toBe(200);
    expect(await wiring.port('subscribers').get('prefs@example.com')).toMatchObject({
      sendHour: 9,
      timezone: 'America/New_York',
      status: 'confirmed',
    });

    const bad = await save({ sendHour: '24' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/0 to 23/);
    expect((await wiring.port('subscribers').get('prefs@example.com'))?.sendHour).toBe(9);

    const forged = await fetch(
      `${baseUrl}/preferences?token=${signToken({ secret: SECRET, purpose: 'unsubscribe', email: 'prefs@example.com', now: new Date() })}`,
    );
    expect(forged.status).toBe(400);
  });
});

describe('subscribe abuse limits over HTTP', () => {
  it('answers a filled honeypot with the usual 202 and stores nothing', async () => {
    const response = await subscribe({ email: 'bot.victim@example.com', website: 'https://spam.example' });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'pending' });
    expect(await wiring.port('subscribers').get('bot.victim@example.com')).toBeUndefined();
    expect(await mailTo('bot.victim@example.com')).toHaveLength(0);
  });

  it('answers 429 once one source IP has used up its hour, naming no address', async () => {
    const handler = subscriptionsHandler(provide(wiring, 'api-subscriptions'));
    const event = (i: number) =>
      ({
        version: '2.0',
        routeKey: 'POST /subscriptions',
        rawPath: '/subscriptions',
        rawQueryString: '',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `flood${i}@example.com`, website: '' }),
        isBase64Encoded: false,
        requestContext: {
          http: { method: 'POST', sourceIp: '198.51.100.23', path: '/subscriptions', protocol: 'HTTP/1.1', userAgent: 'test' },
        },
      }) as unknown as Parameters<typeof handler>[0];
    const statuses = await Promise.all(Array.from({ length: 31 }, (_, i) => handler(event(i)).then((r) => r.statusCode)));
    expect(statuses.filter((s) => s === 202)).toHaveLength(30);
    const refused = await handler(event(99));
    expect(refused.statusCode).toBe(429);
    expect(refused.body).not.toContain('flood99');
  });
});
