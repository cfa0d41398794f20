// The digital signature as a metadata source: the issuer from the certificate, and the signing day as an upper bound.
import { describe, expect, it } from 'vitest';
import { resolveFields } from '../../../src/domain/metadata/model.ts';
import type { PdfSignature } from '../../../src/pdf/pdf-signatures.ts';
import { issuedAfterSigning, looksLikeAgency, looksLikePersonName, signatureCandidates } from '../../../src/stages/extract.ts';

function signature(signer: PdfSignature['signer'], more: Partial<PdfSignature> = {}): PdfSignature {
  return { signer, signingTime: '2025-01-16T00:46:10Z', coversWholeFile: true, digestValid: true, signatureValid: true, trust: 'unknown', problems: [], ...more };
}

describe('signature metadata', () => {
  it('takes the issuer from an agency certificate, its parent from the organization, and the signer from an official’s', () => {
    expect(looksLikeAgency('Ủy ban nhân dân tỉnh Lào Cai')).toBe(true);
    expect(looksLikeAgency('SỞ NỘI VỤ TỈNH LÀO CAI')).toBe(true);
    expect(looksLikeAgency('Nguyễn Văn An')).toBe(false);
    expect(looksLikePersonName('Nguyễn Văn An')).toBe(true);
    expect(looksLikePersonName('CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ')).toBe(false);
    expect(signatureCandidates([signature({ commonName: 'Ủy ban nhân dân tỉnh Lào Cai', organization: 'Tỉnh Lào Cai' })])).toEqual([{ key: 'issuer', value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'signature' }]);
    // An e-office pair, as Vĩnh Long's: the official's certificate, then the agency's seal.
    const official = signature({ commonName: 'Nguyễn Văn An', organizationalUnit: 'SỞ NỘI VỤ', organization: 'ỦY BAN NHÂN DÂN TỈNH VĨNH LONG' });
    const seal = signature({ commonName: 'SỞ NỘI VỤ', organization: 'ỦY BAN NHÂN DÂN TỈNH VĨNH LONG' });
    expect(signatureCandidates([official, seal])).toEqual([
      { key: 'issuer', value: 'SỞ NỘI VỤ', source: 'signature' },
      { key: 'issuerParent', value: 'ỦY BAN NHÂN DÂN TỈNH VĨNH LONG', source: 'signature' },
      { key: 'signer', value: 'Nguyễn Văn An', source: 'signature' },
    ]);
    expect(signatureCandidates([signature({ commonName: 'Nguyễn Văn An', organization: 'Sở Tư pháp tỉnh Lào Cai' })])).toEqual([
      { key: 'issuer', value: 'Sở Tư pháp tỉnh Lào Cai', source: 'signature' },
      { key: 'signer', value: 'Nguyễn Văn An', source: 'signature' },
    ]);
    expect(signatureCandidates([signature({ commonName: 'Nguyễn Văn An', organization: 'Cá nhân' })])).toEqual([{ key: 'signer', value: 'Nguyễn Văn An', source: 'signature' }]);
    // A signature that does not match its file vouches for nothing.
    expect(signatureCandidates([signature({ commonName: 'Ủy ban nhân dân tỉnh Lào Cai' }, { digestValid: false })])).toEqual([]);
  });

  it('fills what the page lacks and loses to the page and the manifest, keeping the difference as a conflict', () => {
    // A portal signs the copy it publishes: its certificate names the portal, the page the issuer.
    const fromSignature = signatureCandidates([signature({ commonName: 'VĂN PHÒNG CHÍNH PHỦ' })]);
    const ocr = { key: 'issuer', value: 'THỦ TƯỚNG CHÍNH PHỦ', source: 'ocr' as const, pageNumber: 1, confidence: 91 };
    const resolved = resolveFields([ocr, ...fromSignature]);
    expect(resolved.fields['issuer']).toMatchObject({ value: 'THỦ TƯỚNG CHÍNH PHỦ', source: 'ocr' });
    expect(resolved.conflicts.map((c) => c.message)).toEqual([
      'issuer: OCR read "THỦ TƯỚNG CHÍNH PHỦ" on page 1 (confidence 91) but the digital signature gives "VĂN PHÒNG CHÍNH PHỦ"; the OCR value is kept, review it',
    ]);
    expect(resolveFields(fromSignature).fields['issuer']).toEqual({ value: 'VĂN PHÒNG CHÍNH PHỦ', source: 'signature' });
    const manifest = { key: 'issuer', value: 'Văn phòng Chính phủ', source: 'manifest' as const };
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
