/**
 * A reader's whole journey in a real Chromium against the real local stack: subscribe, confirm
 * from the emulated inbox, change preferences, one-click unsubscribe, subscribe again, sign out
 * of old links, download and delete their data. Every page is checked with axe-core (injected
 * from the npm package, no network) and photographed at 375 px into test/e2e/artifacts/.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import {
  headerOf,
  inboxEmails,
  linkIn,
  repoRoot,
  runCli,
  startLocalStack,
  storedSubscriber,
  waitForEmail,
  type LocalStack,
  type StoredEmail,
} from '../support/local-stack.ts';

const PHONE = { width: 375, height: 812 };
const READER = 'journey-reader@example.com';
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

let stack: LocalStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Per page: how many rules axe ran and what it found, for the summary printed at the end. */
const audits: { page: string; violations: AxeViolation[]; passes: number }[] = [];

const confirmationsTo = (to: string) => (email: StoredEmail) =>
  email.destination.to.includes(to) && email.subject.startsWith('Confirm your subscription');

async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  // bypassCSP only so axe can be injected; the pages' own CSP is covered by subscribe-flow.test.ts.
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB', bypassCSP: true, ...options });
  contexts.push(context);
  // A step that cannot find its element fails naming it, well inside the test's own timeout.
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

/** Runs axe on the page as it is, records the result, photographs it, and returns the blocking violations. */
async function audit(page: Page, name: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate<{ violations: AxeViolation[]; passes: unknown[] }>(
    'axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })',
  );
  audits.push({ page: name, violations: result.violations, passes: result.passes.length });
  await page.screenshot({ path: await artifactPath(`page-${name}-375.png`), fullPage: true });
  return result.violations.filter((violation) => BLOCKING_IMPACTS.has(violation.impact ?? ''));
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  const blocking = await audit(page, name);
  expect(blocking.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`)).toEqual([]);
}

/** The manage link the last sign-out of old links left the reader on. */
let currentManageUrl = '';

async function subscribeThroughForm(page: Page, email: string): Promise<void> {
  await page.goto(`${stack.apiUrl}/`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
}

/** Opens the newest confirmation link for `email` and presses its button. */
async function confirmFromInbox(page: Page, email: string, seen: number, auditAs?: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let mails = (await inboxEmails(stack)).filter(confirmationsTo(email));
  while (mails.length <= seen && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    mails = (await inboxEmails(stack)).filter(confirmationsTo(email));
  }
  const mail = mails.at(-1);
  expect(mails.length, 'a new confirmation email').toBeGreaterThan(seen);
  await page.goto(linkIn(mail!, '/confirm').href);
  // Following the link alone subscribes nobody: mail scanners follow links too.
  expect((await storedSubscriber(stack, email))?.status).toBe('pending');
  if (auditAs) await expectAccessible(page, auditAs);
  await page.getByRole('button', { name: 'Confirm my subscription' }).click();
  await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
}

beforeAll(async () => {
  const [started, launched] = await Promise.allSettled([startLocalStack(), launchBrowser()]);
  if (started.status === 'fulfilled') stack = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  for (const outcome of [started, launched]) if (outcome.status === 'rejected') throw outcome.reason;
  const articles = JSON.parse(await readFile(join(repoRoot, 'examples/articles.json'), 'utf8')) as { articles: Record<string, unknown>[] };
  // The example batch with topics, so the preference centre has some to offer.
  const withTopics = articles.articles.map((article, i) => ({
    ...article,
    topics: [['world', 'politics'], ['science'], ['culture'], ['world']][i % 4],
  }));
  const ingest = await fetch(`${stack.apiUrl}/articles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
    body: JSON.stringify({ articles: withTopics }),
  });
  expect(ingest.status).toBe(200);
});

afterAll(async () => {
  for (const { page, violations, passes } of audits) {
    const found = violations.map((v) => `${v.id}(${v.impact})`).join(', ') || 'none';
    console.log(`axe ${page}: ${passes} rules passed; violations: ${found}`);
  }
  await Promise.allSettled(contexts.map((context) => context.close()));
  await Promise.allSettled([browser?.close(), stack?.stop('SIGKILL')]);
  if (stack) await rm(stack.dataDir, { recursive: true, force: true });
});

describe("a reader's journey through the preference centre", () => {
  /** The digest's links, kept for the later steps. */
  let digest: StoredEmail;

  it('subscribes and confirms through accessible pages, then gets a digest with manage links', { timeout: 90_000 }, async () => {
    // No zone emulation here: this Chromium build (single process) applies a context's zone to
    // every context, and the next step needs the device's zone to differ from the stored one.
    const page = await newPage();
    await page.goto(`${stack.apiUrl}/`);
    const deviceZone = await page.inputValue('#timezone');
    expect(deviceZone).not.toBe('Asia/Tokyo');
    await expectAccessible(page, 'subscribe');
    await page.getByLabel('Email address').fill(READER);
    await page.getByLabel('Send my digest at').selectOption('8');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await expectAccessible(page, 'check-inbox');

    await confirmFromInbox(page, READER, 0, 'confirm');
    await expectAccessible(page, 'confirmed');
    expect(await storedSubscriber(stack, READER)).toMatchObject({ status: 'confirmed', timezone: deviceZone, sendHour: 8 });

    const sent = await runCli(['send-now'], stack.env);
    expect(sent.stdout).toContain('sent 1, skipped 0, failed 0');
    digest = await waitForEmail(stack, (e) => e.destination.to.includes(READER) && !e.subject.startsWith('Confirm'));
    expect(headerOf(digest, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it("changes hour, zone (offered from the browser), frequency, topics and pause from the digest's link", { timeout: 60_000 }, async () => {
    // The reader travels: the device is now in Tokyo, and the page offers that zone.
    const page = await newPage({ timezoneId: 'Asia/Tokyo' });
    await page.goto(linkIn(digest, '/preferences').href);
    await page.getByRole('heading', { name: 'Your preferences' }).waitFor();
    await expectAccessible(page, 'preferences');
    await page.getByRole('button', { name: 'Use this zone' }).click();
    expect(await page.inputValue('#timezone')).toBe('Asia/Tokyo');

    await page.getByLabel('Send my digest at').selectOption('6');
    await page.getByLabel('Once a week').check();
    await page.getByLabel('Weekly on').selectOption({ label: 'Friday' });
    await page.getByLabel('science').check();
    await page.getByLabel('Pause the digest').selectOption('7');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Saved. The change applies from the next digest.').waitFor();
    await expectAccessible(page, 'preferences-saved');

    const stored = await storedSubscriber(stack, READER);
    expect(stored).toMatchObject({
      status: 'confirmed',
      timezone: 'Asia/Tokyo',
      sendHour: 6,
      frequency: 'weekly',
      weeklyDay: 5,
      topics: ['science'],
    });
    expect(stored?.pausedUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByLabel('science').isChecked()).toBe(true);
  });

  it('shows a value the server refuses beside a summary on the page, and keeps the stored preferences', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    expect((await storedSubscriber(stack, READER))?.sendHour, 'saved by the previous step').toBe(6);
    await page.goto(linkIn(digest, '/preferences').href);
    // A tampered form: the server, not the browser, must catch it.
    await page.$eval('#sendHour option', (option) => option.setAttribute('value', '99'));
    await page.getByLabel('Send my digest at').selectOption('99');
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    expect((await response).status()).toBe(400);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Send hour: must be 0 to 23');
    expect((await storedSubscriber(stack, READER))?.sendHour).toBe(6);
  });

  it('answers a forged link with a friendly 4xx page', async () => {
    const page = await newPage();
    const forged = linkIn(digest, '/preferences');
    forged.searchParams.set('token', `${forged.searchParams.get('token')!.slice(0, -4)}AAAA`);
    const response = await page.goto(forged.href);
    expect(response?.status()).toBe(400);
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await expectAccessible(page, 'error');
  });

  it('unsubscribes with the RFC 8058 one-click POST, then shows the unsubscribe pages', async () => {
    const unsubscribeUrl = /<([^>]+)>/.exec(headerOf(digest, 'List-Unsubscribe') ?? '')?.[1];
    expect(unsubscribeUrl).toMatch(new RegExp(`^${stack.apiUrl}/unsubscribe\\?token=`));
    // What Gmail and Yahoo send: a POST with this exact body, no cookies, no page.
    const oneClick = await fetch(unsubscribeUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await storedSubscriber(stack, READER))?.status).toBe('unsubscribed');

    const page = await newPage();
    await page.goto(unsubscribeUrl!);
    await expectAccessible(page, 'unsubscribe');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    await expectAccessible(page, 'unsubscribed');
  });

  it('subscribes again with a fresh double opt-in, then signs out of old links', async () => {
    const page = await newPage();
    await subscribeThroughForm(page, READER);
    await confirmFromInbox(page, READER, 1);
    expect((await storedSubscriber(stack, READER))?.status).toBe('confirmed');

    await page.getByRole('link', { name: 'Choose your topics, frequency and time zone' }).click();
    await page.getByRole('button', { name: 'Sign me out of old links' }).click();
    await page.getByText('older links to this page no longer work').waitFor();
    expect((await storedSubscriber(stack, READER))?.tokenVersion).toBe(1);
    currentManageUrl = page.url();

    const old = await newPage();
    const response = await old.goto(linkIn(digest, '/preferences').href);
    expect(response?.status()).toBe(410);
    await old.getByRole('heading', { name: 'This link does not work' }).waitFor();
  });

  it('downloads everything stored about the reader as JSON, then deletes it behind a tick box', async () => {
    const page = await newPage();
    // A used confirmation link gives no manage link (and none at all after signing out of old
    // links): the reader uses the page the sign-out left them on.
    const confirmations = (await inboxEmails(stack)).filter(confirmationsTo(READER));
    const used = await page.goto(linkIn(confirmations.at(-1)!, '/confirm').href);
    expect(used?.status()).toBe(410);
    await page.goto(currentManageUrl);

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my data' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('my-digest-data.json');
    const data = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      subscriber: { email: string; status: string };
      deliveries: { email: string; status: string }[];
    };
    expect(data.subscriber).toMatchObject({ email: READER, status: 'confirmed' });
    expect(data.deliveries).toEqual([expect.objectContaining({ email: READER, status: 'sent' })]);

    await page.getByRole('button', { name: 'Delete my data' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('tick the box');
    expect(await storedSubscriber(stack, READER)).toBeDefined();

    await page.getByLabel('Yes, delete my subscription and history for good').check();
    await page.getByRole('button', { name: 'Delete my data' }).click();
    await page.getByRole('heading', { name: 'Your data is deleted' }).waitFor();
    await expectAccessible(page, 'data-erased');
    expect(await storedSubscriber(stack, READER)).toBeUndefined();
  });

  it('lets an erased reader subscribe again through double opt-in', async () => {
    const page = await newPage();
    await subscribeThroughForm(page, READER);
    const seen = (await inboxEmails(stack)).filter(confirmationsTo(READER)).length - 1;
    await confirmFromInbox(page, READER, seen);
    expect((await storedSubscriber(stack, READER))?.status).toBe('confirmed');
  });
});

describe('operator commands against the running stack', () => {
  it('lists and revokes ingest keys, after which the key gets 401', { timeout: 120_000 }, async () => {
    const created = await runCli(['keys', 'create', '--name', 'to-revoke'], stack.env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const id = /\(id ([0-9a-f]{12})\)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();
    expect((await runCli(['keys', 'list'], stack.env)).stdout).toMatch(new RegExp(`^${id}\\tto-revoke\\t\\S+\\tactive\\tingest$`, 'm'));

    const revoked = await runCli(['keys', 'revoke', id!], stack.env);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${id} (to-revoke)\n` });
    expect((await runCli(['keys', 'list'], stack.env)).stdout).toMatch(new RegExp(`^${id}\\tto-revoke\\t\\S+\\trevoked\\tingest$`, 'm'));
    const refused = await fetch(`${stack.apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ articles: [] }),
    });
    expect(refused.status).toBe(401);
  });

  it('imports a CSV with --confirmed, exports it and deletes one reader', { timeout: 120_000 }, async () => {
    const file = join(stack.dataDir, 'readers.csv');
    await writeFile(file, '\uFEFFemail,timezone,sendHour,topics\nimported@example.com,Europe/Paris,6,"science,world"\nbroken@,UTC,7,\n');
    const checked = await runCli(['subscribers', 'import', file], stack.env);
    expect(checked).toMatchObject({ code: 1 });
    expect(checked.stdout).toContain('checked 2 rows: 1 valid, 1 rejected. Nothing was written.');
    expect(await storedSubscriber(stack, 'imported@example.com')).toBeUndefined();

    const imported = await runCli(['subscribers', 'import', file, '--confirmed'], stack.env);
    expect(imported.stdout).toContain('imported 1, already on the list 0, erased on request 0, rejected 1 (of 2 rows)');
    expect(imported.stderr).toContain('line 3: rejected: email must be a valid email address');
    expect(await storedSubscriber(stack, 'imported@example.com')).toMatchObject({ status: 'confirmed', topics: ['science', 'world'] });

    const exported = await runCli(['subscribers', 'export'], stack.env);
    expect(exported.stdout).toMatch(/^imported@example.com,confirmed,Europe\/Paris,6,"science,world",daily,/m);

    const deleted = await runCli(['subscribers', 'delete', 'imported@example.com'], stack.env);
    expect(deleted.stdout).toContain('deleted the reader, 0 delivery rows');
    expect(await storedSubscriber(stack, 'imported@example.com')).toBeUndefined();
    const again = await runCli(['subscribers', 'import', file, '--confirmed'], stack.env);
    expect(again.stdout).toContain('imported 0, already on the list 0, erased on request 1');
  });
});
