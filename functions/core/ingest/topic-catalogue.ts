/**
 * The topic catalogue: what the preference centre offers. Bounded whatever is ingested, so the
 * page stays small and the stored catalogue stays far below DynamoDB's 400 KB item limit.
 */
import type { CatalogueTopic, TopicSighting } from './types.ts';

/** Topics kept. 200 × (key and label of at most 40 characters) is under 60 KB stored. */
export const CATALOGUE_LIMIT = 200;

/** A topic's weight halves every this many days without a new article on it. */
export const TOPIC_HALF_LIFE_DAYS = 14;

const DAY_MS = 86_400_000;

/**
 * How much a topic is worth keeping at `now`: its article count, halved for every half-life
 * since it was last seen. A topic used a hundred times a month ago (≈23) outranks one seen
 * once today (1); one seen twice two months ago (≈0.1) does not.
 */
export function topicWeight(topic: CatalogueTopic, nowMs: number): number {
  const ageDays = Math.max(0, nowMs - Date.parse(topic.lastSeen)) / DAY_MS;
  return topic.count * 2 ** (-ageDays / TOPIC_HALF_LIFE_DAYS);
}

/**
 * The catalogue after one batch's sightings at `at`: counts added, last-seen times moved, the
 * label first seen kept, then only the `limit` heaviest topics (ties: the most recent, then by
 * key), listed by key. A sighting of duplicates only (`articles: 0`) still makes a topic known.
 */
export function mergeTopicCatalogue(
  current: readonly CatalogueTopic[],
  sightings: readonly TopicSighting[],
  at: string,
  limit = CATALOGUE_LIMIT,
): CatalogueTopic[] {
  const byKey = new Map(current.map((topic) => [topic.key, { ...topic }]));
  for (const sighting of sightings) {
    const known = byKey.get(sighting.key);
    if (known) {
      known.count += sighting.articles;
      if (at > known.lastSeen) known.lastSeen = at;
    } else {
      byKey.set(sighting.key, { key: sighting.key, label: sighting.label, count: Math.max(1, sighting.articles), lastSeen: at });
    }
  }
  const nowMs = Date.parse(at);
  const ranked = [...byKey.values()]
    .map((topic) => ({ topic, weight: topicWeight(topic, nowMs) }))
    .sort(
      (a, b) =>
        b.weight - a.weight ||
        (a.topic.lastSeen < b.topic.lastSeen ? 1 : a.topic.lastSeen > b.topic.lastSeen ? -1 : 0) ||
        compareKeys(a.topic, b.topic),
    );
  return ranked
    .slice(0, limit)
    .map(({ topic }) => topic)
    .sort(compareKeys);
}

function compareKeys(a: CatalogueTopic, b: CatalogueTopic): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
