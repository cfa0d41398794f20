// A small ASN.1 reader for the CMS signatures in PDFs: DER, plus BER's indefinite lengths that some signers write.

export interface Asn1 {
  /** The identifier octet: class, constructed bit and tag number (tags above 30 are not needed here). */
  tag: number;
  /** Offsets in `bytes`: the element starts at `start`, its contents run from `contentStart` to `contentEnd`. */
  start: number;
  contentStart: number;
  contentEnd: number;
  /** Where the element ends, after an end-of-contents marker for an indefinite length. */
  end: number;
  bytes: Uint8Array;
}

export const Tag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

export class Asn1Error extends Error {}

/** Reads the element at `offset`. Throws Asn1Error on anything truncated or malformed. */
export function readAsn1(bytes: Uint8Array, offset = 0, limit = bytes.length): Asn1 {
  if (offset + 2 > limit) throw new Asn1Error(`truncated element at ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Asn1Error(`high tag number at ${offset}`);
  let cursor = offset + 1;
  const first = bytes[cursor++]!;
  if (first === 0x80) {
    if ((tag & 0x20) === 0) throw new Asn1Error(`indefinite length on a primitive element at ${offset}`);
    // Children until the end-of-contents octets 00 00.
    let child = cursor;
    while (child + 2 <= limit && !(bytes[child] === 0 && bytes[child + 1] === 0)) child = readAsn1(bytes, child, limit).end;
    if (child + 2 > limit) throw new Asn1Error(`unterminated indefinite length at ${offset}`);
    return { tag, start: offset, contentStart: cursor, contentEnd: child, end: child + 2, bytes };
  }
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count > 4 || cursor + count > limit) throw new Asn1Error(`bad length at ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[cursor++]!;
  }
  if (cursor + length > limit) throw new Asn1Error(`element at ${offset} runs past its container`);
  return { tag, start: offset, contentStart: cursor, contentEnd: cursor + length, end: cursor + length, bytes };
}

export function childrenOf(node: Asn1): Asn1[] {
  const children: Asn1[] = [];
  for (let at = node.contentStart; at < node.contentEnd; ) {
    const child = readAsn1(node.bytes, at, node.contentEnd);
    children.push(child);
    at = child.end;
  }
  return children;
}

export function contentOf(node: Asn1): Uint8Array {
  return node.bytes.subarray(node.contentStart, node.contentEnd);
}

/** The whole encoding of an element, header included. */
export function encodingOf(node: Asn1): Uint8Array {
  return node.bytes.subarray(node.start, node.end);
}

export function oidOf(node: Asn1): string {
  if (node.tag !== Tag.oid) throw new Asn1Error(`expected an OID at ${node.start}`);
  const content = contentOf(node);
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** A string of any of the kinds certificates use (UTF8, Printable, IA5, BMP). */
export function textOf(node: Asn1): string {
  const content = contentOf(node);
  if (node.tag === Tag.bmpString) {
    let text = '';
    for (let i = 0; i + 1 < content.length; i += 2) text += String.fromCharCode((content[i]! << 8) | content[i + 1]!);
    return text;
  }
  return new TextDecoder(node.tag === Tag.utf8String ? 'utf-8' : 'latin1').decode(content);
}

/** UTCTime (years 1950–2049) or GeneralizedTime, as an ISO date-time in UTC. */
export function timeOf(node: Asn1): string | undefined {
  const text = new TextDecoder('latin1').decode(contentOf(node));
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/u.exec(text);
  if (!m) return undefined;
  const year = m[1]!.length === 2 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace('.000Z', 'Z');
}
