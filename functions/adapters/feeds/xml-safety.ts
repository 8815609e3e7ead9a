/**
 * Feed XML is parsed without its document type declaration. A DOCTYPE's internal subset is how
 * XXE (`<!ENTITY x SYSTEM "file:///etc/passwd">`) and billion laughs (entities of entities)
 * work, and no feed needs one: the HTML entities old RSS 0.91 feeds borrowed from their DTD stay
 * as `&nbsp;` text, which the HTML-to-text step decodes. With the declaration gone, no parser
 * below can resolve or expand a declared entity, whatever its options.
 */

/** The DOCTYPE, internal subset included, with the comments and quoted strings it may hold. */
const DOCTYPE = /<!DOCTYPE(?:[^[>"']|"[^"]*"|'[^']*')*(?:\[(?:[^\]"'<]|"[^"]*"|'[^']*'|<!--[\s\S]*?-->|<[^>]*>)*\])?\s*>/gi;

export function withoutDoctype(xml: string): string {
  return xml.includes('<!') ? xml.replace(DOCTYPE, '') : xml;
}
