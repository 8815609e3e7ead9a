/**
 * Fakes for unit tests of core: a settable clock, a recording mailer, a queue, a renderer and
 * record builders. The in-memory stores live in memory-stores.ts (the benchmarks use them too)
 * and are re-exported here, so a test imports every fake from one place.
 */
import { createHash } from 'node:crypto';
import type { Settings } from '../../functions/core/shared/settings.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import type { ChunkJob, DeliveryJob } from '../../functions/core/delivery/types.ts';
import type { BulkMailer, BulkMessage, BulkRecipientResult } from '../../functions/core/delivery/ports.ts';
import { fillTemplate } from '../../functions/core/edition/placeholders.ts';
import type { Mailer, OutgoingEmail } from '../../functions/core/shared/mail.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import type { Clock } from '../../functions/core/shared/clock.ts';
import type { ConfirmView, RenderedEmail, ConfirmationRenderer, WelcomeView } from '../../functions/core/subscribers/ports.ts';
import type { DigestRenderer, DigestView } from '../../functions/core/edition/ports.ts';
import type { Queue } from '../../functions/core/planning/ports.ts';

export {
  MemoryApiKeyStore,
  MemoryArticleStore,
  MemoryDeliveryLedger,
  MemoryEditionStore,
  MemoryPersonalDataStore,
  MemoryRateLimiter,
  MemorySendStatsStore,
  MemorySourceStore,
  MemorySubscriberStore,
  MemoryTopicCatalogue,
} from './memory-stores.ts';

const copy = <T>(value: T): T => structuredClone(value);

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    publicUrl: 'https://digest.example',
    mailFrom: 'The Daily Digest <digest@digest.example>',
    tokenSecret: 'unit-test-secret-0123456789abcdef',
    digestName: 'The Daily Digest',
    maxStories: 10,
    ...overrides,
  };
}

export class FakeClock implements Clock {
  #ms: number;

  constructor(start: string | Date = '2026-11-26T07:05:00.000Z') {
    this.#ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  set(instant: string | Date): void {
    this.#ms = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}

/**
 * A mailer for both paths: `send` records the email; `sendBulk` renders each recipient's copy
 * as SES would (simple `{{name}}` substitution of replacement data over the defaults) and
 * records it with its headers, so tests read what a reader would get.
 */
export class RecordingMailer implements Mailer, BulkMailer {
  /** Emails the mailer accepted, in order. */
  readonly sent: OutgoingEmail[] = [];
  /** Every call, accepted or not. */
  attempts = 0;
  #failures: { remaining: number; error: unknown } = { remaining: 0, error: undefined };

  /** The next `times` sends throw `error` (a plain Error by default). */
  failNext(times: number, error: unknown = new Error('mailer unavailable')): void {
    this.#failures = { remaining: times, error };
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    this.attempts += 1;
    // Yield once, as a network call would, so concurrent callers interleave here.
    await Promise.resolve();
    if (this.#failures.remaining > 0) {
      this.#failures.remaining -= 1;
      throw this.#failures.error;
    }
    this.sent.push(copy(email));
    return { messageId: `fake-message-${this.sent.length}` };
  }

  /** Bulk calls made, with their tags. */
  readonly bulkCalls: { recipients: number; tags: { name: string; value: string }[] }[] = [];
  /** Per-address answers for the next bulk calls (e.g. SES refusing one address). */
  readonly entryAnswers = new Map<string, (to: string) => BulkRecipientResult>();

  async sendBulk(message: BulkMessage): Promise<BulkRecipientResult[]> {
    this.attempts += 1;
    await Promise.resolve();
    if (this.#failures.remaining > 0) {
      this.#failures.remaining -= 1;
      throw this.#failures.error;
    }
    this.bulkCalls.push({ recipients: message.recipients.length, tags: copy(message.tags) });
    const defaults = JSON.parse(message.defaultDataJson) as Record<string, string>;
    const from = message.from;
    return message.recipients.map((recipient) => {
      const answer = this.entryAnswers.get(recipient.to);
      if (answer) return answer(recipient.to);
      const data = JSON.parse(recipient.dataJson) as Record<string, string>;
      this.sent.push({
        from,
        to: recipient.to,
        subject: fillTemplate(message.template.subject, defaults, data),
        html: fillTemplate(message.template.html, defaults, data),
        text: fillTemplate(message.template.text, defaults, data),
        headers: copy(recipient.headers),
        tags: copy(message.tags),
      });
      return { to: recipient.to, status: 'sent', messageId: `fake-message-${this.sent.length}` };
    });
  }

  sentTo(address: string): OutgoingEmail[] {
    return this.sent.filter((email) => email.to === address);
  }
}

export class MemoryQueue implements Queue {
  /** Each enqueue call, as it was made. */
  readonly batches: ChunkJob[][] = [];

  async enqueue(jobs: readonly ChunkJob[]): Promise<void> {
    this.batches.push(jobs.map(copy));
  }

  get chunks(): ChunkJob[] {
    return this.batches.flat();
  }

  /** One (edition, reader) pair per recipient of every chunk enqueued. */
  get jobs(): DeliveryJob[] {
    return this.chunks.flatMap((chunk) => (chunk.emails ?? []).map((email) => ({ editionId: chunk.editionId, email })));
  }
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Deterministic stand-in for the MJML renderer: escapes every view value and puts the personal
 * link placeholders into href attributes (html) and bare lines (text), where the real one puts them.
 */
export class FakeRenderer implements DigestRenderer, ConfirmationRenderer {
  readonly digestViews: DigestView[] = [];
  readonly confirmViews: ConfirmView[] = [];
  readonly welcomeViews: WelcomeView[] = [];

  async renderDigest(view: DigestView): Promise<{ html: string; text: string }> {
    this.digestViews.push(copy(view));
    const stories = view.stories.map(
      (story) =>
        `<article><h2>${escapeHtml(story.title)}</h2><p>${escapeHtml(story.summary.join(' '))}</p>` +
        `<p>${escapeHtml(story.source)}</p></article>`,
    );
    const html = [
      `<html><head><title>${escapeHtml(view.subject)}</title></head><body>`,
      `<div class="preheader">${escapeHtml(view.preheader)}</div>`,
      `<h1>${escapeHtml(view.dateLabel)}</h1>`,
      `<p>times in ${view.localTimes?.zone ?? 'UTC'}</p>`,
      ...stories,
      `<a href="${escapeHtml(view.webUrl)}">View in browser</a>`,
      `<a href="${view.links.preferencesUrl}">Preferences</a>`,
      `<a href="${view.links.unsubscribeUrl}">Unsubscribe</a>`,
      '</body></html>',
    ].join('\n');
    const text = [
      view.dateLabel,
      '',
      ...view.stories.flatMap((story) => [story.title, story.summary.join(' '), story.source, '']),
      `View in browser: ${view.webUrl}`,
      `Preferences: ${view.links.preferencesUrl}`,
      `Unsubscribe: ${view.links.unsubscribeUrl}`,
    ].join('\n');
    return { html, text };
  }

  async renderWelcomeEmail(view: WelcomeView): Promise<RenderedEmail> {
    this.welcomeViews.push(copy(view));
    return {
      subject: 'Welcome',
      html: `<p><a href="${escapeHtml(view.preferencesUrl)}">Preferences</a> <a href="${escapeHtml(view.unsubscribeUrl)}">Unsubscribe</a></p>`,
      text: `Preferences: ${view.preferencesUrl}\nUnsubscribe: ${view.unsubscribeUrl}\n${view.publicUrl}`,
    };
  }

  async renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail> {
    this.confirmViews.push(copy(view));
    return {
      subject: 'Confirm your subscription',
      html: `<p><a href="${escapeHtml(view.confirmUrl)}">Confirm</a></p><p>${escapeHtml(view.publicUrl)}</p>`,
      text: `Confirm your subscription: ${view.confirmUrl}\n${view.publicUrl}`,
    };
  }
}

let articleCounter = 0;

/** Made-up words unique to one article, so two default articles never read as one event to the merge. */
function distinctWords(seed: string): string {
  const letters = createHash('sha256')
    .update(seed)
    .digest('hex')
    .replace(/[0-9]/g, (digit) => 'ghijklmnop'[Number(digit)]!);
  return Array.from({ length: 8 }, (_, n) => letters.slice(n * 6, n * 6 + 6)).join(' ');
}

/** A stored article with a unique id; override what the test is about. */
export function anArticle(overrides: Partial<Article> = {}): Article {
  articleCounter += 1;
  const title = overrides.title ?? `Story number ${articleCounter}`;
  return {
    id: createHash('sha256').update(`article-${articleCounter}-${title}`).digest('hex'),
    title,
    text: `${title} happened today. Officials named ${distinctWords(`a${articleCounter}`)}. More about ${distinctWords(`b${articleCounter}`)}.`,
    source: 'Example Times',
    url: `https://news.example/stories/${articleCounter}`,
    topics: ['world'],
    ingestedAt: '2026-11-26T06:00:00.000Z',
    ...overrides,
  };
}

/** A confirmed reader at 07:00 London time unless overridden. */
export function aSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    email: 'reader@example.com',
    status: 'confirmed',
    timezone: 'Europe/London',
    sendHour: 7,
    topics: [],
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    confirmedAt: '2026-11-01T10:05:00.000Z',
    ...overrides,
  };
}
