import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../../functions/core/stories/sentences.ts';

const seed = JSON.parse(readFileSync(new URL('../../../../examples/articles.json', import.meta.url), 'utf8')) as {
  articles: { title: string; body: string }[];
};

describe('splitSentences', () => {
  it('does not split after titles such as Mr., Dr. and St.', () => {
    expect(splitSentences("Mr. Smith met Dr. Jones at St. Paul's. They talked.")).toEqual([
      "Mr. Smith met Dr. Jones at St. Paul's.",
      'They talked.',
    ]);
  });

  it('keeps U.S. and U.K. inside a sentence but ends one there when a new sentence starts', () => {
    expect(splitSentences('The U.S. Army and U.K. forces arrived. He left the U.S. The next day he returned.')).toEqual([
      'The U.S. Army and U.K. forces arrived.',
      'He left the U.S.',
      'The next day he returned.',
    ]);
  });

  it('keeps initials with the name they belong to', () => {
    expect(splitSentences('J. K. Rowling wrote it. It sold well.')).toEqual(['J. K. Rowling wrote it.', 'It sold well.']);
  });

  it('keeps No. 10, month abbreviations, decimals, thousands and currency amounts whole', () => {
    expect(
      splitSentences('He lives at No. 10 Downing Street. Inflation hit 3.5% on Jan. 5 and the 1,000km line cost $2.4bn. Next.'),
    ).toEqual(['He lives at No. 10 Downing Street.', 'Inflation hit 3.5% on Jan. 5 and the 1,000km line cost $2.4bn.', 'Next.']);
  });

  it('does not split at e.g., i.e. or a mid-sentence etc., but does at a final etc.', () => {
    expect(splitSentences('Bring fruit, e.g. apples, i.e. Coxes, etc. and more. We had pears, plums, etc. The end.')).toEqual([
      'Bring fruit, e.g. apples, i.e. Coxes, etc. and more.',
      'We had pears, plums, etc.',
      'The end.',
    ]);
  });

  it('keeps company suffixes such as Inc. and Ltd. inside a sentence', () => {
    expect(splitSentences('Shares in Acme Inc. rose while Widgets Ltd. fell. Markets closed.')).toEqual([
      'Shares in Acme Inc. rose while Widgets Ltd. fell.',
      'Markets closed.',
    ]);
  });

  it('splits after a closing quote when the next sentence starts', () => {
    expect(splitSentences("He called it 'hardly possible.' He said more.")).toEqual(["He called it 'hardly possible.'", 'He said more.']);
    expect(splitSentences('“We will win.” Critics disagree.')).toEqual(['“We will win.”', 'Critics disagree.']);
  });

  it('keeps a quoted question with its speech tag', () => {
    expect(splitSentences("'Why not?' he asked. ‘Because,’ she said.")).toEqual(["'Why not?' he asked.", '‘Because,’ she said.']);
  });

  it('splits at question and exclamation marks and ellipses before a capital', () => {
    expect(splitSentences('Really?! Yes… And then... nothing. Wait... What?')).toEqual([
      'Really?!',
      'Yes…',
      'And then... nothing.',
      'Wait...',
      'What?',
    ]);
  });

  it('always ends a sentence at a paragraph break, punctuated or not', () => {
    expect(splitSentences('A heading without a stop\n\nBody text here, Mr.\n\nLast one')).toEqual([
      'A heading without a stop',
      'Body text here, Mr.',
      'Last one',
    ]);
  });

  it('ends a heading line above its paragraph but joins hard-wrapped lines', () => {
    expect(splitSentences('Talks stall\nThe delegations met on\nWednesday in Istanbul, officials said.')).toEqual([
      'Talks stall',
      'The delegations met on Wednesday in Istanbul, officials said.',
    ]);
  });

  it('makes each bullet line its own sentence, without the marker', () => {
    expect(splitSentences('Key points:\n- first point\n• second point\n* third point\n1. fourth\n2) fifth\nAfter.')).toEqual([
      'Key points:',
      'first point',
      'second point',
      'third point',
      'fourth',
      'fifth',
      'After.',
    ]);
  });

  it('does not split inside URLs or email addresses', () => {
    expect(
      splitSentences('See https://example.com/a.b?c=1&d=e.f or mail press@news.example.co.uk today. Also www.bbc.co.uk. Done.'),
    ).toEqual(['See https://example.com/a.b?c=1&d=e.f or mail press@news.example.co.uk today.', 'Also www.bbc.co.uk.', 'Done.']);
  });

  it('splits Chinese and Japanese at full-width stops and Arabic at its question mark', () => {
    expect(splitSentences('東京は晴れです。明日は雨でしょう！本当？')).toEqual(['東京は晴れです。', '明日は雨でしょう！', '本当？']);
    expect(splitSentences('مرحبا بكم. هذا اختبار؟ نعم.')).toEqual(['مرحبا بكم.', 'هذا اختبار؟', 'نعم.']);
  });

  it('treats a lower-case brand name such as iPhone as a sentence start', () => {
    expect(splitSentences('Apple had a good year. iPhone sales rose.')).toEqual(['Apple had a good year.', 'iPhone sales rose.']);
  });

  it('returns one sentence for text without punctuation', () => {
    expect(splitSentences('no punctuation at all just words going on')).toEqual(['no punctuation at all just words going on']);
  });

  it('returns nothing for empty, blank or punctuation-only text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n\t ')).toEqual([]);
    expect(splitSentences('***\n\n---\n\n...')).toEqual([]);
  });

  it('keeps emoji-only sentences', () => {
    expect(splitSentences('Party time! 🎉')).toEqual(['Party time!', '🎉']);
  });

  it('splits the seed articles into sentences that all occur in the text', () => {
    for (const article of seed.articles) {
      const sentences = splitSentences(article.body);
      expect(sentences.length).toBeGreaterThan(20);
      for (const sentence of sentences) {
        expect(article.body).toContain(sentence);
        expect(sentence).toBe(sentence.trim());
      }
    }
  });

  it('splits the seed quotations at the right places', () => {
    const sentences = splitSentences(seed.articles[1]!.body);
    expect(sentences).toContain("'There used to be [the slogan] 'Russia for Russians', but now that is considered too radical.");
    expect(sentences).toContain("But in essence, this is what it is about,' he says.");
    expect(sentences).toContain("'Ideally, these 'bad' people are not Russian, and the person complaining is Russian.");
  });

  it('ends a sentence inside curly single quotes when the next one starts', () => {
    expect(splitSentences('He said ‘we will win.’ Then he left.')).toEqual(['He said ‘we will win.’', 'Then he left.']);
  });

  it('drops tags left in scraped text, making block elements paragraph breaks', () => {
    expect(splitSentences('<p>The council met on Monday.</p><p>It approved the plan<br>for schools</p>')).toEqual([
      'The council met on Monday.',
      'It approved the plan',
      'for schools',
    ]);
    expect(splitSentences('The <b>council</b> met on <a href="https://x.example">Monday</a>. It voted.')).toEqual([
      'The council met on Monday.',
      'It voted.',
    ]);
  });

  it('decodes entities left in scraped text as plain characters, never as markup', () => {
    expect(splitSentences('Profits &amp; losses rose&nbsp;5%. He said &#8216;no&#8217;. &lt;b&gt; stays text.')).toEqual([
      'Profits & losses rose 5%.',
      'He said ‘no’.',
      '<b> stays text.',
    ]);
    expect(splitSentences('A &bogus; entity and &#xD800; a lone surrogate stay.')).toEqual([
      'A &bogus; entity and &#xD800; a lone surrogate stay.',
    ]);
  });

  it('returns nothing for a body that is markup only', () => {
    expect(splitSentences('<div><img src="x.png"><br/></div><!-- tracking -->')).toEqual([]);
  });

  it('separates a heading glued to the paragraph under it', () => {
    expect(splitSentences('Key eventsThe government said it would raise taxes. Critics disagreed.')).toEqual([
      'Key events',
      'The government said it would raise taxes.',
      'Critics disagreed.',
    ]);
    expect(splitSentences('BREAKINGThe Prime Minister has resigned.')).toEqual(['BREAKING', 'The Prime Minister has resigned.']);
  });

  it('keeps brand names such as LinkedIn and iPhone whole while splitting glued sentences', () => {
    expect(splitSentences('LinkedIn said it would hire. The iPhone maker agreed.')).toEqual([
      'LinkedIn said it would hire.',
      'The iPhone maker agreed.',
    ]);
  });

  it('splits at a full stop that lost its following space', () => {
    expect(splitSentences('Shares fell 2.3 per cent.The index closed lower.')).toEqual([
      'Shares fell 2.3 per cent.',
      'The index closed lower.',
    ]);
    expect(splitSentences('He moved to St.Petersburg in 2001.')).toEqual(['He moved to St.Petersburg in 2001.']);
  });

  it('keeps right-to-left text and emoji intact', () => {
    expect(splitSentences('שלום עולם. זה מבחן 🎉.')).toEqual(['שלום עולם.', 'זה מבחן 🎉.']);
  });

  it('splits off a subheading run into the paragraph under it with only a space', () => {
    expect(splitSentences('He spoke at length. In the rubble, scraps of home When the war began, they fled.')).toEqual([
      'He spoke at length.',
      'In the rubble, scraps of home',
      'When the war began, they fled.',
    ]);
    expect(splitSentences("She smiled. 'If it were just me, I'd stay' While Fatima talked, the boys played.")).toEqual([
      'She smiled.',
      "'If it were just me, I'd stay'",
      'While Fatima talked, the boys played.',
    ]);
  });

  it('keeps names that start with an article or a possessive inside the sentence', () => {
    expect(splitSentences('She reads The Times and watched His Dark Materials on Sunday.')).toEqual([
      'She reads The Times and watched His Dark Materials on Sunday.',
    ]);
  });
});
