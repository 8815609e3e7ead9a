/**
 * Fills the compiled email templates (templates/compiled/*.html, made from the MJML sources by
 * `npm run templates`) with Mustache. Mustache escapes every `{{value}}` with our escapeHtml;
 * the templates use no triple-brace or `{{&}}` tags (a test checks), so no value is ever raw
 * markup, and a value that looks like a tag is never parsed again.
 */
import Mustache from 'mustache';
import { escapeHtml } from './html.ts';
import type { TemplateFiles } from './templates.ts';

export type EmailTemplateName = 'digest' | 'confirm' | 'welcome';

// One writer for the process: it caches each template's parse, so a warm render only fills.
const writer = new Mustache.Writer();
const OPTIONS = { escape: escapeHtml };

export function fillEmailTemplate(files: TemplateFiles, name: EmailTemplateName, model: object): string {
  return writer.render(files.read(`compiled/${name}.html`), model, {}, OPTIONS);
}
