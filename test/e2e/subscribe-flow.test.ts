/**
 * Subscribing as a reader does it: a real Chromium against the real `npm start` stack, with and
 * without JavaScript, then the digest itself rendered at phone and desktop widths.
 * Screenshots land in test/e2e/artifacts/ for a human to look at.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import {
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
const DESKTOP = { width: 800, height: 1000 };
const SCRIPTED_READER = 'browser-reader@example.com';
const SCRIPTLESS_READER = 'no-js-reader@example.com';

const isConfirmation = (email: StoredEmail): boolean => email.subject.startsWith('Confirm your subscription');
/** Not a digest: the confirmation request, or the welcome that follows confirming. */
const isTransactional = (email: StoredEmail): boolean => isConfirmation(email) || email.subject.startsWith('Welcome to ');
const confirmationFor = (to: string) => (email: StoredEmail) => email.destination.to.includes(to) && isConfirmation(email);

let stack: LocalStack;
let browser: Browser;
/** The digest the scripted reader received, for the link-following step. */
let digestHtml: string | undefined;
const contexts: BrowserContext[] = [];

async function newContext(options: Parameters<Browser['newContext']>[0]): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  contexts.push(context);
  return context;
}

beforeAll(async () => {
  // Both start at once to save time; whichever did start must still be there for afterAll to close.
  const [started, launched] = await Promise.allSettled([startLocalStack(), launchBrowser()]);
  if (started.status === 'fulfilled') stack = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  for (const outcome of [started, launched]) if (outcome.status === 'rejected') throw outcome.reason;
});

afterAll(async () => {
  await Promise.allSettled(contexts.map((context) => context.close()));
  await Promise.allSettled([browser?.close(), stack?.stop('SIGKILL')]);
  if (stack) await rm(stack.dataDir, { recursive: true, force: true });
});

describe('subscribing in a real browser', () => {
  it('fills the hidden time zone from the browser, subscribes through the form and confirms from the emailed link', async () => {
    const context = await newContext({ viewport: PHONE, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Subscribe to /);
    expect(await page.inputValue('#timezone')).toBe('Europe/Berlin');
    expect(await page.textContent('#timezone-label')).toBe('Europe/Berlin');

    await page.getByLabel('Email address').fill(SCRIPTED_READER);
    await page.getByLabel('Send my digest at').selectOption('8');
    await page.screenshot({ path: await artifactPath('subscribe-375.png'), fullPage: true });
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await page.screenshot({ path: await artifactPath('check-inbox-375.png'), fullPage: true });

    const mail = await waitForEmail(stack, confirmationFor(SCRIPTED_READER));
    await page.goto(linkIn(mail, '/confirm').href);
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();

    expect(await storedSubscriber(stack, SCRIPTED_READER)).toMatchObject({
      status: 'confirmed',
      timezone: 'Europe/Berlin',
      sendHour: 8,
    });
  });

  it('subscribes and confirms with JavaScript disabled, keeping UTC as the zone', async () => {
    const context = await newContext({ viewport: PHONE, timezoneId: 'Asia/Tokyo', javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/`);
    expect(await page.inputValue('#timezone')).toBe('UTC');

    await page.getByLabel('Email address').fill(SCRIPTLESS_READER);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

    const mail = await waitForEmail(stack, confirmationFor(SCRIPTLESS_READER));
    await page.goto(linkIn(mail, '/confirm').href);
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
    expect(await storedSubscriber(stack, SCRIPTLESS_READER)).toMatchObject({ status: 'confirmed', timezone: 'UTC' });
  });

  it('shows the form again with the problem beside the field when the address is invalid', async () => {
    const context = await newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}/`);
    // Past the browser's own type=email check, so the server's validation is what answers.
    await page.getByLabel('Email address').fill('not-an-address@');
    await page.$eval('form', (form) => form.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('alert').waitFor();
    const email = page.getByLabel('Email address');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.inputValue()).toBe('not-an-address@');
  });

  it('renders the sent digest without sideways scrolling at 375 px, and at 800 px', async () => {
    const articles = await readFile(join(repoRoot, 'examples/articles.json'), 'utf8');
    const ingest = await fetch(`${stack.apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: articles,
    });
    expect(ingest.status).toBe(200);

    const sent = await runCli(['send-now'], stack.env);
    expect(sent.stdout).toContain('sent 2, skipped 0, failed 0');
    const digest = (await inboxEmails(stack)).find((e) => e.destination.to.includes(SCRIPTED_READER) && !isTransactional(e));
    const html = digest?.body.html ?? '';
    expect(html).toContain('<html');
    digestHtml = html;

    for (const [viewport, name] of [
      [PHONE, 'digest-375.png'],
      [DESKTOP, 'digest-800.png'],
    ] as const) {
      // A mail client shows the digest offline of our site and without scripts.
      const context = await newContext({ viewport, javaScriptEnabled: false });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: await artifactPath(name), fullPage: true });
      // A string, not a function: the project's TypeScript has no DOM types.
      const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
      expect(scrollWidth).toBeLessThanOrEqual(viewport.width);
    }
  });

  it("follows the digest's view-in-browser link, then unsubscribes through its unsubscribe page", async () => {
    expect(digestHtml, 'the digest from the previous step').toBeDefined();
    const context = await newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.setContent(digestHtml!);
    const webUrl = await page.getByRole('link', { name: 'View in browser', exact: true }).getAttribute('href');
    const unsubscribeUrl = await page.getByRole('link', { name: 'Unsubscribe', exact: true }).getAttribute('href');
    expect(webUrl).toMatch(new RegExp(`^${stack.apiUrl}/editions/`));
    expect(unsubscribeUrl).toMatch(new RegExp(`^${stack.apiUrl}/unsubscribe\\?token=`));

    const web = await page.goto(webUrl!);
    expect(web?.status()).toBe(200);
    expect(await page.getByRole('heading', { name: 'Folk music and raids' }).count()).toBe(1);

    await page.goto(unsubscribeUrl!);
    // Following the link alone must not unsubscribe: mail scanners follow links too.
    expect(await storedSubscriber(stack, SCRIPTED_READER)).toMatchObject({ status: 'confirmed' });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
    expect(await storedSubscriber(stack, SCRIPTED_READER)).toMatchObject({ status: 'unsubscribed' });
  });
});
