/**
 * Property: no link token shows the reader's address or a part of it, in any letter case, in
 * its text or in what its characters decode to, whatever the address (ASCII, mixed case, an
 * IDN domain in punycode). Seeded like the fuzz suite: the seed is printed, TEST_SEED replays
 * it, and under CI the seed is fixed.
 */
import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { signToken, type TokenPurpose, verifyTokenClaims } from '../../../../functions/core/shared/tokens.ts';
import { announceSeed, fuzzParameters } from '../../../support/fuzz.ts';
import { addressSpellings, spellingsInToken } from '../../../support/link-tokens.ts';

const SECRET = 'token-opacity-secret-0123456789abcdef';
const NOW = new Date('2026-11-26T07:05:00.000Z');
const PURPOSES: TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences'];
const IDN_LABELS = ['bücher', 'exämple', 'пример', 'παράδειγμα', '例え', 'müller-lüdenscheidt'];

beforeAll(() => announceSeed('test/unit/core/shared/token-opacity.test.ts'));

/** An address as the product stores it: domain in punycode, local part as typed (any case). */
const address = fc
  .oneof(
    fc.emailAddress(),
    fc.tuple(fc.emailAddress(), fc.constantFrom(...IDN_LABELS)).map(([email, label]) => {
      const [local, domain] = email.split('@') as [string, string];
      return `${local}@${domainToASCII(`${label}.${domain}`) || domain}`;
    }),
    fc
      .tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9.+_-]{5,30}$/), fc.constantFrom('Example.COM', 'mail.Example.org'))
      .map(([local, domain]) => `${local}@${domain}`),
  )
  .filter((email) => Buffer.byteLength(email, 'utf8') <= 254);

describe('link tokens are opaque', () => {
  it('no token contains the address, its local part, its domain or a domain label, in any case or encoding', () => {
    fc.assert(
      fc.property(address, fc.constantFrom(...PURPOSES), fc.nat(1000), (email, purpose, version) => {
        const token = signToken({ secret: SECRET, purpose, email, now: NOW, version });
        expect(spellingsInToken(token, addressSpellings(email))).toEqual([]);
        expect(verifyTokenClaims(SECRET, token, purpose, NOW)).toEqual({ email, version });
      }),
      fuzzParameters(300),
    );
  });
});
