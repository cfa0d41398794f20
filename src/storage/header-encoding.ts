// ASCII-safe user metadata for object stores: RFC 2047 encoded-words for values, kebab-case for keys.
import { TextDecoder } from 'node:util';
import { InputError } from '../domain/errors.ts';

/*
 * Why: S3 sends user metadata as `x-amz-meta-*` HTTP headers. Node's HTTP client refuses header values outside
 * Latin-1 before anything is sent, and S3 itself only promises to keep US-ASCII; a Vietnamese title like
 * "Quyết định" must therefore travel encoded. RFC 2047 `=?UTF-8?B?…?=` is what S3's own documentation and
 * the AWS SDKs' readers recognise, so other tools reading our objects can decode it too.
 */

/** RFC 2047 §2: an encoded-word is at most 75 characters, so long values become several words. */
const maxEncodedWordLength = 75;
const encodedWordOverhead = '=?UTF-8?B?'.length + '?='.length;
/** Bytes per word: base64 turns 3 bytes into 4 characters and the text must fit 75 - 12 = 63 characters. */
const maxBytesPerWord = Math.floor((maxEncodedWordLength - encodedWordOverhead) / 4) * 3;

/**
 * A value that can travel as itself: printable ASCII words separated by single spaces. Leading, trailing and
 * doubled spaces are not plain because HTTP trims header values and SigV4 collapses runs of spaces; a value
 * holding `=?` is not plain because a reader would take it for an encoded-word.
 */
function isPlainHeaderValue(value: string): boolean {
  return /^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(value) && !value.includes('=?');
}

/** Splits a string into UTF-8 chunks of at most `maxBytes`, never inside a code point (RFC 2047 §5 rule 3). */
function utf8Chunks(value: string, maxBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  let current: Buffer[] = [];
  let currentBytes = 0;
  for (const codePoint of value) {
    const bytes = Buffer.from(codePoint, 'utf8');
    if (currentBytes + bytes.byteLength > maxBytes && current.length > 0) {
      chunks.push(Buffer.concat(current));
      current = [];
      currentBytes = 0;
    }
    current.push(bytes);
    currentBytes += bytes.byteLength;
  }
  chunks.push(Buffer.concat(current));
  return chunks;
}

/**
 * The value itself when it is plain printable ASCII, else RFC 2047 B-encoded UTF-8 words of at most 75
 * characters joined by single spaces (decoders drop the space between adjacent encoded-words).
 * The empty string becomes `=?UTF-8?B??=`: RFC 2047 wants at least one character of encoded text, but an
 * empty header value is dropped by some servers (fauxqs among them), and our decoder reads it back as "".
 */
export function encodeHeaderValue(value: string): string {
  if (isPlainHeaderValue(value)) return value;
  return utf8Chunks(value, maxBytesPerWord)
    .map((chunk) => `=?UTF-8?B?${chunk.toString('base64')}?=`)
    .join(' ');
}

const encodedWordPattern = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const hex = text.slice(i + 1, i + 3);
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

function decoderFor(charset: string): TextDecoder | undefined {
  // RFC 2231 allows a language after the charset: `UTF-8*vi`.
  const label = charset.split('*')[0]!;
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/**
 * Reverses `encodeHeaderValue`, and reads what other writers send: B or Q encoding, any charset the platform
 * knows, words split inside a character. Text outside encoded-words is kept; whitespace between two adjacent
 * encoded-words is dropped (RFC 2047 §6.2). A malformed or unknown-charset word is left as it is.
 */
export function decodeHeaderValue(value: string): string {
  let out = '';
  let cursor = 0;
  // Bytes of consecutive words in one charset are decoded together, so a character split across words survives.
  let pending: { charset: string; bytes: Buffer[]; raw: string } | undefined;
  const flush = () => {
    if (!pending) return;
    const decoder = decoderFor(pending.charset);
    out += decoder ? decoder.decode(Buffer.concat(pending.bytes)) : pending.raw;
    pending = undefined;
  };
  for (const match of value.matchAll(encodedWordPattern)) {
    const [word, charset, encoding, text] = match as unknown as [string, string, string, string];
    const between = value.slice(cursor, match.index);
    const adjacent = pending !== undefined && /^[ \t\r\n]*$/.test(between);
    if (!adjacent) {
      flush();
      out += between;
    }
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text);
    const sameCharset = pending?.charset.toLowerCase() === charset.toLowerCase();
    if (pending && sameCharset) {
      pending.bytes.push(bytes);
      pending.raw += word;
    } else {
      flush();
      pending = { charset, bytes: [bytes], raw: word };
    }
    cursor = match.index + word.length;
  }
  flush();
  return out + value.slice(cursor);
}

/**
 * Metadata keys are camelCase in our code (`dossierId`) and kebab-case on the wire (`dossier-id`), because S3
 * lowercases header names. Only `^[a-z][a-zA-Z0-9]*$` is accepted, which makes the mapping reversible.
 */
export function encodeMetadataKey(key: string): string {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) {
    throw new InputError('STORE_METADATA_INVALID', `metadata key ${JSON.stringify(key)} must be camelCase ASCII (letters and digits, starting with a lowercase letter), e.g. "dossierId"`);
  }
  return key.replace(/[A-Z]/g, (upper) => `-${upper.toLowerCase()}`);
}

/** `dossier-id` → `dossierId`; a key written by someone else that does not follow the rule is kept as it is. */
export function decodeMetadataKey(wireKey: string): string {
  const lower = wireKey.toLowerCase();
  if (!/^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/.test(lower)) return lower;
  return lower.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function encodeMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [encodeMetadataKey(key), encodeHeaderValue(value)]));
}

export function decodeMetadata(wire: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(wire).map(([key, value]) => [decodeMetadataKey(key), decodeHeaderValue(value)]));
}

/** S3 limits user metadata to 2 KiB, counted as the UTF-8 bytes of every wire key and value. */
export const maxUserMetadataBytes = 2048;

export function userMetadataBytes(wire: Record<string, string>): number {
  let total = 0;
  for (const [key, value] of Object.entries(wire)) total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  return total;
}
