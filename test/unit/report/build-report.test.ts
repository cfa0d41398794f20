import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import { batchReportSchema, type BatchReport } from '../../../src/domain/record.ts';
import { buildReportHtml, reportHtmlKey, writeReportHtml } from '../../../src/report/build-report.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';

let dir: string;
let store: LocalObjectStore;
let batchRoot: string;

const put = (key: string, value: unknown) => store.put(key, new TextEncoder().encode(JSON.stringify(value)), { contentType: 'application/json' });

/** A landscape scan (wider than tall) with a dark band along its top edge. */
async function landscapeScan(): Promise<Buffer> {
  const band = await sharp({ create: { width: 1400, height: 60, channels: 3, background: '#000000' } }).png().toBuffer();
  return sharp({ create: { width: 1754, height: 1240, channels: 3, background: '#ffffff' } }).composite([{ input: band, left: 170, top: 60 }]).png().toBuffer();
}

function report(dossiers: BatchReport['dossiers']): BatchReport {
  const pages = dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.pages));
  return {
    schema: batchReportSchema,
    batchId: 'b1',
    pipeline: 'dossier',
    startedAt: '2024-03-05T01:00:00.000Z',
    finishedAt: '2024-03-05T01:01:00.000Z',
    durationMs: 60_000,
    totals: {
      dossiers: dossiers.length,
      documents: dossiers.reduce((n, d) => n + d.documents.length, 0),
      pages: pages.length,
      pagesDone: pages.filter((p) => p.status === 'done').length,
      pagesFailed: pages.filter((p) => p.status === 'failed').length,
      documentsFailed: 0,
      dossiersSkipped: dossiers.filter((d) => d.status === 'skipped').length,
      dossiersNotStarted: 0,
      documentsNotStarted: 0,
      pagesNotStarted: 0,
    },
    dossiers,
    warnings: [],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sohoa-build-report-'));
  store = new LocalObjectStore(path.join(dir, 'out'));
  batchRoot = path.join(dir, 'batch');
  await mkdir(path.join(batchRoot, 'HS-1'), { recursive: true });
  await writeFile(path.join(batchRoot, 'HS-1', 'p1.png'), await landscapeScan());
  await writeFile(path.join(dir, 'outside.png'), await landscapeScan());

  // HS-1 was processed in this run; HS-2 was complete from an earlier run, so the report lists no pages for it.
  await put('b1/report.json', report([
    {
      dossierId: 'HS-1',
      status: 'done',
      durationMs: 1000,
      documents: [
        {
          documentId: 'CV-1',
          status: 'done',
          errors: [],
          pages: [
            { pageNumber: 1, file: 'HS-1/p1.png', filePageNumber: 1, status: 'done', meanConfidence: 88, flags: ['rotated', 'under-200-dpi'] },
            { pageNumber: 2, file: '../outside.png', filePageNumber: 1, status: 'done', meanConfidence: 90, flags: [] },
          ],
        },
      ],
    },
    { dossierId: 'HS-2', status: 'skipped', reason: 'already complete with the same inputs, pipeline and software', documents: [], durationMs: 3 },
  ]));
  await put('b1/HS-1/dossier.json', { dossierId: 'HS-1', title: 'Hồ sơ khen thưởng', code: '000.00.16.H05-1', documents: [{ documentId: 'CV-1', status: 'done', record: { key: 'b1/HS-1/CV-1.json' } }] });
  await put('b1/HS-1/CV-1.json', {
    documentId: 'CV-1',
    title: 'Công văn số 1',
    pages: [
      { pageNumber: 1, file: 'HS-1/p1.png', filePageNumber: 1, dpi: 150, rotationDeg: 90, skewDeg: 0, orientation: { source: 'profile' }, meanConfidence: 88, flags: ['rotated', 'under-200-dpi'] },
    ],
  });
  await put('b1/HS-2/dossier.json', { dossierId: 'HS-2', title: 'Hồ sơ cũ', documents: [{ documentId: 'QD-9', status: 'done', record: { key: 'b1/HS-2/QD-9.json' } }] });
  await put('b1/HS-2/QD-9.json', {
    documentId: 'QD-9',
    title: 'Quyết định 9',
    pages: [{ pageNumber: 1, file: 'HS-2/gone.png', filePageNumber: 1, dpi: 300, rotationDeg: 0, skewDeg: 0, orientation: { source: 'none' }, meanConfidence: 41.5, flags: ['low-confidence'] }],
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildReportHtml', () => {
  it('takes titles from the records, pictures from the batch folder, turned as the page was turned', async () => {
    const built = await buildReportHtml({ store, batchId: 'b1', batchRoot });
    expect(built.html).toContain('Hồ sơ khen thưởng');
    expect(built.html).toContain('000.00.16.H05-1');
    expect(built.html).toContain('Công văn số 1');
    // The record says the page was turned 90°: the landscape scan is shown upright, as in the PDF.
    const picture = /<tr id="d0-0-0"[^>]*>.*?<img src="[^"]+" width="(\d+)" height="(\d+)"/.exec(built.html);
    expect(picture?.slice(1)).toEqual(['160', '226']);
    expect(built.html).toContain('<span lang="vi">Dưới 200 dpi (150 dpi)</span>');
    // A file name leading out of the batch folder gets no picture; a file no longer there neither.
    expect(/<tr id="d0-0-1"[^>]*>.*?<\/tr>/.exec(built.html)?.[0]).not.toContain('<img');
    expect(built).toMatchObject({ pages: 3, thumbnails: 1, missingThumbnails: 2 });
    expect(built.thumbnailBytes).toBeGreaterThan(200);
  });

  it('lists the documents of a dossier complete from an earlier run from their records', async () => {
    const { html } = await buildReportHtml({ store, batchId: 'b1', batchRoot, lang: 'en' });
    const dossier = /<section class="dossier" id="d1">.*?<\/section>/s.exec(html)?.[0] ?? '';
    expect(dossier).toContain('Hồ sơ cũ');
    expect(dossier).toContain('<span lang="en">Already complete</span>');
    expect(dossier).toContain('Quyết định 9');
    expect(dossier).toContain('HS-2/gone.png');
    expect(dossier).toContain('<span lang="en">Low confidence</span>');
    // Its low-confidence page is the first page to review.
    expect(/<table class="rv">.*?<a href="#([^"]+)">/s.exec(html)?.[1]).toBe('d1-0-0');
  });

  it('builds without pictures when the batch folder is not at hand, and writes report.html beside report.json', async () => {
    const built = await buildReportHtml({ store, batchId: 'b1' });
    expect(built).toMatchObject({ thumbnails: 0, missingThumbnails: 3 });
    expect(built.html).not.toContain('<img');
    const stored = await writeReportHtml(store, 'b1', built.html);
    expect(stored.key).toBe(reportHtmlKey('b1'));
    expect(stored.key).toBe('b1/report.html');
    expect(new TextDecoder().decode(await store.get('b1/report.html'))).toBe(built.html);
  });

  it('uses the report it is given rather than reading report.json', async () => {
    const given = report([{ dossierId: 'HS-9', status: 'done', durationMs: 1, documents: [{ documentId: 'X', status: 'done', errors: [], pages: [{ pageNumber: 1, file: 'HS-9/x.png', status: 'done', meanConfidence: 77, flags: [] }] }] }]);
    const { html } = await buildReportHtml({ store, batchId: 'b1', report: given });
    expect(html).toContain('HS-9/x.png');
    expect(html).not.toContain('HS-1/p1.png');
  });

  it('leaves out the picture of a damaged PDF page without an unobserved rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await mkdir(path.join(batchRoot, 'HS-PDF'), { recursive: true });
      await writeFile(path.join(batchRoot, 'HS-PDF', 'scan.pdf'), '%PDF-1.4\n%%EOF\n');
      const failed = { pageNumber: 1, file: 'HS-PDF/scan.pdf', filePageNumber: 1, status: 'failed' as const, flags: [], error: { code: 'PDF_DAMAGED' as const, kind: 'input' as const, message: 'damaged PDF' } };
      const given = report([{ dossierId: 'HS-PDF', status: 'failed', documents: [{ documentId: 'SCAN', status: 'failed', pages: [failed], errors: [failed.error] }], durationMs: 1 }]);
      const built = await buildReportHtml({ store, batchId: 'b1', batchRoot, report: given });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(built).toMatchObject({ pages: 1, thumbnails: 0, missingThumbnails: 1 });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('says what to do when the batch has no report', async () => {
    const missing = buildReportHtml({ store, batchId: 'no-such-batch' });
    await expect(missing).rejects.toBeInstanceOf(InputError);
    await expect(missing).rejects.toThrow(`no no-such-batch/report.json in ${store.location}; run the batch first, or check the batch id`);
  });
});
