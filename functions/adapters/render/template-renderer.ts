/**
 * Renders the digest and the confirmation email from the MJML-authored templates, compiled to
 * HTML at build time (functions/build/compile-templates.ts), so no mjml is loaded at run time. Values
 * are escaped by the template step; links have passed safeHref; personal links and reader-zone
 * times are placeholders that personaliseEdition fills per recipient.
 */
import type { ConfirmationRenderer, ConfirmView, RenderedEmail, WelcomeView } from '../../core/subscribers/index.ts';
import type { DigestRenderer, DigestView } from '../../core/edition/index.ts';
import {
  cleanText,
  digestModel,
  digestText,
  requireHref,
  requirePlaceholder,
  wrap,
  TEXT_RULE,
  type DigestFooter,
} from './digest-content.ts';
import { type Brand, DEFAULT_BRAND } from './brand.ts';
import { fillEmailTemplate } from './email-templates.ts';
import { TemplateFiles, templatesDir } from './templates.ts';

export { InvalidViewError } from './html.ts';

export interface TemplateRendererOptions {
  digestName: string;
  /** config.TEMPLATES_DIR; see templatesDir() for the default. */
  templatesDir?: string | undefined;
  /** config.POSTAL_ADDRESS: the sender's postal address in every footer (CAN-SPAM asks for one). */
  postalAddress?: string | undefined;
  /** BRAND_COLOR, LOGO_URL and DIGEST_TAGLINE as brandFrom() made them; the product's look without. */
  brand?: Brand | undefined;
}

export class TemplateRenderer implements DigestRenderer, ConfirmationRenderer {
  readonly #digestName: string;
  readonly #postalAddress: string | undefined;
  readonly #templates: TemplateFiles;
  readonly #brand: Brand;

  constructor(options: TemplateRendererOptions) {
    this.#digestName = options.digestName;
    this.#brand = options.brand ?? DEFAULT_BRAND;
    this.#postalAddress = options.postalAddress;
    this.#templates = new TemplateFiles(templatesDir({ TEMPLATES_DIR: options.templatesDir }));
  }

  async renderDigest(view: DigestView): Promise<{ html: string; text: string }> {
    const webUrl = requireHref(view.webUrl, 'webUrl');
    const footer: DigestFooter = {
      note: `You get this email because you subscribed to ${this.#digestName} and confirmed your address.`,
      links: [
        { label: 'View in browser', href: webUrl },
        { label: 'Preferences', href: requirePlaceholder(view.links.preferencesUrl, 'links.preferencesUrl') },
        { label: 'Unsubscribe', href: requirePlaceholder(view.links.unsubscribeUrl, 'links.unsubscribeUrl') },
      ],
      postalAddress: this.#postalAddress,
    };
    const more = view.moreCount ? { count: view.moreCount, href: webUrl } : undefined;
    const model = digestModel({ ...view, more }, footer, this.#digestName, this.#brand);
    return { html: fillEmailTemplate(this.#templates, 'digest', model), text: digestText(model) };
  }

  async renderConfirmEmail(view: ConfirmView): Promise<RenderedEmail> {
    const confirmUrl = requireHref(view.confirmUrl, 'confirmUrl');
    const publicUrl = requireHref(view.publicUrl, 'publicUrl');
    const subject = `Confirm your subscription to ${this.#digestName}`;
    const html = fillEmailTemplate(this.#templates, 'confirm', {
      subject,
      preheader: 'Press the button below, then confirm on the page it opens.',
      digestName: this.#digestName,
      subtitle: 'Confirm your subscription',
      brand: this.#brandModel(),
      confirmUrl,
      footer: {
        note: `Sent by ${this.#digestName} from ${publicUrl}`,
        links: [],
        postalAddress: this.#postalAddress ?? null,
      },
    });
    return { subject, html, text: this.#confirmText(confirmUrl, publicUrl) };
  }

  /** The welcome after confirming: the reader's manage link (a button and the footer) and unsubscribe. */
  async renderWelcomeEmail(view: WelcomeView): Promise<RenderedEmail> {
    const preferencesUrl = requireHref(view.preferencesUrl, 'preferencesUrl');
    const unsubscribeUrl = requireHref(view.unsubscribeUrl, 'unsubscribeUrl');
    const publicUrl = requireHref(view.publicUrl, 'publicUrl');
    const subject = `Welcome to ${this.#digestName}`;
    const html = fillEmailTemplate(this.#templates, 'welcome', {
      subject,
      preheader: 'You are subscribed. Here is how to choose what you get.',
      digestName: this.#digestName,
      subtitle: 'You are subscribed',
      brand: this.#brandModel(),
      preferencesUrl,
      unsubscribeUrl,
      footer: {
        note: `Sent by ${this.#digestName} from ${publicUrl}`,
        links: [
          { separator: '', label: 'Preferences', href: preferencesUrl },
          { separator: ' · ', label: 'Unsubscribe', href: unsubscribeUrl },
        ],
        postalAddress: this.#postalAddress ?? null,
      },
    });
    const name = cleanText(this.#digestName);
    const text = [
      `Welcome to ${name}`,
      '',
      ...wrap(`Thank you for confirming: you are subscribed to ${name}. Your first digest arrives at the hour you chose.`),
      '',
      'Choose topics, frequency and time (keep this link; every digest has one too):',
      preferencesUrl,
      '',
      'Unsubscribe at any time:',
      unsubscribeUrl,
      '',
      ...this.#textFooter(publicUrl),
    ].join('\n');
    return { subject, html, text };
  }

  /** The brand as the transactional templates show it; the digest's model builds the same. */
  #brandModel(): Brand {
    return { ...this.#brand, tagline: this.#brand.tagline === null ? null : cleanText(this.#brand.tagline) };
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
      ...this.#textFooter(publicUrl),
    ].join('\n');
  }

  /** The plain-text footer of the transactional emails: who sent it, from where, and the postal address. */
  #textFooter(publicUrl: string): string[] {
    return [
      TEXT_RULE,
      `Sent by ${cleanText(this.#digestName)} from ${publicUrl}`,
      ...(this.#postalAddress ? ['', ...wrap(cleanText(this.#postalAddress))] : []),
      '',
    ];
  }
}
