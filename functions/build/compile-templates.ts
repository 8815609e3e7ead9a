/**
 * Build step: compiles the MJML email templates in templates/ into the HTML templates in
 * templates/compiled/, which the Lambdas fill with Mustache at run time. mjml (several MB with
 * its dependencies) is needed only here and in tests, never in a deployed bundle.
 *
 *   npm run templates            # rewrite templates/compiled/*.html
 *   npm run templates -- --check # exit 1 when a compiled file is stale
 *
 * `{{> partials/name}}` includes templates/partials/name.mjml before mjml runs (mj-include
 * cannot sit inside a column); every other `{{...}}` tag passes through mjml untouched for
 * Mustache. The templates are written in the default accent colours, valid wherever mjml checks
 * a colour; the compiled output has them as `{{brand.accent}}` and `{{brand.accentDark}}`, so
 * the publisher's BRAND_COLOR reaches every link, rule and button. Generated files are committed, and a test fails when one is stale, so `npm start`,
 * `cdk synth` and CI need no extra build step.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mjml2html from 'mjml';
import { DEFAULT_ACCENT, DEFAULT_DARK_ACCENT } from '../adapters/render/brand.ts';

export const EMAIL_TEMPLATES = ['digest', 'confirm', 'welcome'] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATES)[number];

export const SOURCE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
export const COMPILED_DIR = join(SOURCE_DIR, 'compiled');

export class TemplateCompileError extends Error {
  override name = 'TemplateCompileError';
}

const INCLUDE = /\{\{>\s*([A-Za-z0-9_/-]+)\s*\}\}/g;
const MAX_INCLUDE_DEPTH = 5;

/** The MJML source with every `{{> partial}}` replaced by that partial's text, recursively. */
export async function expandIncludes(source: string, dir: string = SOURCE_DIR, depth = 0): Promise<string> {
  if (depth > MAX_INCLUDE_DEPTH) throw new TemplateCompileError(`includes nest deeper than ${MAX_INCLUDE_DEPTH}`);
  const names = [...new Set([...source.matchAll(INCLUDE)].map((match) => match[1]!))];
  const texts = new Map<string, string>();
  for (const name of names) {
    const text = await readFile(resolve(dir, `${name}.mjml`), 'utf8');
    texts.set(name, await expandIncludes(text.trimEnd(), dir, depth + 1));
  }
  return source.replace(INCLUDE, (_match, name: string) => texts.get(name)!);
}

/**
 * The MJML compiled with strict validation (any error fails the build), then each line's
 * indentation dropped: it is a third of mjml's output, and HTML ignores it outside <pre>.
 */
export async function compileEmailTemplate(name: EmailTemplateName, dir: string = SOURCE_DIR): Promise<string> {
  const source = await expandIncludes(await readFile(join(dir, `${name}.mjml`), 'utf8'), dir);
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    // No web fonts: the system font stack needs no remote request.
    result = await mjml2html(source, { validationLevel: 'strict', fonts: {}, keepComments: false });
  } catch (error) {
    throw new TemplateCompileError(`templates/${name}.mjml does not compile`, { cause: error });
  }
  return `${brandTags(result.html)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n')}\n`;
}

/** The default accent colours as the Mustache tags of the brand's. */
export function brandTags(html: string): string {
  return html
    .replace(new RegExp(DEFAULT_ACCENT, 'gi'), '{{brand.accent}}')
    .replace(new RegExp(DEFAULT_DARK_ACCENT, 'gi'), '{{brand.accentDark}}');
}

export function compiledPath(name: EmailTemplateName, dir: string = COMPILED_DIR): string {
  return join(dir, `${name}.html`);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  await mkdir(COMPILED_DIR, { recursive: true });
  const stale: string[] = [];
  for (const name of EMAIL_TEMPLATES) {
    const html = await compileEmailTemplate(name);
    const path = compiledPath(name);
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === html) continue;
    if (check) stale.push(path);
    else {
      await writeFile(path, html);
      console.log(`wrote ${path} (${(Buffer.byteLength(html) / 1024).toFixed(1)} KB)`);
    }
  }
  if (stale.length > 0) {
    console.error(`stale, run npm run templates: ${stale.join(', ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
