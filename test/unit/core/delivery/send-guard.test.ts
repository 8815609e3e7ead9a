import { describe, expect, it } from 'vitest';
import {
  applySendGuard,
  chunkTagValue,
  DEFAULT_GUARD_THRESHOLDS,
  guardVerdict,
  newSendStates,
  type SendGuardDeps,
} from '../../../../functions/core/delivery/index.ts';
import { FakeClock } from '../../../support/fakes.ts';
import { MemoryDeliveryLedger } from '../../../support/memory-ledger.ts';
import { MemorySendGuardStore } from '../../../support/memory-send-guard.ts';

const SEND = 'now-guard';
const CHUNK = { slotDay: { timezone: 'UTC', hour: 7, date: '2026-11-26' }, id: `${SEND}-0` };

function event(type: 'Delivery' | 'Bounce' | 'Complaint', mailAt: string, bounceType = 'Permanent'): Record<string, unknown> {
  const mail = { timestamp: mailAt, tags: { chunk: [chunkTagValue(CHUNK)] } };
  if (type === 'Delivery') return { eventType: type, mail, delivery: { recipients: ['a@example.com'] } };
  if (type === 'Bounce') return { eventType: type, mail, bounce: { bounceType, bouncedRecipients: [{ emailAddress: 'b@example.com' }] } };
  return { eventType: type, mail, complaint: { complainedRecipients: [{ emailAddress: 'c@example.com' }] } };
}

async function world(start = '2026-11-26T07:05:00.000Z') {
  const clock = new FakeClock(start);
  const deliveries = new MemoryDeliveryLedger();
  await deliveries.startSend({ send: SEND, mode: 'now', createdAt: start, state: 'running', editions: [] });
  const sendGuard = new MemorySendGuardStore();
  const deps: SendGuardDeps = { sendGuard, guardThresholds: DEFAULT_GUARD_THRESHOLDS, deliveries, clock };
  return { clock, deliveries, sendGuard, deps };
}

describe('the send guard', () => {
  it('pauses at 5% permanent bounces of at least 100 known outcomes, not before', () => {
    expect(guardVerdict({ known: 99, bounced: 50, complained: 0 }, DEFAULT_GUARD_THRESHOLDS)).toBeUndefined();
    expect(guardVerdict({ known: 100, bounced: 4, complained: 0 }, DEFAULT_GUARD_THRESHOLDS)).toBeUndefined();
    expect(guardVerdict({ known: 100, bounced: 5, complained: 0 }, DEFAULT_GUARD_THRESHOLDS)).toMatch(/permanent bounces reached 5 of 100/);
    // 0.05 x 120 is 6.000000000000001 in floating point: 6 of 120 is 5% and pauses.
    expect(guardVerdict({ known: 120, bounced: 6, complained: 0 }, DEFAULT_GUARD_THRESHOLDS)).toBeDefined();
  });

  it('pauses at 3 complaints whatever the count, or at 0.1% of at least 1,000', () => {
    expect(guardVerdict({ known: 10, bounced: 0, complained: 2 }, DEFAULT_GUARD_THRESHOLDS)).toBeUndefined();
    expect(guardVerdict({ known: 10, bounced: 0, complained: 3 }, DEFAULT_GUARD_THRESHOLDS)).toMatch(/complaints reached 3/);
    expect(guardVerdict({ known: 999, bounced: 0, complained: 1 }, DEFAULT_GUARD_THRESHOLDS)).toBeUndefined();
    expect(guardVerdict({ known: 1000, bounced: 0, complained: 1 }, DEFAULT_GUARD_THRESHOLDS)).toMatch(/complaints reached 1 of 1000/);
    expect(guardVerdict({ known: 2001, bounced: 0, complained: 2 }, DEFAULT_GUARD_THRESHOLDS)).toBeUndefined();
  });

  it('counts only outcomes (deliveries, permanent bounces, complaints) of digests, and pauses the send once', async () => {
    const { deps, deliveries, sendGuard } = await world();
    const at = '2026-11-26T07:05:00.000Z';
    for (let i = 0; i < 95; i += 1) await applySendGuard(event('Delivery', at), deps);
    for (let i = 0; i < 10; i += 1) await applySendGuard(event('Bounce', at, 'Transient'), deps);
    await applySendGuard(
      { eventType: 'Bounce', mail: { timestamp: at }, bounce: { bounceType: 'Permanent', bouncedRecipients: [{}] } },
      deps,
    );
    for (let i = 0; i < 4; i += 1) expect((await applySendGuard(event('Bounce', at), deps)).paused).toBeUndefined();
    expect((await sendGuard.get(SEND))?.counts).toEqual({ known: 99, bounced: 4, complained: 0 });
    const report = await applySendGuard(event('Bounce', at), deps);
    expect(report.paused).toMatchObject({ send: SEND, reason: expect.stringMatching(/5 of 100/) });
    expect((await deliveries.sendRecord(SEND))?.state).toBe('paused');
    expect((await applySendGuard(event('Bounce', at), deps)).paused).toBeUndefined();
    expect((await sendGuard.get(SEND))?.tripped?.reason).toMatch(/5 of 100/);
  });

  it('counts afresh after a resume, leaving out outcomes of mail sent before it, so a list that keeps bouncing pauses again', async () => {
    const { deps, deliveries, sendGuard, clock } = await world();
    for (let i = 0; i < 100; i += 1) await applySendGuard(event(i % 10 === 0 ? 'Bounce' : 'Delivery', '2026-11-26T07:05:00.000Z'), deps);
    expect((await deliveries.sendRecord(SEND))?.state).toBe('paused');
    clock.set('2026-11-26T07:10:00.000Z');
    await sendGuard.restart(SEND, clock.now().toISOString());
    await deliveries.resumeSend(SEND);
    // Late outcomes of mail sent before the resume belong to the count that is over.
    for (let i = 0; i < 50; i += 1) expect(await applySendGuard(event('Bounce', '2026-11-26T07:09:59.000Z'), deps)).toEqual({});
    expect((await sendGuard.get(SEND))?.counts).toEqual({ known: 0, bounced: 0, complained: 0 });
    for (let i = 0; i < 99; i += 1) await applySendGuard(event(i % 10 === 0 ? 'Bounce' : 'Delivery', '2026-11-26T07:10:01.000Z'), deps);
    expect((await deliveries.sendRecord(SEND))?.state).toBe('running');
    expect((await applySendGuard(event('Delivery', '2026-11-26T07:10:02.000Z'), deps)).paused?.reason).toMatch(/10 of 100/);
    expect((await deliveries.sendRecord(SEND))?.state).toBe('paused');
  });
});

/**
 * The overshoot: digests accepted after the guard could have known. A discrete simulation of
 * senders calling SES at a fixed rate, each call checking the send's state (newSendStates, as
 * sendChunk does), with every outcome reaching applySendGuard `latency` seconds after acceptance.
 * It compares what was sent when the senders stopped with the first point at which the outcomes
 * sent so far would trip the guard: the excess is about rate x latency + senders x call size.
 */
async function simulateOvershoot(options: { rate: number; latencyS: number; senders: number; callSize: number; bounceEvery: number }) {
  const { deps, deliveries, clock } = await world('2026-11-26T07:00:00.000Z');
  const startMs = clock.now().getTime();
  const states = newSendStates(deliveries, clock, 0);
  const outcomes: { atMs: number; bounced: boolean; mailAt: string }[] = [];
  let sent = 0;
  let firstTrippable: number | undefined;
  const callEveryMs = (1000 * options.callSize * options.senders) / options.rate;
  const stopped = new Set<number>();
  for (let step = 0; stopped.size < options.senders && step < 100_000; step += 1) {
    const sender = step % options.senders;
    if (stopped.has(sender)) continue;
    const atMs = startMs + (step * callEveryMs) / options.senders;
    // Outcomes due by now reach the guard first, as SNS delivers them.
    clock.set(new Date(atMs));
    while (outcomes.length > 0 && outcomes[0]!.atMs <= atMs) {
      const outcome = outcomes.shift()!;
      await applySendGuard(event(outcome.bounced ? 'Bounce' : 'Delivery', outcome.mailAt), deps);
    }
    if ((await states.stopped(SEND)) !== undefined) {
      stopped.add(sender);
      continue;
    }
    for (let i = 0; i < options.callSize; i += 1) {
      sent += 1;
      const bounced = sent % options.bounceEvery === 0;
      outcomes.push({ atMs: atMs + options.latencyS * 1000, bounced, mailAt: new Date(atMs).toISOString() });
      const bounces = Math.floor(sent / options.bounceEvery);
      if (firstTrippable === undefined && guardVerdict({ known: sent, bounced: bounces, complained: 0 }, DEFAULT_GUARD_THRESHOLDS))
        firstTrippable = sent;
    }
  }
  return {
    sent,
    firstTrippable: firstTrippable!,
    overshoot: sent - firstTrippable!,
    predicted: options.rate * options.latencyS + options.senders * options.callSize,
  };
}

describe('the send guard overshoot', () => {
  const cases = [
    // The local stack: 14/s, one sender, calls of 13, events 0.2 s plus handling.
    { rate: 14, latencyS: 0.5, senders: 1, callSize: 13, bounceEvery: 5 },
    // AWS with the simulator: events in about 2 s; two senders at 100/s each, calls of 50.
    { rate: 200, latencyS: 2, senders: 2, callSize: 50, bounceEvery: 5 },
    // Real bounces a minute late at the same rate.
    { rate: 200, latencyS: 60, senders: 2, callSize: 50, bounceEvery: 20 },
  ];
  for (const options of cases) {
    it(`stays within rate x latency + senders x call size at ${options.rate}/s, ${options.latencyS} s latency, ${options.senders} x ${options.callSize}`, async () => {
      const result = await simulateOvershoot(options);
      console.log(`send guard overshoot ${JSON.stringify(options)}: ${JSON.stringify(result)}`);
      expect(result.overshoot).toBeGreaterThan(0);
      expect(result.overshoot).toBeLessThanOrEqual(result.predicted + options.senders * options.callSize);
      expect(result.overshoot).toBeGreaterThanOrEqual(options.rate * options.latencyS - options.senders * options.callSize);
    });
  }
});
