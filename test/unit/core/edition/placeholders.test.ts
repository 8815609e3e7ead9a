import { describe, expect, it } from 'vitest';
import { fillPlaceholders, localTimePlaceholders } from '../../../../functions/core/edition/placeholders.ts';
import type { Edition } from '../../../../functions/core/edition/types.ts';

const NONCE = '0123456789abcdef';
const slots = localTimePlaceholders(NONCE);
const STORY_SECONDS = Date.parse('2026-11-25T23:30:00Z') / 1000;
const time = `${slots.timePrefix}${STORY_SECONDS}__`;

function anEdition(html: string, text: string): Edition {
  return {
    id: '20261126T070000-20261125T070000',
    since: '2026-11-25T07:00:00.000Z',
    cutoff: '2026-11-26T07:00:00.000Z',
    createdAt: '2026-11-26T07:00:00.000Z',
    subject: 's',
    preheader: 'p',
    stories: [],
    moreStories: [],
    html,
    text,
    placeholderNonce: NONCE,
    status: 'planned',
    recipients: 0,
  };
}

const values = (timezone: string) => ({
  unsubscribeUrl: 'https://d.example/unsubscribe?token=a&b="c"',
  preferencesUrl: 'https://d.example/preferences?token=p',
  timezone,
  now: new Date('2026-11-26T07:05:00Z'),
});

describe('fillPlaceholders', () => {
  const edition = anEdition(
    `<p>times in ${slots.zone}</p><p>${time}</p><a href="__DM_${NONCE}_UNSUBSCRIBE__">u</a><a href="__DM_${NONCE}_PREFERENCES__">p</a><p>${time}</p>`,
    `times in ${slots.zone}\n${time}\nUnsubscribe: __DM_${NONCE}_UNSUBSCRIBE__\n`,
  );

  it("fills story times in the reader's zone, and the zone name, in both parts", () => {
    const tokyo = fillPlaceholders(edition, values('Asia/Tokyo'));
    const newYork = fillPlaceholders(edition, values('America/New_York'));
    expect(tokyo.html).toBe(
      '<p>times in Asia/Tokyo</p><p>Today, 08:30</p><a href="https://d.example/unsubscribe?token=a&amp;b=&quot;c&quot;">u</a>' +
        '<a href="https://d.example/preferences?token=p">p</a><p>Today, 08:30</p>',
    );
    expect(newYork.text).toBe('times in America/New_York\nYesterday, 18:30\nUnsubscribe: https://d.example/unsubscribe?token=a&b="c"\n');
  });

  it('gives the same edition different times for readers in different zones, whatever the order', () => {
    const first = fillPlaceholders(edition, values('Asia/Tokyo')).text;
    fillPlaceholders(edition, values('America/New_York'));
    expect(fillPlaceholders(edition, values('Asia/Tokyo')).text).toBe(first);
  });

  it('leaves placeholders of another nonce, or of a malformed shape, as literal text', () => {
    const forged = `__DM_ffffffffffffffff_UNSUBSCRIBE__ __DM_${NONCE}_Tabc__ __DM_${NONCE}_EVIL__ __DM_ffffffffffffffff_T1__`;
    const result = fillPlaceholders(anEdition(`<p>${forged}</p>`, forged), values('UTC'));
    expect(result.html).toBe(`<p>${forged}</p>`);
    expect(result.text).toBe(forged);
  });

  it('shows an unknown zone as UTC rather than failing the send', () => {
    expect(fillPlaceholders(edition, values('Nowhere/Atlantis')).text).toContain('times in UTC\nYesterday, 23:30');
  });
});
