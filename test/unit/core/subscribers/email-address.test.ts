import { describe, expect, it } from 'vitest';
import { normaliseEmailAddress } from '../../../../functions/core/subscribers/email-address.ts';
import { parseSubscriptionRequest } from '../../../../functions/core/subscribers/subscriber.ts';
import { ValidationError } from '../../../../functions/core/shared/errors.ts';

function issue(input: string): string | undefined {
  const result = normaliseEmailAddress(input);
  return result.ok ? undefined : result.issue;
}

describe('readers’ addresses', () => {
  it.each([
    ['a@exämple.com', 'a@xn--exmple-cua.com'],
    ['Ana@BÜCHER.de', 'ana@xn--bcher-kva.de'],
    ['  reader@例え.テスト ', 'reader@xn--r8jz45g.xn--zckzah'],
    ['a@xn--exmple-cua.com', 'a@xn--exmple-cua.com'],
    ['o.k+tag@Example.COM', 'o.k+tag@example.com'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['x@ｅｘａｍｐｌｅ.com', 'x@example.com'],
  ])('accepts %j and stores it as %j', (input, stored) => {
    expect(normaliseEmailAddress(input)).toEqual({ ok: true, address: stored });
  });

  it('allows 64 octets before the @ and refuses 65, counting bytes', () => {
    expect(normaliseEmailAddress(`${'a'.repeat(64)}@example.com`).ok).toBe(true);
    expect(issue(`${'a'.repeat(65)}@example.com`)).toBe('must have at most 64 characters (bytes) before the @');
    expect(issue(`${'é'.repeat(33)}@example.com`)).toBe('must have at most 64 characters (bytes) before the @');
  });

  it('refuses an address over 254 octets in its stored (punycode) form', () => {
    const label = 'a'.repeat(63);
    const domain = `${label}.${label}.${label}.${'b'.repeat(50)}.com`;
    expect(issue(`${'x'.repeat(64)}@${domain}`)).toBe('must be at most 254 characters');
    expect(normaliseEmailAddress(`x@${domain}`).ok).toBe(true);
  });

  it.each([
    'not-an-address',
    '@example.com',
    'a@',
    'a@example',
    'a@-bad.com',
    'a@bad-.com',
    'a@exa mple.com',
    'a@a..b.com',
    `a@${'c'.repeat(64)}.com`,
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    'ünï@example.com',
    'a b@example.com',
    'a@example.123',
    '"quoted"@example.com',
  ])('refuses %j as not a valid address', (input) => {
    expect(issue(input)).toBe('must be a valid email address');
  });

  it('refuses line breaks, naming them', () => {
    expect(issue('a@example.com\r\nBcc: b@example.com')).toBe('must not contain line breaks');
  });

  it('names the email field in a subscribe request', () => {
    try {
      parseSubscriptionRequest({ email: `${'a'.repeat(65)}@example.com` });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([
        { field: 'email', message: 'must have at most 64 characters (bytes) before the @' },
      ]);
    }
    expect(parseSubscriptionRequest({ email: 'a@exämple.com' }).email).toBe('a@xn--exmple-cua.com');
  });
});
