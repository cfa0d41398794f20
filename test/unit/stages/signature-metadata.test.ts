// The digital signature as a metadata source: the issuer from the certificate, and the signing day as an upper bound.
import { describe, expect, it } from 'vitest';
import { resolveFields } from '../../../src/domain/metadata/model.ts';
import type { PdfSignature } from '../../../src/pdf/pdf-signatures.ts';
import { issuedAfterSigning, looksLikeAgency, signatureCandidates } from '../../../src/stages/extract-metadata.ts';

function signature(signer: PdfSignature['signer'], more: Partial<PdfSignature> = {}): PdfSignature {
  return { signer, signingTime: '2025-01-16T00:46:10Z', coversWholeFile: true, digestValid: true, signatureValid: true, trust: 'unknown', problems: [], ...more };
}

describe('signature metadata', () => {
  it('takes the issuer from a certificate that names an agency, never from one that names a person', () => {
    expect(looksLikeAgency('Ủy ban nhân dân tỉnh Lào Cai')).toBe(true);
    expect(looksLikeAgency('SỞ NỘI VỤ TỈNH LÀO CAI')).toBe(true);
    expect(looksLikeAgency('Nguyễn Văn An')).toBe(false);
    expect(signatureCandidates([signature({ commonName: 'Ủy ban nhân dân tỉnh Lào Cai', organization: 'Tỉnh Lào Cai' })])).toEqual([{ key: 'issuer', value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'signature' }]);
    expect(signatureCandidates([signature({ commonName: 'Nguyễn Văn An', organization: 'Sở Tư pháp tỉnh Lào Cai' })])).toEqual([{ key: 'issuer', value: 'Sở Tư pháp tỉnh Lào Cai', source: 'signature' }]);
    expect(signatureCandidates([signature({ commonName: 'Nguyễn Văn An', organization: 'Cá nhân' })])).toEqual([]);
    // A signature that does not match its file vouches for nothing.
    expect(signatureCandidates([signature({ commonName: 'Ủy ban nhân dân tỉnh Lào Cai' }, { digestValid: false })])).toEqual([]);
  });

  it('beats OCR and keeps the page value as a conflict when they disagree; loses to the manifest', () => {
    const fromSignature = signatureCandidates([signature({ commonName: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI' })]);
    const ocr = { key: 'issuer', value: 'ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG', source: 'ocr' as const, pageNumber: 1, confidence: 91 };
    const resolved = resolveFields([ocr, ...fromSignature]);
    expect(resolved.fields['issuer']).toEqual({ value: 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI', source: 'signature' });
    expect(resolved.conflicts.map((c) => c.message)).toEqual([
      'issuer: the digital signature gives "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" but OCR read "ỦY BAN NHÂN DÂN HUYỆN BẢO THẮNG" on page 1 (confidence 91); the digital signature value is kept, review it',
    ]);
    const manifest = { key: 'issuer', value: 'Ủy ban nhân dân huyện Bảo Thắng', source: 'manifest' as const };
    expect(resolveFields([...fromSignature, manifest]).fields['issuer']?.source).toBe('manifest');
  });

  it('flags an issue date after the signing day (in Vietnam time), and nothing on or before it', () => {
    // Signed at 07:46 on 16 January 2025 in Hanoi, which is 00:46 UTC.
    const signed = [signature({ commonName: 'UBND tỉnh Lào Cai' })];
    expect(issuedAfterSigning({ value: '2025-01-16', source: 'ocr', pageNumber: 1 }, signed)).toEqual([]);
    expect(issuedAfterSigning({ value: '2025-01-15', source: 'ocr', pageNumber: 1 }, signed)).toEqual([]);
    const [conflict] = issuedAfterSigning({ value: '2025-01-19', source: 'ocr', pageNumber: 1 }, signed);
    expect(conflict).toMatchObject({ key: 'issueDate', chosen: { value: '2025-01-19' }, other: { value: '2025-01-16', source: 'signature' } });
    expect(conflict?.message).toBe('issueDate: OCR read "2025-01-19" on page 1 but the document was digitally signed on 2025-01-16, and a document is not issued after it is signed; review it');
    expect(issuedAfterSigning({ value: '2025-01-17', source: 'ocr' }, [signature({}, { signingTime: '2025-01-16T18:00:00Z' })])).toEqual([]);
    expect(issuedAfterSigning(undefined, signed)).toEqual([]);
  });
});
