/** The preference centre, confirm and erasure pages: escaping, the current choices, and errors beside their fields. */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { confirmPage, preferencesPage, subscribePage, type PreferencesPageArgs } from '../../../../functions/adapters/render/pages.ts';

const HOSTILE = '"><script>alert(1)</script>';

const args = (overrides: Partial<PreferencesPageArgs> = {}): PreferencesPageArgs => ({
  token: 'tok.en',
  email: 'reader@example.com',
  status: 'confirmed',
  timezone: 'Europe/London',
  sendHour: 7,
  topics: ['science'],
  frequency: 'daily',
  weeklyDay: 1,
  timeZones: ['Asia/Tokyo', 'Europe/London', 'UTC'],
  topicChoices: ['science', 'world'],
  unsubscribeToken: 'un.sub',
  ...overrides,
});

describe('preferencesPage', () => {
  it("shows the reader's current choices as the selected and ticked controls", () => {
    const html = preferencesPage(args({ frequency: 'weekly', weeklyDay: 5, sendHour: 9 }));
    expect(html).toContain('<option value="9" selected>09:00</option>');
    expect(html).toContain('<option value="Europe/London" selected>Europe/London</option>');
    expect(html).toContain('<option value="5" selected>Friday</option>');
    expect(html).toMatch(/id="frequency-weekly" name="frequency" value="weekly" checked>/);
    expect(html).toMatch(/value="science" checked><label for="topic-0">science<\/label>/);
    expect(html).toMatch(/value="world"><label for="topic-1">world<\/label>/);
  });

  it('shows an internationalised domain as the reader wrote it, not in its stored punycode', () => {
    expect(preferencesPage(args({ email: 'a@xn--exmple-cua.com' }))).toContain('<strong>a@exämple.com</strong>');
    expect(preferencesPage(args({ email: 'a@example.com' }))).toContain('<strong>a@example.com</strong>');
  });

  it('escapes the address, topics and tokens', () => {
    const html = preferencesPage(args({ email: `x${HOSTILE}@example.com`, topicChoices: [HOSTILE], token: HOSTILE }));
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(`action="/preferences?token=${encodeURIComponent(HOSTILE)}"`);
  });

  it('says when the reader is paused, offers to resume, and links to subscribing again when not subscribed', () => {
    const paused = preferencesPage(args({ pausedUntil: '2026-12-03' }));
    expect(paused).toContain('Paused: your digests start again on 2026-12-03.');
    expect(paused).toContain('<option value="resume">Resume now</option>');
    const gone = preferencesPage(args({ status: 'unsubscribed' }));
    expect(gone).toMatch(/not receiving the digest at the moment\. <a href="\/">Subscribe again<\/a>/);
    expect(gone).not.toContain('Resume now');
  });

  it('lists each refused field in an alert that links to its control', () => {
    const html = preferencesPage(
      args({
        error: [
          { field: 'sendHour', message: 'must be 0 to 23' },
          { field: 'topics.1', message: 'letters only' },
        ],
      }),
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('<li><a href="#sendHour">Send hour: must be 0 to 23</a></li>');
    expect(html).toContain('<li><a href="#topics-hint">Topics: letters only</a></li>');
  });

  it('offers the device zone with its script only when it differs from the stored one and is in the list', () => {
    const html = preferencesPage(args());
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const run = (deviceZone: string) => {
      const offer = { hidden: true };
      const select = {
        value: 'Europe/London',
        options: args().timeZones.map((value) => ({ value })),
        getAttribute: () => null,
        focus() {},
      };
      const detected = { textContent: '' };
      const button = { addEventListener: (_: string, handler: () => void) => handler() };
      const elements: Record<string, unknown> = {
        timezone: select,
        'timezone-offer': offer,
        'use-detected-zone': button,
        'detected-zone': detected,
      };
      runInNewContext(script, {
        document: { getElementById: (id: string) => elements[id] ?? null },
        Intl: { DateTimeFormat: () => ({ resolvedOptions: () => ({ timeZone: deviceZone }) }) },
      });
      return { offered: detected.textContent, value: select.value };
    };
    expect(run('Asia/Tokyo')).toEqual({ offered: 'Asia/Tokyo', value: 'Asia/Tokyo' });
    expect(run('Europe/London')).toEqual({ offered: '', value: 'Europe/London' });
    expect(run('Mars/Olympus')).toEqual({ offered: '', value: 'Europe/London' });
  });
});

describe('confirmPage and the honeypot', () => {
  it('posts the confirmation with the token instead of confirming on the GET', () => {
    const html = confirmPage({ token: HOSTILE });
    expect(html).toContain(`<form method="post" action="/confirm?token=${encodeURIComponent(HOSTILE)}">`);
    expect(html).toContain('<button type="submit">Confirm my subscription</button>');
  });

  it('hides the honeypot from people and assistive technology, and keeps it out of the tab order', () => {
    const html = subscribePage({});
    expect(html).toMatch(
      /<div class="trap" aria-hidden="true">[\s\S]*<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">/,
    );
  });
});
