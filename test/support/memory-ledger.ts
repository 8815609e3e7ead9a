/**
 * The delivery ledger in memory: slot-day locks, chunks, watermarks and delivery records, with
 * every conditional write a check-and-set with no await in between (the in-memory twin of one).
 * It passes the ledger cases of the store contract (test/support/store-contract.ts).
 */
import type {
  ChunkRef,
  ChunkStatus,
  Delivery,
  DeliveryChunk,
  SendId,
  SendRecord,
  SendState,
  Settlement,
  SlotDay,
  Watermark,
} from '../../functions/core/delivery/types.ts';
import type { ChunkResults, ClaimResult, DeliveryLedger, SlotDayLock } from '../../functions/core/delivery/ports.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import type { SubscriberStore } from '../../functions/core/subscribers/ports.ts';

const copy = <T>(value: T): T => structuredClone(value);
const slotKey = (slotDay: SlotDay) => `${slotDay.date}#${slotDay.hour}#${slotDay.timezone}`;
const chunkKey = (ref: ChunkRef) => `${slotKey(ref.slotDay)}#${ref.id}`;
const deliveryKey = (delivery: { editionId: string; email: string }) => `${delivery.editionId}\n${delivery.email.toLowerCase()}`;

export class MemoryDeliveryLedger implements DeliveryLedger {
  readonly #locks = new Map<string, { owner: string; renewedAt: string; completedAt?: string }>();
  readonly #chunks = new Map<string, DeliveryChunk>();
  readonly #watermarks = new Map<string, Watermark>();
  readonly #deliveries = new Map<string, Delivery>();
  readonly #sends = new Map<SendId, SendRecord>();
  #settlement: Settlement | undefined;

  constructor(private readonly subscribers?: Pick<SubscriberStore, 'get'>) {}

  async lockSlotDay(slotDay: SlotDay, owner: string, at: string, staleBefore: string): Promise<SlotDayLock> {
    const held = this.#locks.get(slotKey(slotDay));
    if (held === undefined) {
      this.#locks.set(slotKey(slotDay), { owner, renewedAt: at });
      return 'acquired';
    }
    const result =
      held.owner === owner
        ? 'resumed'
        : held.completedAt !== undefined
          ? 'reopened'
          : held.renewedAt <= staleBefore
            ? 'taken-over'
            : 'taken';
    if (result === 'taken') return result;
    held.owner = owner;
    held.renewedAt = at;
    delete held.completedAt;
    return result;
  }

  async renewSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<boolean> {
    const held = this.#locks.get(slotKey(slotDay));
    if (held?.owner !== owner) return false;
    held.renewedAt = at;
    return true;
  }

  async completeSlotDay(slotDay: SlotDay, owner: string, at: string): Promise<void> {
    const held = this.#locks.get(slotKey(slotDay));
    if (held?.owner === owner) held.completedAt = at;
  }

  async abandonOpenSlotDays(): Promise<number> {
    let abandoned = 0;
    for (const lock of this.#locks.values()) {
      if (lock.completedAt !== undefined) continue;
      lock.renewedAt = '1970-01-01T00:00:00.000Z';
      abandoned += 1;
    }
    return abandoned;
  }

  async startSend(record: SendRecord): Promise<void> {
    if (!this.#sends.has(record.send)) this.#sends.set(record.send, copy(record));
  }

  async completeSend(send: SendId, editions: readonly string[], at: string): Promise<void> {
    const record = this.#sends.get(send);
    if (record) Object.assign(record, { plannedAt: at, editions: [...editions] });
  }

  async sendRecord(send: SendId): Promise<SendRecord | undefined> {
    const record = this.#sends.get(send);
    return record && copy(record);
  }

  async recentSends(limit: number): Promise<SendRecord[]> {
    return [...this.#sends.values()]
      .sort((a, b) => `${b.createdAt}#${b.send}`.localeCompare(`${a.createdAt}#${a.send}`))
      .slice(0, limit)
      .map(copy);
  }

  async pauseSend(send: SendId): Promise<number> {
    this.#setState(send, 'paused');
    return this.#move(send, ['open'], 'paused').length;
  }

  async resumeSend(send: SendId): Promise<DeliveryChunk[]> {
    this.#setState(send, 'running');
    return this.#move(send, ['paused'], 'open');
  }

  async cancelSend(send: SendId): Promise<number> {
    this.#setState(send, 'cancelled');
    return this.#move(send, ['open', 'paused'], 'cancelled').length;
  }

  #setState(send: SendId, state: SendState): void {
    const record = this.#sends.get(send);
    if (record && record.state !== 'cancelled') record.state = state;
  }

  #move(send: SendId, from: readonly ChunkStatus[], to: 'open' | 'paused' | 'cancelled'): DeliveryChunk[] {
    const ofSend = [...this.#chunks.values()].filter((chunk) => chunk.send === send);
    // A claimed chunk is its sender's: it takes the send's state when released, unless resumed first.
    for (const chunk of ofSend.filter((chunk) => chunk.status === 'claimed' && chunk.stopAs !== 'cancelled')) {
      if (to === 'open') delete chunk.stopAs;
      else chunk.stopAs = to;
    }
    const moved = ofSend.filter((chunk) => from.includes(chunk.status));
    for (const chunk of moved) chunk.status = to;
    return moved.map(copy);
  }

  /** A chunk leaves its claim: open, or the state its send took meanwhile. */
  #unclaim(chunk: DeliveryChunk): void {
    chunk.status = chunk.stopAs ?? 'open';
    delete chunk.claimedAt;
    delete chunk.stopAs;
  }

  async addChunks(chunks: readonly DeliveryChunk[]): Promise<void> {
    for (const chunk of chunks) this.#chunks.set(chunkKey(chunk), copy(chunk));
  }

  async chunksOf(slotDay: SlotDay): Promise<DeliveryChunk[]> {
    return [...this.#chunks.values()].filter((chunk) => slotKey(chunk.slotDay) === slotKey(slotDay)).map(copy);
  }

  async openChunks(): Promise<DeliveryChunk[]> {
    return [...this.#chunks.values()].filter((chunk) => chunk.status !== 'sent' && chunk.status !== 'cancelled').map(copy);
  }

  async claimChunk(ref: ChunkRef, at: string, staleBefore: string): Promise<ClaimResult> {
    const chunk = this.#chunks.get(chunkKey(ref));
    if (!chunk || chunk.status === 'sent') return { result: 'done' };
    if (chunk.status === 'paused' || chunk.status === 'cancelled') return { result: 'stopped', state: chunk.status };
    if (chunk.status === 'claimed' && !(chunk.claimedAt! <= staleBefore)) return { result: 'held', chunk: copy(chunk) };
    if (chunk.stopAs !== undefined) {
      // Its sender is gone and its send was stopped meanwhile: it takes the send's state, unsent.
      const state = chunk.stopAs;
      this.#unclaim(chunk);
      return { result: 'stopped', state };
    }
    chunk.status = 'claimed';
    chunk.claimedAt = at;
    chunk.attempts += 1;
    return { result: 'claimed', chunk: { ...copy(chunk), claimedAt: at } };
  }

  async recordResults(ref: ChunkRef, claimedAt: string, results: ChunkResults): Promise<boolean> {
    const chunk = this.#chunks.get(chunkKey(ref));
    if (!chunk || chunk.status !== 'claimed' || chunk.claimedAt !== claimedAt) {
      await this.confirmSent(ref, results.sent);
      return false;
    }
    Object.assign(chunk.sent, results.sent);
    Object.assign(chunk.rejected, results.rejected);
    if (results.finished) {
      chunk.status = 'sent';
      delete chunk.claimedAt;
      delete chunk.stopAs;
    } else {
      if (results.stopAs === 'cancelled' || (results.stopAs === 'paused' && chunk.stopAs === undefined)) chunk.stopAs = results.stopAs;
      this.#unclaim(chunk);
    }
    if (results.finished) delete chunk.error;
    else if (results.error !== undefined) chunk.error = results.error.slice(0, 500);
    return true;
  }

  async confirmSent(ref: ChunkRef, sent: Record<string, string>): Promise<void> {
    const chunk = this.#chunks.get(chunkKey(ref));
    if (chunk) Object.assign(chunk.sent, sent);
  }

  async release(ref: ChunkRef): Promise<void> {
    const chunk = this.#chunks.get(chunkKey(ref));
    if (chunk?.status !== 'claimed') return;
    this.#unclaim(chunk);
  }

  async recipients(emails: readonly string[]): Promise<Map<string, { subscriber?: Subscriber; watermark?: Watermark }>> {
    const found = new Map<string, { subscriber?: Subscriber; watermark?: Watermark }>();
    for (const email of emails) {
      const subscriber = await this.subscribers?.get(email);
      const watermark = this.#watermarks.get(email.toLowerCase());
      if (subscriber || watermark)
        found.set(email, { ...(subscriber ? { subscriber } : {}), ...(watermark ? { watermark: copy(watermark) } : {}) });
    }
    return found;
  }

  async watermarks(emails: readonly string[]): Promise<Map<string, Watermark>> {
    const found = new Map<string, Watermark>();
    for (const email of emails) {
      const mark = this.#watermarks.get(email.toLowerCase());
      if (mark) found.set(mark.email, copy(mark));
    }
    return found;
  }

  async recordDeliveries(watermarks: readonly Watermark[], deliveries: readonly Delivery[]): Promise<void> {
    for (const mark of watermarks) this.#watermarks.set(mark.email.toLowerCase(), copy(mark));
    for (const delivery of deliveries) this.#deliveries.set(deliveryKey(delivery), copy(delivery));
  }

  async recordSettlement(settlement: Settlement): Promise<void> {
    this.#settlement = copy(settlement);
  }

  async lastSettlement(): Promise<Settlement | undefined> {
    return this.#settlement && copy(this.#settlement);
  }

  /** Test helpers. */
  chunks(): DeliveryChunk[] {
    return [...this.#chunks.values()].map(copy);
  }

  watermark(email: string): Watermark | undefined {
    return this.#watermarks.get(email.toLowerCase());
  }

  /** Removes one reader's delivery records and watermark and takes them out of every chunk, as erasing does; returns how many records went. */
  removeFor(email: string): number {
    const keys = [...this.#deliveries.entries()].filter(([, row]) => row.email.toLowerCase() === email.toLowerCase()).map(([key]) => key);
    for (const key of keys) this.#deliveries.delete(key);
    this.#watermarks.delete(email.toLowerCase());
    const erased = (address: string) => address.toLowerCase() === email.toLowerCase();
    for (const chunk of this.#chunks.values()) {
      chunk.emails = chunk.emails.filter((address) => !erased(address));
      for (const map of [chunk.sent, chunk.rejected]) for (const address of Object.keys(map).filter(erased)) delete map[address];
    }
    return keys.length;
  }

  all(): Delivery[] {
    return [...this.#deliveries.values()].map(copy);
  }
}
