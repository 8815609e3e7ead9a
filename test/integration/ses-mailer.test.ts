import { MessageRejected, TooManyRequestsException, type SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MailerThrottledError, type OutgoingEmail } from '../../functions/core/shared/mail.ts';
import { InvalidEmailHeaderError, SesMailer, createSesClient } from '../../functions/adapters/ses/ses-mailer.ts';
import { editionHeaders } from '../../functions/core/edition/edition.ts';
import { startSesEmulator, type SesEmulator } from '../support/ses.ts';

const UNSUBSCRIBE_URL = 'https://digest.example.com/unsubscribe?token=abc.def';

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: 'The Daily Digest <digest@example.com>',
    to: 'reader@example.org',
    subject: 'Today’s digest: café talks — and more',
    html: '<p>Hello <strong>reader</strong></p>',
    text: 'Hello reader',
    headers: [
      { name: 'List-Unsubscribe', value: `<${UNSUBSCRIBE_URL}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    ...overrides,
  };
}

let ses: SesEmulator;
let client: SESv2Client;
let mailer: SesMailer;

beforeAll(async () => {
  ses = await startSesEmulator();
  client = createSesClient({ region: 'us-east-1', endpoint: ses.endpoint });
  mailer = new SesMailer(client, { configurationSetName: 'digest-events' });
});

afterAll(async () => {
  client.destroy();
  await ses.stop();
});

beforeEach(async () => {
  await ses.clear();
});

describe('SesMailer against aws-ses-v2-local', () => {
  it('sends subject, html and text and returns the id SES assigned', async () => {
    const { messageId } = await mailer.send(email());

    const stored = await ses.emails();
    expect(stored).toHaveLength(1);
    const [sent] = stored;
    expect(sent?.messageId).toBe(messageId);
    expect(sent?.from).toBe('The Daily Digest <digest@example.com>');
    expect(sent?.destination.to).toEqual(['reader@example.org']);
    expect(sent?.subject).toBe('Today’s digest: café talks — and more');
    expect(sent?.body.html).toBe('<p>Hello <strong>reader</strong></p>');
    expect(sent?.body.text).toBe('Hello reader');
  });

  it('keeps the List-Unsubscribe and List-Unsubscribe-Post headers', async () => {
    const { messageId } = await mailer.send(email());

    const [sent] = await ses.emails();
    expect(sent?.headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${UNSUBSCRIBE_URL}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);

    const parsed = await ses.rawMessage(messageId);
    const lines = parsed.headerLines.map((header) => header.line);
    expect(lines).toContain(`List-Unsubscribe: <${UNSUBSCRIBE_URL}>`);
    expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(parsed.subject).toBe('Today’s digest: café talks — and more');
    expect(parsed.text?.trim()).toBe('Hello reader');
    expect(parsed.html).toContain('<strong>reader</strong>');
  });
});

describe('List-Id as the emulator delivers it', () => {
  const send = async (digestName: string) => {
    const headers = editionHeaders({ digestName, mailFrom: `${digestName} <digest@example.com>`, replyTo: undefined });
    return ses.rawMessage((await mailer.send(email({ headers }))).messageId);
  };

  it.each([
    ['The Daily Digest', 'List-ID: The Daily Digest <the-daily-digest.example.com>'],
    ["Bob's Briefing", "List-ID: Bob's Briefing <bob-s-briefing.example.com>"],
    ['Morning+Evening News', 'List-ID: Morning+Evening News <morning-evening-news.example.com>'],
  ])('arrives as plain text, not an encoded word, for a digest called %s', async (digestName, line) => {
    const parsed = await send(digestName);
    expect(parsed.headerLines.find((header) => header.key === 'list-id')?.line).toBe(line);
  });

  it('quotes a name with a special in it, and hands SES exactly that', async () => {
    await send('News, Daily');
    const [stored] = await ses.emails();
    // Only nodemailer's MIME writer in the emulator turns a quoted value into an encoded word; SES sends what it got.
    expect(stored?.headers).toContainEqual({ name: 'List-Id', value: '"News, Daily" <news-daily.example.com>' });
  });
});

describe('SesMailer refuses header injection before calling SES', () => {
  const attempts: [string, Partial<OutgoingEmail>][] = [
    ['a CRLF in the subject', { subject: 'Hello\r\nBcc: victim@example.net' }],
    ['a bare LF in the subject', { subject: 'Hello\nBcc: victim@example.net' }],
    ['a line break in the recipient', { to: 'reader@example.org\r\nBcc: victim@example.net' }],
    ['a line break in the sender', { from: 'digest@example.com\rX-Evil: 1' }],
    ['a line break in a header value', { headers: [{ name: 'List-Unsubscribe', value: '<https://x.example>\r\nBcc: v@example.net' }] }],
    ['a colon in a header name', { headers: [{ name: 'X-Evil: 1\r\nBcc', value: 'v@example.net' }] }],
    ['a space in a header name', { headers: [{ name: 'X Evil', value: '1' }] }],
    ['an empty header name', { headers: [{ name: '', value: '1' }] }],
  ];

  it.each(attempts)('refuses %s and sends nothing', async (_label, overrides) => {
    await expect(mailer.send(email(overrides))).rejects.toBeInstanceOf(InvalidEmailHeaderError);
    expect(await ses.emails()).toEqual([]);
  });
});

describe('SesMailer error mapping', () => {
  function failingClient(error: unknown): SESv2Client {
    return { send: () => Promise.reject(error) } as unknown as SESv2Client;
  }

  it('turns SES throttling into a retryable MailerThrottledError with the cause kept', async () => {
    const throttled = new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } });
    const error = await new SesMailer(failingClient(throttled)).send(email()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MailerThrottledError);
    expect((error as Error).name).toBe('MailerThrottledError');
    expect((error as Error).cause).toBe(throttled);
  });

  it('treats any HTTP 429 as throttling', async () => {
    const tooFast = Object.assign(new Error('Maximum sending rate exceeded'), {
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
    await expect(new SesMailer(failingClient(tooFast)).send(email())).rejects.toBeInstanceOf(MailerThrottledError);
  });

  it('passes a rejected message through unchanged, since retrying cannot help', async () => {
    const rejected = new MessageRejected({ message: 'Email address is not verified', $metadata: { httpStatusCode: 400 } });
    await expect(new SesMailer(failingClient(rejected)).send(email())).rejects.toBe(rejected);
  });
});
