/**
 * A feed body's (or linked page's) bytes -> text, trusting in this order: a byte-order mark, the
 * HTTP Content-Type charset (a feed without an XML declaration relies on it), the XML
 * declaration's encoding, an HTML page's `<meta charset>`, then
 * UTF-8; bytes that are not UTF-8 and declare nothing get their encoding guessed by jschardet
 * (Mozilla's universal charset detector, as VS Code uses it: old Big5, GB2312, Shift_JIS,
 * EUC-KR, KOI8-R, TIS-620 and Hebrew feeds often declare nothing), and Windows-1252, what
 * browsers assume, when it cannot tell. iconv-lite decodes: pure JavaScript (no native build for Lambda), and it knows
 * ISO-8859-x, Windows-125x, GB2312/GBK/GB18030, Big5, Shift_JIS, EUC-JP/KR, KOI8 and more,
 * where TextDecoder in a Node built without full ICU knows only a few.
 */
import iconv from 'iconv-lite';
import jschardet from 'jschardet';

function bomEncoding(bytes: Uint8Array): { encoding: string; skip: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  return undefined;
}

/** The charset parameter of a Content-Type header, if iconv-lite knows it. */
export function headerCharset(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  const label = match?.[1]?.trim();
  return label !== undefined && iconv.encodingExists(label) ? label : undefined;
}

/** The encoding named by `<?xml ... encoding="..."?>`, read as ASCII from the first bytes. */
export function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  const match = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  const label = match?.[1];
  return label !== undefined && iconv.encodingExists(label) ? label : undefined;
}

/** An HTML page's `<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">`, from its first 1024 bytes as HTML says. */
export function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const match = /<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  const label = match?.[1];
  return label !== undefined && iconv.encodingExists(label) ? label : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The encoding to read the body with, and how many BOM bytes to skip. */
export function feedEncoding(bytes: Uint8Array, contentType: string | undefined): { encoding: string; skip: number } {
  const bom = bomEncoding(bytes);
  if (bom) return bom;
  const declared = headerCharset(contentType) ?? declaredEncoding(bytes) ?? metaCharset(bytes);
  if (declared !== undefined) return { encoding: declared, skip: 0 };
  return { encoding: isUtf8(bytes) ? 'utf-8' : guessedEncoding(bytes), skip: 0 };
}

/** Enough text for the detector's statistics; a feed's first 64 KB is mostly its entries' text. */
const GUESS_BYTES = 64 * 1024;
/** Below this the detector is guessing among Latin code pages, where Windows-1252 is the safe bet. */
const GUESS_CONFIDENCE = 0.05;

function guessedEncoding(bytes: Uint8Array): string {
  const { encoding, confidence } = jschardet.detect(Buffer.from(bytes.subarray(0, GUESS_BYTES)), { minimumThreshold: GUESS_CONFIDENCE });
  return encoding !== null && confidence >= GUESS_CONFIDENCE && iconv.encodingExists(encoding) ? encoding : 'windows-1252';
}

export function decodeFeed(bytes: Uint8Array, contentType: string | undefined): string {
  const { encoding, skip } = feedEncoding(bytes, contentType);
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset + skip, bytes.byteLength - skip), encoding);
}
