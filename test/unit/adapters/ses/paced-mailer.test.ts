import { describe, expect, it } from 'vitest';
import { PacedMailer } from '../../../../functions/adapters/ses/paced-mailer.ts';
import { DailyQuotaExhaustedError, MailerThrottledError } from '../../../../functions/core/shared/mail.ts';
import { fullJitterDelayMs, perSenderRate, type SendQuota } from '../../../../functions/core/delivery/send-rate.ts';
import { TokenBucket } from '../../../../functions/core/delivery/token-bucket.ts';
import type { OutgoingEmail } from '../../../../functions/core/shared/mail.ts';
import { RecordingMailer } from '../../../support/fakes.ts';

const EMAIL: OutgoingEmail = { from: 'd@example.com', to: 'r@example.com', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi', headers: [] };

/** A clock the mailer's sleeps move forward, so pacing is measured in simulated time. */
function simulatedTime() {
  let nowMs = 0;
  return {
    nowMs: () => nowMs,
    sleep: async (ms: number) => {
      nowMs += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('hands out tokens at the rate once the saved-up burst is spent', () => {
    const bucket = new TokenBucket(10, 1, 0);
    const waits = Array.from({ length: 5 }, () => bucket.reserve(0));
    expect(waits).toEqual([0, 100, 200, 300, 400]);
  });

  it('takes back unused tokens, never more than the burst', () => {
    const bucket = new TokenBucket(10, 1, 0);
    bucket.reserve(0, 5);
    bucket.refund(0, 3);
    expect(bucket.reserve(0, 1)).toBe(200);
    bucket.refund(1_000, 50);
    expect(bucket.reserve(1_000, 2)).toBe(100);
  });

  it('refuses rather than queues with tryTake', () => {
    const bucket = new TokenBucket(2, 2, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(500)]).toEqual([true, true, false, true]);
  });
});

describe('send rate', () => {
  it('splits the account rate, less headroom, across the senders that can run at once', () => {
    expect(perSenderRate({ maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 0 }, { senders: 2, headroom: 0.97 })).toBeCloseTo(6.79);
  });

  it('draws full jitter below an exponential cap', () => {
    expect(fullJitterDelayMs(3, 100, 5_000, () => 0.5)).toBe(400);
    expect(fullJitterDelayMs(10, 100, 5_000, () => 0.999)).toBeLessThan(5_000);
  });
});

describe('PacedMailer', () => {
  it('keeps one sender to its share of the account rate', async () => {
    const time = simulatedTime();
    const inner = new RecordingMailer();
    const quota: SendQuota = { maxSendRate: 20, max24HourSend: -1, sentLast24Hours: 0 };
    const mailer = new PacedMailer(inner, { get: async () => quota }, { fleet: { senders: 2, headroom: 1 }, ...time });

    for (let i = 0; i < 51; i++) await mailer.send(EMAIL);

    // 10 a second for this sender: 50 intervals of 100 ms after the first token.
    expect(time.nowMs()).toBeCloseTo(5_000);
    expect(inner.sent).toHaveLength(51);
  });

  it('lets a sender hold its tokens while it prepares a bulk call, so the preparation overlaps the wait', async () => {
    const time = simulatedTime();
    const inner = new RecordingMailer();
    const quota: SendQuota = { maxSendRate: 20, max24HourSend: -1, sentLast24Hours: 0 };
    const mailer = new PacedMailer(inner, { get: async () => quota }, { fleet: { senders: 2, headroom: 1 }, ...time });
    const message = (count: number) => ({
      from: 'd@example.com',
      template: { subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' },
      defaultDataJson: '{}',
      tags: [],
      recipients: Array.from({ length: count }, (_, index) => ({ to: `r${index}@example.com`, dataJson: '{}', headers: [] })),
    });

    const held = await mailer.reserve(10);
    // 600 ms of reads while the tokens are earned: the send waits only the rest.
    await time.sleep(600);
    await mailer.sendBulk(message(10), held);
    // The bucket starts with one token: the 10 cost 900 ms from the reservation.
    expect(time.nowMs()).toBeCloseTo(900);

    // A reservation given back unused (the chunk turned out to be another sender's) delays nobody.
    const unused = await mailer.reserve(10);
    unused?.release();
    const before = time.nowMs();
    await mailer.sendBulk(message(10));
    expect(time.nowMs() - before).toBeCloseTo(1_000);
    expect(inner.sent).toHaveLength(20);
  });

  it('lets the next bulk call’s tokens accrue while the last call’s results are written, and gives back a carry left too long', async () => {
    const time = simulatedTime();
    const inner = new RecordingMailer();
    const quota: SendQuota = { maxSendRate: 20, max24HourSend: -1, sentLast24Hours: 0 };
    const mailer = new PacedMailer(inner, { get: async () => quota }, { fleet: { senders: 2, headroom: 1 }, ...time });
    const message = (count: number) => ({
      from: 'd@example.com',
      template: { subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' },
      defaultDataJson: '{}',
      tags: [],
      recipients: Array.from({ length: count }, (_, index) => ({ to: `r${index}@example.com`, dataJson: '{}', headers: [] })),
    });

    await mailer.sendBulk(message(10), await mailer.reserve(10));
    const lastCall = time.nowMs();
    // 600 ms of result writes and the next poll: the next batch's first call waits only the rest of one call's tokens.
    await time.sleep(600);
    await mailer.sendBulk(message(10), await mailer.reserve(10));
    expect(time.nowMs() - lastCall).toBeCloseTo(1_000);

    // Idle for long: the tokens accrued back then are given back, and the next call is paced from now.
    await time.sleep(5_000);
    const before = time.nowMs();
    await mailer.sendBulk(message(10), await mailer.reserve(10));
    expect(time.nowMs() - before).toBeCloseTo(900);
    expect(inner.sent).toHaveLength(30);
  });

  it('stops a bulk message between its calls once keepSending says the send stopped, leaving the rest unsent', async () => {
    const time = simulatedTime();
    const inner = new RecordingMailer();
    const quota: SendQuota = { maxSendRate: 10, max24HourSend: -1, sentLast24Hours: 0 };
    const mailer = new PacedMailer(inner, { get: async () => quota }, { fleet: { senders: 1, headroom: 1 }, ...time });
    let asked = 0;
    const results = await mailer.sendBulk({
      from: 'd@example.com',
      template: { subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' },
      defaultDataJson: '{}',
      tags: [],
      recipients: Array.from({ length: 35 }, (_, index) => ({ to: `r${index}@example.com`, dataJson: '{}', headers: [] })),
      // The send is paused after the second call of ten.
      keepSending: async () => (asked += 1) < 2,
    });
    expect(inner.sent).toHaveLength(20);
    expect(results.filter((result) => result.status === 'sent')).toHaveLength(20);
    expect(results.slice(20).map((result) => result.status)).toEqual(Array.from({ length: 15 }, () => 'stopped'));
    expect(asked).toBe(2);
  });

  it('retries a throttled send after a jittered wait, through the bucket', async () => {
    const time = simulatedTime();
    const inner = new RecordingMailer();
    inner.failNext(2, new MailerThrottledError('throttled'));
    let throttled = 0;
    const quota: SendQuota = { maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 0 };
    const mailer = new PacedMailer(
      inner,
      { get: async () => quota },
      {
        fleet: { senders: 1, headroom: 1 },
        random: () => 1,
        onThrottled: () => {
          throttled += 1;
        },
        ...time,
      },
    );

    await mailer.send(EMAIL);

    expect({ attempts: inner.attempts, sent: inner.sent.length, throttled }).toEqual({ attempts: 3, sent: 1, throttled: 2 });
  });

  it('gives up after maxAttempts so the job goes back to the queue', async () => {
    const inner = new RecordingMailer();
    inner.failNext(10, new MailerThrottledError('throttled'));
    const quota: SendQuota = { maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 0 };
    const mailer = new PacedMailer(
      inner,
      { get: async () => quota },
      { fleet: { senders: 1, headroom: 1 }, maxAttempts: 3, ...simulatedTime() },
    );

    await expect(mailer.send(EMAIL)).rejects.toBeInstanceOf(MailerThrottledError);
    expect(inner.attempts).toBe(3);
  });

  it('stops at the daily quota, counting its own sends since the quota was read', async () => {
    const inner = new RecordingMailer();
    const quota: SendQuota = { maxSendRate: 14, max24HourSend: 100, sentLast24Hours: 98 };
    const mailer = new PacedMailer(inner, { get: async () => quota }, { fleet: { senders: 1, headroom: 1 }, ...simulatedTime() });

    await mailer.send(EMAIL);
    await mailer.send(EMAIL);
    await expect(mailer.send(EMAIL)).rejects.toBeInstanceOf(DailyQuotaExhaustedError);
    expect(inner.sent).toHaveLength(2);
  });
});
