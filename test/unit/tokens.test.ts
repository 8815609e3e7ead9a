import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../functions/core/shared/errors.ts';
import { signToken, TOKEN_LIFETIME_SECONDS, verifyToken } from '../../functions/core/shared/tokens.ts';

const SECRET = 'token-test-secret-abcdefghijklmnop';
const NOW = new Date('2026-11-26T07:00:00.000Z');
const EMAIL = 'reader@example.com';

/** Runs `verify` and returns the reason it refused; fails the test if it accepted. */
function refusal(verify: () => unknown): InvalidTokenError['reason'] {
  try {
    verify();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTokenError);
    return (error as InvalidTokenError).reason;
  }
  throw new Error('the token was accepted');
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('link tokens', () => {
  it('returns the address a token was signed for, for the same purpose', () => {
    const token = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW });
    expect(verifyToken(SECRET, token, 'confirm', NOW)).toEqual({ email: EMAIL });
  });

  it('is URL-safe without encoding', () => {
    const token = signToken({ secret: SECRET, purpose: 'unsubscribe', email: 'o+tag@example.com', now: NOW });
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('rejects a token whose payload was changed to another address, as a bad signature', () => {
    const [payload, signature] = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW }).split('.') as [string, string];
    const forged = encode({ ...decode(payload), e: 'victim@example.com' });
    expect(refusal(() => verifyToken(SECRET, `${forged}.${signature}`, 'unsubscribe', NOW))).toBe('signature');
  });

  it('rejects a token whose expiry was pushed out, as a bad signature', () => {
    const [payload, signature] = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW }).split('.') as [string, string];
    const claims = decode(payload);
    const forged = encode({ ...claims, x: Number(claims.x) + 10 * 365 * 24 * 3600 });
    expect(refusal(() => verifyToken(SECRET, `${forged}.${signature}`, 'confirm', NOW))).toBe('signature');
  });

  it('rejects a token with a changed signature', () => {
    const [payload, signature] = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW }).split('.') as [string, string];
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(refusal(() => verifyToken(SECRET, `${payload}.${flipped}`, 'confirm', NOW))).toBe('signature');
    expect(refusal(() => verifyToken(SECRET, `${payload}.${signature.slice(0, -4)}`, 'confirm', NOW))).toBe('signature');
  });

  it('rejects a token signed with another secret', () => {
    const token = signToken({ secret: 'some-other-secret-zyxwvutsrqponml', purpose: 'confirm', email: EMAIL, now: NOW });
    expect(refusal(() => verifyToken(SECRET, token, 'confirm', NOW))).toBe('signature');
  });

  it('rejects a token used for another purpose', () => {
    const unsubscribe = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW });
    expect(refusal(() => verifyToken(SECRET, unsubscribe, 'confirm', NOW))).toBe('purpose');
    expect(refusal(() => verifyToken(SECRET, unsubscribe, 'preferences', NOW))).toBe('purpose');
    const confirm = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW });
    expect(refusal(() => verifyToken(SECRET, confirm, 'unsubscribe', NOW))).toBe('purpose');
  });

  it('accepts a token until its lifetime is over and rejects it as expired from then on', () => {
    const token = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW });
    const lifetimeMs = TOKEN_LIFETIME_SECONDS.confirm * 1000;
    expect(verifyToken(SECRET, token, 'confirm', new Date(NOW.getTime() + lifetimeMs - 1000)).email).toBe(EMAIL);
    expect(refusal(() => verifyToken(SECRET, token, 'confirm', new Date(NOW.getTime() + lifetimeMs)))).toBe('expired');
  });

  it('honours an explicit lifetime', () => {
    const token = signToken({ secret: SECRET, purpose: 'preferences', email: EMAIL, now: NOW, lifetimeSeconds: 60 });
    expect(verifyToken(SECRET, token, 'preferences', new Date(NOW.getTime() + 59_000)).email).toBe(EMAIL);
    expect(refusal(() => verifyToken(SECRET, token, 'preferences', new Date(NOW.getTime() + 61_000)))).toBe('expired');
  });

  it('keeps unsubscribe links working for ever: no expiry in new ones, none honoured in old ones', () => {
    const token = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW });
    expect(decode(token.split('.')[0]!)).not.toHaveProperty('x');
    const tenYearsLater = new Date(NOW.getTime() + 10 * 366 * 24 * 3600 * 1000);
    expect(verifyToken(SECRET, token, 'unsubscribe', tenYearsLater).email).toBe(EMAIL);
    // Links mailed before this change carry a 365-day expiry; they keep working too.
    const payload = encode({ p: 'unsubscribe', e: EMAIL, x: Math.floor(NOW.getTime() / 1000) + 365 * 24 * 3600 });
    const signature = createHmac('sha256', SECRET).update(`v1.${payload}`).digest('base64url');
    expect(verifyToken(SECRET, `${payload}.${signature}`, 'unsubscribe', tenYearsLater).email).toBe(EMAIL);
  });

  it('refuses a confirm or preferences token without an expiry', () => {
    const payload = encode({ p: 'preferences', e: EMAIL });
    const signature = createHmac('sha256', SECRET).update(`v1.${payload}`).digest('base64url');
    expect(refusal(() => verifyToken(SECRET, `${payload}.${signature}`, 'preferences', NOW))).toBe('malformed');
  });

  it('has one spelling: a last character differing only in its unused bits is refused', () => {
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    /** The character whose 6 bits differ from `c`'s in the lowest bit only: the same bytes when that bit is padding. */
    const twin = (c: string) => BASE64URL[BASE64URL.indexOf(c) ^ 1]!;
    for (const email of ['a@example.com', 'ab@example.com', 'abc@example.com']) {
      const token = signToken({ secret: SECRET, purpose: 'confirm', email, now: NOW });
      const [payload, signature] = token.split('.') as [string, string];
      const respelled = `${signature.slice(0, -1)}${twin(signature.at(-1)!)}`;
      // 32 bytes in 43 characters leave 2 bits unused: the same signature bytes, another spelling.
      expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
      expect(refusal(() => verifyToken(SECRET, `${payload}.${respelled}`, 'confirm', NOW))).toBe('signature');
      if (payload.length % 4 !== 0) {
        const otherPayload = `${payload.slice(0, -1)}${twin(payload.at(-1)!)}`;
        expect(refusal(() => verifyToken(SECRET, `${otherPayload}.${signature}`, 'confirm', NOW))).toMatch(/signature|malformed/);
      }
      expect(verifyToken(SECRET, token, 'confirm', NOW).email).toBe(email);
    }
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 12345678901],
    ['an object', { token: 'abc.def' }],
    ['an empty string', ''],
    ['a string without a dot', 'abcdefghijklmnop'],
    ['a string with two dots', 'abcdef.ghijkl.mnopqr'],
    ['characters outside base64url', 'abc+def/ghi.jkl=mno'],
    ['a very long string', `${'a'.repeat(5000)}.${'b'.repeat(5000)}`],
    ['whitespace around a token', ` ${'a'.repeat(20)}.${'b'.repeat(20)} `],
  ])('rejects %s as malformed', (_label, value) => {
    expect(refusal(() => verifyToken(SECRET, value, 'confirm', NOW))).toBe('malformed');
  });

  it('never reveals the address of a forged token in its error', () => {
    const [, signature] = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW }).split('.') as [string, string];
    const forged = `${encode({ p: 'confirm', e: 'victim@example.com', x: 9_999_999_999 })}.${signature}`;
    try {
      verifyToken(SECRET, forged, 'confirm', NOW);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('victim');
    }
  });
});
