/**
 * Untrusted feed and OPML text is read in linear time: the inputs of issue 20 that froze the
 * poller (an exponential DOCTYPE strip, quadratic format sniffing) now take milliseconds, and a
 * property checks that the scanners grow at most linearly (time at 4n within a generous factor of
 * the time at n) on hostile shapes drawn with the suite's seed (test/support/fuzz.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readOpml } from '../../../../functions/adapters/feeds/opml.ts';
import { parseFeedText } from '../../../../functions/adapters/feeds/parse-feed.ts';
import { leadingStartTags, looksLikeHtml, withoutDoctype } from '../../../../functions/adapters/feeds/xml-safety.ts';
import { measureHtml } from '../../../../functions/core/shared/text.ts';
import { FeedFetchError } from '../../../../functions/core/sources/index.ts';
import { splitSentences } from '../../../../functions/core/stories/sentences.ts';
import { announceSeed, fuzzParameters } from '../../../support/fuzz.ts';

const BASE = 'https://feeds.example/feed.xml';

/** Milliseconds `work` takes (the best of a few runs, so a busy machine does not fail the test). */
function timeOf(work: () => unknown, tries = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function notAFeed(text: string): FeedFetchError {
  try {
    parseFeedText(text, BASE);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }
  throw new Error('parsed as a feed');
}

const VALID_RSS =
  '<rss version="2.0"><channel><title>Hostile</title><item><title>kept</title><link>https://feeds.example/1</link></item></channel></rss>';

describe('the DOCTYPE strip', () => {
  it('strips a DOCTYPE whose internal subset holds many empty comments in milliseconds (was 11.8 s at 22, exponential)', () => {
    for (const n of [16, 22, 30, 10_000]) {
      const hostile = `<!DOCTYPE x [${'<!---->'.repeat(n)}`;
      expect(timeOf(() => withoutDoctype(hostile))).toBeLessThan(200);
    }
    const feed = `<!DOCTYPE rss [${'<!---->'.repeat(23)}]>${VALID_RSS}`;
    let parsed: ReturnType<typeof parseFeedText> | undefined;
    expect(timeOf(() => (parsed = parseFeedText(feed, BASE)), 1)).toBeLessThan(1000);
    expect(parsed?.entries.map((entry) => entry.title)).toEqual(['kept']);
  });

  it('removes internal subsets with quoted strings, comments, processing instructions and nested conditional sections, and nothing else', () => {
    const subset =
      '<!DOCTYPE rss SYSTEM "a>b[c" [\n<!ENTITY x "]>">\n<!-- ] > -->\n<?pi ] > ?>\n<![INCLUDE[ <![IGNORE[ <!ENTITY y SYSTEM "file:///etc/passwd"> ]]> ]]>\n<!ENTITY z \'&x;]\'>\n]>';
    expect(withoutDoctype(`<?xml version="1.0"?>${subset}<rss/>`)).toBe('<?xml version="1.0"?><rss/>');
    expect(withoutDoctype('<!doctype html><p>x</p>')).toBe('<p>x</p>');
    expect(withoutDoctype('<a><![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>]]><!-- <!DOCTYPE y> --></a>')).toBe(
      '<a><![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>]]><!-- <!DOCTYPE y> --></a>',
    );
    // Never closed: dropped to the end, so no parser below reads a declared entity.
    expect(withoutDoctype('<x/><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">')).toBe('<x/>');
  });

  it('reads an OPML file with 22 empty comments in an unclosed DOCTYPE internal subset in under 2 s (was still running at 150 s)', () => {
    const body = '<opml version="2.0"><head><title>t</title></head><body><outline text="A" xmlUrl="https://a.example/feed"/></body></opml>';
    const hostile = `<?xml version="1.0"?><!DOCTYPE opml [${'<!---->'.repeat(22)}${body}`;
    expect(timeOf(() => expect(() => readOpml(hostile)).toThrow(), 1)).toBeLessThan(2000);
    let feeds: ReturnType<typeof readOpml> = [];
    expect(timeOf(() => (feeds = readOpml(`<?xml version="1.0"?><!DOCTYPE opml [${'<!---->'.repeat(22)}]>${body}`)), 1)).toBeLessThan(2000);
    expect(feeds.map((feed) => feed.url)).toEqual(['https://a.example/feed']);
  });
});

describe('format sniffing reads only the first tags', () => {
  it("answers a body of 240 KB of '<feed ' quickly (the Atom 0.3 test was quadratic: 9.4 s)", () => {
    const hostile = '<feed '.repeat(40_000);
    expect(timeOf(() => notAFeed(hostile), 1)).toBeLessThan(1500);
  });

  it("answers a body of 200 KB of '<rss ' quickly (the xml:base root test was quadratic: 2.7 s)", () => {
    const hostile = '<rss '.repeat(80_000);
    expect(timeOf(() => notAFeed(hostile), 1)).toBeLessThan(1500);
  });

  it("names an HTML page, and answers 30 empty comments then 'x' at once (the HTML test was exponential: 5.6 s)", () => {
    const hostile = `${'<!---->'.repeat(30)}x`;
    expect(timeOf(() => notAFeed(hostile), 1)).toBeLessThan(500);
    expect(notAFeed(hostile).message).toBe('not a feed: no RSS, Atom or JSON Feed document');
    expect(notAFeed('<!-- a --><!DOCTYPE html><html><body>x</body></html>').message).toBe('not a feed: an HTML page');
    expect(notAFeed('  <!-- a -->\n<HTML><p>x</p>').message).toBe('not a feed: an HTML page');
    expect(looksLikeHtml('<?xml version="1.0"?><rss/>')).toBe(false);
  });

  it('reads the root and its first child with their attributes, quoted values holding > and /', () => {
    const tags = leadingStartTags(
      '<?xml version="1.0"?><!-- c --><rss version="2.0" a=\'x>y\' b=c/d><channel xml:base="https://x.example/"><title>',
      2,
    );
    expect(tags.map((tag) => tag.name)).toEqual(['rss', 'channel']);
    expect(Object.fromEntries(tags[0]!.attributes)).toEqual({ version: '2.0', a: 'x>y', b: 'c/d' });
    expect(tags[1]!.attributes.get('xml:base')).toBe('https://x.example/');
  });
});

describe('article HTML', () => {
  it("measures a tag name that never closes in milliseconds (the tag pattern retried every shorter name: 40,000 '-' took 1 s, 200,000 about 25 s)", () => {
    const hostile = `<A${'-'.repeat(200_000)}<A>`;
    expect(timeOf(() => measureHtml(hostile), 1)).toBeLessThan(500);
    expect(measureHtml('<div><p>a<br/>b</p><custom-el x="1">c</custom-el></div>')).toMatchObject({ depth: 2 });
  });
});

describe('article text', () => {
  it("splits 50,000 '!' not followed by whitespace into sentences in milliseconds (the terminator pattern took 21 s)", () => {
    const hostile = `Start ${'!'.repeat(50_000)}x end.`;
    expect(timeOf(() => splitSentences(hostile), 1)).toBeLessThan(1000);
    expect(splitSentences('One thing happened. Then another!! And a third? "Quoted." Last.')).toHaveLength(5);
  });
});

/** Hostile shapes: a unit repeated, the shape every super-linear pattern above needed. */
const UNITS = [
  '<!---->',
  '<!DOCTYPE x [',
  '<feed ',
  '<rss ',
  '<entry ',
  '<item ',
  '<a:item',
  '<!--',
  '<![CDATA[',
  '<?',
  '"',
  "'",
  '<!DOCTYPE x [<!ENTITY a "',
  ' xml:base=',
  '<',
  '[',
  ']',
];

describe('linear growth', () => {
  announceSeed('test/unit/adapters/feeds/linear-parsing.test.ts');

  it('the DOCTYPE strip, the tag sniffing and the whole feed parse take at most linear time on repeated hostile units', () => {
    const scanners: [string, (text: string) => unknown][] = [
      ['withoutDoctype', withoutDoctype],
      ['leadingStartTags', (text) => leadingStartTags(text, 2)],
      ['looksLikeHtml', looksLikeHtml],
      [
        'parseFeedText',
        (text) => {
          try {
            return parseFeedText(text, BASE);
          } catch {
            return undefined;
          }
        },
      ],
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 3 }), fc.constantFrom(...scanners), (units, [, scan]) => {
        const unit = units.join('');
        const small = unit.repeat(Math.ceil(20_000 / unit.length));
        const large = unit.repeat(Math.ceil(80_000 / unit.length));
        const smallMs = timeOf(() => scan(small));
        const largeMs = timeOf(() => scan(large));
        // Linear: 4 times the input, about 4 times the time; 16 (quadratic) is far above this bound.
        return largeMs < Math.max(10 * smallMs, 50);
      }),
      fuzzParameters(25),
    );
  });
});
