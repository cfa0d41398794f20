// Fields read in part: a hand-written number beside a printed symbol, a blank day; how they are settled and reviewed.
import { describe, expect, it } from 'vitest';
import { resolveFields, type FieldCandidate } from '../../../src/domain/metadata/model.ts';
import { partialFields, partialReviewText } from '../../../src/domain/metadata/partial.ts';
import { batchReportSchema, type BatchReport } from '../../../src/domain/record.ts';
import type { Word } from '../../../src/domain/page.ts';
import { extractFields, type ExtractedField } from '../../../src/extract/extract-fields.ts';
import { renderReportHtml } from '../../../src/report/report-html.ts';
import { centredAt, heading, page, TEXT_CENTRE_PX, type HeadingSpec } from '../../support/page-builder.ts';

/** Page 1 of a công văn: heading, "V/v" summary, "Kính gửi", a body line. */
function congVan(spec: Partial<HeadingSpec>, extra: Word[] = []): Word[] {
  const h = heading({ agency: ['ỦY BAN NHÂN DÂN', 'TỈNH LÀO CAI'], vv: ['V/v cấp giấy phép xây dựng'], placeDate: 'Lào Cai, ngày 15 tháng 01 năm 2025', ...spec });
  return [...h.words, ...centredAt('Kính gửi: Sở Xây dựng tỉnh Lào Cai', TEXT_CENTRE_PX, { y: h.nextY + 60, lineIndex: h.nextLineIndex }), ...extra];
}

const field = (fields: readonly ExtractedField[], key: string) => fields.find((f) => f.key === key);

/** What the extract stage offers for these fields, as OCR candidates. */
function ocrCandidates(fields: readonly ExtractedField[]): FieldCandidate[] {
  return fields.map((f) => ({ key: f.key, value: f.value, source: 'ocr', pageNumber: f.pageNumber, box: f.box, confidence: f.confidence, ...(f.partial ? { partial: f.partial } : {}) }));
}

describe('a number written in by hand', () => {
  it.each([
    ['a blank', 'Số: /UBND-TTHC'],
    ['the blank\'s commas', 'Số: ,,, /UBND-TTHC'],
    ['dots glued to the symbol', 'Số: ....../UBND-TTHC'],
  ])('keeps the symbol and marks the number missing when OCR reads %s', (_, numberLine) => {
    const fields = extractFields([page(congVan({ numberLine }))]);
    expect(field(fields, 'number')).toBeUndefined();
    expect(field(fields, 'symbol')).toMatchObject({ value: 'UBND-TTHC', partial: { missing: ['number'] } });
    // The rest of the heading is read as before.
    expect(field(fields, 'issueDate')?.value).toBe('2025-01-15');
    expect(field(fields, 'issuer')?.value).toBe('ỦY BAN NHÂN DÂN TỈNH LÀO CAI');
    expect(field(fields, 'documentType')?.value).toBe('Công văn');
  });

  it('keeps the symbol when the ink is read as low-confidence noise, but not when a word is read confidently', () => {
    const ink = congVan({ numberLine: 'Số: ợ2ừ /UBND-TTHC' }).map((w) => (w.text === 'ợ2ừ' ? { ...w, confidence: 31 } : w));
    expect(field(extractFields([page(ink)]), 'symbol')?.partial).toEqual({ missing: ['number'] });
    expect(field(extractFields([page(congVan({ numberLine: 'Số: về /UBND-TTHC' }))]), 'symbol')).toBeUndefined();
  });

  it('keeps the symbol when the ink is read with slashes of its own, and the year of a normative number stays out', () => {
    const slashed = congVan({ numberLine: 'Số:/Z542/UBND-TTHC' }).map((w) => (w.text.includes('Z542') ? { ...w, confidence: 37 } : w));
    expect(field(extractFields([page(slashed)]), 'symbol')).toMatchObject({ value: 'UBND-TTHC', partial: { missing: ['number'] } });
    expect(field(extractFields([page(congVan({ numberLine: 'Số:    /2024/QĐ-UBND' }))]), 'symbol')).toMatchObject({ value: 'QĐ-UBND', partial: { missing: ['number'] } });
    // Printed and read with confidence, a slashed group is no blank: nothing is taken.
    expect(field(extractFields([page(congVan({ numberLine: 'Số: AB12/UBND-TTHC' }))]), 'symbol')).toBeUndefined();
  });

  it('reads a whole number as before, with no partial mark', () => {
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC' }))]);
    expect(field(fields, 'number')).toMatchObject({ value: '299' });
    expect(field(fields, 'symbol')?.partial).toBeUndefined();
  });

  it('puts the missing number on the review list; the manifest\'s number fills the gap', () => {
    const read = ocrCandidates(extractFields([page(congVan({ numberLine: 'Số: ,,, /UBND-TTHC' }))]));
    const alone = resolveFields(read);
    expect(partialFields(alone.fields)).toEqual([{ key: 'symbol', missing: ['number'] }]);

    const withManifest = resolveFields([{ key: 'number', value: '299', source: 'manifest' }, { key: 'symbol', value: 'UBND-TTHC', source: 'manifest' }, ...read]);
    expect(withManifest.fields['number']).toMatchObject({ value: '299', source: 'manifest' });
    expect(withManifest.fields['symbol']).toMatchObject({ value: 'UBND-TTHC', source: 'manifest' });
    expect(partialFields(withManifest.fields)).toEqual([]);
    expect(withManifest.conflicts).toEqual([]);
  });
});

describe('a day written in by hand', () => {
  it.each([
    ['a blank', 'Lào Cai, ngày tháng 01 năm 2025'],
    ['the blank\'s dots', 'Lào Cai, ngày .... tháng 01 năm 2025'],
  ])('keeps month and year and marks the day missing when OCR reads %s', (_, placeDate) => {
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC', placeDate }))]);
    expect(field(fields, 'issueDate')).toMatchObject({ value: '2025-01', partial: { missing: ['day'] } });
    expect(field(fields, 'place')?.value).toBe('Lào Cai');
  });

  it('keeps the year alone, month and day missing, when the month is blank too', () => {
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC', placeDate: 'Lào Cai, ngày ... tháng ... năm 2025' }))]);
    expect(field(fields, 'issueDate')).toMatchObject({ value: '2025', partial: { missing: ['month', 'day'] } });
  });

  it('takes nothing when the day slot holds a word read confidently', () => {
    const fields = extractFields([page(congVan({ number: '299/UBND-TTHC', placeDate: 'Lào Cai, ngày mai tháng 01 năm 2025' }))]);
    expect(field(fields, 'issueDate')).toBeUndefined();
  });

  it('gives way to a whole date from the manifest, with no conflict when the parts read agree', () => {
    const read = ocrCandidates(extractFields([page(congVan({ number: '299/UBND-TTHC', placeDate: 'Lào Cai, ngày .... tháng 01 năm 2025' }))]));
    const agreeing = resolveFields([{ key: 'issueDate', value: '2025-01-15', source: 'manifest' }, ...read]);
    expect(agreeing.fields['issueDate']).toEqual({ value: '2025-01-15', source: 'manifest' });
    expect(agreeing.conflicts).toEqual([]);

    const disagreeing = resolveFields([{ key: 'issueDate', value: '2025-02-15', source: 'manifest' }, ...read]);
    expect(disagreeing.fields['issueDate']?.value).toBe('2025-02-15');
    expect(disagreeing.conflicts.map((c) => c.other.value)).toEqual(['2025-01']);
  });

  it('gives way to a whole date of a weaker source', () => {
    const resolved = resolveFields([
      { key: 'issueDate', value: '2025-01', source: 'qr', partial: { missing: ['day'] } },
      { key: 'issueDate', value: '2025-01-15', source: 'ocr', confidence: 80 },
    ]);
    expect(resolved.fields['issueDate']).toMatchObject({ value: '2025-01-15', source: 'ocr' });
    expect(resolved.fields['issueDate']?.partial).toBeUndefined();
    expect(resolved.conflicts).toEqual([]);
  });
});

describe('the review list', () => {
  function reportWith(partial: { key: string; missing: ('number' | 'month' | 'day')[] }[]): BatchReport {
    return {
      schema: batchReportSchema,
      batchId: 'lo-1',
      pipeline: 'dossier',
      startedAt: '2025-01-20T01:00:00.000Z',
      finishedAt: '2025-01-20T01:00:30.000Z',
      durationMs: 30_000,
      totals: { dossiers: 1, documents: 1, pages: 1, pagesDone: 1, pagesFailed: 0, documentsFailed: 0, dossiersSkipped: 0, dossiersNotStarted: 0, documentsNotStarted: 0, pagesNotStarted: 0 },
      dossiers: [
        {
          dossierId: 'HS-1',
          status: 'done',
          durationMs: 30_000,
          documents: [{ documentId: 'CV-1', status: 'done', errors: [], partial, pages: [{ pageNumber: 1, file: 'HS-1/cv.png', filePageNumber: 1, status: 'done', meanConfidence: 88, flags: [] }] }],
        },
      ],
      warnings: [],
    };
  }

  it('names what is missing, in Vietnamese with English behind it', () => {
    expect(partialReviewText({ key: 'symbol', missing: ['number'] })).toEqual({
      vi: 'Số văn bản viết tay hoặc đóng dấu, không đọc được: hãy nhập (trường "number" trong manifest)',
      en: 'Document number handwritten or stamped, not read: enter it (manifest field "number")',
    });
    expect(partialReviewText({ key: 'issueDate', missing: ['day'] })).toEqual({
      vi: 'Ngày ban hành thiếu ngày: hãy nhập (trường "issueDate" trong manifest)',
      en: 'Issue date lacks the day: enter it (manifest field "issueDate")',
    });
    expect(partialReviewText({ key: 'issueDate', missing: ['month', 'day'] }).vi).toBe('Ngày ban hành thiếu tháng và ngày: hãy nhập (trường "issueDate" trong manifest)');
  });

  it('lists each field read in part as an item to review', () => {
    const html = renderReportHtml(reportWith([{ key: 'symbol', missing: ['number'] }, { key: 'issueDate', missing: ['day'] }]), [], { lang: 'vi' });
    const table = /<table class="rv">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr><td[^>]*>.*?<\/td><td>.*?<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) => m[1] as string);
    expect(rows).toEqual([
      '<span class="flag"><span lang="vi">Số văn bản viết tay hoặc đóng dấu, không đọc được: hãy nhập (trường &#34;number&#34; trong manifest)</span><span lang="en">Document number handwritten or stamped, not read: enter it (manifest field &#34;number&#34;)</span></span>',
      '<span class="flag"><span lang="vi">Ngày ban hành thiếu ngày: hãy nhập (trường &#34;issueDate&#34; trong manifest)</span><span lang="en">Issue date lacks the day: enter it (manifest field &#34;issueDate&#34;)</span></span>',
    ]);
    expect(html).toContain('<span lang="vi">Thông tin đọc chưa đủ</span><span lang="en">Read in part</span>');
  });

  it('has nothing to review for a document read whole', () => {
    const html = renderReportHtml(reportWith([]), [], { lang: 'vi' });
    expect(html).not.toContain('<table class="rv">');
  });
});
