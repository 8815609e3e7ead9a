/**
 * Link tokens as tests need them beyond what the product issues: links in the first,
 * signed-JSON format (as mailed before tokens were sealed), and a search of any token for an
 * address, whatever its spelling.
 */
import { createHmac } from 'node:crypto';
import { domainToASCII, domainToUnicode } from 'node:url';

/** Claims as the signed-JSON format spelled them: p purpose, e address, x expiry (Unix s), v token version. */
export interface SignedJsonClaims {
  p: string;
  e: string;
  x?: number;
  v?: number;
}

/** A link in the first format, `<base64url JSON>.<base64url HMAC-SHA256>`, as links mailed before sealing were made. */
export function signedJsonToken(secret: string, claims: SignedJsonClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(`v1.${payload}`).digest('base64url')}`;
}

/**
 * The spellings an address could leak in: the whole address, its local part and its domain,
 * each in the stored (punycode) and the Unicode form, and every label of the domain; parts
 * shorter than `minLength` are left out (in random bytes, 'com' turns up by chance).
 */
export function addressSpellings(email: string, minLength = 6): string[] {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const ascii = domainToASCII(domain) || domain;
  const unicode = domainToUnicode(ascii) || domain;
  const parts = [email, `${local}@${ascii}`, `${local}@${unicode}`, local, ascii, unicode, ...ascii.split('.'), ...unicode.split('.')];
  return [...new Set(parts.map((part) => part.toLowerCase()))].filter((part) => Buffer.byteLength(part, 'utf8') >= minLength);
}

/**
 * Which of `spellings` a token shows, in any letter case: in its text, or in the bytes its
 * parts decode to as base64url (read from each of the first four characters, so an address
 * encoded at any alignment is found too).
 */
export function spellingsInToken(token: string, spellings: readonly string[]): string[] {
  const decoded = token.split('.').flatMap((part) => [0, 1, 2, 3].map((skip) => Buffer.from(part.slice(skip), 'base64url')));
  const texts = [token, ...decoded.map((bytes) => bytes.toString('latin1')), ...decoded.map((bytes) => bytes.toString('utf8'))].map(
    (text) => text.toLowerCase(),
  );
  const asLatin1 = (spelling: string) => Buffer.from(spelling, 'utf8').toString('latin1').toLowerCase();
  return spellings.filter((spelling) => texts.some((text) => text.includes(spelling) || text.includes(asLatin1(spelling))));
}
