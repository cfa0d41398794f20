import { validateHeaderValue } from 'node:http';
import { TextDecoder } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import {
  decodeHeaderValue,
  decodeMetadata,
  decodeMetadataKey,
  encodeHeaderValue,
  encodeMetadata,
  encodeMetadataKey,
  userMetadataBytes,
} from '../../../src/storage/header-encoding.ts';

const title = 'Quyết định về việc cấp Giấy chứng nhận quyền sử dụng đất cho hộ ông Đỗ Văn Hùng';

function encodedWords(wire: string): string[] {
  return wire.split(' ');
}

describe('encodeHeaderValue / decodeHeaderValue', () => {
  it('sends printable ASCII as itself', () => {
    for (const value of ['HS-001', 'QD 15/2024/QD-UBND', 'a=b?c']) expect(encodeHeaderValue(value)).toBe(value);
  });

  it('turns Vietnamese into ASCII that Node will send, and back into the same string', () => {
    expect(() => validateHeaderValue('x-amz-meta-title', title)).toThrow();
    const wire = encodeHeaderValue(title);
    expect(wire).toMatch(/^[\x20-\x7e]+$/);
    expect(() => validateHeaderValue('x-amz-meta-title', wire)).not.toThrow();
    expect(decodeHeaderValue(wire)).toBe(title);
  });

  it('keeps NFC and NFD spellings of "Đỗ" apart, code point for code point', () => {
    const nfc = 'Đỗ'.normalize('NFC');
    const nfd = 'Đỗ'.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    expect(decodeHeaderValue(encodeHeaderValue(nfc))).toBe(nfc);
    expect(decodeHeaderValue(encodeHeaderValue(nfd))).toBe(nfd);
    expect(encodeHeaderValue(nfc)).toBe('=?UTF-8?B?xJDhu5c=?=');
  });

  it('splits long values into encoded-words of at most 75 characters, each whole UTF-8', () => {
    const long = `${title} — ${'Ủy ban nhân dân tỉnh Thừa Thiên Huế '.repeat(12)}😀`;
    const wire = encodeHeaderValue(long);
    const words = encodedWords(wire);
    expect(words.length).toBeGreaterThan(5);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      const [, base64] = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(word)!;
      expect(() => strict.decode(Buffer.from(base64!, 'base64'))).not.toThrow();
    }
    expect(decodeHeaderValue(wire)).toBe(long);
  });

  it('encodes values that would otherwise be read as encoded-words or lose spaces', () => {
    for (const value of ['=?UTF-8?B?SGk=?=', 'a =?x?Q?y?= b', ' leading', 'trailing ', 'two  spaces', 'tab\there']) {
      const wire = encodeHeaderValue(value);
      expect(wire).not.toBe(value);
      expect(wire).toMatch(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/);
      expect(decodeHeaderValue(wire)).toBe(value);
    }
  });

  it('round-trips the empty string', () => {
    expect(encodeHeaderValue('')).toBe('=?UTF-8?B??=');
    expect(decodeHeaderValue(encodeHeaderValue(''))).toBe('');
  });

  it('reads Q encoding, other charsets, characters split across words and text around words', () => {
    expect(decodeHeaderValue('=?utf-8?q?Quy=E1=BA=BFt_=C4=91=E1=BB=8Bnh?=')).toBe('Quyết định');
    expect(decodeHeaderValue('=?ISO-8859-1?Q?caf=E9?=')).toBe('café');
    expect(decodeHeaderValue('=?UTF-8*vi?B?xJDhu5c=?=')).toBe('Đỗ');
    const bytes = Buffer.from('Đỗ', 'utf8');
    const split = `=?UTF-8?B?${bytes.subarray(0, 3).toString('base64')}?= =?UTF-8?B?${bytes.subarray(3).toString('base64')}?=`;
    expect(decodeHeaderValue(split)).toBe('Đỗ');
    expect(decodeHeaderValue('Ông =?UTF-8?B?xJDhu5c=?= Văn')).toBe('Ông Đỗ Văn');
    expect(decodeHeaderValue('=?x-unknown-charset?B?xJDhu5c=?=')).toBe('=?x-unknown-charset?B?xJDhu5c=?=');
    expect(decodeHeaderValue('plain text')).toBe('plain text');
  });
});

describe('metadata keys', () => {
  it('maps camelCase to kebab-case and back', () => {
    for (const [key, wire] of [
      ['dossierId', 'dossier-id'],
      ['documentId', 'document-id'],
      ['batchId', 'batch-id'],
      ['sha256', 'sha256'],
      ['agencyCodeV2', 'agency-code-v2'],
      ['ownerID', 'owner-i-d'],
    ] as const) {
      expect(encodeMetadataKey(key)).toBe(wire);
      expect(decodeMetadataKey(wire)).toBe(key);
    }
  });

  it('refuses keys that could not come back unchanged', () => {
    for (const key of ['dossier_id', 'Dossier', 'dossier-id', '', '1st', 'mã']) {
      expect(() => encodeMetadataKey(key)).toThrow(InputError);
    }
  });

  it('keeps foreign wire keys it cannot map', () => {
    expect(decodeMetadataKey('x_custom')).toBe('x_custom');
    expect(decodeMetadataKey('page-2')).toBe('page-2');
  });

  it('encodes and decodes a whole metadata record', () => {
    const metadata = { dossierId: 'HS-001', title, signerName: 'Đỗ' };
    const wire = encodeMetadata(metadata);
    expect(Object.keys(wire)).toEqual(['dossier-id', 'title', 'signer-name']);
    for (const value of Object.values(wire)) expect(value).toMatch(/^[\x20-\x7e]*$/);
    expect(decodeMetadata(wire)).toEqual(metadata);
    expect(userMetadataBytes({ ab: 'cde' })).toBe(5);
  });
});
