// The field table and the closed vocabularies: Vietnamese and English spellings normalise to one stored form.
import { describe, expect, it } from 'vitest';
import { documentTypes } from '../../../../src/domain/metadata/document-types.ts';
import { fieldSpec, fieldSpecs, fieldsOf, maskPersonal, normaliseField } from '../../../../src/domain/metadata/fields.ts';
import { foldVietnamese } from '../../../../src/domain/metadata/fold-vietnamese.ts';
import {
  checkAccessLevel,
  checkDocumentType,
  checkLanguages,
  checkReliability,
  checkRetention,
  checkSecrecy,
  checkSigningCapacity,
  checkUrgency,
} from '../../../../src/domain/metadata/vocabularies.ts';
import { parseRetention } from '../../../../src/domain/retention.ts';

describe('vocabularies', () => {
  it('normalise retention to VINH_VIEN or whole years, which the object lock understands', () => {
    const cases: [string, string][] = [
      ['VINH_VIEN', 'VINH_VIEN'],
      ['vĩnh viễn', 'VINH_VIEN'],
      ['VĨNH VIỄN', 'VINH_VIEN'],
      ['Vinh vien', 'VINH_VIEN'],
      ['20', '20'],
      ['20 năm', '20'],
      ['20 NĂM', '20'],
      ['070', '70'],
    ];
    for (const [given, stored] of cases) {
      expect(checkRetention(given), given).toEqual({ value: stored });
      expect(parseRetention(stored), given).toBeDefined();
    }
    for (const bad of ['0', '101', 'mãi mãi', '20 tháng', '']) expect(checkRetention(bad), bad).toHaveProperty('expected');
  });

  it('normalise access level, reliability, marks and signing capacity from either language', () => {
    expect(checkAccessLevel('Công khai')).toEqual({ value: 'public' });
    expect(checkAccessLevel('hạn chế')).toEqual({ value: 'restricted' });
    expect(checkAccessLevel('MẬT')).toEqual({ value: 'confidential' });
    expect(checkAccessLevel('restricted')).toEqual({ value: 'restricted' });
    expect(checkAccessLevel('nội bộ')).toHaveProperty('expected');
    expect(checkReliability('Bản chính')).toEqual({ value: 'original' });
    expect(checkReliability('bản sao')).toEqual({ value: 'copy' });
    expect(checkReliability('digitized')).toEqual({ value: 'digitized' });
    expect(checkSecrecy('TỐI MẬT')).toEqual({ value: 'toi-mat' });
    expect(checkSecrecy('tuyet-mat')).toEqual({ value: 'tuyet-mat' });
    expect(checkSecrecy('MẬT')).toEqual({ value: 'mat' });
    expect(checkUrgency('THƯỢNG KHẨN')).toEqual({ value: 'thuong-khan' });
    expect(checkUrgency('HỎA TỐC')).toEqual({ value: 'hoa-toc' });
    expect(checkUrgency('HOẢ TỐC')).toEqual({ value: 'hoa-toc' });
    expect(checkUrgency('gấp')).toHaveProperty('expected');
    expect(checkSigningCapacity('KT.')).toEqual({ value: 'KT' });
    expect(checkSigningCapacity('tm')).toEqual({ value: 'TM' });
    expect(checkSigningCapacity('TUQ.')).toEqual({ value: 'TUQ' });
    expect(checkSigningCapacity('PCT')).toHaveProperty('expected');
  });

  it('read languages as ISO 639-1 codes, comma-separated', () => {
    expect(checkLanguages('vi')).toEqual({ value: 'vi' });
    expect(checkLanguages('VI, en, vi')).toEqual({ value: 'vi,en' });
    expect(checkLanguages('vie')).toHaveProperty('expected');
    expect(checkLanguages('vi,xx')).toHaveProperty('expected');
  });

  it('spell known document types as the table does and keep unknown ones with a warning', () => {
    expect(checkDocumentType('QUYẾT ĐỊNH')).toEqual({ value: 'Quyết định' });
    expect(checkDocumentType('to trinh')).toEqual({ value: 'Tờ trình' });
    expect(checkDocumentType('Bản thoả thuận')).toEqual({ value: 'Bản thỏa thuận' });
    expect(checkDocumentType('Giấy phép')).toEqual({ value: 'Giấy phép' });
    const unknown = checkDocumentType('Quyết định  cá biệt');
    expect(unknown).toMatchObject({ value: 'Quyết định cá biệt', warning: expect.stringContaining('not a document type of Decree 30/2020') });
    expect(checkDocumentType('x'.repeat(101))).toHaveProperty('expected');
  });
});

describe('document type table', () => {
  it('holds the 29 administrative types of Decree 30 Art. 7, each folding to a different name', () => {
    const administrative = documentTypes.filter((t) => t.group === 'administrative');
    expect(administrative).toHaveLength(29);
    expect(administrative.filter((t) => t.abbreviation === undefined).map((t) => t.name)).toEqual(['Công văn', 'Thư công']);
    expect(documentTypes.find((t) => t.name === 'Quy định')?.abbreviation).toBe('QyĐ');
    const folded = documentTypes.map((t) => foldVietnamese(t.name));
    expect(new Set(folded).size).toBe(folded.length);
    expect(documentTypes.every((t) => t.name === t.name.normalize('NFC') && /^\p{Lu}/u.test(t.name) && t.name.slice(1) === t.name.slice(1).toLowerCase())).toBe(true);
  });
});

describe('field table', () => {
  it('has each key once per level, and the shared contract keys', () => {
    for (const level of ['dossier', 'document'] as const) {
      const keys = fieldsOf(level).map((f) => f.key);
      expect(new Set(keys).size, level).toBe(keys.length);
    }
    expect(fieldsOf('dossier').map((f) => f.key)).toEqual([
      'code', 'procedureCode', 'agencyCode', 'ownerId', 'ownerIdKind', 'ownerName', 'kind', 'title', 'retention', 'accessLevel', 'language', 'startDate', 'endDate', 'documentCount', 'pageCount',
    ]);
    expect(fieldsOf('document').map((f) => f.key)).toEqual([
      'documentType', 'number', 'symbol', 'issueDate', 'place', 'issuer', 'issuerParent', 'issuerCode', 'subject', 'signer', 'signerTitle', 'signingCapacity', 'reliability', 'secrecy', 'urgency',
      'validFrom', 'validTo', 'scope', 'language', 'pageCount', 'documentName', 'issuingSystem', 'issuedAt', 'appointmentDate',
    ]);
  });

  it('names the Appendix VI elements and flags personal data', () => {
    const element = (level: 'dossier' | 'document', key: string) => fieldSpec(level, key)?.xmlElement;
    expect([element('document', 'documentType'), element('document', 'number'), element('document', 'symbol'), element('document', 'issueDate')]).toEqual(['TypeName', 'CodeNumber', 'CodeNotation', 'IssuedDate']);
    expect([element('document', 'issuer'), element('document', 'subject'), element('document', 'pageCount')]).toEqual(['OrganName', 'Subject', 'PageAmount']);
    expect([element('dossier', 'title'), element('dossier', 'retention'), element('dossier', 'accessLevel'), element('dossier', 'documentCount'), element('dossier', 'pageCount')]).toEqual(['Title', 'Maintenance', 'Rights', 'DocTotal', 'PageTotal']);
    expect(fieldSpecs.filter((f) => f.personal).map((f) => f.key)).toEqual(['ownerId', 'ownerName', 'signer']);
  });

  it('accepts every example and stores it in the form the schema describes', () => {
    for (const field of fieldSpecs) {
      const normalised = field.normalise(field.example);
      expect(normalised, `${field.level}.${field.key}`).toHaveProperty('value');
      if (!('value' in normalised) || field.stored === undefined) continue;
      const stored = field.stored;
      if ('values' in stored) expect(stored.values, field.key).toContain(normalised.value);
      else expect(normalised.value, field.key).toMatch(stored.pattern);
    }
  });

  it('keeps custom keys as tidied text and masks personal data for messages', () => {
    expect(normaliseField('dossier', 'x-soTo', '  12   tờ ')).toEqual({ value: '12 tờ' });
    expect(normaliseField('document', 'number', '08/TTr-PNV')).toEqual({ value: '08', also: { symbol: 'TTr-PNV' } });
    expect(maskPersonal(fieldSpec('dossier', 'ownerId'), '001099012345')).toBe('*********345');
    expect(maskPersonal(fieldSpec('dossier', 'ownerName'), 'Nguyễn Văn An')).toBeUndefined();
    expect(maskPersonal(fieldSpec('document', 'issuer'), 'Sở Nội vụ')).toBe('Sở Nội vụ');
  });
});
