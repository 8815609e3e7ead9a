/**
 * A window's stories, clustered and scored once, then arranged for any number of topic sets:
 * an edition variant is a re-ranking of these stories (rankScored), never a second clustering.
 * Summaries are the other costly step; they are made once per article, for the stories some
 * variant shows, and shared by every variant and every window that shows that story.
 */
import { type ArticleCluster, clusterArticles, rankScored, scoreClusters, type ScoredWindow } from '../stories/index.ts';
import type { Article } from '../ingest/index.ts';
import { MAX_MORE_STORIES, storySummary, topicSet, toStory } from './edition.ts';
import type { Story } from './types.ts';

/** What arrangeStories makes for one topic set. */
export interface StoryArrangement {
  stories: Story[];
  moreStories: Story[];
}

/** Summaries by article id: one per article, whichever window or variant asks first. */
export type SummaryMemo = Map<string, string[]>;

export interface WindowStories {
  /** Stories in the window. */
  readonly size: number;
  /** The window's stories ordered for `topics` and cut at `maxStories`, as arrangeStories orders them. */
  arrange(options: { maxStories: number; topics?: readonly string[] }): StoryArrangement;
}

/**
 * Clusters and scores `articles` (one window, in the store's order) once. Stories are built
 * lazily per (story, section, summarised) and kept, so variants that show the same story
 * under the same section share one Story object.
 */
export function windowStories(articles: readonly Article[], options: { cutoff?: string; summaries?: SummaryMemo } = {}): WindowStories {
  const scored: ScoredWindow = scoreClusters(clusterArticles(articles), { cutoff: options.cutoff });
  const summaries = options.summaries ?? new Map<string, string[]>();
  const built = new Map<ArticleCluster, Map<string, Story>>();
  const summaryOf = (article: Article): string[] => {
    let summary = summaries.get(article.id);
    if (!summary) {
      summary = storySummary(article);
      summaries.set(article.id, summary);
    }
    return summary;
  };
  const storyOf = (cluster: ArticleCluster, section: string | undefined, summarised: boolean): Story => {
    let forCluster = built.get(cluster);
    if (!forCluster) {
      forCluster = new Map();
      built.set(cluster, forCluster);
    }
    const key = `${summarised ? 's' : 'h'}${section ?? ''}`;
    let story = forCluster.get(key);
    if (!story) {
      // Headlines only for "more": toStory leaves their summary empty without summarising.
      story = toStory(cluster.primary, { others: cluster.others, section, summarised: false });
      if (summarised) story.summary = summaryOf(cluster.primary);
      forCluster.set(key, story);
    }
    return story;
  };
  return {
    size: scored.stories.length,
    arrange({ maxStories, topics }) {
      const { top, more } = rankScored(scored, { maxStories, readerTopics: topicSet(topics) });
      return {
        stories: top.map((item) => storyOf(item.cluster, item.section, true)),
        moreStories: more.slice(0, MAX_MORE_STORIES).map((item) => storyOf(item.cluster, item.section, false)),
      };
    },
  };
}
