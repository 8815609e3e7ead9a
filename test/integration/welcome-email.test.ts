/** The welcome email from the compiled MJML template: the reader's manage link, unsubscribe, nothing raw. */
import { describe, expect, it } from 'vitest';
import { InvalidViewError, TemplateRenderer } from '../../functions/adapters/render/template-renderer.ts';

const renderer = new TemplateRenderer({ digestName: 'The <Daily> Digest', postalAddress: '1 Main St, Springfield' });
const view = {
  preferencesUrl: 'https://digest.example.com/preferences?token=abc.def&x=1',
  unsubscribeUrl: 'https://digest.example.com/unsubscribe?token=ghi.jkl',
  publicUrl: 'https://digest.example.com',
};

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);

describe('TemplateRenderer.renderWelcomeEmail', () => {
  it('links the button and the footer to the manage link, and offers unsubscribing', async () => {
    const email = await renderer.renderWelcomeEmail(view);
    expect(email.subject).toBe('Welcome to The <Daily> Digest');
    expect(hrefs(email.html)).toContain('https://digest.example.com/preferences?token=abc.def&amp;x=1');
    expect(hrefs(email.html)).toContain('https://digest.example.com/unsubscribe?token=ghi.jkl');
    expect(email.html).toContain('The &lt;Daily&gt; Digest');
    expect(email.html).not.toContain('<Daily>');
    expect(email.html).toContain('1 Main St, Springfield');
    expect(email.text).toContain(view.preferencesUrl);
    expect(email.text).toContain(view.unsubscribeUrl);
    expect(email.html).not.toMatch(/\{\{|__DM_/);
  });

  it('refuses links that are not http(s) and keeps quotes inside their attribute', async () => {
    await expect(renderer.renderWelcomeEmail({ ...view, preferencesUrl: 'javascript:alert(1)' })).rejects.toBeInstanceOf(InvalidViewError);
    const email = await renderer.renderWelcomeEmail({ ...view, unsubscribeUrl: 'https://digest.example.com/u?t="><script>x' });
    expect(email.html).not.toMatch(/<script/i);
  });
});
