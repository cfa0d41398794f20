import { describe, expect, it } from 'vitest';
import { batchReportSchema, type BatchReport } from '../../../src/domain/record.ts';
import { escapeHtml, renderReportHtml, type ReportDocument } from '../../../src/report/report-html.ts';
import { syntheticReport } from '../../../scripts/lib/synthetic-report.ts';

/** The page rows of the report's tables, in document order. */
function pageRows(html: string): Array<{ id: string; review: boolean; cells: string[] }> {
  return [...html.matchAll(/<tr id="([^"]+)" class="pg( rv)?">(.*?)<\/tr>/g)].map((m) => ({
    id: m[1] as string,
    review: m[2] !== undefined,
    cells: [...(m[3] as string).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1] as string),
  }));
}

/** Text of a fragment in one language, as a reader of that language sees it. */
function textOf(fragment: string, lang: 'vi' | 'en'): string {
  const other = lang === 'vi' ? 'en' : 'vi';
  return fragment
    .replace(new RegExp(`<span lang="${other}">.*?</span>`, 'g'), '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .trim();
}

function reviewLinks(html: string): string[] {
  const table = /<table class="rv">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1] as string);
}

const hostileFile = 'HS-1/<img src=x onerror=alert(1)>&"\'.png';
const hostileReason = '"><script>alert("x")</script> could not be read';

function hostileReport(): { report: BatchReport; documents: ReportDocument[] } {
  const report: BatchReport = {
    schema: batchReportSchema,
    batchId: 'lô-<em>1</em>',
    pipeline: 'dossier',
    startedAt: '2024-03-05T01:00:00.000Z',
    finishedAt: '2024-03-05T01:00:30.000Z',
    durationMs: 30_000,
    totals: { dossiers: 1, documents: 1, pages: 3, pagesDone: 2, pagesFailed: 1, documentsFailed: 1, dossiersSkipped: 0, dossiersNotStarted: 0, documentsNotStarted: 0, pagesNotStarted: 0 },
    dossiers: [
      {
        dossierId: 'HS-1',
        status: 'failed',
        durationMs: 30_000,
        documents: [
          {
            documentId: 'QD-1',
            status: 'failed',
            errors: [{ code: 'IMAGE_UNDECODABLE', kind: 'input', message: `${hostileFile}: ${hostileReason}` }],
            conflicts: ['issueDate: manifest says 2024-03-05 but page 1 reads <05/03/2023>'],
            pages: [
              { pageNumber: 1, file: 'HS-1/p1.png', filePageNumber: 1, status: 'done', meanConfidence: 91.2, flags: ['rotated'] },
              { pageNumber: 2, file: hostileFile, filePageNumber: 1, status: 'failed', flags: [], error: { code: 'IMAGE_UNDECODABLE', kind: 'input', message: hostileReason } },
              { pageNumber: 3, file: 'HS-1/p3.png', filePageNumber: 1, status: 'done', meanConfidence: 42.4, flags: ['low-confidence', 'x-<new>-flag'] },
            ],
          },
        ],
      },
    ],
    warnings: ['manifest row 3: <unknown> column "ghi chú" ignored'],
  };
  const documents: ReportDocument[] = [
    {
      dossierId: 'HS-1',
      documentId: 'QD-1',
      title: 'Quyết định <số 1> & "trích yếu"',
      pages: [
        { pageNumber: 1, rotationDeg: 270, dpi: 300, skewDeg: 0, thumbnail: { dataUri: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==', widthPx: 160, heightPx: 226 } },
        { pageNumber: 2, thumbnail: { dataUri: 'javascript:alert(1)', widthPx: 160, heightPx: 226 } },
        { pageNumber: 3, thumbnail: { dataUri: 'https://example.com/x.jpg', widthPx: 160, heightPx: 226 } },
      ],
    },
  ];
  return { report, documents };
}

describe('renderReportHtml', () => {
  it('escapes every name, reason, title and warning, so a hostile file name stays text', () => {
    const { report, documents } = hostileReport();
    const html = renderReportHtml(report, documents, { lang: 'vi' });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<em>');
    expect(html).not.toContain('<05/03/2023>');
    expect(html).not.toContain('<unknown>');
    expect(html).toContain(escapeHtml(hostileReason));
    expect(html).toContain(escapeHtml(hostileFile));
    expect(html).toContain(escapeHtml('Quyết định <số 1> & "trích yếu"'));
    expect(html).toContain(escapeHtml('x-<new>-flag'));
    // Only the real data: URI becomes a picture; the script URL and the remote one are dropped.
    expect([...html.matchAll(/<img /g)]).toHaveLength(1);
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('example.com');
  });

  it('lists every page with its status, confidence, flags and, for a failed page, the reason', () => {
    const { report, documents } = hostileReport();
    const rows = pageRows(renderReportHtml(report, documents, { lang: 'vi' }));
    expect(rows.map((r) => textOf(r.cells[2] as string, 'vi'))).toEqual(['HS-1/p1.png', hostileFile, 'HS-1/p3.png']);
    expect(rows.map((r) => textOf(r.cells[3] as string, 'vi'))).toEqual(['Hoàn thành', 'Lỗi', 'Hoàn thành']);
    expect(rows.map((r) => textOf(r.cells[3] as string, 'en'))).toEqual(['Done', 'Failed', 'Done']);
    expect(rows.map((r) => textOf(r.cells[4] as string, 'en'))).toEqual(['91', '—', '42']);
    expect(textOf(rows[0]?.cells[5] as string, 'vi')).toBe('Đã xoay 270°');
    expect(textOf(rows[2]?.cells[5] as string, 'en')).toBe('Low confidence x-<new>-flag');
    // A Vietnamese reader gets the code's reason and what to do, not the English technical message.
    expect(textOf(rows[1]?.cells[6] as string, 'vi')).toBe('Lỗi tệp đầu vào IMAGE_UNDECODABLE Ảnh bị cắt cụt hoặc hỏng, không giải mã được. Quét lại hoặc chép lại tệp từ máy quét.');
    expect(textOf(rows[1]?.cells[6] as string, 'en')).toBe(`Input error IMAGE_UNDECODABLE ${hostileReason}`);
  });

  it('shows a report written before error codes with its message in both languages', () => {
    const { report, documents } = hostileReport();
    const page = report.dossiers[0]!.documents[0]!.pages[1]!;
    page.error = { kind: 'input', message: hostileReason } as unknown as NonNullable<typeof page.error>;
    const rows = pageRows(renderReportHtml(report, documents, { lang: 'vi' }));
    expect(textOf(rows[1]?.cells[6] as string, 'vi')).toBe(`Lỗi tệp đầu vào ${hostileReason}`);
  });

  it('lists all 500 pages of a large batch, each once, in batch order', () => {
    const { report, documents } = syntheticReport({ pages: 500, failEvery: 97 });
    const rows = pageRows(renderReportHtml(report, documents, { lang: 'vi' }));
    const expected = report.dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.pages.map((p) => p.file)));
    expect(rows.map((r) => textOf(r.cells[2] as string, 'vi'))).toEqual(expected);
    expect(new Set(rows.map((r) => r.id)).size).toBe(500);
    expect(rows.filter((r) => textOf(r.cells[3] as string, 'en') === 'Failed')).toHaveLength(report.totals.pagesFailed);
  });

  it('puts failed pages first in the review list, then flagged pages by rising confidence; unflagged pages stay out', () => {
    const { report, documents } = syntheticReport({ pages: 120, failEvery: 29 });
    const html = renderReportHtml(report, documents, { lang: 'en' });
    const rows = pageRows(html);
    const pages = report.dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.pages));
    const byId = new Map(rows.map((row, i) => [row.id, pages[i]]));
    const linked = reviewLinks(html).map((id) => byId.get(id));
    expect(linked.every((p) => p !== undefined)).toBe(true);
    const expectedCount = pages.filter((p) => p.status === 'failed' || p.flags.length > 0).length;
    expect(linked).toHaveLength(expectedCount);
    const failed = linked.filter((p) => p?.status === 'failed').length;
    expect(failed).toBe(report.totals.pagesFailed);
    expect(linked.slice(0, failed).every((p) => p?.status === 'failed')).toBe(true);
    const confidences = linked.slice(failed).map((p) => p?.meanConfidence as number);
    expect(confidences).toEqual([...confidences].sort((a, b) => a - b));
    // Rows are marked for the "only pages to review" filter exactly when they are in the list.
    expect(rows.filter((r) => r.review).map((r) => r.id).sort()).toEqual(reviewLinks(html).sort());
  });

  it('lists a document whose metadata sources disagree among the pages to review, with each conflict', () => {
    const { report, documents } = hostileReport();
    const html = renderReportHtml(report, documents, { lang: 'en' });
    expect(reviewLinks(html)).toContain('d0-0');
    expect(html).toContain(escapeHtml('issueDate: manifest says 2024-03-05 but page 1 reads <05/03/2023>'));
  });

  it('carries both label sets and opens in the language asked for', () => {
    const { report, documents } = hostileReport();
    const vi = renderReportHtml(report, documents, { lang: 'vi' });
    const en = renderReportHtml(report, documents, { lang: 'en' });
    for (const html of [vi, en]) {
      expect(html).toContain('<span lang="vi">Cần xem lại</span><span lang="en">To review</span>');
      expect(html).toContain('<span lang="vi">Độ tin cậy</span><span lang="en">Confidence</span>');
    }
    expect(vi).toMatch(/^<!DOCTYPE html>\n<html lang="vi">/);
    expect(vi).toContain('id="l-vi" class="ctl" checked>');
    expect(vi).toContain('<title>Báo cáo số hóa — lô-&#60;em&#62;1&#60;/em&#62;</title>');
    expect(en).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(en).toContain('id="l-en" class="ctl" checked>');
    expect(en).toContain('<title>Digitization report — ');
  });

  it('loads nothing from outside the file: no script, stylesheet link, remote URL or CSS import', () => {
    const { report, documents } = syntheticReport({ pages: 40, failEvery: 7, thumbnails: [{ dataUri: 'data:image/jpeg;base64,/9j/4AAQ', widthPx: 160, heightPx: 226 }] });
    const html = renderReportHtml(report, documents, { lang: 'vi' });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    const sources = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1] as string);
    expect(sources).toHaveLength(40);
    expect(sources.every((s) => s.startsWith('data:image/jpeg;base64,'))).toBe(true);
    const links = [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((h) => /^#[a-z0-9-]+$/.test(h))).toBe(true);
    // Every in-page link lands on an element of the page.
    for (const link of links) expect(html).toContain(`id="${link.slice(1)}"`);
  });

  it('shows times in Vietnam time by default and the totals of the report', () => {
    const { report, documents } = hostileReport();
    const html = renderReportHtml(report, documents, { lang: 'vi' });
    expect(html).toContain('2024-03-05 08:00:00 GMT+7');
    expect(renderReportHtml(report, documents, { lang: 'vi', timeZone: 'UTC' })).toContain('2024-03-05 01:00:00 GMT');
    const summary = /<dl class="sum">(.*?)<\/dl>/s.exec(html)?.[1] ?? '';
    expect(textOf(summary, 'en')).toMatch(/Pages\s*2\/3 done, 1 failed/);
    expect(textOf(summary, 'vi')).toMatch(/Văn bản\s*0\/1 đã lưu, 1 lỗi/);
    expect(textOf(summary, 'vi')).toMatch(/Thời gian xử lý\s*30,0 giây/);
  });

  it('gives the same bytes for the same inputs', () => {
    const { report, documents } = syntheticReport({ pages: 30, failEvery: 9 });
    expect(renderReportHtml(report, documents, { lang: 'vi' })).toBe(renderReportHtml(structuredClone(report), structuredClone(documents), { lang: 'vi' }));
  });
});

describe('renderReportHtml: how the stacks were cut', () => {
  function splitReport(): BatchReport {
    const { report } = hostileReport();
    report.split = {
      stacks: [
        {
          file: 'stack-<1>.pdf',
          pages: 9,
          collated: 'odd-then-reversed-even',
          cuts: [
            { page: 1, rule: 'cover-sheet', value: 'HS-1', starts: 'dossier', sheetLeftOut: true, dossierId: 'HS-1' },
            { page: 4, rule: 'separator', value: 'PATCHT', starts: 'document', sheetLeftOut: true, dossierId: 'HS-1', documentId: 'QD-1' },
            { page: 8, rule: 'separator', value: 'PATCHT', starts: 'document', sheetLeftOut: true, dossierId: 'HS-1' },
          ],
          blankPagesLeftOut: [2, 6],
          review: [
            { page: 8, kind: 'sheet-last-page', reason: 'a separator sheet is the last page of the stack; no page follows it' },
            { page: 5, kind: 'code-unreadable', reason: 'a Code128 code was found but could not be read' },
          ],
          durationMs: 900,
        },
        { file: 'empty.tif', pages: 0, cuts: [], blankPagesLeftOut: [], review: [], error: { code: 'SPLIT_NO_SEPARATOR', message: 'empty.tif: no cover sheet' }, durationMs: 10 },
      ],
    };
    return report;
  }

  it('shows every cut with its page, rule, value read and where the pages went, escaped', () => {
    const html = renderReportHtml(splitReport(), hostileReport().documents, { lang: 'vi' });
    const section = /<section id="split">(.*?)<\/section>/s.exec(html)?.[1] ?? '';
    const rows = [...section.matchAll(/<tr id="(s0-p\d+)"[^>]*>(.*?)<\/tr>/g)].map((m) => [m[1], ...[...(m[2] as string).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => textOf(c[1] as string, 'vi'))]);
    expect(rows).toEqual([
      ['s0-p1', '1', 'Phiếu tách sohoa', 'HS-1', 'hồ sơ mới', 'HS-1', 'bỏ ra khỏi bản số'],
      ['s0-p4', '4', 'Trang phân cách', 'PATCHT', 'văn bản mới', 'HS-1 › QD-1', 'bỏ ra khỏi bản số'],
      ['s0-p8', '8', 'Trang phân cách', 'PATCHT', 'văn bản mới', 'không có trang nào', 'bỏ ra khỏi bản số'],
      ['s0-p5', '5', 'Có mã vạch/QR nhưng không đọc được (rách, bị che, nhòe); chưa tách tại đây: kiểm tra trang này.'],
    ]);
    expect(section).toContain('href="#d0-0"');
    expect(textOf(section, 'en')).toContain('Blank pages left out: 2, 6');
    expect(section).toContain(escapeHtml('stack-<1>.pdf'));
    expect(section).not.toContain('stack-<1>');
    expect(textOf(section, 'vi')).toContain('Chồng giấy quét được yêu cầu tách');
  });

  it('puts the doubts and a stack that could not be cut first on the to-review list, in the reader’s language', () => {
    const html = renderReportHtml(splitReport(), hostileReport().documents, { lang: 'vi' });
    const links = reviewLinks(html);
    expect(links.slice(0, 3)).toEqual(['s1', 's0-p8', 's0-p5']);
    const table = /<table class="rv">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    expect(textOf(table, 'vi')).toContain('Phiếu tách là trang cuối của chồng giấy');
    expect(textOf(table, 'en')).toContain('a separator sheet is the last page of the stack; no page follows it');
  });
});
