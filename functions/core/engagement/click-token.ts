/**
 * Click links: what one story link of one reader's digest names, sealed (shared/sealed-box.ts)
 * under keys of its own, so a click link opens as nothing else and nothing else opens as one.
 * Compact, since there is one per story per reader in every digest:
 *
 *   flags (1) | cutoff, since (u32 s each) | topic hash (5, variants only) | story (1) |
 *   story tag (u32) | sent at (u32 s) | send (1 kind + 6 ms, 16 uuid, or 1 length + UTF-8) | address (UTF-8)
 *
 * The edition and story name the target; the redirect reads it from the stored edition, never
 * from the link. The story tag (a hash of the article id) tells a link whose story has since
 * moved or been withdrawn from one that still points where it did.
 */
import { createHash } from 'node:crypto';
import {
  ByteReader,
  decodeEditionId,
  decodeSendId,
  decodeUtf8,
  encodeEditionId,
  encodeSendId,
  InvalidTokenError,
  openSealedBytes,
  sealBytes,
  u32Bytes,
} from '../shared/index.ts';

/** The HKDF use click-link keys are derived for. */
const CLICK_LINK_KEYS = 'click-link-key';
export const CURRENT_CLICK_KEY_ID = 1;

export interface ClickClaims {
  editionId: string;
  /** The story's index in the edition's email stories. */
  story: number;
  /** storyTag(articleId) of the story the link was made for. */
  storyTag: number;
  send: string;
  email: string;
  /** Unix seconds the digest was handed to SES. */
  sentAt: number;
}

const FORMAT = 1;
const FORMAT_MASK = 0x0f;
const TOPIC_VARIANT = 0x10;
const MIN_EMAIL_BYTES = 3;
const MAX_EMAIL_BYTES = 254;
/** Flags, window, story, tag, time, the shortest send and address. */
const MIN_CLAIM_BYTES = 1 + 8 + 1 + 4 + 4 + 2 + MIN_EMAIL_BYTES;
export const MAX_STORIES_LINKED = 255;

/** A story's tag: 32 bits of the SHA-256 of its article id. */
export function storyTag(articleId: string): number {
  return createHash('sha256').update(articleId).digest().readUInt32BE(0);
}

function encodeClaims(claims: ClickClaims): Buffer {
  const edition = encodeEditionId(claims.editionId);
  if (!Number.isInteger(claims.story) || claims.story < 0 || claims.story > MAX_STORIES_LINKED) {
    throw new RangeError(`story index out of range: ${claims.story}`);
  }
  const email = Buffer.from(claims.email, 'utf8');
  if (email.length < MIN_EMAIL_BYTES || email.length > MAX_EMAIL_BYTES) throw new RangeError(`click link address of ${email.length} bytes`);
  return Buffer.concat([
    Buffer.from([FORMAT | (edition.topic === undefined ? 0 : TOPIC_VARIANT)]),
    edition.window,
    edition.topic ?? Buffer.alloc(0),
    Buffer.from([claims.story]),
    u32Bytes(claims.storyTag, 'story tag'),
    u32Bytes(claims.sentAt, 'sent at'),
    encodeSendId(claims.send),
    email,
  ]);
}

/** Reads the claims; bounds are checked as it goes, so a short or odd payload is 'malformed', never a crash. */
function decodeClaims(bytes: Buffer): ClickClaims {
  const reader = new ByteReader(bytes);
  const flags = reader.byte();
  if ((flags & FORMAT_MASK) !== FORMAT || (flags & ~(FORMAT_MASK | TOPIC_VARIANT)) !== 0) {
    throw new InvalidTokenError('The link is malformed.', 'malformed');
  }
  const editionId = decodeEditionId(reader, (flags & TOPIC_VARIANT) !== 0);
  const story = reader.byte();
  const tag = reader.take(4).readUInt32BE(0);
  const sentAt = reader.take(4).readUInt32BE(0);
  const send = decodeSendId(reader);
  const emailBytes = reader.rest();
  if (emailBytes.length < MIN_EMAIL_BYTES || emailBytes.length > MAX_EMAIL_BYTES) {
    throw new InvalidTokenError('The link is malformed.', 'malformed');
  }
  return { editionId, story, storyTag: tag, send, email: decodeUtf8(emailBytes), sentAt };
}

/** A click link's token: reads as random characters, and any change to it fails to open. */
export function sealClick(secret: string, claims: ClickClaims, keyId = CURRENT_CLICK_KEY_ID): string {
  return sealBytes(secret, CLICK_LINK_KEYS, keyId, encodeClaims(claims));
}

/** The claims of a click token, or InvalidTokenError ('malformed' or 'signature'). */
export function openClick(secret: string, token: string): ClickClaims {
  return decodeClaims(openSealedBytes(secret, CLICK_LINK_KEYS, token, MIN_CLAIM_BYTES));
}
