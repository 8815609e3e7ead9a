/**
 * Readers made one at a time as the planner lists them, so a bench can plan for a million
 * readers without holding a million records: what grows with the audience is then the planner's.
 */
import type { Subscriber, TimeSlot } from '../../functions/core/subscribers/index.ts';
import { MemorySubscriberStore } from '../../test/support/memory-stores.ts';
import { benchClock, dueReader } from './fixtures.ts';
import { seededRandom } from './articles.ts';

/** The bench's topic catalogue: what a publication with twenty sections offers its readers. */
export const TOPIC_CATALOGUE = [
  'world',
  'europe',
  'middle east',
  'africa',
  'asia',
  'americas',
  'uk politics',
  'us politics',
  'economy',
  'business',
  'markets',
  'technology',
  'science',
  'climate',
  'health',
  'education',
  'culture',
  'film',
  'football',
  'tennis',
] as const;

/** Every set of one to three catalogue topics: 20 + 190 + 1,140. */
export const MAX_TOPIC_SETS = 1350;

/** `count` distinct sets of one to three catalogue topics, the same for the same seed. */
export function topicSets(count: number, seed = 23): string[][] {
  if (count > MAX_TOPIC_SETS) throw new Error(`at most ${MAX_TOPIC_SETS} distinct topic sets of 1-3 topics from ${TOPIC_CATALOGUE.length}`);
  const all: string[][] = [];
  const n = TOPIC_CATALOGUE.length;
  for (let a = 0; a < n; a++) {
    all.push([TOPIC_CATALOGUE[a]!]);
    for (let b = a + 1; b < n; b++) {
      all.push([TOPIC_CATALOGUE[a]!, TOPIC_CATALOGUE[b]!]);
      for (let c = b + 1; c < n; c++) all.push([TOPIC_CATALOGUE[a]!, TOPIC_CATALOGUE[b]!, TOPIC_CATALOGUE[c]!]);
    }
  }
  const random = seededRandom(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count);
}

/** The `index`th bench reader, holding topic set `index mod sets` (none when there are no sets). */
export function readerWithTopics(index: number, sets: readonly string[][]): Subscriber {
  const reader = dueReader(index);
  return sets.length === 0 ? reader : { ...reader, topics: sets[index % sets.length]! };
}

/** A subscriber store whose confirmed readers are `count` bench readers, generated as they are listed. */
export class GeneratedReaderStore extends MemorySubscriberStore {
  readonly #count: number;
  readonly #sets: readonly string[][];
  readonly #zones: string[];

  constructor(count: number, sets: readonly string[][]) {
    super(benchClock);
    this.#count = count;
    this.#sets = sets;
    this.#zones = [...new Set(Array.from({ length: Math.min(count, 1000) }, (_, index) => dueReader(index).timezone))];
  }

  override async listTimeZones(): Promise<string[]> {
    return this.#zones;
  }

  override async *listDue(slots: readonly TimeSlot[]): AsyncIterable<Subscriber> {
    const due = new Set(slots.map((slot) => `${slot.timezone}\n${slot.hour}`));
    for (let index = 0; index < this.#count; index++) {
      const reader = readerWithTopics(index, this.#sets);
      if (due.has(`${reader.timezone}\n${reader.sendHour}`)) yield reader;
    }
  }

  override async *listConfirmed(): AsyncIterable<Subscriber> {
    for (let index = 0; index < this.#count; index++) yield readerWithTopics(index, this.#sets);
  }
}
