// The Appendix VI XML export: well-formed, the standard's element names and date form, every value's source.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildDossierXml, vnDate } from '../../../src/export/dossier-xml.ts';
import { documentRecordSchema, dossierRecordSchema, type DocumentRecord, type DossierRecord } from '../../../src/domain/record.ts';

const provenance = { software: { name: 'sohoa' as const, version: '0.1.0' }, pipeline: { name: 'dossier', sha256: 'p' }, ocr: { engine: 'tesseract.js', engineVersion: '7', languages: ['vie'], model: 'best_int' } };

const document: DocumentRecord = {
  schema: documentRecordSchema,
  batchId: 'B1',
  dossierId: 'HS-001',
  documentId: 'QD-15',
  metadata: {
    documentType: { value: 'Quyết định', source: 'ocr', pageNumber: 1, box: { x0: 1, y0: 2, x1: 3, y1: 4 }, confidence: 91.5 },
    number: { value: '15', source: 'manifest' },
    symbol: { value: 'QĐ-UBND', source: 'manifest' },
    issueDate: { value: '2024-03-05', source: 'qr', pageNumber: 1 },
    issuer: { value: 'Ủy ban nhân dân tỉnh Lào Cai', source: 'manifest' },
    subject: { value: 'Về việc công nhận <kết quả> & "khen thưởng"', source: 'ocr', pageNumber: 1, confidence: 80 },
    signingCapacity: { value: 'KT', source: 'ocr', pageNumber: 2, confidence: 88 },
    signerTitle: { value: 'PHÓ CHỦ TỊCH', source: 'ocr', pageNumber: 2, confidence: 88 },
    urgency: { value: 'hoa-toc', source: 'ocr', pageNumber: 1, confidence: 70 },
    validTo: { value: 'VINH_VIEN', source: 'qr', pageNumber: 1 },
    pageCount: { value: '2', source: 'derived' },
  },
  conflicts: [],
  qrCodes: [],
  sources: [],
  pageCount: 2,
  pages: [],
  meanConfidence: 90,
  provenance,
  outputs: [{ key: 'B1/HS-001/QD-15.pdf', contentType: 'application/pdf', sizeBytes: 10, sha256: 'ab' }],
  warnings: [],
  createdAt: '2024-03-05T00:00:00Z',
};

const dossier: Omit<DossierRecord, 'exports'> = {
  schema: dossierRecordSchema,
  batchId: 'B1',
  dossierId: 'HS-001',
  kind: 'result',
  metadata: {
    code: { value: '000.00.16.H05-240305-0001', source: 'manifest' },
    agencyCode: { value: '000.00.16.H05', source: 'manifest' },
    title: { value: 'Hồ sơ khen thưởng', source: 'manifest' },
    retention: { value: 'VINH_VIEN', source: 'manifest' },
    startDate: { value: '2024-03-05', source: 'derived' },
    endDate: { value: '2024-03-05', source: 'derived' },
    documentCount: { value: '2', source: 'derived' },
    pageCount: { value: '2', source: 'derived' },
  },
  conflicts: [],
  fingerprint: 'f',
  provenance,
  documents: [
    { documentId: 'QD-15', status: 'done', pageCount: 2, outputs: document.outputs, errors: [] },
    { documentId: 'BAD', status: 'failed', pageCount: 1, outputs: [], errors: ['x.png: cannot be decoded'] },
  ],
  createdAt: '2024-03-05T00:00:00Z',
};

describe('buildDossierXml', () => {
  const xml = buildDossierXml(dossier, [document]);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as { Dossier: Record<string, any> };

  it('is well-formed XML with the dossier elements of Appendix VI', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    const root = parsed.Dossier;
    expect(root['@version']).toBe('1');
    expect(root.FileCode).toEqual({ OrganId: { '#text': '000.00.16.H05', '@source': 'manifest' }, FileCatalog: 2024, FileNotation: 'HS-001' });
    expect(root.Maintenance['#text']).toBe('Vĩnh viễn');
    expect(root.StartDate['#text']).toBe('05/03/2024');
    expect(root.DocTotal['#text']).toBe(2);
    expect(root.Extension.Field).toMatchObject({ '@name': 'code', '#text': '000.00.16.H05-240305-0001', '@source': 'manifest' });
  });

  it('writes each document with the standard names, dd/mm/yyyy dates, escaped text and where each value came from', () => {
    const [done, failed] = parsed.Dossier.Documents.Document;
    expect(done.TypeName).toEqual({ '#text': 'Quyết định', '@source': 'ocr', '@page': '1', '@confidence': '91.5' });
    expect(done.CodeNumber['#text']).toBe(15);
    expect(done.CodeNotation['#text']).toBe('QĐ-UBND');
    expect(done.IssuedDate).toMatchObject({ '#text': '05/03/2024', '@source': 'qr' });
    expect(done.Subject['#text']).toBe('Về việc công nhận <kết quả> & "khen thưởng"');
    expect(done.SignerInfo.Position['#text']).toBe('KT. PHÓ CHỦ TỊCH');
    expect(done.Priority['#text']).toBe(3);
    expect(done.Files.File['@sha256']).toBe('ab');
    expect(failed).toMatchObject({ '@documentId': 'BAD', '@status': 'failed' });
  });

  it('converts ISO dates to the dd/mm/yyyy of the standard', () => {
    expect(vnDate('2024-02-29')).toBe('29/02/2024');
  });
});
