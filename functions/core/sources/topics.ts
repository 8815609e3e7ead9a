/**
 * Entry categories as article topics. Feeds bring many, in any form (`Tech/AI`, `<b>World</b>`,
 * 200-character tag soup): each becomes one plain, lower-case line, those past the article
 * topic limit are dropped rather than costing the entry, and the source's own topics come first.
 */
import { plainLine } from '../shared/index.ts';

/** The article schema's limits (core/ingest/article.ts): 10 topics of at most 40 characters. */
export const MAX_TOPICS = 10;
export const MAX_TOPIC_LENGTH = 40;

export function normaliseTopic(raw: string): string | undefined {
  let topic: string;
  try {
    topic = plainLine(raw).toLowerCase();
  } catch {
    return undefined;
  }
  if (topic === '' || [...topic].length > MAX_TOPIC_LENGTH) return undefined;
  return topic;
}

/** The source's topics, then the entry's categories, normalised, without repeats, at most MAX_TOPICS. */
export function entryTopics(sourceTopics: readonly string[], categories: readonly string[]): string[] {
  const topics = new Set<string>();
  for (const raw of [...sourceTopics, ...categories]) {
    if (topics.size >= MAX_TOPICS) break;
    const topic = normaliseTopic(raw);
    if (topic !== undefined) topics.add(topic);
  }
  return [...topics];
}
