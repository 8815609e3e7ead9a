import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '../../../functions/adapters/http/api-routes.ts';
import { HTTP_ERROR_RULES } from '../../../functions/adapters/http/http.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const architecture = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');

/** The text of one `## heading` section, up to the next heading of that level. */
function section(heading: string): string {
  const start = architecture.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/architecture.md has no "## ${heading}" section`);
  const end = architecture.indexOf('\n## ', start + heading.length + 4);
  return architecture.slice(start, end < 0 ? undefined : end);
}

function errorClassesDefinedUnder(dir: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    for (const match of readFileSync(path.join(ROOT, dir, file), 'utf8').matchAll(/\bclass (\w+Error) extends\b/g)) names.add(match[1]!);
  }
  return [...names].sort();
}

describe('docs/architecture.md describes the errors the code defines', () => {
  const errors = section('Errors');

  it.each(errorClassesDefinedUnder('functions'))('%s is in the Errors section, mapped to HTTP or listed as internal', (name) => {
    expect(errors).toContain(`\`${name}\``);
  });

  it.each(HTTP_ERROR_RULES.map(([type]) => type.name))('%s, which the HTTP edge maps, has a row in the error table', (name) => {
    const rows = errors.split('\n').filter((line) => line.startsWith('|'));
    expect(rows.some((row) => row.includes(`\`${name}\``))).toBe(true);
  });
});

describe('docs/architecture.md lists the routes of the route table', () => {
  const http = section('The HTTP API');
  const documented = [...http.matchAll(/^\| `([A-Z]+ \/[^`]*)` \|/gm)].map((match) => match[1]!);

  it.each(API_ROUTES.map(routeKey))('%s has a row', (key) => {
    expect(documented).toContain(key);
  });

  it('documents no route the table lacks', () => {
    const known = new Set(API_ROUTES.map(routeKey));
    expect(documented.filter((key) => !known.has(key))).toEqual([]);
  });
});
