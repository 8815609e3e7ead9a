/** `digest ingest FILE`: POSTs a JSON batch of articles to the API, local or deployed, and reports each item. */
import { readFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { loadLocalSettings, readLocalApiKey } from '../local/local-settings.ts';
import { CliError } from './cli-error.ts';

/** The API's answers, checked: a proxy's HTML error page must not become "Unexpected error". */
const ingestReportSchema = z.object({
  results: z.array(
    z.object({
      index: z.number(),
      status: z.string(),
      errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  ),
  counts: z.record(z.string(), z.number()),
});
const apiErrorSchema = z.object({ error: z.object({ message: z.string() }) });

function httpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // fall through to the error below
  }
  throw new InvalidArgumentError('must be an http(s) URL');
}

async function ingest(file: string, options: { apiUrl?: string; apiKey?: string }): Promise<number> {
  const settings = await loadLocalSettings();
  const apiUrl = options.apiUrl ?? settings.apiUrl;
  const apiKey = options.apiKey ?? (await readLocalApiKey(settings));
  if (!apiKey) throw new CliError('No API key: pass --api-key, set API_KEY, or run `npm start` once to create one.');

  let body: string;
  try {
    body = await readFile(file, 'utf8');
    const parsed: unknown = JSON.parse(body);
    // A bare array is accepted for convenience and wrapped into the API's envelope.
    if (Array.isArray(parsed)) body = JSON.stringify({ articles: parsed });
  } catch (error) {
    throw new CliError(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  let response: Response;
  try {
    response = await fetch(`${apiUrl}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body,
    });
  } catch (error) {
    throw new CliError(`Cannot reach ${apiUrl}. Is \`npm start\` running?`, { cause: error });
  }
  const payload: unknown = await response.json().catch(() => undefined);
  const report = ingestReportSchema.safeParse(payload);
  if (!response.ok || !report.success) {
    const message = apiErrorSchema.safeParse(payload).data?.error.message ?? 'an unexpected response';
    throw new CliError(`The API answered ${response.status}: ${message}`);
  }
  const { results, counts } = report.data;
  for (const result of results) {
    const reasons = result.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
    console.log(`#${result.index} ${result.status}${reasons ? `: ${reasons}` : ''}`);
  }
  console.log(
    `created ${counts.created ?? 0}, duplicate ${counts.duplicate ?? 0}, rejected ${counts.rejected ?? 0}, failed ${counts.failed ?? 0}`,
  );
  return (counts.rejected ?? 0) + (counts.failed ?? 0) > 0 ? 1 : 0;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('POST a JSON batch of articles ({"articles": [...]} or a bare array) to the API')
    .argument('<file>', 'JSON file, e.g. examples/articles.json')
    .option('--api-url <url>', 'API base URL (default: the local stack)', httpUrl)
    .option('--api-key <key>', 'ingest API key (default: API_KEY or the local dev key)')
    .action(async (file: string, options: { apiUrl?: string; apiKey?: string }) => {
      process.exitCode = await ingest(file, options);
    });
}
