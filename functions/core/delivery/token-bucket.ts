/**
 * A token bucket that hands out reservations instead of refusing: each caller is told how long to
 * wait for its token, so concurrent senders queue in arrival order without polling. Time is
 * passed in, which keeps it pure and lets tests run it on a fake clock.
 */
export class TokenBucket {
  #rate: number;
  #burst: number;
  #tokens: number;
  #updatedMs: number;

  /** `rate` tokens a second, at most `burst` saved up; starts full. */
  constructor(rate: number, burst: number, nowMs: number) {
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    if (!(burst >= 1)) throw new RangeError('burst must be at least 1');
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedMs = nowMs;
  }

  get rate(): number {
    return this.#rate;
  }

  /** A new account rate applies from now; tokens already owed keep their place in the queue. */
  setRate(rate: number, nowMs: number): void {
    if (!(rate > 0)) throw new RangeError('rate must be positive');
    this.#refill(nowMs);
    this.#rate = rate;
  }

  /** Takes `count` tokens and returns the milliseconds to wait before using them (0 when they were saved up). */
  reserve(nowMs: number, count = 1): number {
    this.#refill(nowMs);
    this.#tokens -= count;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#rate) * 1000;
  }

  /** Takes `count` tokens only if they are there now: the server side of a rate limit, which refuses rather than queues. */
  tryTake(nowMs: number, count = 1): boolean {
    this.#refill(nowMs);
    if (this.#tokens < count) return false;
    this.#tokens -= count;
    return true;
  }

  #refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.#updatedMs);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed / 1000) * this.#rate);
    this.#updatedMs = nowMs;
  }
}
