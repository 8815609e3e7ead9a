/**
 * `digest articles remove ID` and `restore ID`: a takedown and its undoing through the API
 * (DELETE /articles/{id}, POST /articles/{id}/restore), so the local stack and a deployment take
 * the same path, key and scope checks, as `digest ingest` does.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadLocalSettings, readLocalApiKey } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

const withdrawnSchema = z.object({
  id: z.string(),
  status: z.literal('withdrawn'),
  withdrawnAt: z.string(),
  editions: z.array(z.string()),
});
const restoredSchema = z.object({ id: z.string(), status: z.enum(['restored', 'shown']), ingestedAt: z.string() });
const apiErrorSchema = z.object({ error: z.object({ message: z.string() }) });

interface RemoveOptions {
  apiUrl?: string;
  apiKey?: string;
}

/** The API's answer to a call on one article, read with `schema`; CliError with the API's message otherwise. */
async function callArticle<T>(
  id: string,
  how: { method: string; suffix: string },
  schema: z.ZodType<T>,
  options: RemoveOptions,
): Promise<T> {
  const settings = await loadLocalSettings();
  const apiUrl = (options.apiUrl ?? settings.apiUrl).replace(/\/+$/, '');
  const apiKey = options.apiKey ?? (await readLocalApiKey(settings));
  if (!apiKey) throw new CliError('No API key: pass --api-key, set API_KEY, or run `npm start` once to create one.');
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/articles/${encodeURIComponent(id.trim())}${how.suffix}`, {
      method: how.method,
      headers: { 'x-api-key': apiKey },
    });
  } catch (error) {
    throw new CliError(`Cannot reach ${apiUrl}. Is \`npm start\` running?`, { cause: error });
  }
  const payload: unknown = await response.json().catch(() => undefined);
  const report = schema.safeParse(payload);
  if (!response.ok || !report.success) {
    const message = apiErrorSchema.safeParse(payload).data?.error.message ?? 'an unexpected response';
    throw new CliError(`The API answered ${response.status}: ${message}`);
  }
  return report.data;
}

async function restoreArticle(id: string, options: RemoveOptions): Promise<number> {
  const report = await callArticle(id, { method: 'POST', suffix: '/restore' }, restoredSchema, options);
  console.log(
    report.status === 'restored'
      ? `restored ${report.id}: editions made from ${report.ingestedAt} on take it again`
      : `${report.id} was not withdrawn; nothing changed`,
  );
  return 0;
}

async function removeArticle(id: string, options: RemoveOptions): Promise<number> {
  const { editions, withdrawnAt, id: withdrawnId } = await callArticle(id, { method: 'DELETE', suffix: '' }, withdrawnSchema, options);
  console.log(
    `withdrawn ${withdrawnId} at ${withdrawnAt}; taken out of ${editions.length} edition${editions.length === 1 ? '' : 's'}` +
      `${editions.length > 0 ? `: ${editions.join(', ')}` : ''}`,
  );
  return 0;
}

export function registerArticleCommands(program: Command): void {
  const articles = program.command('articles').description('Manage ingested articles');
  articles
    .command('remove')
    .description(
      'Withdraw an article: out of every edition not yet sent, the web editions and the archive, with a note that it was withdrawn',
    )
    .argument('<id>', 'the article id that ingest returned (64 hex digits)')
    .option('--api-url <url>', 'API base URL (default: the local stack)')
    .option('--api-key <key>', 'ingest API key (default: API_KEY or the local dev key)')
    .action(async (id: string, options: RemoveOptions) => {
      process.exitCode = await removeArticle(id, options);
    });
  articles
    .command('restore')
    .description('Undo a takedown: editions made from now on take the article again; editions already made keep the withdrawal')
    .argument('<id>', 'the article id that ingest returned (64 hex digits)')
    .option('--api-url <url>', 'API base URL (default: the local stack)')
    .option('--api-key <key>', 'API key allowed to withdraw it (default: API_KEY or the local dev key)')
    .action(async (id: string, options: RemoveOptions) => {
      process.exitCode = await restoreArticle(id, options);
    });
}
