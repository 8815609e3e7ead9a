/**
 * Feed XML is parsed without its document type declaration. A DOCTYPE's internal subset is how
 * XXE (`<!ENTITY x SYSTEM "file:///etc/passwd">`) and billion laughs (entities of entities)
 * work, and no feed needs one: the HTML entities old RSS 0.91 feeds borrowed from their DTD stay
 * as `&nbsp;` text, which the HTML-to-text step decodes. With the declaration gone, no parser
 * below can resolve or expand a declared entity, whatever its options.
 *
 * Everything here is a single forward scan with indexOf, never a regular expression over the
 * body: the bodies are attacker-written and up to 5 MB, and a backtracking pattern over them
 * froze the poller for minutes on 167 bytes (docs/security.md, "Linear-time parsing").
 */

const startsWithAt = (text: string, prefix: string, at: number): boolean => text.startsWith(prefix, at);
const startsWithAtIgnoringCase = (text: string, prefix: string, at: number): boolean =>
  text.length - at >= prefix.length && text.slice(at, at + prefix.length).toUpperCase() === prefix;

/** Index just past `terminator` searched from `from`, or the text's end when it never comes (an unterminated construct swallows the rest). */
function pastNext(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}

/** Index just past a markup declaration inside an internal subset (`<!ENTITY x "a>b">`), quoted strings skipped. */
function pastDeclaration(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const char = text[at];
    if (char === '"' || char === "'") at = pastNext(text, char, at + 1);
    else if (char === '>') return at + 1;
    else at += 1;
  }
  return at;
}

/**
 * Index just past the DOCTYPE that starts at `from`: its external id (quoted strings may hold
 * `>` or `[`), then an internal subset with declarations, comments, processing instructions and
 * conditional sections (`<![INCLUDE[ ... ]]>`, nested). A DOCTYPE that never closes runs to the
 * end, so a truncated declaration is dropped whole rather than left for a parser to read.
 */
export function doctypeEnd(text: string, from: number): number {
  let at = from + '<!DOCTYPE'.length;
  while (at < text.length) {
    const char = text[at];
    if (char === '"' || char === "'") at = pastNext(text, char, at + 1);
    else if (char === '>') return at + 1;
    else if (char === '[') at = internalSubsetEnd(text, at + 1);
    else at += 1;
  }
  return text.length;
}

/** Index just past the `]` that closes the internal subset opened before `from`. */
function internalSubsetEnd(text: string, from: number): number {
  let at = from;
  let conditional = 0;
  while (at < text.length) {
    if (startsWithAt(text, '<!--', at)) at = pastNext(text, '-->', at + 4);
    else if (startsWithAt(text, '<?', at)) at = pastNext(text, '?>', at + 2);
    else if (startsWithAt(text, '<![', at)) {
      conditional += 1;
      at += 3;
    } else if (conditional > 0 && startsWithAt(text, ']]>', at)) {
      conditional -= 1;
      at += 3;
    } else if (text[at] === '<') at = pastDeclaration(text, at + 1);
    else if (text[at] === '"' || text[at] === "'") at = pastNext(text, text[at]!, at + 1);
    else if (text[at] === ']') return at + 1;
    else at += 1;
  }
  return at;
}

/**
 * The text without any DOCTYPE. Comments and CDATA sections are skipped whole, so a `<!DOCTYPE`
 * written inside one (an article about HTML) is content and stays.
 */
export function withoutDoctype(xml: string): string {
  let at = xml.indexOf('<!');
  if (at === -1) return xml;
  const kept: string[] = [];
  let keptFrom = 0;
  while (at !== -1) {
    if (startsWithAt(xml, '<!--', at)) at = pastNext(xml, '-->', at + 4);
    else if (startsWithAt(xml, '<![CDATA[', at)) at = pastNext(xml, ']]>', at + 9);
    else if (startsWithAtIgnoringCase(xml, '<!DOCTYPE', at)) {
      kept.push(xml.slice(keptFrom, at));
      at = doctypeEnd(xml, at);
      keptFrom = at;
    } else at += 2;
    at = xml.indexOf('<!', at);
  }
  if (keptFrom === 0) return xml;
  kept.push(xml.slice(keptFrom));
  return kept.join('');
}

/** An element's start tag, as the format sniffing reads it. */
export interface StartTag {
  /** As written, prefix included (`rdf:RDF`). */
  name: string;
  attributes: Map<string, string>;
}

/** Index just past the start tag's `>` from `from` (inside the tag), quoted attribute values skipped. */
function tagEnd(text: string, from: number): number {
  return pastDeclaration(text, from);
}

/** The attributes of a start tag's inside (`version="2.0" xml:base='..'`), one linear pass. */
function readAttributes(inside: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let at = 0;
  while (at < inside.length) {
    while (at < inside.length && /[\s/]/.test(inside[at]!)) at += 1;
    const nameStart = at;
    while (at < inside.length && !/[\s=/>]/.test(inside[at]!)) at += 1;
    const name = inside.slice(nameStart, at);
    while (at < inside.length && /\s/.test(inside[at]!)) at += 1;
    if (inside[at] !== '=') {
      if (name !== '') attributes.set(name, '');
      if (at === nameStart) at += 1;
      continue;
    }
    at += 1;
    while (at < inside.length && /\s/.test(inside[at]!)) at += 1;
    const quote = inside[at];
    if (quote === '"' || quote === "'") {
      const close = inside.indexOf(quote, at + 1);
      const end = close === -1 ? inside.length : close;
      if (name !== '' && !attributes.has(name)) attributes.set(name, inside.slice(at + 1, end));
      at = end + 1;
    } else {
      const valueStart = at;
      while (at < inside.length && !/\s/.test(inside[at]!)) at += 1;
      if (name !== '' && !attributes.has(name)) attributes.set(name, inside.slice(valueStart, at));
    }
  }
  return attributes;
}

const NAME_END = /[\s/>]/;

/**
 * The first `count` start tags of the document in order, skipping the XML declaration, processing
 * instructions, comments, CDATA and DOCTYPEs: what format sniffing needs (the root, and for RSS
 * its channel), read without ever scanning the rest of the body.
 */
export function leadingStartTags(text: string, count: number): StartTag[] {
  const tags: StartTag[] = [];
  let at = text.indexOf('<');
  while (at !== -1 && tags.length < count) {
    if (startsWithAt(text, '<!--', at)) at = pastNext(text, '-->', at + 4);
    else if (startsWithAt(text, '<![CDATA[', at)) at = pastNext(text, ']]>', at + 9);
    else if (startsWithAtIgnoringCase(text, '<!DOCTYPE', at)) at = doctypeEnd(text, at);
    else if (startsWithAt(text, '<?', at)) at = pastNext(text, '?>', at + 2);
    else if (startsWithAt(text, '<!', at) || startsWithAt(text, '</', at)) at = tagEnd(text, at + 2);
    else {
      let nameEnd = at + 1;
      while (nameEnd < text.length && !NAME_END.test(text[nameEnd]!)) nameEnd += 1;
      const end = tagEnd(text, nameEnd);
      const name = text.slice(at + 1, nameEnd);
      if (name !== '') tags.push({ name, attributes: readAttributes(text.slice(nameEnd, Math.max(nameEnd, end - 1))) });
      at = end;
    }
    at = text.indexOf('<', at);
  }
  return tags;
}

/** Whether the document opens with an HTML DOCTYPE or an html, head or body element: a web page where a feed was expected. */
export function looksLikeHtml(text: string): boolean {
  let at = text.indexOf('<');
  while (at !== -1) {
    if (startsWithAt(text, '<!--', at)) at = pastNext(text, '-->', at + 4);
    else if (startsWithAt(text, '<?', at)) at = pastNext(text, '?>', at + 2);
    else if (startsWithAtIgnoringCase(text, '<!DOCTYPE', at)) {
      const end = doctypeEnd(text, at);
      if (/^<!doctype\s+html\b/i.test(text.slice(at, Math.min(end, at + 64)))) return true;
      at = end;
    } else {
      const name = leadingStartTags(text.slice(at, at + 512), 1)[0]?.name.toLowerCase();
      return name === 'html' || name === 'head' || name === 'body';
    }
    at = text.indexOf('<', at);
  }
  return false;
}
