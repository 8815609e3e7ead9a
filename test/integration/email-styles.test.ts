/**
 * Every email, rendered with no brand settings and with all of them: no CSS value and no colour
 * attribute may be left empty (an unfilled brand tag leaves `color: ;`, `bgcolor=""` or
 * `border-top:4px solid ;`, which mail clients render as black rules and invisible buttons).
 */
import { describe, expect, it } from 'vitest';
import { ALL_BRAND_SETTINGS, emptyStyleValues, renderEveryEmail } from '../support/email-gallery.ts';

describe('emptyStyleValues', () => {
  it('finds the empty and cut-short values an unfilled brand tag leaves', () => {
    const html = `<style>a { color: ; } .x:hover { background:; }</style>
      <td bgcolor="" style="border-top:4px solid ;background:;"><a style="color:">x</a></td><p color=''>`;
    expect(emptyStyleValues(html).sort()).toEqual([
      'background:',
      'background:',
      'bgcolor=""',
      'border-top:4px solid',
      'color:',
      'color:',
      "color=''",
    ]);
  });

  it('passes filled values, selectors with colons and !important', () => {
    const html = `<style>:root { color-scheme: light dark; } a:hover { color: #1d4ed8 !important; }
      @media (prefers-color-scheme: dark) { .x td { background-color: #1e293b !important; } }</style>
      <td bgcolor="#ffffff" style="border-top:4px solid #1d4ed8;padding:0 0 8px;"><a style="color: #fff">x</a></td>`;
    expect(emptyStyleValues(html)).toEqual([]);
  });
});

describe.each([
  ['no brand settings', {}],
  ['every brand setting', ALL_BRAND_SETTINGS],
])('every email with %s', (_label, env) => {
  it('has no empty CSS value and no empty colour attribute', async () => {
    const emails = await renderEveryEmail(env);
    expect(emails.map((email) => email.name)).toEqual([
      'confirmation',
      'welcome',
      'digest',
      'digest test copy',
      'digest with a withdrawn story',
      'empty digest',
    ]);
    for (const email of emails) {
      expect({ email: email.name, empty: emptyStyleValues(email.html) }).toEqual({ email: email.name, empty: [] });
      expect(email.html).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('shows the brand in every email when it is set, the logo and tagline included', async () => {
    for (const email of await renderEveryEmail(env)) {
      if (env === ALL_BRAND_SETTINGS) {
        expect(email.html, email.name).toContain(ALL_BRAND_SETTINGS.BRAND_COLOR);
        expect(email.html, email.name).toContain(`src="${ALL_BRAND_SETTINGS.LOGO_URL}"`);
        expect(email.html, email.name).toContain(ALL_BRAND_SETTINGS.DIGEST_TAGLINE);
        expect(email.html, email.name).toContain(ALL_BRAND_SETTINGS.POSTAL_ADDRESS);
      } else {
        expect(email.html, email.name).toContain('#1d4ed8');
        expect(email.html, email.name).not.toContain('<img');
      }
    }
  });
});
