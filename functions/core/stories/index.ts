/** The stories capability's public face: other code imports from here, never from its files. */
export { type ArticleCluster, clusterArticles } from './merge.ts';
export { rankClusters, rankScored, scoreClusters, type ScoredWindow } from './rank.ts';
export { summarise } from './summarise.ts';
export { calmTitle } from './titles.ts';
