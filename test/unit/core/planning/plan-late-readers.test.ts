/**
 * Nobody left out: a run plans every reader who is due or asked for and has neither today's
 * digest nor a place in a live chunk, whether or not an earlier run completed their slot-day; the
 * report's reasons are true; a reader who confirms after their hour's run gets tomorrow's digest.
 */
import { describe, expect, it } from 'vitest';
import { chunkJobOf } from '../../../../functions/core/delivery/chunk-job.ts';
import { anArticle } from '../../../support/fakes.ts';
import { deliveryWorld } from '../../../support/delivery-world.ts';

const MORNING = '2026-11-26T07:05:00.000Z';

describe('a send-now after readers joined a slot-day an earlier send-now completed', () => {
  it('plans exactly the readers who joined, and every reader has one digest', async () => {
    const w = await deliveryWorld(MORNING);
    const first = await w.join('early', 30);
    expect((await w.run('now')).enqueued).toBe(30);
    await w.deliverQueued();

    w.clock.advance(60_000);
    const late = await w.join('late', 20);
    const second = await w.run('now');
    await w.deliverQueued();

    expect([...w.plannedBy(second.send).keys()].sort()).toEqual([...late].sort());
    expect(second.enqueued).toBe(20);
    expect(second.skipped).toMatchObject({ alreadySentToday: 30, plannedElsewhere: 0, beingPlannedElsewhere: 0 });
    expect([...first, ...late].map(w.digestsOf)).toEqual(Array.from({ length: 50 }, () => 1));
  });

  it('counts as planned by another run only readers who are in a live chunk', async () => {
    const w = await deliveryWorld(MORNING);
    const first = await w.join('early', 30);
    const paused = await w.run('now');
    // Not sent: the first run's 30 are in its paused chunk, still theirs.
    await w.deliveries.pauseSend(paused.send);
    w.queue.batches.splice(0);
    const late = await w.join('late', 20);
    const second = await w.run('now');

    const live = w.liveChunkReaders();
    expect(second.skipped.plannedElsewhere).toBe(30);
    expect(first.every((email) => live.has(email))).toBe(true);
    expect(second.enqueued).toBe(20);
    await w.deliverQueued();
    await w.queue.enqueue((await w.deliveries.resumeSend(paused.send)).map((chunk) => chunkJobOf(chunk)));
    await w.deliverQueued();
    expect([...first, ...late].map(w.digestsOf)).toEqual(Array.from({ length: 50 }, () => 1));
  });

  it('plans again neither a reader whose chunk was cancelled nor one whose chunk is paused, and says which', async () => {
    const w = await deliveryWorld(MORNING);
    const [cancelledReader] = await w.join('cancelled', 1);
    const cancelled = await w.run('now');
    const [pausedReader] = await w.join('paused', 1, { sendHour: 8 });
    const paused = await w.run('now');
    await w.deliveries.cancelSend(cancelled.send);
    await w.deliveries.pauseSend(paused.send);
    w.queue.batches.splice(0);

    const third = await w.run('now');
    expect(third.enqueued).toBe(0);
    expect(third.skipped).toMatchObject({ plannedElsewhere: 1, cancelledToday: 1, beingPlannedElsewhere: 0 });
    await w.deliverQueued();
    expect(w.digestsOf(cancelledReader!)).toBe(0);
    expect(w.digestsOf(pausedReader!)).toBe(0);
  });
});

describe('two send-nows at once after readers joined', () => {
  it('plan each late reader once between them, and neither names a false reason', async () => {
    const w = await deliveryWorld(MORNING);
    const first = await w.join('early', 30);
    await w.run('now');
    await w.deliverQueued();
    const late = await w.join('late', 120);

    const live = () => w.liveChunkReaders();
    const [a, b] = await Promise.all([w.run('now'), w.run('now')]);
    const planned = [...w.plannedBy(a.send), ...w.plannedBy(b.send)];
    expect(planned.map(([email]) => email).sort()).toEqual([...late].sort());
    expect(planned.every(([, times]) => times === 1)).toBe(true);
    expect(a.enqueued + b.enqueued).toBe(120);
    // Each run: served, planned by itself, or skipped for a reason that holds.
    for (const report of [a, b]) {
      const { alreadySentToday, plannedElsewhere, beingPlannedElsewhere } = report.skipped;
      expect(alreadySentToday).toBe(30);
      expect(report.enqueued + plannedElsewhere + beingPlannedElsewhere).toBe(120);
      expect(plannedElsewhere).toBeLessThanOrEqual(live().size);
    }
    await w.deliverQueued();
    expect([...first, ...late].map(w.digestsOf)).toEqual(Array.from({ length: 150 }, () => 1));
  });
});

describe('a reader who confirms after their hour', () => {
  it('gets nothing from the later hourly runs of that day and their digest at their hour the next day', async () => {
    const w = await deliveryWorld('2026-11-26T07:00:30.000Z');
    const onTime = await w.join('on-time', 30);
    expect((await w.run('scheduled')).enqueued).toBe(30);
    await w.deliverQueued();

    w.clock.set('2026-11-26T07:30:00.000Z');
    const [afterHour] = await w.join('after-hour', 1);
    for (const hour of ['08', '09', '12', '18', '23']) {
      w.clock.set(`2026-11-26T${hour}:00:30.000Z`);
      expect((await w.run('scheduled')).enqueued).toBe(0);
    }
    expect(w.digestsOf(afterHour!)).toBe(0);

    await w.articles.putIfAbsent(anArticle({ title: 'Next morning', ingestedAt: '2026-11-27T05:00:00.000Z' }));
    w.clock.set('2026-11-27T07:00:30.000Z');
    const nextDay = await w.run('scheduled');
    await w.deliverQueued();
    expect(nextDay.enqueued).toBe(31);
    expect(w.digestsOf(afterHour!)).toBe(1);
    expect(onTime.map(w.digestsOf)).toEqual(Array.from({ length: 30 }, () => 2));
  });

  it('who joined after a send-now served their slot-day early, gets it from the hourly run of their hour', async () => {
    const w = await deliveryWorld('2026-11-26T06:30:00.000Z');
    const early = await w.join('early', 30);
    await w.run('now');
    await w.deliverQueued();

    w.clock.set('2026-11-26T06:45:00.000Z');
    const [joined] = await w.join('joined', 1);
    w.clock.set('2026-11-26T07:00:30.000Z');
    const hourly = await w.run('scheduled');
    await w.deliverQueued();

    expect([...w.plannedBy(hourly.send).keys()]).toEqual([joined]);
    expect([...early, joined!].map(w.digestsOf)).toEqual(Array.from({ length: 31 }, () => 1));
  });
});
