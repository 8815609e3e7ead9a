/**
 * The send and edition a link in a digest came from, in bytes, for links sealed into tokens
 * (click links, unsubscribe links). Both ids follow fixed shapes, so they pack far smaller than
 * their text, which keeps one link per story per reader short:
 *
 *   edition: cutoff, since (u32 seconds each) | topic hash (5 bytes, topic variants only)
 *   send:    1 kind + 6 (ms of `hourly-<ms>`), 16 (uuid of `now-<uuid>`), or 1 length + UTF-8
 */
import { InvalidTokenError } from './errors.ts';

/** A digest's send and edition, as a link of that digest carries them. */
export interface DigestOrigin {
  send: string;
  editionId: string;
}

const SEND_HOURLY = 1;
const SEND_NOW = 2;
const SEND_OTHER = 3;
const MAX_U32 = 0xffff_ffff;
const MAX_SEND_BYTES = 64;

const EDITION = /^([0-9]{8}T[0-9]{6})-([0-9]{8}T[0-9]{6})(?:-t([0-9a-f]{10}))?$/;
const COMPACT_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;
const HOURLY = /^hourly-(\d{1,15})$/;
const NOW = /^now-([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

const malformed = (cause?: unknown) =>
  new InvalidTokenError('The link is malformed.', 'malformed', cause === undefined ? undefined : { cause });
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a payload front to back; reading past its end is 'malformed', never a crash. */
export class ByteReader {
  #at = 0;
  constructor(private readonly bytes: Buffer) {}

  take(length: number): Buffer {
    if (this.#at + length > this.bytes.length) throw malformed();
    const part = this.bytes.subarray(this.#at, this.#at + length);
    this.#at += length;
    return part;
  }

  byte(): number {
    return this.take(1)[0]!;
  }

  rest(): Buffer {
    return this.take(this.bytes.length - this.#at);
  }
}

/** Strict UTF-8, or 'malformed'. */
export function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw malformed(error);
  }
}

export function u32Bytes(value: number, what: string): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) throw new RangeError(`${what} out of range: ${value}`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
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

/** An edition id as its window (8 bytes) and, for a topic variant, its topic hash (5 bytes). */
export function encodeEditionId(editionId: string): { window: Buffer; topic: Buffer | undefined } {
  const edition = EDITION.exec(editionId);
  if (!edition) throw new RangeError(`not an edition id: ${editionId}`);
  return {
    window: Buffer.concat([u32Bytes(compactSeconds(edition[1]!), 'cutoff'), u32Bytes(compactSeconds(edition[2]!), 'since')]),
    topic: edition[3] === undefined ? undefined : Buffer.from(edition[3], 'hex'),
  };
}

/** The edition id read back: its window, then the topic hash when the caller's flags say there is one. */
export function decodeEditionId(reader: ByteReader, topicVariant: boolean): string {
  const window = reader.take(8);
  const topic = topicVariant ? `-t${reader.take(5).toString('hex')}` : '';
  return `${compactUtc(window.readUInt32BE(0))}-${compactUtc(window.readUInt32BE(4))}${topic}`;
}

export function encodeSendId(send: string): Buffer {
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
  if (text.length === 0 || text.length > MAX_SEND_BYTES) throw new RangeError(`send id of ${text.length} bytes`);
  return Buffer.concat([Buffer.from([SEND_OTHER, text.length]), text]);
}

export function decodeSendId(reader: ByteReader): string {
  const kind = reader.byte();
  if (kind === SEND_HOURLY) return `hourly-${reader.take(6).readUIntBE(0, 6)}`;
  if (kind === SEND_NOW) {
    const hex = reader.take(16).toString('hex');
    return `now-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  if (kind === SEND_OTHER) {
    const length = reader.byte();
    if (length === 0 || length > MAX_SEND_BYTES) throw malformed();
    return decodeUtf8(reader.take(length));
  }
  throw malformed();
}
