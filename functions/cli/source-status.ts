/** The feed part of `digest status`: how many sources in each state, and what is wrong with the unhealthy ones. */
import { displayName, listSources, type SourceState, type SourceStore } from '../core/sources/index.ts';

export async function printSourceHealth(sources: SourceStore): Promise<void> {
  const all = await listSources({ sources });
  if (all.length === 0) {
    console.log('Feed sources: none (add one with `digest sources add URL`).');
    return;
  }
  const counts: Record<SourceState, number> = { active: 0, paused: 0, failing: 0, disabled: 0 };
  for (const source of all) counts[source.state] += 1;
  console.log(
    `Feed sources: ${all.length} (active ${counts.active}, failing ${counts.failing}, paused ${counts.paused}, disabled ${counts.disabled})`,
  );
  for (const source of all) {
    if (source.state !== 'failing' && source.state !== 'disabled') continue;
    console.log(
      `  ${source.state} ${displayName(source)} <${source.url}>: ${source.consecutiveFailures} failure(s) since ${source.failingSince ?? '?'}, next try ${source.nextPollAt}: ${source.lastError ?? ''}`,
    );
  }
}
