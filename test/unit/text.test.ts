import { describe, expect, it } from 'vitest';
import {
  HtmlTooDeepError,
  MAX_HTML_DEPTH,
  htmlNestingDepth,
  htmlToPlainText,
  looksLikeHtml,
  normaliseText,
  plainLine,
  singleLine,
} from '../../functions/core/text.ts';

describe('htmlToPlainText', () => {
  it('keeps paragraphs as blank-line separated plain text', () => {
    expect(htmlToPlainText('<p>First paragraph.</p><p>Second <b>bold</b> one.</p>')).toBe(
      'First paragraph.\n\nSecond bold one.',
    );
  });

  it('drops the content of script, style, noscript and iframe elements', () => {
    const text = htmlToPlainText(
      '<p>Safe.</p><script>alert(1)</script><style>p{color:red}</style>' +
        '<noscript>enable js</noscript><iframe src="https://evil.example">frame</iframe>',
    );
    expect(text).toBe('Safe.');
  });

  it('renders a link as its text only, whatever the href', () => {
    const text = htmlToPlainText(
      '<p>Read <a href="javascript:alert(1)">the report</a> or <a href="https://tracker.example/x">this</a>.</p>',
    );
    expect(text).toBe('Read the report or this.');
    expect(text).not.toMatch(/javascript|tracker|\[|\]/);
  });

  it('skips images, with their alt text and event handlers', () => {
    const text = htmlToPlainText('<p>Before<img src=x onerror="alert(1)" alt="a picture"> after.</p>');
    expect(text).toBe('Before after.');
  });

  it('leaves headings in their own case, on their own paragraph', () => {
    expect(htmlToPlainText('<h2>Talks in Istanbul</h2><p>Delegations met.</p>')).toBe(
      'Talks in Istanbul\n\nDelegations met.',
    );
  });

  it('turns list items into bullet lines', () => {
    expect(htmlToPlainText('<ul><li>One</li><li>Two</li></ul><ol><li>Three</li></ol>')).toBe(
      '• One\n• Two\n\n1. Three',
    );
  });

  it('decodes entities into characters', () => {
    expect(htmlToPlainText('<p>Trump&#8217;s &amp; Putin&rsquo;s talks</p>')).toBe('Trump’s & Putin’s talks');
  });

  it('passes plain text through, normalised only', () => {
    expect(htmlToPlainText('3 < 5 and 6 > 2,  really.\r\n\r\n\r\nNext')).toBe('3 < 5 and 6 > 2, really.\n\nNext');
  });

  it('refuses markup nested too deeply for the parser to handle quickly', () => {
    const hostile = '<b>'.repeat(100_000) + 'x';
    const started = performance.now();
    expect(() => htmlToPlainText(hostile)).toThrow(HtmlTooDeepError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('converts markup nested right up to the limit', () => {
    const nested = '<div>'.repeat(MAX_HTML_DEPTH) + 'deep text' + '</div>'.repeat(MAX_HTML_DEPTH);
    expect(htmlToPlainText(nested)).toBe('deep text');
  });
});

describe('looksLikeHtml', () => {
  it.each(['<p>x</p>', 'a <br/> b', 'text <!-- c -->', 'Tom &amp; Jerry', 'it&#8217;s', '<!DOCTYPE html><html>'])(
    'recognises %j as HTML',
    (input) => expect(looksLikeHtml(input)).toBe(true),
  );

  it.each(['3 < 5 and 6 > 2', 'AT&T results', 'plain text only', 'a <- b', 'x<5'])('reads %j as plain text', (input) =>
    expect(looksLikeHtml(input)).toBe(false),
  );
});

describe('htmlNestingDepth', () => {
  it('counts open elements, not void ones or siblings closed by the next opening tag', () => {
    expect(htmlNestingDepth('<div><p>a<p>b<p>c</div><br><img src=x><hr/>')).toBe(2);
    expect(htmlNestingDepth('<div><section><article><p>x</p></article></section></div>')).toBe(4);
  });

  it('counts unclosed inline elements', () => {
    expect(htmlNestingDepth('<b>'.repeat(300))).toBe(300);
  });
});

describe('normaliseText', () => {
  it('turns CRLF and lone CR into LF', () => {
    expect(normaliseText('a\r\nb\rc')).toBe('a\nb\nc');
  });

  it('strips control characters but keeps line breaks', () => {
    expect(normaliseText('a\u0000b\u0007c\u001Bd\u007F\u0085e\nf')).toBe('abcd\ne\nf');
  });

  it('collapses runs of spaces and tabs and trims each line', () => {
    expect(normaliseText('  a  \t b \u00A0 c  \n  d  ')).toBe('a b c\nd');
  });

  it('keeps at most one blank line', () => {
    expect(normaliseText('a\n\n\n\n\nb\n \n \nc')).toBe('a\n\nb\n\nc');
  });

  it('composes to NFC', () => {
    expect(normaliseText('Cafe\u0301')).toBe('Caf\u00E9');
  });

  it('replaces lone surrogates, which UTF-8 cannot carry, and keeps real pairs', () => {
    expect(normaliseText('a\uD800b 🎉')).toBe('a\uFFFDb 🎉');
  });
});

describe('singleLine', () => {
  it('leaves no CR or LF for a mail header to act on', () => {
    const line = singleLine('Breaking news\r\nBcc: victim@example.com\u2028X-Injected: 1\u2029more');
    expect(line).toBe('Breaking news Bcc: victim@example.com X-Injected: 1 more');
    expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
  });

  it('collapses tabs and repeated spaces', () => {
    expect(singleLine('\t Al \t Jazeera  ')).toBe('Al Jazeera');
  });
});

describe('plainLine', () => {
  it('reduces a title sent as HTML to its text', () => {
    expect(plainLine('Trump&#8217;s <b>plan</b><script>alert(1)</script>')).toBe('Trump’s plan');
  });
});
