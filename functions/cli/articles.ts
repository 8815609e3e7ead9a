/**
 * `digest articles remove ID`: a takedown through the API (DELETE /articles/{id}), so the local
 * stack and a deployment take the same path and the same ingest key, as `digest ingest` does.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadLocalSettings, readLocalApiKey } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

const withdrawnSchema = z.object({ id: z.string(), status: z.literal('withdrawn'), withdrawnAt: z.string(), editions: z.array(z.string()) });
const apiErrorSchema = z.object({ error: z.object({ message: z.string() }) });

interface RemoveOptions {
  apiUrl?: string;
  apiKey?: string;
}

async function removeArticle(id: string, options: RemoveOptions): Promise<number> {
  const settings = await loadLocalSettings();
  const apiUrl = (options.apiUrl ?? settings.apiUrl).replace(/\/+$/, '');
  const apiKey = options.apiKey ?? (await readLocalApiKey(settings));
  if (!apiKey) throw new CliError('No API key: pass --api-key, set API_KEY, or run `npm start` once to create one.');
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/articles/${encodeURIComponent(id.trim())}`, { method: 'DELETE', headers: { 'x-api-key': apiKey } });
  } catch (error) {
    throw new CliError(`Cannot reach ${apiUrl}. Is \`npm start\` running?`, { cause: error });
  }
  const payload: unknown = await response.json().catch(() => undefined);
  const report = withdrawnSchema.safeParse(payload);
  if (!response.ok || !report.success) {
    const message = apiErrorSchema.safeParse(payload).data?.error.message ?? 'an unexpected response';
    throw new CliError(`The API answered ${response.status}: ${message}`);
  }
  const { editions, withdrawnAt } = report.data;
  console.log(
    `withdrawn ${report.data.id} at ${withdrawnAt}; taken out of ${editions.length} edition${editions.length === 1 ? '' : 's'}` +
      `${editions.length > 0 ? `: ${editions.join(', ')}` : ''}`,
  );
  return 0;
}

export function registerArticleCommands(program: Command): void {
  const articles = program.command('articles').description('Manage ingested articles');
  articles
    .command('remove')
    .description('Withdraw an article: out of every edition not yet sent, the web editions and the archive, with a note that it was withdrawn')
    .argument('<id>', 'the article id that ingest returned (64 hex digits)')
    .option('--api-url <url>', 'API base URL (default: the local stack)')
    .option('--api-key <key>', 'ingest API key (default: API_KEY or the local dev key)')
    .action(async (id: string, options: RemoveOptions) => {
      process.exitCode = await removeArticle(id, options);
    });
}
