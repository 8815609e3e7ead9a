import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  Markup,
  InvalidViewError,
  escapeHtml,
  fillTemplate,
  safeHref,
  trustedTemplate,
} from '../../../../functions/adapters/render/html.ts';
import {
  checkInboxPage,
  confirmedPage,
  confirmPage,
  dataErasedPage,
  errorPage,
  pageContentSecurityPolicy,
  subscribePage,
  unsubscribePage,
  unsubscribedPage,
} from '../../../../functions/adapters/render/pages.ts';

const HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

/** Every tag that carries an event-handler attribute, or a script other than the page's own. */
function injectedMarkup(html: string): string[] {
  const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]);
  // Quoted attribute values may hold escaped text such as "onerror="; only attribute names count.
  const handlers = tags.filter((tag) => /\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"/g, '""')));
  const scripts = [...html.matchAll(/<script[^>]*>/gi)].length;
  return scripts > 1 ? [...handlers, `${scripts} scripts`] : handlers;
}

function attr(html: string, tagPattern: RegExp): string {
  const match = tagPattern.exec(html);
  if (!match) throw new Error(`no tag matching ${tagPattern}`);
  return match[0];
}

describe('escapeHtml and safeHref', () => {
  it('escapes the characters that can open a tag or leave an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
  });

  it.each([
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'data:text/html,x',
    'vbscript:x',
    '/relative',
    '//evil.example',
    'not a url',
    'mailto:a@b.c',
  ])('refuses %s as a link', (url) => {
    expect(safeHref(url)).toBeUndefined();
  });

  it('keeps http(s) links, with quotes and angle brackets percent-encoded', () => {
    expect(safeHref('https://news.example.com/a b?q="x"<y>')).toBe('https://news.example.com/a%20b?q=%22x%22%3Cy%3E');
    expect(safeHref('http://example.com')).toBe('http://example.com/');
  });

  it('fills placeholders in one pass, escaping strings and inserting only Markup as is', () => {
    const filled = fillTemplate(trustedTemplate('<p>{{a}}</p>{{b}}<i>{{ n }}</i>'), {
      a: '{{b}} <b>',
      b: new Markup('<hr>'),
      n: 3,
    });
    expect(filled.html).toBe('<p>{{b}} &lt;b&gt;</p><hr><i>3</i>');
  });

  it('refuses a template placeholder without a value', () => {
    expect(() => fillTemplate(trustedTemplate('{{missing}}'), {})).toThrow(InvalidViewError);
  });
});

describe('pages', () => {
  const pages = {
    subscribe: subscribePage({}),
    checkInbox: checkInboxPage(),
    confirm: confirmPage({ token: 'tok' }),
    confirmed: confirmedPage({ preferencesToken: 'tok' }),
    dataErased: dataErasedPage(),
    unsubscribe: unsubscribePage({ token: 'tok' }),
    unsubscribed: unsubscribedPage(),
    error: errorPage({ status: 404, title: 'Not found', message: 'No such page.' }),
  };

  it.each(Object.entries(pages))('renders the %s page as a whole, mobile-ready document', (_name, html) => {
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toMatch(/<h1>[^<]+<\/h1>/);
    expect(html).toContain(':focus-visible');
    expect(html).not.toMatch(/\{\{/);
  });

  it('uses the digest name it is given', () => {
    expect(checkInboxPage({ digestName: 'Morning <Brief>' })).toContain('Morning &lt;Brief&gt;');
  });
});

describe('subscribePage', () => {
  it('posts a labelled email field, an hour select and a time zone to /subscriptions', () => {
    const html = subscribePage({});

    expect(html).toContain('<form method="post" action="/subscriptions">');
    expect(html).toContain('<label for="email">');
    const email = attr(html, /<input[^>]*id="email"[^>]*>/);
    expect(email).toContain('type="email"');
    expect(email).toContain('name="email"');
    expect(email).toContain('required');
    expect(html).toContain('<label for="sendHour">');
    expect(html.match(/<option value="\d+"/g)).toHaveLength(24);
    expect(html).toContain('<option value="7" selected>07:00</option>');
    const timezone = attr(html, /<input[^>]*id="timezone"[^>]*>/);
    expect(timezone).toContain('type="hidden"');
    expect(timezone).toContain('name="timezone"');
    expect(timezone).toContain('value="UTC"');
    expect(timezone).toContain('data-detect="true"');
  });

  it("sends UTC next time when the browser's zone was refused, so the hidden field cannot block the form", () => {
    const html = subscribePage({
      error: [{ field: 'timezone', message: 'must be an IANA time zone such as Europe/London' }],
      values: { email: 'reader@example.com', sendHour: '8', timezone: 'Etc/GMT+5' },
    });
    const timezone = attr(html, /<input[^>]*id="timezone"[^>]*>/);
    expect(timezone).toContain('value="UTC"');
    expect(timezone).toContain('data-detect="false"');
    expect(html).toContain('Time zone: must be an IANA time zone');
  });

  it('refills the form with what the reader sent, escaped', () => {
    const html = subscribePage({
      values: { email: HOSTILE, sendHour: '21', timezone: `Europe/Paris${HOSTILE}` },
    });

    expect(injectedMarkup(html)).toEqual([]);
    expect(attr(html, /<input[^>]*id="email"[^>]*>/)).toContain(`value="${escapeHtml(HOSTILE)}"`);
    expect(html).toContain('<option value="21" selected>21:00</option>');
    expect(html).not.toContain('<option value="7" selected>');
    expect(attr(html, /<input[^>]*id="timezone"[^>]*>/)).toContain('data-detect="false"');
  });

  it('ignores refill values that are not strings and hours out of range', () => {
    const html = subscribePage({ values: { email: { $ne: 1 }, sendHour: '24', timezone: ['x'] } });
    expect(attr(html, /<input[^>]*id="email"[^>]*>/)).toContain('value=""');
    expect(html).toContain('<option value="7" selected>');
    expect(attr(html, /<input[^>]*id="timezone"[^>]*>/)).toContain('value="UTC"');
  });

  it('shows each issue beside its field and in a summary announced to screen readers', () => {
    const html = subscribePage({
      error: [
        { field: 'email', message: `must be an email address ${HOSTILE}` },
        { field: 'sendHour', message: 'must be a whole hour from 0 to 23' },
        { field: 'topics', message: 'unknown topic' },
      ],
      values: { email: 'nope' },
    });

    expect(injectedMarkup(html)).toEqual([]);
    expect(html).toContain('role="alert"');
    expect(html).toContain('<a href="#email">Email address: must be an email address &quot;&gt;&lt;script&gt;');
    expect(html).toContain('<li>unknown topic</li>');
    const email = attr(html, /<input[^>]*id="email"[^>]*>/);
    expect(email).toContain('aria-invalid="true"');
    expect(email).toContain('aria-describedby="email-error"');
    expect(html).toContain('<p class="error" id="email-error">must be an email address &quot;&gt;');
    const select = attr(html, /<select[^>]*>/);
    expect(select).toContain('aria-describedby="timezone-hint sendHour-error"');
    expect(select).toContain('aria-invalid="true"');
  });

  it('shows a plain error message', () => {
    const html = subscribePage({ error: 'Too many attempts <b>now</b>' });
    expect(html).toContain('<li>Too many attempts &lt;b&gt;now&lt;/b&gt;</li>');
  });

  it('fills the time zone from the browser when scripts run, and leaves UTC otherwise', () => {
    const html = subscribePage({});
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const input = { value: 'UTC', getAttribute: (name: string) => (name === 'data-detect' ? 'true' : null) };
    const label = { textContent: 'UTC' };
    const document = { getElementById: (id: string) => ({ timezone: input, 'timezone-label': label })[id] ?? null };
    const Intl = { DateTimeFormat: () => ({ resolvedOptions: () => ({ timeZone: 'America/New_York' }) }) };

    runInNewContext(script, { document, Intl });

    expect(input.value).toBe('America/New_York');
    expect(label.textContent).toBe('America/New_York');
  });
});

describe('unsubscribePage', () => {
  it('posts to the same URL with the token, encoded and escaped', () => {
    const token = 'abc.def&x="><script>alert(1)</script>';
    const html = unsubscribePage({ token });

    expect(injectedMarkup(html)).toEqual([]);
    const form = attr(html, /<form[^>]*>/);
    expect(form).toContain('method="post"');
    expect(form).toContain(`action="/unsubscribe?token=${encodeURIComponent(token)}"`);
    expect(html).toMatch(/<button type="submit">Unsubscribe<\/button>/);
  });
});

describe('errorPage', () => {
  it('escapes its title and message', () => {
    const html = errorPage({ status: 400, title: `Bad ${HOSTILE}`, message: `Oops ${HOSTILE}` });
    expect(injectedMarkup(html)).toEqual([]);
    expect(html).not.toMatch(/<script>alert/);
    expect(html).toContain('Error 400');
    expect(html).toContain(`<h1>Bad ${escapeHtml(HOSTILE)}</h1>`);
  });
});

describe('pageContentSecurityPolicy', () => {
  it('allows exactly the inline style and script of the pages by hash', () => {
    const html = subscribePage({});
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = (source: string) => `'sha256-${createHash('sha256').update(source).digest('base64')}'`;
    const csp = pageContentSecurityPolicy();

    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });
});
