/**
 * Mailer over Amazon SES v2 (and aws-ses-v2-local, by endpoint). Simple content keeps the
 * custom List-Unsubscribe headers on both; the emulator drops headers of raw MIME messages.
 * Digests go out with SendBulkEmail: the edition as an inline template (TemplateContent, so no
 * CreateEmailTemplate at 1 a second and nothing to clean up), its literal pieces as the default
 * TemplateData, and per destination the ReplacementTemplateData and ReplacementHeaders.
 */
import { type BulkEmailEntryResult, SendBulkEmailCommand, SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { BulkMailer, BulkMessage, BulkRecipientResult } from '../../core/delivery/index.ts';
import { type Mailer, MailerThrottledError, type OutgoingEmail } from '../../core/shared/index.ts';

/** A header, subject or address that could start a new header line: refused, never cleaned. */
export class InvalidEmailHeaderError extends Error {
  override name = 'InvalidEmailHeaderError';
}

/** SES or the network failed in a way that may pass (5xx, timeout, reset): worth another attempt. */
export class MailerUnavailableError extends Error {
  override name = 'MailerUnavailableError';
}

export interface SesMailerOptions {
  configurationSetName?: string | undefined;
}

const LINE_BREAK = /[\r\n\0]/;
/** SES: printable ASCII except the colon, at most 126 characters. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]{1,126}$/;
const THROTTLING_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

export class SesMailer implements Mailer, BulkMailer {
  readonly #client: SESv2Client;
  readonly #configurationSetName: string | undefined;

  constructor(client: SESv2Client, options: SesMailerOptions = {}) {
    this.#client = client;
    this.#configurationSetName = options.configurationSetName;
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    assertSafeHeaders(email);
    const command = new SendEmailCommand({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      ConfigurationSetName: this.#configurationSetName,
      EmailTags: email.tags?.map((tag) => ({ Name: tag.name, Value: tag.value })),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: email.html, Charset: 'UTF-8' },
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          Headers: email.headers.map((header) => ({ Name: header.name, Value: header.value })),
        },
      },
    });
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.#client.send(command));
    } catch (error) {
      if (isThrottling(error)) throw new MailerThrottledError('SES throttled the send', { cause: error });
      if (isTransient(error)) throw new MailerUnavailableError('SES was unavailable', { cause: error });
      throw error;
    }
    if (messageId === undefined) throw new Error('SES accepted the email but returned no message id');
    return { messageId };
  }

  /** One SendBulkEmail; throws MailerThrottledError or MailerUnavailableError when the call as a whole may pass later. */
  async sendBulk(message: BulkMessage): Promise<BulkRecipientResult[]> {
    assertSafeBulkHeaders(message);
    const command = new SendBulkEmailCommand({
      FromEmailAddress: message.from,
      ConfigurationSetName: this.#configurationSetName,
      DefaultEmailTags: message.tags.map((tag) => ({ Name: tag.name, Value: tag.value })),
      DefaultContent: {
        Template: {
          TemplateContent: { Subject: message.template.subject, Html: message.template.html, Text: message.template.text },
          TemplateData: message.defaultDataJson,
        },
      },
      BulkEmailEntries: message.recipients.map((recipient) => ({
        Destination: { ToAddresses: [recipient.to] },
        ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: recipient.dataJson } },
        ReplacementHeaders: recipient.headers.map((header) => ({ Name: header.name, Value: header.value })),
      })),
    });
    let entries: BulkEmailEntryResult[];
    try {
      ({ BulkEmailEntryResults: entries = [] } = await this.#client.send(command));
    } catch (error) {
      if (isThrottling(error)) throw new MailerThrottledError('SES throttled the bulk send', { cause: error });
      if (isTransient(error)) throw new MailerUnavailableError('SES was unavailable', { cause: error });
      throw error;
    }
    return message.recipients.map((recipient, index) => bulkEntryResult(recipient.to, entries[index]));
  }
}

/** Entry statuses that concern this address alone: recorded as refused, never sent again. */
const REFUSED_FOR_ADDRESS = new Set(['MESSAGE_REJECTED', 'FAILED', 'INVALID_PARAMETER']);
/** Entry statuses worth another attempt through the token bucket. */
const RETRY_ENTRY = new Set(['ACCOUNT_THROTTLED', 'TRANSIENT_FAILURE']);

export function bulkEntryResult(to: string, entry: BulkEmailEntryResult | undefined): BulkRecipientResult {
  const status = entry?.Status ?? 'TRANSIENT_FAILURE';
  const reason = `${status}${entry?.Error ? `: ${entry.Error}` : ''}`;
  if (status === 'SUCCESS' && entry?.MessageId) return { to, status: 'sent', messageId: entry.MessageId };
  if (REFUSED_FOR_ADDRESS.has(status)) return { to, status: 'rejected', reason };
  if (status === 'ACCOUNT_DAILY_QUOTA_EXCEEDED') return { to, status: 'deferred', reason };
  return { to, status: 'failed', reason, retryable: RETRY_ENTRY.has(status) || status === 'SUCCESS' };
}

function assertSafeHeaders(email: OutgoingEmail): void {
  const fields: [string, string][] = [
    ['from', email.from],
    ['to', email.to],
    ['subject', email.subject],
  ];
  for (const [field, value] of fields) {
    if (LINE_BREAK.test(value)) throw new InvalidEmailHeaderError(`${field} contains a line break`);
  }
  email.headers.forEach((header, index) => {
    if (!HEADER_NAME.test(header.name)) {
      throw new InvalidEmailHeaderError(`header ${index} has an invalid name`);
    }
    if (LINE_BREAK.test(header.value)) {
      throw new InvalidEmailHeaderError(`header ${header.name} contains a line break`);
    }
  });
}

function assertSafeBulkHeaders(message: BulkMessage): void {
  if (LINE_BREAK.test(message.from)) throw new InvalidEmailHeaderError('from contains a line break');
  for (const recipient of message.recipients) {
    if (LINE_BREAK.test(recipient.to)) throw new InvalidEmailHeaderError('to contains a line break');
    for (const header of recipient.headers) {
      if (!HEADER_NAME.test(header.name)) throw new InvalidEmailHeaderError(`header ${header.name} has an invalid name`);
      if (LINE_BREAK.test(header.value)) throw new InvalidEmailHeaderError(`header ${header.name} contains a line break`);
    }
  }
}

function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return (typeof name === 'string' && THROTTLING_NAMES.has(name)) || $metadata?.httpStatusCode === 429;
}

const NETWORK_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata, $retryable } = error as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $retryable?: unknown;
  };
  const status = $metadata?.httpStatusCode;
  return (
    $retryable !== undefined ||
    (typeof status === 'number' && status >= 500) ||
    NETWORK_ERRORS.has(String(name)) ||
    NETWORK_ERRORS.has(String(code))
  );
}

export interface SesClientOptions {
  region: string;
  /** An emulator such as aws-ses-v2-local; it checks only that some credentials are present. */
  endpoint?: string | undefined;
  /**
   * `sdk` (default): the SDK's adaptive retries, for the odd confirmation email. `caller`: one
   * attempt per call, for the digest sender, whose PacedMailer retries through its token bucket.
   */
  retries?: 'sdk' | 'caller';
}

/**
 * SES answers a burst over the account's send rate with throttling errors and no Retry-After;
 * the SDK's adaptive mode backs off and paces the client's own requests after one.
 */
const SDK_RETRY = { retryMode: 'adaptive', maxAttempts: 6 } as const;
const CALLER_RETRY = { maxAttempts: 1 } as const;

export function createSesClient(options: SesClientOptions): SESv2Client {
  const retry = options.retries === 'caller' ? CALLER_RETRY : SDK_RETRY;
  if (options.endpoint === undefined) return new SESv2Client({ region: options.region, ...retry });
  return new SESv2Client({
    region: options.region,
    endpoint: options.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...retry,
  });
}
