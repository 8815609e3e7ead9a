/**
 * Paces a Mailer to this sender's share of the SES account rate and retries throttled sends.
 *
 * Why not a library: the rate comes from GetAccount and may change while the container lives,
 * retries must take a token like first attempts (else a throttled burst is retried as a burst),
 * and tests run it on a fake clock. p-throttle fixes its limit at creation and runs on real
 * timers; p-retry's `randomize` multiplies by 1-2 rather than drawing full jitter; the SDK's
 * retry strategy retries inside the client, past the bucket. So the bucket and the jitter are
 * two small pure functions in core (token-bucket.ts, send-rate.ts) and this class wires them.
 */
import {
  type BulkMailer,
  type BulkMessage,
  type BulkRecipientResult,
  CHUNK_SIZE,
  dailySendsLeft,
  fullJitterDelayMs,
  perSenderRate,
  type SendFleet,
  type SendQuota,
  type SendReservation,
  TokenBucket,
} from '../../core/delivery/index.ts';
import { DailyQuotaExhaustedError, type Mailer, MailerThrottledError, type OutgoingEmail } from '../../core/shared/index.ts';
import type { SendQuotaSource } from './ses-quota.ts';
import { MailerUnavailableError } from './ses-mailer.ts';

/** How long tokens accrued for a next bulk call stay usable once they are ready. */
export const CARRY_GRACE_MS = 1_000;

export interface PacedMailerOptions {
  fleet: SendFleet;
  /** Attempts per email, the first included, before the job goes back to the queue. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Tokens a sender may save up: 1 keeps the fleet's sum under the account rate in every second. */
  burst?: number;
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called for every throttled attempt, for metrics and the benchmark. */
  onThrottled?: () => void;
}

/** Tokens taken from one bucket ahead of a send; what the send does not use goes back. */
class HeldTokens implements SendReservation {
  constructor(
    readonly bucket: TokenBucket,
    public tokens: number,
    /** When the tokens are paid for: the send waits until then. */
    readonly readyAtMs: number,
    private readonly nowMs: () => number,
  ) {}

  release(): void {
    if (this.tokens <= 0) return;
    this.bucket.refund(this.nowMs(), this.tokens);
    this.tokens = 0;
  }
}

export class PacedMailer implements Mailer, BulkMailer {
  readonly #inner: Mailer & Partial<BulkMailer>;
  readonly #quotas: SendQuotaSource;
  readonly #options: Required<Omit<PacedMailerOptions, 'onThrottled'>> & Pick<PacedMailerOptions, 'onThrottled'>;
  #bucket: TokenBucket | undefined;
  #quota: SendQuota | undefined;
  /** Accepted by SES since #quota was read, so not yet in its sentLast24Hours. */
  #sentSinceQuota = 0;
  /** Tokens accruing for the next bulk call since the last one went out (see #carryOn). */
  #carry: HeldTokens | undefined;

  constructor(inner: Mailer & Partial<BulkMailer>, quotas: SendQuotaSource, options: PacedMailerOptions) {
    this.#inner = inner;
    this.#quotas = quotas;
    this.#options = {
      maxAttempts: 8,
      backoffBaseMs: 100,
      backoffCapMs: 5_000,
      burst: 1,
      nowMs: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      ...options,
    };
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const { maxAttempts, backoffBaseMs, backoffCapMs, nowMs, sleep, random, onThrottled } = this.#options;
    for (let attempt = 0; ; attempt += 1) {
      const bucket = await this.#bucketForCurrentQuota();
      const wait = this.#take(bucket, 1, nowMs());
      if (wait > 0) await sleep(wait);
      try {
        const result = await this.#inner.send(email);
        this.#sentSinceQuota += 1;
        return result;
      } catch (error) {
        const retryable = error instanceof MailerThrottledError || error instanceof MailerUnavailableError;
        if (!retryable || attempt + 1 >= maxAttempts) throw error;
        if (error instanceof MailerThrottledError) onThrottled?.();
        await sleep(fullJitterDelayMs(attempt, backoffBaseMs, backoffCapMs, random));
      }
    }
  }

  /**
   * Sends in calls of at most 50 destinations and at most one second of this sender's rate,
   * reserving one token per destination (SES counts each against the rate). Throttled and
   * transient entries, or whole calls, are retried through the bucket; the daily quota defers
   * what is left; an address SES refused is reported and never retried.
   */
  async reserve(count: number): Promise<SendReservation | undefined> {
    let bucket: TokenBucket;
    try {
      bucket = await this.#bucketForCurrentQuota();
    } catch (error) {
      if (error instanceof DailyQuotaExhaustedError) return undefined;
      throw error;
    }
    const tokens = Math.max(1, Math.min(count, CHUNK_SIZE, Math.floor(bucket.rate)));
    const now = this.#options.nowMs();
    return new HeldTokens(bucket, tokens, now + this.#take(bucket, tokens, now), this.#options.nowMs);
  }

  async sendBulk(message: BulkMessage, reservation?: SendReservation): Promise<BulkRecipientResult[]> {
    try {
      return await this.#sendBulk(message, reservation instanceof HeldTokens ? reservation : undefined);
    } finally {
      reservation?.release();
    }
  }

  async #sendBulk(message: BulkMessage, held: HeldTokens | undefined): Promise<BulkRecipientResult[]> {
    const inner = this.#inner.sendBulk?.bind(this.#inner);
    if (!inner) throw new TypeError('the inner mailer cannot send in bulk');
    const { maxAttempts, backoffBaseMs, backoffCapMs, sleep, random, onThrottled } = this.#options;
    const results = new Map<string, BulkRecipientResult>();
    let pending = message.recipients;
    let calls = 0;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const retry: typeof pending = [];
      let lastReason = '';
      for (let start = 0; start < pending.length;) {
        let bucket: TokenBucket;
        try {
          bucket = await this.#bucketForCurrentQuota();
        } catch (error) {
          if (!(error instanceof DailyQuotaExhaustedError)) throw error;
          for (const recipient of pending.slice(start))
            results.set(recipient.to, { to: recipient.to, status: 'deferred', reason: error.message });
          break;
        }
        const left = dailySendsLeft(this.#quota!, this.#sentSinceQuota);
        const size = Math.max(1, Math.min(CHUNK_SIZE, Math.floor(bucket.rate), left));
        const slice = pending.slice(start, start + size);
        start += slice.length;
        const wait = this.#reserve(bucket, slice.length, held);
        if (wait > 0) await sleep(wait);
        // The send was paused or cancelled since the last call (or during the wait): what is left stays unsent.
        if (calls > 0 && message.keepSending && !(await message.keepSending())) {
          for (const recipient of [...slice, ...pending.slice(start), ...retry])
            results.set(recipient.to, { to: recipient.to, status: 'stopped' });
          return message.recipients.map((recipient) => results.get(recipient.to)!);
        }
        let answers: BulkRecipientResult[];
        calls += 1;
        try {
          answers = await inner({ ...message, recipients: slice });
          this.#carryOn(bucket);
        } catch (error) {
          if (!(error instanceof MailerThrottledError || error instanceof MailerUnavailableError)) throw error;
          if (error instanceof MailerThrottledError) onThrottled?.();
          lastReason = `${error.name}: ${error.message}`;
          retry.push(...slice);
          continue;
        }
        answers.forEach((answer, index) => {
          if (answer.status === 'sent') this.#sentSinceQuota += 1;
          if (answer.status === 'failed' && answer.retryable) {
            if (answer.reason.startsWith('ACCOUNT_THROTTLED')) onThrottled?.();
            lastReason = answer.reason;
            retry.push(slice[index]!);
          } else results.set(answer.to, answer);
        });
      }
      pending = retry;
      if (pending.length === 0) break;
      if (attempt + 1 >= maxAttempts) {
        for (const recipient of pending)
          results.set(recipient.to, { to: recipient.to, status: 'failed', reason: lastReason, retryable: true });
        break;
      }
      await sleep(fullJitterDelayMs(attempt, backoffBaseMs, backoffCapMs, random));
    }
    return message.recipients.map((recipient) => results.get(recipient.to)!);
  }

  /** The wait before sending to `count` recipients: held tokens first (once), the bucket for the rest. */
  #reserve(bucket: TokenBucket, count: number, held: HeldTokens | undefined): number {
    const now = this.#options.nowMs();
    if (held === undefined || held.tokens <= 0 || held.bucket !== bucket) return this.#take(bucket, count, now);
    const fromHeld = Math.min(held.tokens, count);
    held.tokens -= fromHeld;
    held.release();
    const more = count - fromHeld;
    return Math.max(held.readyAtMs - now, more > 0 ? this.#take(bucket, more, now) : 0, 0);
  }

  /**
   * After a bulk call, the tokens of the next one start accruing at once (when none are accruing
   * yet): the sender's last call of a batch is followed by its result writes, the queue's next
   * poll and the next batch's claims and reads, and without this the sender's share of the rate
   * would wait for all of that before its first token. The tokens are paid for in the bucket's
   * order, so the sender never goes faster than its rate.
   */
  #carryOn(bucket: TokenBucket): void {
    if (this.#carry !== undefined) return;
    const now = this.#options.nowMs();
    const tokens = Math.max(1, Math.min(CHUNK_SIZE, Math.floor(bucket.rate)));
    this.#carry = new HeldTokens(bucket, tokens, now + bucket.reserve(now, tokens), this.#options.nowMs);
  }

  /**
   * The wait for `count` tokens, taking those the carry holds first. A carry left ready for more
   * than CARRY_GRACE_MS is given back instead: sent that late, its tokens would add to the next
   * second's share.
   */
  #take(bucket: TokenBucket, count: number, now: number): number {
    const carry = this.#carry;
    this.#carry = undefined;
    if (carry === undefined || carry.bucket !== bucket || now - carry.readyAtMs > CARRY_GRACE_MS) {
      carry?.release();
      return bucket.reserve(now, count);
    }
    const fromCarry = Math.min(carry.tokens, count);
    carry.tokens -= fromCarry;
    carry.release();
    const more = count - fromCarry;
    return Math.max(carry.readyAtMs - now, more > 0 ? bucket.reserve(now, more) : 0, 0);
  }

  async #bucketForCurrentQuota(): Promise<TokenBucket> {
    const quota = await this.#quotas.get();
    if (quota !== this.#quota) {
      this.#quota = quota;
      this.#sentSinceQuota = 0;
    }
    if (dailySendsLeft(quota, this.#sentSinceQuota) <= 0) {
      throw new DailyQuotaExhaustedError(
        `SES daily quota reached: ${quota.sentLast24Hours + this.#sentSinceQuota} of ${quota.max24HourSend} in the last 24 hours`,
      );
    }
    const rate = perSenderRate(quota, this.#options.fleet);
    const now = this.#options.nowMs();
    if (!this.#bucket) this.#bucket = new TokenBucket(rate, this.#options.burst, now);
    else if (this.#bucket.rate !== rate) this.#bucket.setRate(rate, now);
    return this.#bucket;
  }
}
