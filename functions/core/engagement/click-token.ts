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
import { InvalidTokenError, openSealedBytes, sealBytes } from '../shared/index.ts';

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
const SEND_HOURLY = 1;
const SEND_NOW = 2;
const SEND_OTHER = 3;
const MAX_U32 = 0xffff_ffff;
const MIN_EMAIL_BYTES = 3;
const MAX_EMAIL_BYTES = 254;
/** Flags, window, story, tag, time, the shortest send and address. */
const MIN_CLAIM_BYTES = 1 + 8 + 1 + 4 + 4 + 2 + MIN_EMAIL_BYTES;
export const MAX_STORIES_LINKED = 255;

const EDITION = /^([0-9]{8}T[0-9]{6})-([0-9]{8}T[0-9]{6})(?:-t([0-9a-f]{10}))?$/;
const COMPACT_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;
const HOURLY = /^hourly-(\d{1,15})$/;
const NOW = /^now-([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

/** A story's tag: 32 bits of the SHA-256 of its article id. */
export function storyTag(articleId: string): number {
  return createHash('sha256').update(articleId).digest().readUInt32BE(0);
}

function compactSeconds(value: string): number {
  const [, y, mo, d, h, mi, s] = COMPACT_UTC.exec(value)!.map(Number);
  const seconds = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_U32) throw new RangeError(`edition time out of range: ${value}`);
  return seconds;
}

function compactUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

function u32(value: number, what: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) throw new RangeError(`${what} out of range: ${value}`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function encodeSend(send: string): Buffer {
  const hourly = HOURLY.exec(send);
  if (hourly && Number(hourly[1]) <= 2 ** 48 - 1 && String(Number(hourly[1])) === hourly[1]) {
    const bytes = Buffer.alloc(7);
    bytes[0] = SEND_HOURLY;
    bytes.writeUIntBE(Number(hourly[1]), 1, 6);
    return bytes;
  }
  const now = NOW.exec(send);
  if (now) return Buffer.concat([Buffer.from([SEND_NOW]), Buffer.from(now.slice(1).join(''), 'hex')]);
  const text = Buffer.from(send, 'utf8');
  if (text.length === 0 || text.length > 64) throw new RangeError(`send id of ${text.length} bytes`);
  return Buffer.concat([Buffer.from([SEND_OTHER, text.length]), text]);
}

function encodeClaims(claims: ClickClaims): Buffer {
  const edition = EDITION.exec(claims.editionId);
  if (!edition) throw new RangeError(`not an edition id: ${claims.editionId}`);
  if (!Number.isInteger(claims.story) || claims.story < 0 || claims.story > MAX_STORIES_LINKED) {
    throw new RangeError(`story index out of range: ${claims.story}`);
  }
  const email = Buffer.from(claims.email, 'utf8');
  if (email.length < MIN_EMAIL_BYTES || email.length > MAX_EMAIL_BYTES) throw new RangeError(`click link address of ${email.length} bytes`);
  const topic = edition[3];
  return Buffer.concat([
    Buffer.from([FORMAT | (topic === undefined ? 0 : TOPIC_VARIANT)]),
    u32(compactSeconds(edition[1]!), 'cutoff'),
    u32(compactSeconds(edition[2]!), 'since'),
    topic === undefined ? Buffer.alloc(0) : Buffer.from(topic, 'hex'),
    Buffer.from([claims.story]),
    u32(claims.storyTag, 'story tag'),
    u32(claims.sentAt, 'sent at'),
    encodeSend(claims.send),
    email,
  ]);
}

const malformed = (cause?: unknown) =>
  new InvalidTokenError('The link is malformed.', 'malformed', cause === undefined ? undefined : { cause });
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the claims; bounds are checked as it goes, so a short or odd payload is 'malformed', never a crash. */
function decodeClaims(bytes: Buffer): ClickClaims {
  let at = 0;
  const take = (length: number): Buffer => {
    if (at + length > bytes.length) throw malformed();
    const part = bytes.subarray(at, at + length);
    at += length;
    return part;
  };
  const flags = take(1)[0]!;
  if ((flags & FORMAT_MASK) !== FORMAT || (flags & ~(FORMAT_MASK | TOPIC_VARIANT)) !== 0) throw malformed();
  const cutoff = compactUtc(take(4).readUInt32BE(0));
  const since = compactUtc(take(4).readUInt32BE(0));
  const topic = (flags & TOPIC_VARIANT) !== 0 ? `-t${take(5).toString('hex')}` : '';
  const story = take(1)[0]!;
  const tag = take(4).readUInt32BE(0);
  const sentAt = take(4).readUInt32BE(0);
  const kind = take(1)[0]!;
  let send: string;
  if (kind === SEND_HOURLY) send = `hourly-${take(6).readUIntBE(0, 6)}`;
  else if (kind === SEND_NOW) {
    const hex = take(16).toString('hex');
    send = `now-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } else if (kind === SEND_OTHER) {
    try {
      send = utf8.decode(take(take(1)[0]!));
    } catch (error) {
      throw malformed(error);
    }
  } else throw malformed();
  const emailBytes = bytes.subarray(at);
  if (emailBytes.length < MIN_EMAIL_BYTES || emailBytes.length > MAX_EMAIL_BYTES) throw malformed();
  let email: string;
  try {
    email = utf8.decode(emailBytes);
  } catch (error) {
    throw malformed(error);
  }
  return { editionId: `${cutoff}-${since}${topic}`, story, storyTag: tag, send, email, sentAt };
}

/** A click link's token: reads as random characters, and any change to it fails to open. */
export function sealClick(secret: string, claims: ClickClaims, keyId = CURRENT_CLICK_KEY_ID): string {
  return sealBytes(secret, CLICK_LINK_KEYS, keyId, encodeClaims(claims));
}

/** The claims of a click token, or InvalidTokenError ('malformed' or 'signature'). */
export function openClick(secret: string, token: string): ClickClaims {
  return decodeClaims(openSealedBytes(secret, CLICK_LINK_KEYS, token, MIN_CLAIM_BYTES));
}
