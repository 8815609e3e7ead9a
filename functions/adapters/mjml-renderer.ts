/**
 * Renders the digest and the confirmation email from the MJML templates in templates/.
 * MJML is composed by fillTemplate, so every article value is escaped and every link has
 * passed safeHref before mjml sees it; the plain-text part is written from the view itself.
 */
import type { MJMLParsingOptions, MJMLParseResults } from 'mjml-core';
import type { Story } from '../core/types.ts';
import type { ConfirmView, DigestView, Renderer, RenderedEmail } from '../ports.ts';
import { emptyMarkup, escapeHtml, fillTemplate, joinMarkup, safeHref, type Markup } from './html.ts';
import { TemplateFiles, templatesDir } from './templates.ts';

export class InvalidViewError extends Error {
  override name = 'InvalidViewError';
}

export class EmailRenderError extends Error {
  override name = 'EmailRenderError';
}

export type ValidationLevel = 'strict' | 'soft' | 'skip';

export interface MjmlRendererOptions {
  digestName: string;
  /** config.TEMPLATES_DIR; see templatesDir() for the default. */
  templatesDir?: string | undefined;
  /** 'strict' (default) refuses to produce HTML from MJML with any validation error. */
  validationLevel?: ValidationLevel;
}

type Mjml2Html = (input: string, options?: MJMLParsingOptions) => Promise<MJMLParseResults>;

let mjmlModule: Promise<Mjml2Html> | undefined;

/** Loaded on first render: mjml is heavy, and most handlers that import this never render. */
function loadMjml(): Promise<Mjml2Html> {
  mjmlModule ??= import('mjml').then((mod) => mod.default as Mjml2Html);
  return mjmlModule;
}

/** Personal links are swapped in per recipient by exact string match, so they must pass through escaping and mjml unchanged. */
const PLACEHOLDER_SHAPE = /^[A-Za-z0-9_]+$/;

const CONFIRM_URL_MARKER = '__DM_CONFIRM_URL__';
const PUBLIC_URL_MARKER = '__DM_PUBLIC_URL__';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const TEXT_WIDTH = 72;
const TEXT_RULE = '-'.repeat(TEXT_WIDTH);

export class MjmlRenderer implements Renderer {
  readonly #digestName: string;
  readonly #templates: TemplateFiles;
  readonly #validationLevel: ValidationLevel;
  #confirmShell: Promise<string> | undefined;

  constructor(options: MjmlRendererOptions) {
    this.#digestName = options.digestName;
    this.#templates = new TemplateFiles(templatesDir({ TEMPLATES_DIR: options.templatesDir }));
    this.#validationLevel = options.validationLevel ?? 'strict';
  }

  async renderDigest(view: DigestView): Promise<{ html: string; text: string }> {
    const html = await this.#compile(this.digestMjml(view));
    return { html, text: this.digestText(view) };
  }

  /**
   * The confirmation email differs per reader only in its link, so the MJML is compiled
   * once with markers and each call substitutes the escaped URLs.
   */
  async renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail> {
    const confirmUrl = requireHref(view.confirmUrl, 'confirmUrl');
    const publicUrl = requireHref(view.publicUrl, 'publicUrl');
    this.#confirmShell ??= this.#compile(this.#confirmMjml()).catch((error: unknown) => {
      this.#confirmShell = undefined;
      throw error;
    });
    const shell = await this.#confirmShell;
    const html = shell
      .replaceAll(CONFIRM_URL_MARKER, escapeHtml(confirmUrl))
      .replaceAll(PUBLIC_URL_MARKER, escapeHtml(publicUrl));
    return {
      subject: `Confirm your subscription to ${this.#digestName}`,
      html,
      text: this.#confirmText(confirmUrl, publicUrl),
    };
  }

  /** The MJML source of a digest, before compilation. */
  digestMjml(view: DigestView): string {
    const unsubscribeUrl = requirePlaceholder(view.links.unsubscribeUrl, 'links.unsubscribeUrl');
    const preferencesUrl = requirePlaceholder(view.links.preferencesUrl, 'links.preferencesUrl');
    const webUrl = requireHref(view.webUrl, 'webUrl');
    const t = this.#templates;

    const stories =
      view.stories.length === 0
        ? t.markup('partials/digest-empty.mjml')
        : joinMarkup(
            view.stories.map((story) => this.#storyMarkup(story)),
            t.read('partials/story-divider.mjml'),
          );

    return fillTemplate(t.markup('digest.mjml'), {
      head: fillTemplate(t.markup('partials/head.mjml'), { title: view.subject, preheader: view.preheader }),
      header: fillTemplate(t.markup('partials/header.mjml'), { name: this.#digestName, subtitle: view.dateLabel }),
      stories,
      footer: fillTemplate(t.markup('partials/footer.mjml'), {
        note: `You get this email because you subscribed to ${this.#digestName}.`,
        links: fillTemplate(t.markup('partials/digest-links.mjml'), { webUrl, preferencesUrl, unsubscribeUrl }),
      }),
    }).html;
  }

  /** The plain-text part, laid out for reading rather than converted from the HTML. */
  digestText(view: DigestView): string {
    const lines: string[] = [cleanText(this.#digestName), cleanText(view.dateLabel), ''];
    if (view.stories.length === 0) lines.push('Nothing new since your last digest.', '');
    view.stories.forEach((story, index) => {
      if (index > 0) lines.push(TEXT_RULE, '');
      lines.push(...wrap(cleanText(story.title)), storyMeta(story), '');
      const summary = cleanText(story.summary.join(' '));
      if (summary !== '') lines.push(...wrap(summary), '');
      const href = safeHref(story.url);
      if (href !== undefined) lines.push(`Read more: ${href}`, '');
    });
    lines.push(
      TEXT_RULE,
      `You get this email because you subscribed to ${cleanText(this.#digestName)}.`,
      `View in browser: ${requireHref(view.webUrl, 'webUrl')}`,
      `Preferences: ${requirePlaceholder(view.links.preferencesUrl, 'links.preferencesUrl')}`,
      `Unsubscribe: ${requirePlaceholder(view.links.unsubscribeUrl, 'links.unsubscribeUrl')}`,
    );
    return `${lines.join('\n')}\n`;
  }

  #storyMarkup(story: Story): Markup {
    const t = this.#templates;
    const href = safeHref(story.url);
    const title = cleanText(story.title);
    const summary = cleanText(story.summary.join(' '));
    return fillTemplate(t.markup('partials/story.mjml'), {
      title: href === undefined ? title : fillTemplate(t.markup('partials/story-title-link.mjml'), { href, title }),
      meta: storyMeta(story),
      summary: summary === '' ? emptyMarkup : fillTemplate(t.markup('partials/story-summary.mjml'), { summary }),
      readMore: href === undefined ? emptyMarkup : fillTemplate(t.markup('partials/story-read-more.mjml'), { href }),
    });
  }

  #confirmMjml(): string {
    const t = this.#templates;
    const subject = `Confirm your subscription to ${this.#digestName}`;
    return fillTemplate(t.markup('confirm.mjml'), {
      head: fillTemplate(t.markup('partials/head.mjml'), {
        title: subject,
        preheader: 'One click and you are subscribed.',
      }),
      header: fillTemplate(t.markup('partials/header.mjml'), {
        name: this.#digestName,
        subtitle: 'Confirm your subscription',
      }),
      digestName: this.#digestName,
      confirmUrl: CONFIRM_URL_MARKER,
      footer: fillTemplate(t.markup('partials/footer.mjml'), {
        note: `Sent by ${this.#digestName} from ${PUBLIC_URL_MARKER}`,
        links: emptyMarkup,
      }),
    }).html;
  }

  #confirmText(confirmUrl: string, publicUrl: string): string {
    const name = cleanText(this.#digestName);
    return [
      `Confirm your subscription to ${name}`,
      '',
      ...wrap(`Please confirm that you want to receive ${name} by email. Nothing is sent until you do.`),
      '',
      'Confirm my subscription:',
      confirmUrl,
      '',
      ...wrap('If you did not ask for this, ignore this email: you will not be subscribed and will not hear from us again.'),
      '',
      TEXT_RULE,
      `Sent by ${name} from ${publicUrl}`,
      '',
    ].join('\n');
  }

  async #compile(source: string): Promise<string> {
    const mjml2html = await loadMjml();
    let result: MJMLParseResults;
    try {
      result = await mjml2html(source, {
        validationLevel: this.#validationLevel,
        // No web fonts: the system font stack needs no remote request.
        fonts: {},
        keepComments: false,
      });
    } catch (error) {
      throw new EmailRenderError('mjml could not compile the email', { cause: error });
    }
    return result.html;
  }
}

function requireHref(url: string, field: string): string {
  const href = safeHref(url);
  if (href === undefined) throw new InvalidViewError(`${field} must be an http(s) URL`);
  return href;
}

function requirePlaceholder(value: string, field: string): string {
  if (!PLACEHOLDER_SHAPE.test(value)) {
    throw new InvalidViewError(`${field} must be a placeholder of letters, digits and underscores`);
  }
  return value;
}

/** One line of text: control characters and line breaks collapse to spaces, so text cannot fake layout. */
function cleanText(value: string): string {
  return value.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** "Source · 26 Nov, 09:00 UTC", from the publication time when known, else the ingest time. */
function storyMeta(story: Story): string {
  const source = cleanText(story.source);
  const time = formatUtc(story.publishedAt) ?? formatUtc(story.ingestedAt);
  return time === undefined ? source : `${source} · ${time}`;
}

function formatUtc(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}, ${hh}:${mm} UTC`;
}

/** Greedy word wrap; a word longer than the width (a URL) keeps its own line unbroken. */
function wrap(text: string, width = TEXT_WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
