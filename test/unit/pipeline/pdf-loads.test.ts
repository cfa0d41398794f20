// Counts how often a batch run parses, checks and closes a PDF: once each for the page list, the pages and report.html.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { PdfCache } from '../../../src/pdf/pdf-cache.ts';
import { loadPipeline } from '../../../src/pipeline/pipeline-file.ts';
import { runBatch, type BatchRunContext } from '../../../src/pipeline/run-batch.ts';
import { buildReportHtml, reportHtmlKey } from '../../../src/report/build-report.ts';
import { loadBatch } from '../../../src/stages/ingest.ts';
import { countingPdfOpener } from '../../doubles/counting-pdf-opener.ts';
import { MemoryObjectStore } from '../../doubles/memory-object-store.ts';
import { ScriptedOcrEngine, wordsOf } from '../../doubles/scripted-ocr-engine.ts';
import { addImagePage, bitonalPixels, flateBitonalImage, flateGrayImage, grayPixels, saved } from '../../fixtures/pdf/test-pdfs.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sohoa-pdf-loads-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A batch of one dossier whose one document is a two-page scanned PDF (75 dpi A4: a gray page and a 1-bit page). */
async function pdfBatch(name: string): Promise<string> {
  const folder = path.join(root, name);
  await mkdir(path.join(folder, 'HS-01'), { recursive: true });
  const doc = await PDFDocument.create();
  addImagePage(doc, flateGrayImage(grayPixels(620, 877), 620, 877), 595, 842);
  addImagePage(doc, flateBitonalImage(bitonalPixels(620, 877), 620, 877), 595, 842);
  await writeFile(path.join(folder, 'HS-01', 'cv-01.pdf'), await saved(doc));
  return folder;
}

async function run(folder: string, pdfs: PdfCache) {
  const store = new MemoryObjectStore();
  const pipeline = await loadPipeline('dossier');
  const ctx: BatchRunContext = {
    store,
    ocr: new ScriptedOcrEngine(() => wordsOf(['ỦY BAN NHÂN DÂN', 'Trang một'])),
    workDir: path.join(root, 'work'),
    log: silentLogger,
    pipelineFor: () => pipeline,
    softwareVersion: 'test',
    pageConcurrency: 2,
    force: false,
    htmlReport: { batchRoot: folder, lowConfidence: 80 },
    pdfs,
  };
  const { batch } = await loadBatch(folder);
  return { store, report: await runBatch(batch, ctx) };
}

describe('a batch run', () => {
  it('parses and checks each PDF once across ingest, the pages and the report’s pictures, and closes it', async () => {
    const folder = await pdfBatch('once');
    const opener = countingPdfOpener();
    const { store, report } = await run(folder, new PdfCache({ opener }));
    expect(report.totals).toMatchObject({ pages: 2, pagesDone: 2, pagesFailed: 0 });
    expect(opener).toMatchObject({ inspects: 0, opens: 1, checkedOpens: 0, closes: 1 });
    const html = new TextDecoder().decode(await store.get(reportHtmlKey(report.batchId)));
    expect(html.match(/<img /g)).toHaveLength(2);

    // The pictures the run made are the ones the report makes on its own, which opens the PDF once and closes it.
    const alone = countingPdfOpener();
    const built = await buildReportHtml({ store, batchId: report.batchId, report, batchRoot: folder, lowConfidence: 80, softwareVersion: 'test', pdfs: new PdfCache({ opener: alone }) });
    expect(built.html).toBe(html);
    expect(alone).toMatchObject({ inspects: 0, opens: 1, closes: 1 });
  });

  it('past the budget for parses kept from ingest, parses again for the pages but does not check again', async () => {
    const folder = await pdfBatch('budget');
    const opener = countingPdfOpener();
    const { report } = await run(folder, new PdfCache({ opener, keptBytes: 0 }));
    expect(report.totals).toMatchObject({ pagesDone: 2 });
    expect(opener).toMatchObject({ inspects: 1, opens: 1, checkedOpens: 1, closes: 1 });
  });
});
