import { describe, expect, it } from 'vitest';
import { HtmlTooComplexError } from '../../../../functions/core/shared/errors.ts';
import {
  MAX_HTML_DEPTH,
  MAX_HTML_ELEMENTS,
  defangLinks,
  htmlLimitIssue,
  htmlToPlainText,
  looksLikeHtml,
  measureHtml,
  normaliseText,
  plainLine,
  singleLine,
} from '../../../../functions/core/shared/text.ts';

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HtmlTooComplexError);
    return error;
  }
  throw new Error('expected a throw');
}

/** Milliseconds `run` takes. */
function timed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** About `bytes` of `unit` repeated, inside `open` and `close`. */
const filled = (unit: string, bytes: number, open = '', close = '') => open + unit.repeat(Math.floor(bytes / unit.length)) + close;

describe('htmlToPlainText', () => {
  it('keeps paragraphs as blank-line separated plain text', () => {
    expect(htmlToPlainText('<p>First paragraph.</p><p>Second <b>bold</b> one.</p>')).toBe('First paragraph.\n\nSecond bold one.');
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
    expect(htmlToPlainText('<h2>Talks in Istanbul</h2><p>Delegations met.</p>')).toBe('Talks in Istanbul\n\nDelegations met.');
  });

  it('turns list items into bullet lines', () => {
    expect(htmlToPlainText('<ul><li>One</li><li>Two</li></ul><ol><li>Three</li></ol>')).toBe('• One\n• Two\n\n1. Three');
  });

  it('decodes entities into characters', () => {
    expect(htmlToPlainText('<p>Trump&#8217;s &amp; Putin&rsquo;s talks</p>')).toBe('Trump’s & Putin’s talks');
  });

  it('passes plain text through, normalised only', () => {
    expect(htmlToPlainText('3 < 5 and 6 > 2,  really.\r\n\r\n\r\nNext')).toBe('3 < 5 and 6 > 2, really.\n\nNext');
  });

  it('refuses markup nested too deeply for the parser to handle quickly', () => {
    const hostile = '<b>'.repeat(100_000) + 'x';
    expect(thrownBy(() => htmlToPlainText(hostile))).toMatchObject({ name: 'HtmlTooComplexError', limit: 'depth' });
  });

  it('converts markup nested right up to the limit', () => {
    const nested = '<div>'.repeat(MAX_HTML_DEPTH) + 'deep text' + '</div>'.repeat(MAX_HTML_DEPTH);
    expect(htmlToPlainText(nested)).toBe('deep text');
  });

  it('refuses markup with more elements than the limit, before parsing it', () => {
    const crowded = 'x<br>'.repeat(MAX_HTML_ELEMENTS + 1);
    expect(thrownBy(() => htmlToPlainText(crowded))).toMatchObject({ name: 'HtmlTooComplexError', limit: 'elements' });
    expect(htmlToPlainText('<p>x</p>'.repeat(1000))).toBe(Array(1000).fill('x').join('\n\n'));
  });

  it('puts each table row on its own line, cells separated by a dot', () => {
    const table =
      '<p>Results:</p><table><caption>Seats</caption><thead><tr><th>Party</th><th>Seats</th></tr></thead>' +
      '<tbody><tr><td>Red</td><td>12</td></tr>\n<tr> <td> Blue </td> <td>3</td> </tr></tbody></table><p>After.</p>';
    expect(htmlToPlainText(table)).toBe('Results:\n\nSeats\nParty · Seats\nRed · 12\nBlue · 3\n\nAfter.');
  });

  it('keeps the paragraphs of a layout table as paragraphs, with no stray separator', () => {
    expect(htmlToPlainText('<table><tr><td><p>Left column.</p></td><td><p>Right column.</p></td></tr></table>')).toBe(
      'Left column.\n\nRight column.',
    );
  });

  // The former column-aligned layout was quadratic: about 7 s here, over a minute at 1 MB.
  it('converts a 300 KB one-row table into one line', () => {
    const html = filled('<td>x</td>', 300_000, '<table><tr>', '</tr></table>');
    const text = htmlToPlainText(html);
    expect(text.startsWith('x · x · x')).toBe(true);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('converts a table of many narrow rows, one line each', () => {
    const html = filled('<tr><td>a</td><td>b</td></tr>', 100_000, '<table>', '</table>');
    const text = htmlToPlainText(html);
    expect(text.split('\n').every((line) => line === 'a · b')).toBe(true);
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

describe('measureHtml', () => {
  it('counts open elements, not void ones or siblings closed by the next opening tag', () => {
    expect(measureHtml('<div><p>a<p>b<p>c</div><br><img src=x><hr/>').depth).toBe(2);
    expect(measureHtml('<div><section><article><p>x</p></article></section></div>').depth).toBe(4);
  });

  it('counts unclosed inline elements', () => {
    expect(measureHtml('<b>'.repeat(300)).depth).toBe(300);
  });

  it('counts every opening tag as an element, void and self-closed ones too', () => {
    expect(measureHtml('<p>a<br>b<img src=x/></p><p>c</p>')).toEqual({ depth: 1, elements: 4 });
  });
});

describe('htmlLimitIssue', () => {
  it('explains markup too deep or with too many elements, and passes the rest', () => {
    expect(htmlLimitIssue('<b>'.repeat(MAX_HTML_DEPTH + 1))).toBe(`must not nest HTML elements more than ${MAX_HTML_DEPTH} deep`);
    expect(htmlLimitIssue('<br>'.repeat(MAX_HTML_ELEMENTS + 1))).toBe(`must not contain more than ${MAX_HTML_ELEMENTS} HTML elements`);
    expect(htmlLimitIssue('<br>'.repeat(MAX_HTML_ELEMENTS))).toBeUndefined();
    expect(htmlLimitIssue('3 < 5 and 6 > 2')).toBeUndefined();
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

  it('strips bidi embeddings, overrides and isolates', () => {
    const controls = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    expect(normaliseText(`invoice${controls}.pdf \u202Eexe.txt`)).toBe('invoice.pdf exe.txt');
  });

  it('keeps the joiners that emoji and Persian need, and direction marks', () => {
    const family = '👨\u200D👩\u200D👧';
    const persian = 'می\u200Cخواهم';
    expect(normaliseText(`${family} ${persian} a\u200Fb`)).toBe(`${family} ${persian} a\u200Fb`);
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

  it('strips bidi controls and zero-width characters that could spoof a subject', () => {
    const hidden = [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
      '\u200B',
      '\u200C',
      '\u200D',
      '\u200E',
      '\u200F',
      '\uFEFF',
      '\u061C',
      '\u2060',
    ];
    for (const char of hidden) {
      expect(singleLine(`Pay${char}Pal ${char} alert${char}`), `U+${char.codePointAt(0)?.toString(16)}`).toBe('PayPal alert');
    }
    expect(singleLine('Your bank \u202Etxt.exe')).toBe('Your bank txt.exe');
  });
});

describe('singleLine and joiners', () => {
  it('keeps the zero-width joiners inside emoji sequences and the non-joiners inside Persian words', () => {
    const sequences = ['👨\u200D👩\u200D👧', '👩🏽\u200D💻', '🏳️\u200D🌈', '❤️\u200D🔥'];
    for (const emoji of sequences) expect(singleLine(`${emoji} news`)).toBe(`${emoji} news`);
    expect(singleLine('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });

  it('still drops joiners that join nothing visible, or hide inside Latin words', () => {
    expect(singleLine('Pay\u200DPal \u200D alert\u200D')).toBe('PayPal alert');
    expect(singleLine('\u200D👩')).toBe('👩');
  });
});

describe('plainLine', () => {
  it('reduces a title sent as HTML to its text', () => {
    expect(plainLine('Trump&#8217;s <b>plan</b><script>alert(1)</script>')).toBe('Trump’s plan');
  });
});

describe('defangLinks', () => {
  const SCHEME_URL = /[a-z][a-z0-9+.-]*:\/\//i;
  const DOMAIN = /[a-z0-9-]+\.[a-z]{2,}/i;

  it.each([
    ['https://evil.example/login', 'https:⁄⁄evil․example/login'],
    ['HTTP://Evil.Example', 'HTTP:⁄⁄Evil․Example'],
    ['ftp://files.example/a.zip', 'ftp:⁄⁄files․example/a․zip'],
    ['see http://192.168.0.1/admin', 'see http:⁄⁄192․168․0․1/admin'],
    ['www.evil.example', 'www․evil․example'],
    ['evil.example', 'evil․example'],
    ['Amazon.com', 'Amazon․com'],
    ['bbc.co.uk/news', 'bbc․co․uk/news'],
    ['пример.рф', 'пример․рф'],
    ['write to jane.doe@mail.evil.example', 'write to jane․doe@mail․evil․example'],
    ['Evil.COM and Evil.Com', 'Evil․COM and Evil․Com'],
  ])('defangs %j', (input, expected) => {
    const defanged = defangLinks(input);
    expect(defanged).toBe(expected);
    expect(defanged).not.toMatch(SCHEME_URL);
    expect(defanged).not.toMatch(DOMAIN);
  });

  it('leaves a sentence end in place after a defanged link', () => {
    expect(defangLinks('Read more at evil.example. Or (https://evil.example/a), please!')).toBe(
      'Read more at evil․example. Or (https:⁄⁄evil․example/a), please!',
    );
  });

  it('defangs every link in hostile text, wherever it sits in a word', () => {
    const hostile =
      'Claim at https://evil.example/x?a=b.c, WWW.EVIL.EXAMPLE, "paypal.com.evil.example", ' +
      'x,evil.example;y mailto:boss@corp.example [ftp://a.b.example] <http://evil.example>';
    const defanged = defangLinks(hostile);
    expect(defanged).not.toMatch(SCHEME_URL);
    expect(defanged).not.toMatch(DOMAIN);
  });

  it.each([
    'Prices rose 3.5% to 1,000.50 in Q3.',
    'The U.S. and the U.K. agreed, e.g. on tariffs.',
    'No. 10 said so at 10.30am.',
    'J.K. Rowling wrote it... and then… more.',
    'wait...what',
    'The end.Next day began.',
    'It grew in 2024.The next year fell.',
    'Version 2.0.1 ships.',
  ])('leaves ordinary prose %j unchanged', (prose) => {
    expect(defangLinks(prose)).toBe(prose);
  });

  it('treats a capitalised ending that is a common domain as a link, not a sentence glitch', () => {
    expect(defangLinks('Shop at Evil.Shop')).toBe('Shop at Evil․Shop');
    expect(defangLinks('Mail.Ru')).toBe('Mail․Ru');
  });

  it.each([
    ['dots', '.'.repeat(100_000)],
    ['letters', 'a'.repeat(100_000)],
    ['letters and dots', 'a.'.repeat(50_000)],
    ['long labels', `${'a'.repeat(99)}.`.repeat(1_000)],
    ['double dots', 'a..'.repeat(33_000)],
    ['punctuation runs', `x${'.,;:!?'.repeat(16_000)}y`],
    ['schemes', 'a://'.repeat(25_000)],
  ])('does not backtrack catastrophically on 100 KB of %s', (_name, input) => {
    // Linear: milliseconds. A backtracking pattern took 17-21 s here; the bound only catches that.
    expect(timed(() => defangLinks(input))).toBeLessThan(5_000);
  });
});
