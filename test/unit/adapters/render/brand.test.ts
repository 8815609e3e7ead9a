import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  brandFrom,
  contrastRatio,
  DARK_BACKGROUND,
  darkModeAccent,
  DEFAULT_ACCENT,
  LIGHT_BACKGROUND,
  MIN_CONTRAST,
} from '../../../../functions/adapters/render/brand.ts';
import { TemplateRenderer } from '../../../../functions/adapters/render/template-renderer.ts';
import { editionPage } from '../../../../functions/adapters/render/edition-pages.ts';
import { pageContentSecurityPolicy, subscribePage } from '../../../../functions/adapters/render/pages.ts';
import { brandOf, ConfigError, loadConfig, settingsFrom } from '../../../../functions/adapters/runtime/config.ts';
import { announceSeed, TEST_SEED } from '../../../support/seed.ts';
import { buildEdition, listIdHeader, personaliseEdition } from '../../../../functions/core/edition/edition.ts';
import { anArticle, testSettings } from '../../../support/fakes.ts';

const minimal = {
  TABLE_NAME: 'digest',
  PUBLIC_URL: 'https://digest.example.com',
  MAIL_FROM: 'Morning Brief <digest@news.example.com>',
  TOKEN_SECRET: 'a-token-secret-that-is-long-enough-0123456789',
};

function configMessage(env: Record<string, string>): string {
  try {
    loadConfig({ ...minimal, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('brand colours', () => {
  beforeAll(() => announceSeed('test/unit/adapters/render/brand.test.ts'));

  it('measures WCAG contrast: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio(DEFAULT_ACCENT, LIGHT_BACKGROUND)).toBeGreaterThan(MIN_CONTRAST);
  });

  it('derives a dark-mode accent with 4.5:1 on the dark card from any colour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (value) => {
        const hex = `#${value.toString(16).padStart(6, '0')}`;
        const dark = darkModeAccent(hex);
        expect(contrastRatio(dark, DARK_BACKGROUND)).toBeGreaterThanOrEqual(MIN_CONTRAST);
      }),
      { numRuns: 500, seed: TEST_SEED },
    );
    // A colour that already reads on the dark card is kept as it is.
    expect(darkModeAccent('#93c5fd')).toBe('#93c5fd');
    expect(darkModeAccent('#1d4ed8')).not.toBe('#1d4ed8');
  });
});

describe('brand settings', () => {
  it('accepts a dark enough BRAND_COLOR and the other brand settings', () => {
    const config = loadConfig({
      ...minimal,
      BRAND_COLOR: '#7A1F5C',
      LOGO_URL: 'https://cdn.example.com/logo.png',
      DIGEST_TAGLINE: 'The news that matters, before breakfast',
      REPLY_TO: 'editors@news.example.com',
    });
    expect(brandOf(config)).toMatchObject({ accent: '#7a1f5c', logoUrl: 'https://cdn.example.com/logo.png' });
    expect(settingsFrom(config, minimal.TOKEN_SECRET).replyTo).toBe('editors@news.example.com');
  });

  it('refuses a BRAND_COLOR under 4.5:1 on the light background, naming it and the ratio', () => {
    const message = configMessage({ BRAND_COLOR: '#ffcc00' });
    expect(message).toMatch(/^invalid configuration: BRAND_COLOR must reach 4.5:1 contrast/);
    expect(message).toContain('1.');
    expect(configMessage({ BRAND_COLOR: 'blue' })).toContain('BRAND_COLOR must be a hex colour');
  });

  it.each([
    ['LOGO_URL', 'http://cdn.example.com/logo.png', 'must be an https URL'],
    ['LOGO_URL', 'javascript:alert(1)', 'must be an https URL'],
    ['DIGEST_TAGLINE', 'two\nlines', 'must be one line'],
    ['DIGEST_TAGLINE', 'x'.repeat(121), 'at most 120'],
    ['REPLY_TO', 'not an address', 'must be an email address'],
  ])('refuses %s=%j, naming it', (name, value, reason) => {
    const message = configMessage({ [name]: value });
    expect(message).toContain(`${name} `);
    expect(message).toContain(reason);
  });

  it('has good defaults without any brand setting', () => {
    const brand = brandOf(loadConfig(minimal));
    expect(brand).toEqual({ accent: DEFAULT_ACCENT, accentDark: '#93c5fd', logoUrl: null, tagline: null });
    expect(settingsFrom(loadConfig(minimal), minimal.TOKEN_SECRET).replyTo).toBeUndefined();
  });
});

describe('the brand in the email and the pages', () => {
  const brand = brandFrom({ brandColor: '#7a1f5c', logoUrl: 'https://cdn.example.com/logo.png?v=2&x=1', tagline: 'Before breakfast' });
  const settings = testSettings({
    digestName: 'Morning Brief',
    mailFrom: 'Morning Brief <digest@news.example.com>',
    replyTo: 'editors@news.example.com',
  });

  async function branded() {
    const renderer = new TemplateRenderer({ digestName: settings.digestName, brand });
    return buildEdition(
      {
        since: '2026-11-25T07:00:00.000Z',
        cutoff: '2026-11-26T07:00:00.000Z',
        articles: [anArticle({ title: 'Bank holds rates' }), anArticle({ title: 'Heatwave ends', url: 'https://n.example/h' })],
        createdAt: '2026-11-26T07:00:00.000Z',
      },
      renderer,
      settings,
    );
  }

  it('puts the masthead (logo with the digest name as alt text, tagline) and the brand colour in the email', async () => {
    const edition = await branded();
    expect(edition.html).toContain('<img src="https://cdn.example.com/logo.png?v=2&amp;x=1" alt="Morning Brief"');
    expect(edition.html).toContain('Before breakfast');
    expect(edition.html).toContain('#7a1f5c');
    expect(edition.html).toContain(darkModeAccent('#7a1f5c'));
    expect(edition.html.toLowerCase()).not.toContain(DEFAULT_ACCENT);
    expect(edition.text.split('\n').slice(0, 3)).toEqual(['Morning Brief', 'Before breakfast', expect.stringContaining('times in')]);
  });

  it('leaves the brand name out of the subject, and hides the preheader without colour tricks', async () => {
    const edition = await branded();
    expect(edition.subject).not.toContain('Morning Brief');
    const preheader = /<div class="dm-preheader" style="([^"]*)"[^>]*>/.exec(edition.html);
    expect(preheader?.[1]).toContain('display: none');
    expect(preheader?.[1]).toContain('mso-hide: all');
    expect(preheader?.[1]).not.toMatch(/color|font-size|opacity/);
    // mjml's own preview block sets a text colour; it must not be there.
    expect(edition.html).not.toMatch(/display:none;font-size:1px;color/);
  });

  it('sends List-Id and Reply-To with every digest', async () => {
    const email = personaliseEdition(await branded(), { email: 'r@example.com' }, new Date('2026-11-26T07:05:00Z'), settings);
    const headers = Object.fromEntries(email.headers.map((header) => [header.name, header.value]));
    expect(headers['List-Id']).toBe('Morning Brief <morning-brief.news.example.com>');
    expect(headers['Reply-To']).toBe('editors@news.example.com');
    const plain = personaliseEdition(await branded(), { email: 'r@example.com' }, new Date(), testSettings());
    expect(plain.headers.map((header) => header.name)).not.toContain('Reply-To');
  });

  it('keeps List-Id to printable ASCII whatever the digest is called', () => {
    expect(listIdHeader({ digestName: 'Le Quotidien ✨', mailFrom: 'x@journal.example' })).toBe('<le-quotidien.journal.example>');
    expect(listIdHeader({ digestName: 'A "quoted" name', mailFrom: 'x@j.example' })).toBe('A quoted name <a-quoted-name.j.example>');
  });

  it('quotes the List-Id phrase only when a special character asks for it', () => {
    const listId = (digestName: string) => listIdHeader({ digestName, mailFrom: 'x@j.example' });
    expect(listId("Bob's  Briefing")).toBe("Bob's Briefing <bob-s-briefing.j.example>");
    expect(listId('Ask+Answer #1')).toBe('Ask+Answer #1 <ask-answer-1.j.example>');
    expect(listId('News, Daily')).toBe('"News, Daily" <news-daily.j.example>');
    expect(listId('Dr. Who Weekly')).toBe('"Dr. Who Weekly" <dr-who-weekly.j.example>');
    expect(listId('Bits (and bytes)')).toBe('"Bits (and bytes)" <bits-and-bytes.j.example>');
    expect(listId('<Daily>')).toBe('"<Daily>" <daily.j.example>');
    expect(listId('"\\"')).toBe('<digest.j.example>');
  });

  it('brands the web edition and the pages, and their CSP allows exactly that style and logo', async () => {
    const site = { digestName: 'Morning Brief', publicUrl: 'https://digest.example', brand };
    const web = editionPage(await branded(), site);
    expect(web).toContain('alt="Morning Brief"');
    expect(web).toContain('#7a1f5c');
    const page = subscribePage({}, site);
    expect(page).toContain('<img class="logo" src="https://cdn.example.com/logo.png?v=2&amp;x=1" alt="Morning Brief"');
    expect(page).toContain('<p class="tagline">Before breakfast</p>');
    const csp = pageContentSecurityPolicy();
    expect(csp).toContain('img-src https://cdn.example.com');
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    expect(styles).toHaveLength(2);
    expect(styles[1]).toContain('--accent: #7a1f5c');
    const { createHash } = await import('node:crypto');
    for (const css of styles) expect(csp).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(csp).not.toContain('unsafe-inline');
  });
});
