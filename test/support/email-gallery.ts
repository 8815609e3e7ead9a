/**
 * Every email the product sends, rendered the way the Lambdas render it (config -> brand ->
 * TemplateRenderer -> edition -> personalised copy), once per set of settings: for the tests
 * that look at what an email shows rather than at what it contains.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TemplateRenderer } from '../../functions/adapters/render/template-renderer.ts';
import { brandOf, loadConfig, settingsFrom } from '../../functions/adapters/runtime/config.ts';
import { buildEdition, personaliseEdition, renderEdition } from '../../functions/core/edition/edition.ts';
import { toArticle, validateArticle } from '../../functions/core/ingest/article.ts';
import type { Article } from '../../functions/core/ingest/types.ts';
import { repoRoot } from './local-stack.ts';

/** Every brand and footer setting a publisher can set, each with a value that changes the email. */
export const ALL_BRAND_SETTINGS = {
  BRAND_COLOR: '#7a1f5c',
  LOGO_URL: 'https://cdn.example/logo.png',
  DIGEST_TAGLINE: 'The news that matters, before breakfast',
  REPLY_TO: 'editors@news.example',
  POSTAL_ADDRESS: '1 Example Street, Springfield',
} as const;

const REQUIRED_SETTINGS = {
  TABLE_NAME: 'digest',
  PUBLIC_URL: 'https://digest.example',
  MAIL_FROM: 'The Daily Digest <digest@digest.example>',
  TOKEN_SECRET: 'email-gallery-secret-0123456789abcdef',
  MAX_STORIES: '3',
};

export type EmailName = 'confirmation' | 'welcome' | 'digest' | 'digest test copy' | 'digest with a withdrawn story' | 'empty digest';

export interface SampleEmail {
  name: EmailName;
  html: string;
}

const SINCE = '2026-11-25T07:00:00.000Z';
const CUTOFF = '2026-11-26T07:00:00.000Z';
const SENT_AT = new Date('2026-11-26T07:05:00.000Z');
const READER = { email: 'reader@example.com', timezone: 'Europe/Berlin' };

export async function seedArticles(): Promise<Article[]> {
  const batch = JSON.parse(await readFile(join(repoRoot, 'examples/articles.json'), 'utf8')) as { articles: unknown[] };
  return batch.articles.map((raw, index) => {
    const checked = validateArticle(raw, index);
    if (!checked.ok) throw new Error(`examples/articles.json item ${index} is invalid`);
    return toArticle(checked.input, '2026-11-26T06:00:00.000Z').article;
  });
}

/** Each email as a reader gets it, under the given settings on top of the required ones. */
export async function renderEveryEmail(env: Record<string, string> = {}): Promise<SampleEmail[]> {
  const config = loadConfig({ ...REQUIRED_SETTINGS, ...env });
  const settings = settingsFrom(config, config.TOKEN_SECRET!);
  const renderer = new TemplateRenderer({ digestName: config.DIGEST_NAME, postalAddress: config.POSTAL_ADDRESS, brand: brandOf(config) });
  const site = { publicUrl: config.PUBLIC_URL };
  const articles = await seedArticles();
  const edition = await buildEdition({ since: SINCE, cutoff: CUTOFF, articles, createdAt: SENT_AT.toISOString() }, renderer, settings);
  const testCopy = await buildEdition({ since: SINCE, cutoff: CUTOFF, articles, createdAt: SENT_AT.toISOString() }, renderer, settings, {
    testCopy: true,
  });
  const empty = await buildEdition({ since: SINCE, cutoff: CUTOFF, articles: [], createdAt: SENT_AT.toISOString() }, renderer, settings);
  const [gone, ...kept] = edition.stories;
  const withdrawnFrom = { ...edition, stories: kept, withdrawn: [{ articleId: gone!.articleId, at: SENT_AT.toISOString() }] };
  const withdrawn = { ...withdrawnFrom, ...(await renderEdition(withdrawnFrom, renderer, settings)) };
  const personal = (built: typeof edition) => personaliseEdition(built, READER, SENT_AT, settings).html;
  return [
    {
      name: 'confirmation',
      html: (await renderer.renderConfirmEmail({ confirmUrl: `${site.publicUrl}/confirm?token=abc.def`, ...site })).html,
    },
    {
      name: 'welcome',
      html: (
        await renderer.renderWelcomeEmail({
          preferencesUrl: `${site.publicUrl}/preferences?token=abc.def`,
          unsubscribeUrl: `${site.publicUrl}/unsubscribe?token=ghi.jkl`,
          ...site,
        })
      ).html,
    },
    { name: 'digest', html: personal(edition) },
    { name: 'digest test copy', html: personal(testCopy) },
    { name: 'digest with a withdrawn story', html: personal(withdrawn) },
    { name: 'empty digest', html: personal(empty) },
  ];
}

const EMPTY_COLOUR_ATTRIBUTE = /\s(?:bgcolor|color|background|fill|stroke)\s*=\s*(?:""|'')/gi;

/** `prop: ;`, `prop:;`, `prop:}` or `prop:` at the end of a style attribute: a value that was never filled. */
const EMPTY_DECLARATION = /[a-z-]+\s*:\s*(?=[;}]|$)/gi;

/** A value that ends in a space before `;` or `}`: its last part (`4px solid ;`) was left empty. */
const TRUNCATED_DECLARATION = /[a-z-]+\s*:[^;{}]*[^\s;{}]\s+(?=[;}])/gi;

/**
 * Every CSS declaration and colour attribute with an empty or cut-short value, in style
 * attributes and <style> blocks alike.
 */
export function emptyStyleValues(html: string): string[] {
  const found = [...html.matchAll(EMPTY_COLOUR_ATTRIBUTE)].map((match) => match[0].trim());
  const styles = [
    ...[...html.matchAll(/\sstyle\s*=\s*"([^"]*)"/gi)].map((match) => match[1]!),
    ...[...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((match) => match[1]!),
  ];
  for (const css of styles) {
    // Selectors such as `a:hover {` or `:root {` are not declarations.
    const declarations = css.replace(/[^{}]*\{/g, '{');
    found.push(...[...declarations.matchAll(EMPTY_DECLARATION)].map((match) => match[0].trim()));
    found.push(...[...declarations.matchAll(TRUNCATED_DECLARATION)].map((match) => match[0].trim()));
  }
  return found;
}
