/**
 * A reader's tour of the real `npm start` stack (subscribe, the confirmation email, the confirm
 * page, the welcome email, a digest by `digest send-now`, the preferences and unsubscribe
 * pages), collecting every link token in every email (text, HTML and headers) and every page:
 * none may show the reader's address, in any case, in punycode or Unicode, as text or in what
 * its characters decode to. Each token found is also opened with the stack's own secret, so the
 * search is known to look at real tokens.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTokenClaims, type TokenPurpose } from '../../functions/core/shared/tokens.ts';
import { inboxEmails, linkIn, runCli, startLocalStack, type LocalStack, type StoredEmail } from '../support/local-stack.ts';
import { addressSpellings, spellingsInToken } from '../support/link-tokens.ts';

/** Mixed case and an IDN domain: the product stores the domain in punycode. */
const TYPED_ADDRESS = 'Opaque.Tour@bücher.example';
const STORED_DOMAIN = 'xn--bcher-kva.example';
const PURPOSES: TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences'];

interface FoundToken {
  token: string;
  where: string;
}

let stack: LocalStack;
let secret: string;
const found: FoundToken[] = [];

/** Every token in a text: in `?token=` / `&token=` query values and in hidden form fields. */
function tokensIn(text: string, where: string): FoundToken[] {
  const values = [...text.matchAll(/[?&](?:amp;)?token=([A-Za-z0-9_.%-]+)/g), ...text.matchAll(/name="token"\s+value="([^"]+)"/g)].map(
    (match) => decodeURIComponent(match[1]!),
  );
  return values.map((token) => ({ token, where }));
}

function collectFromEmail(email: StoredEmail): void {
  const where = `email "${email.subject}"`;
  found.push(...tokensIn(email.body.text ?? '', `${where} text`), ...tokensIn(email.body.html ?? '', `${where} html`));
  for (const header of email.headers ?? []) found.push(...tokensIn(header.value, `${where} header ${header.name}`));
}

async function collectFromPage(url: URL | string, init?: RequestInit): Promise<string> {
  const response = await fetch(url, init);
  expect(response.status, `${init?.method ?? 'GET'} ${url}`).toBe(200);
  const html = await response.text();
  found.push(...tokensIn(html, `page ${init?.method ?? 'GET'} ${new URL(url).pathname}`));
  return html;
}

const mailsToReader = async (): Promise<StoredEmail[]> =>
  (await inboxEmails(stack)).filter((email) => email.destination.to.some((to) => to.toLowerCase().endsWith(`@${STORED_DOMAIN}`)));

async function waitForMails(count: number): Promise<StoredEmail[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const mails = await mailsToReader();
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`expected ${count} emails to the reader, found ${mails.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  stack = await startLocalStack();
  secret = (await readFile(join(stack.dataDir, 'token-secret'), 'utf8')).trim();
});

afterAll(async () => {
  await stack?.stop('SIGKILL');
  if (stack) await rm(stack.dataDir, { recursive: true, force: true });
});

describe("link tokens on a reader's tour of the local stack", () => {
  it("no token in any email or page shows the reader's address", async () => {
    expect((await runCli(['ingest', 'examples/articles.json'], stack.env)).code).toBe(0);
    const subscribed = await fetch(`${stack.apiUrl}/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: TYPED_ADDRESS, timezone: 'Europe/Berlin', sendHour: 7 }),
    });
    expect(subscribed.status).toBe(202);

    const [confirmation] = await waitForMails(1);
    collectFromEmail(confirmation!);
    const confirmUrl = linkIn(confirmation!, '/confirm');
    await collectFromPage(confirmUrl);
    await collectFromPage(confirmUrl, { method: 'POST' });

    const welcome = (await waitForMails(2))[1]!;
    collectFromEmail(welcome);

    const sent = await runCli(['send-now'], stack.env);
    expect(sent.stdout).toContain('sent 1, skipped 0, failed 0');
    const digest = (await waitForMails(3))[2]!;
    collectFromEmail(digest);
    await collectFromPage(linkIn(digest, '/preferences'));
    await collectFromPage(linkIn(digest, '/unsubscribe'));

    // The tour saw every kind of token, each a real one for this reader.
    const stored = `opaque.tour@${STORED_DOMAIN}`;
    const purposes = new Set<TokenPurpose>();
    for (const { token, where } of found) {
      const purpose = PURPOSES.find((candidate) => {
        try {
          return verifyTokenClaims(secret, token, candidate, new Date()).email.toLowerCase() === stored;
        } catch {
          return false;
        }
      });
      expect(purpose, `${where}: ${token} opens for no purpose`).toBeDefined();
      purposes.add(purpose!);
    }
    expect([...purposes].sort()).toEqual([...PURPOSES].sort());
    expect(found.length).toBeGreaterThanOrEqual(8);

    const spellings = addressSpellings(TYPED_ADDRESS, 4);
    expect(spellings).toEqual(
      expect.arrayContaining([stored, 'opaque.tour', STORED_DOMAIN, 'bücher.example', 'bücher', 'xn--bcher-kva', 'example']),
    );
    const leaks = found.flatMap(({ token, where }) =>
      spellingsInToken(token, spellings).map((spelling) => `${where}: "${spelling}" in ${token}`),
    );
    expect(leaks).toEqual([]);
  });
});
