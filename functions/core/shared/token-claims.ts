import type { DigestOrigin } from './digest-origin.ts';

/** What a link token says, whatever its format on the wire. */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

export interface TokenClaims {
  purpose: TokenPurpose;
  email: string;
  /** Unix seconds after which the link stops working; undefined: never. */
  expiresAt: number | undefined;
  /** The reader's tokenVersion when the link was issued. */
  version: number;
  /** The send and edition of the digest the link was mailed in; absent for links in other mail. */
  origin?: DigestOrigin;
}
