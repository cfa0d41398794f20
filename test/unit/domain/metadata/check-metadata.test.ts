// Which metadata keys a manifest may give, and the checks of values that depend on each other.
import { describe, expect, it } from 'vitest';
import { checkMetadataEntry, checkMetadataTogether, givenKeys, mergeMetadata, refuseMetadataKey } from '../../../../src/domain/metadata/check-metadata.ts';

describe('refuseMetadataKey', () => {
  it('accepts the given keys of the level and custom x- keys', () => {
    for (const key of [...givenKeys('dossier'), 'x-soHop']) expect(refuseMetadataKey('dossier', key), key).toBeUndefined();
    for (const key of [...givenKeys('document'), 'x-ghiChu']) expect(refuseMetadataKey('document', key), key).toBeUndefined();
    expect(givenKeys('document')).toEqual(expect.arrayContaining(['number', 'symbol', 'validTo', 'scope']));
  });

  it('says where a key belongs instead, or suggests the closest known key', () => {
    expect(refuseMetadataKey('dossier', 'code')).toBe('"code" is not metadata but the dossier\'s own key: give it as "code" in manifest.json or in the "dossier_code" column of manifest.csv');
    expect(refuseMetadataKey('document', 'title')).toContain('"document_title" column');
    expect(refuseMetadataKey('dossier', 'issueDate')).toBe('"issueDate" is a document field, not a dossier field; give it with the document');
    expect(refuseMetadataKey('document', 'procedureCode')).toBe('"procedureCode" is a dossier field, not a document field; give it with the dossier');
    expect(refuseMetadataKey('document', 'documentCount')).toBe('"documentCount" is counted by sohoa and cannot be given; remove it');
    expect(refuseMetadataKey('document', 'pageCount')).toBe('"pageCount" is counted by sohoa and cannot be given; remove it');
    expect(refuseMetadataKey('document', 'appointmentDate')).toContain('read from the QR code');
    expect(refuseMetadataKey('document', 'issueDte')).toMatch(/^unknown key "issueDte"; did you mean "issueDate"\? Expected one of: documentType, number/);
    expect(refuseMetadataKey('dossier', 'ghiChu')).toMatch(/^unknown key "ghiChu"; expected one of: procedureCode, .*or a custom key starting with "x-"$/);
    expect(refuseMetadataKey('dossier', 'x-')).toMatch(/^unknown key "x-"/);
  });
});

describe('checkMetadataEntry', () => {
  it('gives the stored values, the expected form, or the refusal', () => {
    expect(checkMetadataEntry('document', 'number', '125/UBND-VP')).toEqual({ values: { number: '125', symbol: 'UBND-VP' } });
    expect(checkMetadataEntry('dossier', 'ownerIdKind', 'CMND')).toEqual({ values: { ownerIdKind: 'cmnd' } });
    expect(checkMetadataEntry('dossier', 'startDate', '31/04/2024')).toMatchObject({ reason: 'that day does not exist' });
    expect(checkMetadataEntry('dossier', 'kind', 'result')).toHaveProperty('refused');
  });
});

describe('checkMetadataTogether', () => {
  const today = new Date('2025-06-01T00:00:00Z');

  it('checks the owner identifier against its given kind', () => {
    expect(checkMetadataTogether('dossier', { ownerId: '001099012345', ownerIdKind: 'cccd' }, today)).toEqual([]);
    expect(checkMetadataTogether('dossier', { ownerId: '001099012345', ownerIdKind: 'tax-code' }, today)).toEqual([
      { key: 'ownerId', expected: 'a tax code of 10 digits, or 10 digits, "-" and 3 digits for a branch, e.g. "0101234567" or "0101234567-001", as ownerIdKind is "tax-code"' },
    ]);
  });

  it('wants an end on or after the start, and takes VINH_VIEN as after every date', () => {
    expect(checkMetadataTogether('dossier', { startDate: '2024-03-05', endDate: '2024-03-05' })).toEqual([]);
    expect(checkMetadataTogether('dossier', { startDate: '2024-03-05', endDate: '2023-12-31' })).toEqual([{ key: 'endDate', expected: 'a date on or after the startDate (2024-03-05)' }]);
    expect(checkMetadataTogether('document', { validFrom: '2024-03-05', validTo: 'VINH_VIEN' })).toEqual([]);
    expect(checkMetadataTogether('document', { validFrom: '2024-03-05', validTo: '2024-03-04' })).toEqual([{ key: 'validTo', expected: 'a date on or after the validFrom (2024-03-05)' }]);
  });
});

describe('mergeMetadata', () => {
  it('adds values and names the key a later value contradicts, keeping the first', () => {
    const metadata: Record<string, string> = {};
    expect(mergeMetadata(metadata, { number: '15', symbol: 'QĐ-UBND' })).toBeUndefined();
    expect(mergeMetadata(metadata, { symbol: 'QĐ-UBND' })).toBeUndefined();
    expect(mergeMetadata(metadata, { symbol: 'QĐ-BNV' })).toBe('symbol');
    expect(metadata).toEqual({ number: '15', symbol: 'QĐ-UBND' });
  });
});
