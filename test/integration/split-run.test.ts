// sohoa run --split on one scanned stack (the samples' pages behind printed cover sheets and PATCHT separators,
// in one PDF): the same dossiers and documents as the manifest gives, every cut in the report, sheets left out.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractPdfPage } from '../../src/pdf/read-scanned-pdf.ts';
import { barcodeModules } from '../../src/qr/encode-barcode.ts';
import { loadBatch } from '../../src/stages/ingest.ts';
import { renderCoverSheets } from '../../src/split/cover-sheet-pdf.ts';
import type { CoverSheet } from '../../src/split/cover-sheet.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { startCli } from '../support/cli.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sohoa-split-run-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A cover sheet as the scanner gives it back: printed, then scanned at 200 dpi gray. */
async function scannedSheet(sheet: CoverSheet, index: number): Promise<Buffer> {
  const pdf = path.join(work, `sheet-${index}.pdf`);
  writeFileSync(pdf, await renderCoverSheets([sheet]));
  const dir = path.join(work, `sheet-${index}`);
  mkdirSync(dir, { recursive: true });
  const page = await extractPdfPage(pdf, 0, dir, { render: 'always', renderDpi: 200 });
  return sharp(page.imagePath).toColourspace('b-w').png().toBuffer();
}

/** A PATCHT separator sheet in Code 128, 200 dpi. */
async function patchT(): Promise<Buffer> {
  const symbol = await barcodeModules('PATCHT', 'Code128');
  const bars = await sharp(Buffer.from(symbol.dark.map((d) => (d ? 0 : 255))), { raw: { width: symbol.width, height: symbol.height, channels: 1 } }).resize(symbol.width * 4, 120, { kernel: 'nearest' }).png().toBuffer();
  return sharp({ create: { width: 1654, height: 2339, channels: 3, background: '#ffffff' } }).composite([{ input: bars, left: 400, top: 300 }]).toColourspace('b-w').png().toBuffer();
}

const sample = (file: string, page?: number) => sharp(path.join(sampleBatchDir, file), page === undefined ? {} : { page }).png().toBuffer();

describe('sohoa run --split', () => {
  it('cuts one stack into the dossiers and documents the manifest names, with every cut reported', async () => {
    const sheets: Array<Promise<Buffer>> = [
      scannedSheet({ dossierCode: 'HS-001', dossierKind: 'component', title: 'Hồ sơ đề nghị tặng danh hiệu' }, 1),
      scannedSheet({ dossierCode: 'HS-001', documentId: 'TTR-08', documentType: 'Tờ trình' }, 2),
      sample('HS-001/ttr-08-p1.png'), sample('HS-001/ttr-08-p2.png'),
      scannedSheet({ dossierCode: 'HS-001', documentId: 'CV-125' }, 3),
      sample('HS-001/cv-125.jpg'),
      scannedSheet({ dossierCode: 'HS-001', documentId: 'BC-21' }, 4),
      sample('HS-001/bc-21-p1.png'), sample('HS-001/bc-21-p2.png'),
      scannedSheet({ dossierCode: 'HS-002', dossierKind: 'result' }, 5),
      scannedSheet({ dossierCode: 'HS-002', documentId: 'QD-15' }, 6),
      sample('HS-002/qd-15-p1.png'), sample('HS-002/qd-15-p2.png'),
      patchT(), sample('HS-002/tb-02.tif', 0), sample('HS-002/tb-02.tif', 1), sample('HS-002/tb-02.tif', 2),
      patchT(), sample('HS-002/qd-12-2024.png'),
    ];
    const stack = await PDFDocument.create();
    for (const png of await Promise.all(sheets)) {
      const image = await stack.embedPng(png);
      // 200 dpi pages at their size; the sample pages carry their own resolution, this only sets the page box.
      const page = stack.addPage([(image.width * 72) / 200, (image.height * 72) / 200]);
      page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
    }
    const batchDir = path.join(work, 'stack-batch');
    mkdirSync(batchDir, { recursive: true });
    writeFileSync(path.join(batchDir, 'stack.pdf'), await stack.save());
    const out = path.join(work, 'out');

    const run = await startCli(['run', batchDir, '--out', out, '--split', '--no-progress', '--log-level', 'info']).done;
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'stack-batch', 'report.json'), 'utf8'));
    const shape = report.dossiers.map((d: { dossierId: string; documents: Array<{ documentId: string; pages: unknown[] }> }) => [d.dossierId, d.documents.map((doc) => [doc.documentId, doc.pages.length])]);
    const { batch } = await loadBatch(sampleBatchDir);
    const pagesOf = (sources: Array<{ pages?: number[] }>) => sources.reduce((n, s) => n + (s.pages?.length ?? 1), 0);
    const manifestShape = batch.dossiers.map((d) => [d.id, d.documents.map((doc) => [doc.id, pagesOf(doc.sources)])]);
    // The separators name no document: those documents are numbered, the rest match the manifest by id.
    expect(shape).toEqual(manifestShape.map(([id, documents]) => [id, (documents as Array<[string, number]>).map(([docId, pages], i) => [id === 'HS-002' && i > 0 ? `D-00${i + 1}` : docId, pages])]));
    expect(report.totals).toMatchObject({ pagesFailed: 0, documentsFailed: 0 });
    const cuts = report.warnings.filter((w: string) => w.includes(': split: new '));
    expect(cuts).toHaveLength(8);
    expect(cuts[0]).toBe('stack.pdf page 1: split: new dossier (cover sheet "HS-001"), sheet left out');
    expect(cuts).toContain('stack.pdf page 14: split: new document (separator "PATCHT"), sheet left out');
    expect(report.warnings.filter((w: string) => w.includes('to review'))).toEqual([]);
    // What the split costs against the OCR it saves a person from splitting by hand (a figure, not a timed assert).
    const splitMs = Number(run.events.find((e) => e['event'] === 'batch.split')?.['durationMs']);
    const pagesDone = run.events.filter((e) => e['event'] === 'page.done');
    const recognizeMs = pagesDone.reduce((n, e) => n + Number(e['recognizeMs']), 0);
    console.log(`split: ${splitMs} ms for 19 stack pages (${(splitMs / 19).toFixed(0)} ms a page); OCR ${(recognizeMs / pagesDone.length).toFixed(0)} ms a page; ratio ${((splitMs / 19 / (recognizeMs / pagesDone.length)) * 100).toFixed(1)} %`);
    const verified = await startCli(['verify', out, '--json']).done;
    expect(verified.code, verified.stdout).toBe(0);
  }, 600_000);

  it('refuses a stack with no separator at all, with SPLIT_NO_SEPARATOR, instead of one silent dossier', async () => {
    const batchDir = path.join(work, 'no-separator');
    mkdirSync(batchDir, { recursive: true });
    writeFileSync(path.join(batchDir, 'p1.png'), await sample('HS-001/ttr-08-p1.png'));
    const run = await startCli(['run', batchDir, '--out', path.join(work, 'out-none'), '--split', '--no-progress']).done;
    expect(run.code).toBe(3);
    expect(run.stderr + run.stdout).toMatch(/SPLIT_NO_SEPARATOR/);
  }, 120_000);
});
