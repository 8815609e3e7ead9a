/**
 * Readers' addresses as we accept and store them: an internationalised domain in its ASCII
 * (punycode) form, the whole address in lower case, within SMTP's limits (RFC 5321 §4.5.3.1:
 * 64 octets before the @, 254 in all; RFC 1035: 63 per domain label, 253 for the domain).
 */
import { domainToASCII } from 'node:url';
import { z } from 'zod';

export const MAX_LOCAL_PART_OCTETS = 64;
export const MAX_ADDRESS_OCTETS = 254;
const MAX_DOMAIN_OCTETS = 253;
const MAX_LABEL_OCTETS = 63;
/** Work bound for input that cannot be an address anyway. */
const MAX_INPUT_LENGTH = 1_000;

const INVALID = 'must be a valid email address';

/**
 * Letters, digits and `. _ ' + -`, not starting or ending with a dot, no two dots in a row: the
 * common dot-atom that every mailbox provider issues. SES sends no SMTPUTF8, so a non-ASCII
 * local part could not be delivered and is refused.
 */
const LOCAL_PART = /^(?!\.)(?!.*\.\.)[a-z0-9_'+.-]*[a-z0-9_+-]$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** A top-level domain: letters, or an internationalised one in punycode. */
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

const encoder = new TextEncoder();
const octets = (text: string): number => encoder.encode(text).length;

function domainIssue(domain: string): string | undefined {
  if (domain === '' || octets(domain) > MAX_DOMAIN_OCTETS) return INVALID;
  const labels = domain.split('.');
  if (labels.length < 2) return INVALID;
  if (labels.some((label) => label.length > MAX_LABEL_OCTETS || !LABEL.test(label))) return INVALID;
  return TOP_LEVEL.test(labels.at(-1) ?? '') ? undefined : INVALID;
}

/**
 * An address as typed (`Ana@Exämple.COM`) to the form we store and mail (`ana@xn--exmple-cua.com`),
 * or the issue naming what is wrong.
 */
export function normaliseEmailAddress(input: string): { ok: true; address: string } | { ok: false; issue: string } {
  const trimmed = input.trim();
  if (/[\r\n]/.test(trimmed)) return { ok: false, issue: 'must not contain line breaks' };
  if (trimmed.length > MAX_INPUT_LENGTH) return { ok: false, issue: `must be at most ${MAX_ADDRESS_OCTETS} characters` };
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return { ok: false, issue: INVALID };
  const local = trimmed.slice(0, at).toLowerCase();
  if (octets(local) > MAX_LOCAL_PART_OCTETS) {
    return { ok: false, issue: `must have at most ${MAX_LOCAL_PART_OCTETS} characters (bytes) before the @` };
  }
  if (!LOCAL_PART.test(local)) return { ok: false, issue: INVALID };
  // WHATWG's domain to ASCII: NFC and case mapping (UTS #46), then punycode per label; '' when impossible.
  const domain = domainToASCII(trimmed.slice(at + 1));
  const issue = domainIssue(domain);
  if (issue) return { ok: false, issue };
  const address = `${local}@${domain}`;
  if (octets(address) > MAX_ADDRESS_OCTETS) return { ok: false, issue: `must be at most ${MAX_ADDRESS_OCTETS} characters` };
  return { ok: true, address };
}

export const emailSchema = z
  .string()
  .meta({
    format: 'idn-email',
    description: 'An address; an internationalised domain is stored in punycode. At most 64 bytes before the @ and 254 in all.',
  })
  .transform((value, ctx) => {
    const result = normaliseEmailAddress(value);
    if (result.ok) return result.address;
    ctx.addIssue({ code: 'custom', message: result.issue });
    return z.NEVER;
  });
