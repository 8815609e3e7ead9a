/**
 * The parser on every shared fixture and on JSON Feed 1.1 documents written from the spec;
 * charsets in the order BOM, Content-Type, XML declaration; XXE and billion laughs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { feedEncoding } from '../../../../functions/adapters/feeds/charset.ts';
import { feedParser } from '../../../../functions/adapters/feeds/parse-feed.ts';
import { readOpml, writeOpml } from '../../../../functions/adapters/feeds/opml.ts';
import { FeedFetchError } from '../../../../functions/core/sources/index.ts';
import { source } from '../../../support/source-store-contract.ts';
import { FEED_FIXTURES } from '../../../support/feed-server.ts';

const OWN_FIXTURES = FEED_FIXTURES;
const BASE = 'https://feeds.example/path/feed.xml';

const parse = (body: string | Buffer, contentType?: string, url = BASE) =>
  feedParser.parse(typeof body === 'string' ? Buffer.from(body) : body, contentType, url);
const files = (folder: string) => readdirSync(join(FEED_FIXTURES, folder)).sort();

describe('the shared fixtures', () => {
  it.each(files('real'))('parses real/%s (or says it is not a feed)', (file) => {
    const body = readFileSync(join(FEED_FIXTURES, 'real', file));
    if (file === 'unrecognized.rss') {
      expect(() => parse(body)).toThrow(/not a feed: an HTML page/);
      return;
    }
    const feed = parse(body);
    expect(['rss', 'atom', 'rdf']).toContain(feed.format);
    for (const entry of feed.entries) {
      if (entry.link !== undefined) expect(URL.canParse(entry.link), entry.link).toBe(true);
    }
  });

  it('reads the entries, titles, links, content:encoded and categories of the real feeds', () => {
    const counts = Object.fromEntries(
      files('real')
        .filter((f) => f !== 'unrecognized.rss')
        .map((f) => [f, parse(readFileSync(join(FEED_FIXTURES, 'real', f))).entries.length]),
    );
    expect(counts).toMatchObject({
      'content-encoded.rss': 7,
      'encoding.rss': 40,
      'feedburner.atom': 25,
      'guardian.rss': 55,
      'heise.atom': 15,
      'reddit.rss': 24,
    });
    const medium = parse(readFileSync(join(FEED_FIXTURES, 'real/content-encoded.rss'))).entries[0]!;
    expect(medium.title).toBe('THE CREATIVE FORAGER');
    expect(medium.content).toContain('<h4>Using Wild Ingredients');
    expect(medium.categories).toEqual(['plants', 'environment', 'nature', 'foraging', 'food']);
  });

  it.each([
    ...files('rdf').map((f) => `rdf/${f}`),
    ...files('atom03').map((f) => `atom03/${f}`),
    ...files('charset').map((f) => `charset/${f}`),
  ])('parses %s', (file) => {
    const feed = parse(readFileSync(join(FEED_FIXTURES, file)));
    expect(feed.entries.length).toBeLessThanOrEqual(2);
  });

  it('reads RSS 1.0 items and Atom 0.3 entries, base64 content included', () => {
    expect(parse(readFileSync(join(FEED_FIXTURES, 'rdf/rdf_item_title.xml'))).entries[0]?.title).toBe('Example title');
    expect(parse(readFileSync(join(FEED_FIXTURES, 'atom03/entry_title_base64.xml'))).entries[0]?.title).toBe('Example <b>Atom</b>');
    expect(parse(readFileSync(join(FEED_FIXTURES, 'atom03/entry_link_alternate_map_link_2.xml'))).entries[0]?.link).toBe(
      'http://www.example.com/',
    );
  });
});

describe('JSON Feed 1.1', () => {
  it('maps items: id, url resolved against the feed, title, content_html, summary, dates, tags, image, language', () => {
    const feed = parse(readFileSync(join(OWN_FIXTURES, 'json-feed-1.1.json')), 'application/feed+json', 'https://json.example/feed.json');
    expect(feed).toMatchObject({ format: 'json', title: 'Example JSON Feed', language: 'en-GB' });
    expect(feed.entries[0]).toMatchObject({
      guid: 'https://json.example/2026/11/first',
      link: 'https://json.example/2026/11/first',
      content: expect.stringContaining('<b>first</b>'),
      summary: 'A short summary.',
      published: '2026-11-29T10:00:00+01:00',
      categories: ['Science', '<b>Space</b>'],
      imageUrl: 'https://json.example/img/first.png',
      language: 'en',
    });
    expect(feed.entries[1]).toMatchObject({ content: 'Plain text content with <not a tag> in it.', published: '2026-11-28T08:30:00Z' });
    expect(feed.entries[2]?.title).toBeUndefined();
  });

  it('refuses JSON that is not a JSON Feed', () => {
    expect(() => parse('{"hello": "world"}')).toThrow(FeedFetchError);
    expect(() => parse('{not json')).toThrow(/neither XML nor valid JSON/);
  });
});

describe('links', () => {
  it('resolves relative links against xml:base, else against the URL the feed came from', () => {
    const rss = '<rss version="2.0"><channel><title>t</title><item><title>a</title><link>../story/1?x=1</link></item></channel></rss>';
    expect(parse(rss).entries[0]?.link).toBe('https://feeds.example/story/1?x=1');
    const atom =
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://other.example/blog/"><title>t</title><entry><title>a</title><link href="posts/2"/><id>x</id></entry></feed>';
    expect(parse(atom).entries[0]?.link).toBe('https://other.example/blog/posts/2');
  });

  it("resolves an entry's links against its own xml:base, itself relative to the feed's", () => {
    const atom =
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://other.example/blog/"><title>t</title>' +
      '<entry xml:base="2026/"><title>a</title><link href="posts/1"/><id>1</id></entry>' +
      '<entry><title>b</title><link href="posts/2"/><id>2</id></entry>' +
      '<entry xml:base="https://mirror.example/"><title>c</title><link href="posts/3"/><id>3</id></entry></feed>';
    expect(parse(atom).entries.map((entry) => entry.link)).toEqual([
      'https://other.example/blog/2026/posts/1',
      'https://other.example/blog/posts/2',
      'https://mirror.example/posts/3',
    ]);
    const rss =
      '<rss version="2.0"><channel><title>t</title><item xml:base="https://cdn.example/news/"><title>a</title><link>x/1</link></item></channel></rss>';
    expect(parse(rss).entries[0]?.link).toBe('https://cdn.example/news/x/1');
  });
});

describe('XML safety', () => {
  it('resolves no external entity (XXE)', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>t</title><item><title>a &xxe; b</title></item></channel></rss>';
    const feed = parse(xxe);
    expect(feed.entries[0]?.title).not.toMatch(/root:/);
    expect(feed.entries[0]?.title).toContain('a ');
  });

  it('expands no entity of entities (billion laughs), in bounded time and memory', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]><rss version="2.0"><channel><title>t</title><item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`;
    const started = performance.now();
    const feed = parse(bomb);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((feed.entries[0]?.title ?? '').length).toBeLessThan(20);
  });
});

describe('charsets', () => {
  const gb = readFileSync(join(FEED_FIXTURES, 'charset/gb2312.xml'));

  it('takes the HTTP Content-Type charset for a feed without an XML declaration', () => {
    expect(parse(gb, 'application/rss+xml; charset=gb2312').entries[0]?.title).toBe('不归移民漫画系列：专业工作');
    const sjis = parse(readFileSync(join(FEED_FIXTURES, 'charset/shiftjis.xml')), 'text/xml; charset="Shift_JIS"');
    expect(sjis.entries[0]?.title).toContain('DrecomRSS');
    expect(sjis.entries[0]?.title).toMatch(/[\u3040-\u30ff]/);
  });

  it('takes the XML declaration when the header names none (ISO-8859-1)', () => {
    const feed = parse(readFileSync(join(FEED_FIXTURES, 'real/encoding.rss')), 'application/rss+xml');
    expect(feed.title).toBe('Jornal de Notícias - Últimas Notícias');
  });

  it('puts a BOM first, then the header, then the declaration', () => {
    const declaredLatin1 = '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Ça</title></channel></rss>';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(declaredLatin1, 'utf-16le')]);
    expect(feedEncoding(utf16, 'text/xml; charset=windows-1252').encoding).toBe('utf-16le');
    expect(parse(utf16, 'text/xml; charset=windows-1252').title).toBe('Ça');
    const win1251 = iconv.encode(declaredLatin1.replace('Ça', 'Новости'), 'windows-1251');
    expect(parse(win1251, 'application/xml; charset=windows-1251').title).toBe('Новости');
    expect(parse(iconv.encode(declaredLatin1, 'latin1')).title).toBe('Ça');
  });

  it('guesses the encoding of a feed that declares none: Big5, EUC-JP, EUC-KR, GB2312, KOI8-R, Shift_JIS, TIS-620, Windows-1255', () => {
    // The script each fixture's text is written in.
    const scripts: Record<string, RegExp> = {
      'big5.xml': /\p{Script=Han}/u,
      'eucjp.xml': /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u,
      'euckr.xml': /\p{Script=Hangul}/u,
      'gb2312.xml': /\p{Script=Han}/u,
      'koi8r.xml': /\p{Script=Cyrillic}/u,
      'shiftjis.xml': /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
      'tis620.xml': /\p{Script=Thai}/u,
      'windows1255.xml': /\p{Script=Hebrew}/u,
    };
    expect(files('charset').sort()).toEqual(Object.keys(scripts).sort());
    for (const [file, script] of Object.entries(scripts)) {
      const feed = parse(readFileSync(join(FEED_FIXTURES, 'charset', file)));
      const text = [feed.title, ...feed.entries.flatMap((entry) => [entry.title, entry.summary, entry.content])].filter(Boolean).join(' ');
      expect(text, file).toMatch(script);
      expect(text, file).not.toMatch(/\uFFFD/);
      for (const entry of feed.entries) expect(entry.title ?? '').not.toMatch(/<[a-z]/i);
    }
  });

  it('reads a linked page in the encoding its <meta charset> names, when the header names none', () => {
    const page = (meta: string) =>
      iconv.encode(`<!doctype html><html><head>${meta}<title>x</title></head><body>Новости дня</body></html>`, 'windows-1251');
    expect(feedEncoding(page('<meta charset="windows-1251">'), 'text/html').encoding).toBe('windows-1251');
    expect(feedEncoding(page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'), 'text/html').encoding).toBe(
      'windows-1251',
    );
    expect(feedEncoding(page('<meta charset="windows-1251">'), 'text/html; charset=koi8-r').encoding).toBe('koi8-r');
  });

  it('reads undeclared Latin text that is not UTF-8 as Windows-1252', () => {
    const latin = '<rss version="2.0"><channel><title>Café crème — “Über” Größe</title></channel></rss>';
    expect(parse(iconv.encode(latin, 'windows-1252')).title).toBe('Café crème — “Über” Größe');
    expect(feedEncoding(iconv.encode(latin, 'windows-1252'), undefined).encoding).toBe('windows-1252');
  });
});

describe('OPML', () => {
  it('reads the feeds of nested outlines, folders and categories as topics, and writes them back', () => {
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
      <outline text="Tech"><outline text="A" title="A blog" type="rss" xmlUrl="https://a.example/feed" category="/AI,Web"/></outline>
      <outline text="B" type="rss" xmlUrl="https://b.example/rss"/></body></opml>`;
    expect(readOpml(opml)).toEqual([
      { url: 'https://a.example/feed', name: 'A blog', topics: ['Tech', 'AI', 'Web'] },
      { url: 'https://b.example/rss', name: 'B', topics: [] },
    ]);
    const written = writeOpml([source({ name: 'Mine', topics: ['world'] })], 'export');
    expect(readOpml(written)).toEqual([{ url: 'https://news.example/feed.xml', name: 'Mine', topics: ['world'] }]);
  });
});
