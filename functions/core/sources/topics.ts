/**
 * Entry categories as article topics, by the one topic rule (core/shared/topics.ts): feeds bring
 * many, in any form (`Tech/AI`, `<b>World</b>`, 200-character tag soup), so each is normalised
 * and cut rather than refused, and the source's own topics come first within the article cap.
 */
import { MAX_ARTICLE_TOPICS, normaliseTopics } from '../shared/index.ts';

/** The source's topics, then the entry's categories: normalised, one per key, at most MAX_ARTICLE_TOPICS. */
export function entryTopics(sourceTopics: readonly string[], categories: readonly string[]): string[] {
  return normaliseTopics([...sourceTopics, ...categories], MAX_ARTICLE_TOPICS).map((topic) => topic.label);
}
