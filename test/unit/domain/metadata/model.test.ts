// Precedence between sources, comparison per kind of field, and the conflicts kept for review.
import { describe, expect, it } from 'vitest';
import { deriveFields, documentMetadataSchema, dossierMetadataSchema, resolveFields, sameFieldValue } from '../../../../src/domain/metadata/model.ts';
import type { FieldCandidate } from '../../../../src/domain/metadata/model.ts';

describe('sameFieldValue', () => {
  it('compares dates by value and codes exactly', () => {
    expect(sameFieldValue('issueDate', '05/03/2024', '2024-03-05')).toEqual({ same: true, tolerant: false });
    expect(sameFieldValue('issueDate', '05/03/2024', '2024-03-06')).toEqual({ same: false, tolerant: false });
    expect(sameFieldValue('procedureCode', '1.000466', '1.000467')).toEqual({ same: false, tolerant: false });
    expect(sameFieldValue('symbol', 'QĐ-UBND', 'QD-UBND')).toEqual({ same: false, tolerant: false });
    expect(sameFieldValue('number', '08', '8')).toEqual({ same: true, tolerant: false });
    expect(sameFieldValue('retention', 'VINH_VIEN', 'vĩnh viễn')).toEqual({ same: true, tolerant: false });
  });

  it('compares text ignoring case and spacing, and diacritics only tolerantly', () => {
    expect(sameFieldValue('issuer', 'ỦY BAN NHÂN DÂN  tỉnh Lào Cai', 'Ủy ban nhân dân tỉnh Lào Cai')).toEqual({ same: true, tolerant: false });
    expect(sameFieldValue('issuer', 'Uy ban nhan dan tinh Lao Cai', 'Ủy ban nhân dân tỉnh Lào Cai')).toEqual({ same: true, tolerant: true });
    expect(sameFieldValue('issuer', 'Ủy ban nhân dân tỉnh Lào Cai', 'Ủy ban nhân dân tỉnh Yên Bái')).toEqual({ same: false, tolerant: false });
    // A decomposed (NFD) spelling is the same text.
    expect(sameFieldValue('subject', 'Về việc'.normalize('NFD'), 'Về việc')).toEqual({ same: true, tolerant: false });
  });

  it('takes an agency printed in the header without its locality, or abbreviated, as the same agency', () => {
    expect(sameFieldValue('issuer', 'SỞ NỘI VỤ', 'Sở Nội vụ tỉnh Lào Cai')).toEqual({ same: true, tolerant: false });
    expect(sameFieldValue('issuer', 'Phòng Nội vụ huyện Bảo Thắng', 'PHÒNG NỘI VỤ')).toEqual({ same: true, tolerant: false });
    expect(sameFieldValue('issuerParent', 'UBND TỈNH LÀO CAI', 'Uỷ ban nhân dân tỉnh Lào Cai')).toEqual({ same: true, tolerant: false });
    // Another agency, a name cut inside a word sequence, or a locality that differs are disagreements.
    expect(sameFieldValue('issuer', 'SỞ TƯ PHÁP', 'Sở Nội vụ tỉnh Lào Cai').same).toBe(false);
    expect(sameFieldValue('issuer', 'SỞ NỘI VỤ', 'Sở Nội vụ và Đào tạo tỉnh Lào Cai').same).toBe(false);
    expect(sameFieldValue('issuer', 'UBND TỈNH LÀO CAI', 'Ủy ban nhân dân tỉnh Yên Bái').same).toBe(false);
    expect(sameFieldValue('issuer', 'SỞ', 'Sở Nội vụ').same).toBe(false);
  });
});

describe('resolveFields', () => {
  it('prefers manifest over QR over OCR over derived, and keeps each disagreement as a conflict', () => {
    const candidates: FieldCandidate[] = [
      { key: 'number', value: '16', source: 'ocr', pageNumber: 1, confidence: 91, box: { x0: 10, y0: 20, x1: 90, y1: 40 } },
      { key: 'number', value: '15', source: 'manifest' },
      { key: 'procedureCode', value: '1.000466', source: 'qr', pageNumber: 1, confidence: 100 },
      { key: 'procedureCode', value: '1.000467', source: 'ocr', pageNumber: 1, confidence: 70 },
      { key: 'language', value: 'vi', source: 'derived' },
    ];
    const { fields, conflicts } = resolveFields(candidates);
    expect(fields).toEqual({
      number: { value: '15', source: 'manifest' },
      procedureCode: { value: '1.000466', source: 'qr', pageNumber: 1, confidence: 100 },
      language: { value: 'vi', source: 'derived' },
    });
    expect(conflicts).toEqual([
      {
        key: 'number',
        chosen: { value: '15', source: 'manifest' },
        other: { value: '16', source: 'ocr', pageNumber: 1, confidence: 91, box: { x0: 10, y0: 20, x1: 90, y1: 40 } },
        message: 'number: the manifest gives "15" but OCR read "16" on page 1 (confidence 91); the manifest value is kept, review it',
      },
      {
        key: 'procedureCode',
        chosen: { value: '1.000466', source: 'qr', pageNumber: 1, confidence: 100 },
        other: { value: '1.000467', source: 'ocr', pageNumber: 1, confidence: 70 },
        message: 'procedureCode: the QR code gives "1.000466" on page 1 (confidence 100) but OCR read "1.000467" on page 1 (confidence 70); the QR code value is kept, review it',
      },
    ]);
  });

  it('takes the most confident reading within one source and keeps Vietnamese text intact in messages', () => {
    const { fields, conflicts } = resolveFields([
      { key: 'issuer', value: 'Ủy ban nhân dân tỉnh Yên Bái', source: 'ocr', pageNumber: 2, confidence: 62 },
      { key: 'issuer', value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'ocr', pageNumber: 1, confidence: 88 },
    ]);
    expect(fields['issuer']).toEqual({ value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'ocr', pageNumber: 1, confidence: 88 });
    expect(conflicts.map((c) => c.message)).toEqual([
      'issuer: OCR read "Ủy ban nhân dân tỉnh Lào Cai" on page 1 (confidence 88) but OCR read "Ủy ban nhân dân tỉnh Yên Bái" on page 2 (confidence 62); the OCR value is kept, review it',
    ]);
  });

  it('records agreement that holds only without diacritics as tolerant, with no conflict', () => {
    const { fields, conflicts } = resolveFields([
      { key: 'issuer', value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'manifest' },
      { key: 'issuer', value: 'UY BAN NHAN DAN TINH LAO CAI', source: 'ocr', pageNumber: 1, confidence: 80 },
      { key: 'issueDate', value: '2024-03-05', source: 'manifest' },
      { key: 'issueDate', value: '05/03/2024', source: 'ocr', pageNumber: 1, confidence: 85 },
    ]);
    expect(conflicts).toEqual([]);
    expect(fields['issuer']).toEqual({ value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'manifest', tolerant: true });
    expect(fields['issueDate']).toEqual({ value: '2024-03-05', source: 'manifest' });
  });

  it('reports a value repeated by one source once, and masks personal data in messages only', () => {
    const { fields, conflicts } = resolveFields([
      { key: 'ownerId', value: '001099012345', source: 'manifest' },
      { key: 'ownerId', value: '001099012346', source: 'qr', pageNumber: 1 },
      { key: 'ownerId', value: '001099012346', source: 'qr', pageNumber: 2 },
      { key: 'signer', value: 'Nguyễn Văn An', source: 'manifest' },
      { key: 'signer', value: 'Nguyễn Văn Anh', source: 'ocr', pageNumber: 2, confidence: 75 },
    ]);
    expect(fields['ownerId']?.value).toBe('001099012345');
    expect(conflicts.map((c) => c.message)).toEqual([
      'ownerId: the manifest gives "*********345" but the QR code gives "*********346" on page 1; the manifest value is kept, review it',
      'signer: the manifest gives one value but OCR read another on page 2 (confidence 75); the manifest value is kept, review it',
    ]);
    expect(conflicts[1]?.other.value).toBe('Nguyễn Văn Anh');
  });
});

describe('deriveFields', () => {
  it('adds the owner ID kind, the default language and counts only where no source gave them', () => {
    const fields = deriveFields('dossier', { ownerId: { value: '012345678', source: 'manifest' } }, { documentCount: 3, pageCount: 8 });
    expect(fields).toEqual({
      ownerId: { value: '012345678', source: 'manifest' },
      ownerIdKind: { value: 'cmnd', source: 'derived' },
      language: { value: 'vi', source: 'derived' },
      documentCount: { value: '3', source: 'derived' },
      pageCount: { value: '8', source: 'derived' },
    });
    const document = deriveFields('document', { language: { value: 'vi,en', source: 'manifest' } }, { documentCount: 3, pageCount: 2 });
    expect(document).toEqual({ language: { value: 'vi,en', source: 'manifest' }, pageCount: { value: '2', source: 'derived' } });
  });
});

describe('metadata blocks', () => {
  it('parse a resolved block and refuse unknown keys and values not in their stored form', () => {
    const { fields, conflicts } = resolveFields([
      { key: 'number', value: '15', source: 'manifest' },
      { key: 'x-soLuuTru', value: 'K12', source: 'manifest' },
    ]);
    expect(documentMetadataSchema.safeParse({ level: 'document', fields, conflicts }).success).toBe(true);
    expect(documentMetadataSchema.safeParse({ level: 'document', fields: { nummer: { value: '15', source: 'manifest' } }, conflicts: [] }).success).toBe(false);
    expect(documentMetadataSchema.safeParse({ level: 'document', fields: { issueDate: { value: '05/03/2024', source: 'manifest' } }, conflicts: [] }).success).toBe(false);
    expect(dossierMetadataSchema.safeParse({ level: 'dossier', fields: { retention: { value: 'VINH_VIEN', source: 'manifest' } }, conflicts: [] }).success).toBe(true);
    expect(dossierMetadataSchema.safeParse({ level: 'dossier', fields: { retention: { value: '20', source: 'scanner' } }, conflicts: [] }).success).toBe(false);
  });
});
