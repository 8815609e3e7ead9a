import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../../../functions/core/shared/errors.ts';
import { deriveSecretKey } from '../../../../functions/core/shared/secret-keys.ts';
import { CURRENT_TOKEN_KEY_ID } from '../../../../functions/core/shared/sealed-token.ts';
import { signToken, TOKEN_LIFETIME_SECONDS, verifyToken, verifyTokenClaims } from '../../../../functions/core/shared/tokens.ts';
import { readerBehind } from '../../../../functions/core/subscribers/subscriptions.ts';
import { aSubscriber, FakeClock, MemorySubscriberStore, testSettings } from '../../../support/fakes.ts';
import { addressSpellings, signedJsonToken, spellingsInToken } from '../../../support/link-tokens.ts';

const SECRET = 'token-test-secret-abcdefghijklmnop';
const NOW = new Date('2026-11-26T07:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const EMAIL = 'reader@example.com';
const DAY = 24 * 3600;

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

const bytesOf = (token: string) => Buffer.from(token, 'base64url');
const spell = (bytes: Buffer) => bytes.toString('base64url');

/** Seals raw claim bytes the way the product does, to check what opening does with bytes it would never write. */
function sealRaw(plain: Buffer, keyId = CURRENT_TOKEN_KEY_ID): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveSecretKey(SECRET, `link-token-key-${keyId}`), iv);
  cipher.setAAD(Buffer.from([keyId]));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return spell(Buffer.concat([Buffer.from([keyId]), iv, sealed, cipher.getAuthTag()]));
}

describe('sealed link tokens', () => {
  it('returns the address and token version a token was issued with, for the same purpose', () => {
    for (const purpose of ['confirm', 'unsubscribe', 'preferences'] as const) {
      for (const version of [0, 1, 127, 128, 300_000]) {
        const token = signToken({ secret: SECRET, purpose, email: EMAIL, now: NOW, version });
        expect(verifyTokenClaims(SECRET, token, purpose, NOW)).toEqual({ email: EMAIL, version });
      }
    }
  });

  it('carries an address with non-ASCII characters unchanged', () => {
    const email = 'o+tag@xn--bcher-kva.example';
    expect(verifyToken(SECRET, signToken({ secret: SECRET, purpose: 'preferences', email, now: NOW }), 'preferences', NOW)).toEqual({
      email,
    });
  });

  it('is URL-safe without encoding and has no dot', () => {
    const token = signToken({ secret: SECRET, purpose: 'unsubscribe', email: 'o+tag@example.com', now: NOW });
    expect(encodeURIComponent(token)).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('is shorter than the signed-JSON link: 71 characters for confirm and preferences, 66 for unsubscribe, for an 18-character address', () => {
    const lengths = (['confirm', 'preferences', 'unsubscribe'] as const).map(
      (purpose) => signToken({ secret: SECRET, purpose, email: EMAIL, now: NOW }).length,
    );
    expect(lengths).toEqual([71, 71, 66]);
    const before = signedJsonToken(SECRET, { p: 'confirm', e: EMAIL, x: NOW_SECONDS + TOKEN_LIFETIME_SECONDS.confirm });
    expect(before.length).toBe(118);
  });

  it('carries the send and edition of the digest an unsubscribe link was mailed in, in 20 to 40 more characters', () => {
    const plain = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW });
    const origins = [
      { send: 'hourly-1795676400000', editionId: '20261126T060000-20261125T060000' },
      { send: 'now-0f8fad5b-d9cb-469f-a165-70867728950e', editionId: '20261126T060000-20261125T060000-t0123456789' },
      { send: 'resend-of-some-send', editionId: '20261126T060000-20261125T060000' },
    ];
    const lengths = origins.map((origin) => {
      const token = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW, origin });
      expect(verifyTokenClaims(SECRET, token, 'unsubscribe', NOW)).toEqual({ email: EMAIL, version: 0, origin });
      expect(token).not.toContain(origin.send);
      return token.length;
    });
    expect(plain.length).toBe(66);
    expect(lengths).toEqual([86, 106, 104]);
    expect(verifyTokenClaims(SECRET, plain, 'unsubscribe', NOW)).toEqual({ email: EMAIL, version: 0 });
  });

  it('refuses to issue a link naming an edition id that is not one', () => {
    const origin = { send: 'hourly-1', editionId: 'not-an-edition' };
    expect(() => signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW, origin })).toThrow(RangeError);
  });

  it('shows nothing of the address, and two tokens for the same claims differ', () => {
    const email = 'Jane.Reader@xn--bcher-kva.example';
    const first = signToken({ secret: SECRET, purpose: 'preferences', email, now: NOW, version: 2 });
    const second = signToken({ secret: SECRET, purpose: 'preferences', email, now: NOW, version: 2 });
    expect(first).not.toBe(second);
    expect(spellingsInToken(first, addressSpellings(email))).toEqual([]);
    // The check itself finds an address where there is one: the old format shows it.
    expect(spellingsInToken(signedJsonToken(SECRET, { p: 'preferences', e: email, x: NOW_SECONDS }), addressSpellings(email))).not.toEqual(
      [],
    );
  });

  it('refuses a token with any one byte changed, as a bad signature', () => {
    const token = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW, version: 1 });
    const bytes = bytesOf(token);
    for (let at = 0; at < bytes.length; at++) {
      for (const flip of [0x01, 0x80]) {
        const changed = Buffer.from(bytes);
        changed[at]! ^= flip;
        expect(
          refusal(() => verifyToken(SECRET, spell(changed), 'confirm', NOW)),
          `byte ${at} ^ ${flip}`,
        ).toBe('signature');
      }
    }
  });

  it('refuses a token cut short or lengthened', () => {
    const bytes = bytesOf(signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW }));
    expect(refusal(() => verifyToken(SECRET, spell(bytes.subarray(0, -1)), 'confirm', NOW))).toBe('signature');
    expect(refusal(() => verifyToken(SECRET, spell(Buffer.concat([bytes, Buffer.from([0])])), 'confirm', NOW))).toBe('signature');
    expect(refusal(() => verifyToken(SECRET, spell(bytes.subarray(0, 30)), 'confirm', NOW))).toBe('malformed');
  });

  it('refuses a token sealed with another secret', () => {
    const token = signToken({ secret: 'some-other-secret-zyxwvutsrqponml', purpose: 'confirm', email: EMAIL, now: NOW });
    expect(refusal(() => verifyToken(SECRET, token, 'confirm', NOW))).toBe('signature');
  });

  it('refuses a token used for another purpose', () => {
    const unsubscribe = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW });
    expect(refusal(() => verifyToken(SECRET, unsubscribe, 'confirm', NOW))).toBe('purpose');
    expect(refusal(() => verifyToken(SECRET, unsubscribe, 'preferences', NOW))).toBe('purpose');
    const confirm = signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW });
    expect(refusal(() => verifyToken(SECRET, confirm, 'unsubscribe', NOW))).toBe('purpose');
  });

  it('accepts a token until its lifetime is over and refuses it as expired from then on', () => {
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

  it('keeps unsubscribe links working for ever', () => {
    const token = signToken({ secret: SECRET, purpose: 'unsubscribe', email: EMAIL, now: NOW });
    const tenYearsLater = new Date(NOW.getTime() + 10 * 366 * DAY * 1000);
    expect(verifyToken(SECRET, token, 'unsubscribe', tenYearsLater).email).toBe(EMAIL);
  });

  it('refuses a confirm or preferences token that never expires', () => {
    const token = signToken({ secret: SECRET, purpose: 'preferences', email: EMAIL, now: NOW, lifetimeSeconds: null });
    expect(refusal(() => verifyToken(SECRET, token, 'preferences', NOW))).toBe('malformed');
  });

  it('refuses sealed claims it would never write, as malformed', () => {
    const email = Buffer.from(EMAIL);
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(NOW_SECONDS + 60);
    expect(verifyToken(SECRET, sealRaw(Buffer.concat([Buffer.from([0x81, 0]), expiry, email])), 'confirm', NOW).email).toBe(EMAIL);
    const cases = {
      'no purpose': Buffer.concat([Buffer.from([0x80, 0]), expiry, email]),
      'unknown flags': Buffer.concat([Buffer.from([0x91, 0]), expiry, email]),
      'a topic variant without an origin': Buffer.concat([Buffer.from([0xa1, 0]), expiry, email]),
      'an origin cut short': Buffer.from([0x42, 0, 0x69, 0x45, 0x6b, 0x80, 0x69, 0x44]),
      'an origin with an unknown send kind': Buffer.concat([Buffer.from([0x42, 0]), Buffer.alloc(8, 0x10), Buffer.from([9]), email]),
      'an expiry cut short': Buffer.from([0x81, 0, 1, 2]),
      'a version that never ends': Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...email]),
      'an address of two bytes': Buffer.from([0x02, 0, 0x61, 0x40]),
      'an address that is not UTF-8': Buffer.from([0x02, 0, 0x61, 0xff, 0x40, 0x62]),
    };
    for (const [label, plain] of Object.entries(cases)) {
      const purpose = (plain[0]! & 3) === 1 ? 'confirm' : 'unsubscribe';
      expect(
        refusal(() => verifyToken(SECRET, sealRaw(plain), purpose, NOW)),
        label,
      ).toBe('malformed');
    }
  });

  it('opens tokens under every key id it issued, so the key can rotate', () => {
    const underOne = signToken({ secret: SECRET, purpose: 'preferences', email: EMAIL, now: NOW, version: 4, keyId: 1 });
    const underTwo = signToken({ secret: SECRET, purpose: 'preferences', email: EMAIL, now: NOW, version: 4, keyId: 2 });
    expect(bytesOf(underOne)[0]).toBe(1);
    expect(bytesOf(underTwo)[0]).toBe(2);
    expect(bytesOf(signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW }))[0]).toBe(CURRENT_TOKEN_KEY_ID);
    for (const token of [underOne, underTwo])
      expect(verifyTokenClaims(SECRET, token, 'preferences', NOW)).toEqual({ email: EMAIL, version: 4 });
    // Each key id has its own key: a token relabelled with another key id does not open.
    for (const keyId of [0, 1, 3, 255]) {
      const relabelled = bytesOf(underTwo);
      relabelled[0] = keyId;
      expect(
        refusal(() => verifyToken(SECRET, spell(relabelled), 'preferences', NOW)),
        `key id ${keyId}`,
      ).toBe('signature');
    }
    expect(() => signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW, keyId: 256 })).toThrow(RangeError);
  });

  it('refuses to issue a token it could not open: an address out of bounds, a version or expiry beyond 32 bits', () => {
    const issue = (overrides: Partial<Parameters<typeof signToken>[0]>) => () =>
      signToken({ secret: SECRET, purpose: 'confirm', email: EMAIL, now: NOW, ...overrides });
    expect(issue({ email: `${'a'.repeat(64)}@${'b'.repeat(190)}.example` })).toThrow(RangeError);
    expect(issue({ email: 'a@' })).toThrow(RangeError);
    expect(issue({ version: 2 ** 32 })).toThrow(RangeError);
    expect(issue({ lifetimeSeconds: 2 ** 32 })).toThrow(RangeError);
    expect(issue({ email: `${'a'.repeat(64)}@${'b'.repeat(181)}.example` })).not.toThrow();
  });

  it('has one spelling: a last character differing only in its unused bits is refused', () => {
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = (c: string) => BASE64URL[BASE64URL.indexOf(c) ^ 1]!;
    let respelledSome = false;
    for (const email of ['a@example.com', 'ab@example.com', 'abc@example.com']) {
      const token = signToken({ secret: SECRET, purpose: 'confirm', email, now: NOW });
      if (bytesOf(token).length % 3 === 0) continue;
      const respelled = `${token.slice(0, -1)}${twin(token.at(-1)!)}`;
      expect(bytesOf(respelled)).toEqual(bytesOf(token));
      expect(refusal(() => verifyToken(SECRET, respelled, 'confirm', NOW))).toBe('signature');
      expect(verifyToken(SECRET, token, 'confirm', NOW).email).toBe(email);
      respelledSome = true;
    }
    expect(respelledSome).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 12345678901],
    ['an object', { token: 'abc.def' }],
    ['an empty string', ''],
    ['a string too short to hold a token', 'abcdefghijklmnop'],
    ['a string with two dots', 'abcdef.ghijkl.mnopqr'],
    ['characters outside base64url', 'abc+def/ghi.jkl=mno'],
    ['a very long string', `${'a'.repeat(5000)}.${'b'.repeat(5000)}`],
    ['whitespace around a token', ` ${'a'.repeat(20)}.${'b'.repeat(20)} `],
  ])('refuses %s as malformed', (_label, value) => {
    expect(refusal(() => verifyToken(SECRET, value, 'confirm', NOW))).toBe('malformed');
  });
});

describe('signed-JSON links mailed before tokens were sealed', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('are still accepted for their purpose, with their token version', () => {
    const confirm = signedJsonToken(SECRET, { p: 'confirm', e: EMAIL, x: NOW_SECONDS + 3 * DAY });
    expect(verifyTokenClaims(SECRET, confirm, 'confirm', NOW)).toEqual({ email: EMAIL, version: 0 });
    const preferences = signedJsonToken(SECRET, { p: 'preferences', e: EMAIL, x: NOW_SECONDS + 100 * DAY, v: 3 });
    expect(verifyTokenClaims(SECRET, preferences, 'preferences', NOW)).toEqual({ email: EMAIL, version: 3 });
    expect(refusal(() => verifyToken(SECRET, confirm, 'unsubscribe', NOW))).toBe('purpose');
  });

  it('expire when they said they would, except unsubscribe links, which never do', () => {
    const confirm = signedJsonToken(SECRET, { p: 'confirm', e: EMAIL, x: NOW_SECONDS + 60 });
    expect(refusal(() => verifyToken(SECRET, confirm, 'confirm', new Date(NOW.getTime() + 61_000)))).toBe('expired');
    const tenYearsLater = new Date(NOW.getTime() + 10 * 366 * DAY * 1000);
    // Unsubscribe links mailed with a 365-day expiry, and those mailed without one.
    for (const x of [NOW_SECONDS + 365 * DAY, undefined]) {
      const unsubscribe = signedJsonToken(SECRET, { p: 'unsubscribe', e: EMAIL, ...(x !== undefined && { x }) });
      expect(verifyToken(SECRET, unsubscribe, 'unsubscribe', tenYearsLater).email).toBe(EMAIL);
    }
    const preferencesWithoutExpiry = signedJsonToken(SECRET, { p: 'preferences', e: EMAIL });
    expect(refusal(() => verifyToken(SECRET, preferencesWithoutExpiry, 'preferences', NOW))).toBe('malformed');
  });

  it('are refused once the reader signed out of old links (410), except unsubscribe links', async () => {
    const subscribers = new MemorySubscriberStore();
    await subscribers.put(aSubscriber({ email: EMAIL, status: 'confirmed', tokenVersion: 1 }));
    const deps = { subscribers, clock: new FakeClock(NOW), settings: testSettings({ tokenSecret: SECRET }) };
    const manage = signedJsonToken(SECRET, { p: 'preferences', e: EMAIL, x: NOW_SECONDS + DAY });
    await expect(readerBehind(manage, 'preferences', deps)).rejects.toMatchObject({ reason: 'revoked' });
    const current = signedJsonToken(SECRET, { p: 'preferences', e: EMAIL, x: NOW_SECONDS + DAY, v: 1 });
    expect((await readerBehind(current, 'preferences', deps)).email).toBe(EMAIL);
    const unsubscribe = signedJsonToken(SECRET, { p: 'unsubscribe', e: EMAIL });
    expect((await readerBehind(unsubscribe, 'unsubscribe', deps)).email).toBe(EMAIL);
  });

  it('refuse a changed payload, expiry or signature, as a bad signature', () => {
    const token = signedJsonToken(SECRET, { p: 'confirm', e: EMAIL, x: NOW_SECONDS + DAY });
    const [payload, signature] = token.split('.') as [string, string];
    const otherAddress = encode({ p: 'confirm', e: 'victim@example.com', x: NOW_SECONDS + DAY });
    const laterExpiry = encode({ p: 'confirm', e: EMAIL, x: NOW_SECONDS + 3650 * DAY });
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    for (const forged of [
      `${otherAddress}.${signature}`,
      `${laterExpiry}.${signature}`,
      `${payload}.${flipped}`,
      `${payload}.${signature.slice(0, -4)}`,
    ]) {
      expect(refusal(() => verifyToken(SECRET, forged, 'confirm', NOW))).toBe('signature');
    }
    expect(refusal(() => verifyToken('some-other-secret-zyxwvutsrqponml', token, 'confirm', NOW))).toBe('signature');
  });

  it('have one spelling: a signature differing only in its unused bits is refused', () => {
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const token = signedJsonToken(SECRET, { p: 'confirm', e: EMAIL, x: NOW_SECONDS + DAY });
    const [payload, signature] = token.split('.') as [string, string];
    const respelled = `${signature.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(signature.at(-1)!) ^ 1]!}`;
    expect(Buffer.from(respelled, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(refusal(() => verifyToken(SECRET, `${payload}.${respelled}`, 'confirm', NOW))).toBe('signature');
  });

  it('never reveal the address of a forged token in the error', () => {
    const [, signature] = signedJsonToken(SECRET, { p: 'confirm', e: EMAIL, x: NOW_SECONDS + DAY }).split('.') as [string, string];
    const forged = `${encode({ p: 'confirm', e: 'victim@example.com', x: 9_999_999_999 })}.${signature}`;
    try {
      verifyToken(SECRET, forged, 'confirm', NOW);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('victim');
    }
  });
});
