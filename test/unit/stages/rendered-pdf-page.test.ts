// A scanned PDF page with a coloured signature box drawn over it is rendered, and still stored like its scan: a 1-bit
// scan as 1-bit G4 at its own resolution, a gray one gray, and no page much bigger than the page it came from.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleBatchDir } from '../../fixtures/index.ts';
import type { RecognizedPage } from '../../../src/domain/page.ts';
import { maxOutputToInputRatio } from '../../../src/domain/record.ts';
import { extractPdfPage } from '../../../src/pdf/read-scanned-pdf.ts';
import { assembleDocument } from '../../../src/stages/assemble.ts';
import { defaultNormalizeOptions, normalizePage } from '../../../src/stages/normalize.ts';
import { addImagePage, addSignatureBox, g4Image, g4StripOf, saved } from '../../fixtures/pdf/test-pdfs.ts';

const a4 = { widthPt: 595.2, heightPt: 841.92 };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-rendered-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Takes page 1 out of `pdf`, normalizes it as run-batch does for a page that keeps its PDF text, and assembles it. */
async function throughThePipeline(name: string, pdf: Uint8Array) {
  const file = path.join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const out = await mkdtemp(path.join(dir, `${name}-`));
  const extracted = await extractPdfPage(file, 0, out, { name: `${name}.pdf` });
  const ref = { dossierId: 'HS', documentId: name, pageNumber: 1, file: `${name}.pdf`, filePageNumber: 1 };
  const normalized = await normalizePage(
    { ref, path: extracted.imagePath, pageIndex: 0, dpi: extracted.dpi, inputBytes: extracted.inputBytes },
    {
      workDir: path.join(dir, 'work'),
      orientation: { detectOrientation: () => Promise.reject(new Error('not asked: the page keeps its PDF text')) },
      options: { ...defaultNormalizeOptions, orientation: false, deskew: false },
    },
  );
  const page: RecognizedPage = { ...normalized, words: extracted.text.words, text: '', meanConfidence: 100, ocrDurationMs: 0 };
  const assembled = await assembleDocument({ id: 'HS', kind: 'component', metadata: {}, documents: [] }, { id: name, metadata: {}, sources: [] }, [page], {
    batchId: 'b',
    language: 'vi',
    producer: 'sohoa test',
    lowConfidence: 60,
    createdAt: new Date(0),
  });
  const record = assembled.pages[0]!;
  const storedBytes = record.outputBytes + record.textLayerBytes;
  console.log(
    `${name}: ${extracted.method} at ${extracted.dpi} dpi, stored ${normalized.colourMode} ${normalized.pdfImageFormat}; ` +
      `input ${record.inputBytes} B, output ${storedBytes} B (image ${record.outputBytes} + text layer ${record.textLayerBytes}), ${(storedBytes / record.inputBytes).toFixed(2)}×`,
  );
  return { extracted, normalized, record, storedBytes, pageWarnings: assembled.pageWarnings[0]! };
}

describe('a rendered scanned page keeps its scan’s resolution and colour mode', () => {
  it('stores a 1-bit G4 scan under a red signature box as 1-bit G4 at the scan’s 300 dpi, no bigger than 1.5× its input', async () => {
    const { data, info } = await sharp(path.join(sampleBatchDir, 'HS-002/tb-02.tif'), { page: 0 }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const doc = await PDFDocument.create();
    const strip = await g4StripOf(new Uint8Array(data), info.width, info.height);
    const page = addImagePage(doc, g4Image(strip, info.width, info.height, true), a4.widthPt, a4.heightPt);
    await addSignatureBox(doc, page);
    const { extracted, normalized, record, storedBytes, pageWarnings } = await throughThePipeline('g4-signed', await saved(doc));

    expect(extracted).toMatchObject({ method: 'rendered', dpi: 300, widthPx: info.width, heightPx: info.height });
    expect(await sharp(extracted.imagePath).metadata()).toMatchObject({ channels: 1, bitsPerSample: 1, density: 300 });
    expect(extracted.warnings).toEqual([
      'page 1: rendered: the page has more than a scan on it (drawn shapes, visible text)',
      expect.stringMatching(/^page 1: coloured marks drawn over the scan \(\d\.\d% of the page, such as an e-signature box\) were flattened to black and white, as its 1-bit scan$/),
      expect.stringMatching(/^page 1: its only text is a small overlay on the scan \(\d+ words, such as an e-signature box\): the scan is read by OCR$/),
    ]);
    // The box's words are read, but they are not the page's text: the scan under them is OCRed.
    expect(extracted.text.words.map((w) => w.text)).toContain('Signed');
    expect(extracted.text.hasText).toBe(false);
    expect(normalized).toMatchObject({ colourMode: 'bitonal', pdfImageFormat: 'ccitt-g4', dpi: 300, widthPx: info.width, heightPx: info.height });
    // The page's input is the G4 strip, its drawing and its text; the box is drawn in ink, not lost.
    expect(record.inputBytes).toBeGreaterThan(strip.length);
    expect(storedBytes).toBeLessThanOrEqual(maxOutputToInputRatio * record.inputBytes);
    expect(pageWarnings).toEqual([]);
    const gray = await sharp((await readFile(extracted.imagePath))).toColourspace('b-w').raw().toBuffer();
    const boxLeftPx = Math.round(0.55 * info.width);
    const boxTopPx = Math.round((1 - 0.15) * info.height);
    expect(gray[boxTopPx * info.width + boxLeftPx + 40]).toBe(0);
  });

  it('stores a gray JPEG scan under a blue signature box as gray at the scan’s dpi', async () => {
    const jpeg = await readFile(path.join(sampleBatchDir, 'HS-001/cv-125.jpg'));
    const doc = await PDFDocument.create();
    const page = doc.addPage([a4.widthPt, a4.heightPt]);
    page.drawImage(await doc.embedJpg(jpeg), { x: 0, y: 0, width: a4.widthPt, height: a4.heightPt });
    await addSignatureBox(doc, page, rgb(0.1, 0.2, 0.8));
    const { extracted, normalized, storedBytes, record, pageWarnings } = await throughThePipeline('gray-signed', await saved(doc));

    expect(extracted).toMatchObject({ method: 'rendered', dpi: 300, widthPx: 2480, heightPx: 3508 });
    expect(await sharp(extracted.imagePath).metadata()).toMatchObject({ channels: 1, bitsPerSample: 8 });
    expect(extracted.warnings[1]).toMatch(/flattened to gray, as its gray scan$/);
    expect(normalized).toMatchObject({ colourMode: 'gray', pdfImageFormat: 'jpeg', dpi: 300 });
    expect(storedBytes).toBeLessThanOrEqual(maxOutputToInputRatio * record.inputBytes);
    expect(pageWarnings).toEqual([]);
  });

  it('warns with PAGE_OUTPUT_LARGER when a tiny flat-colour page must be re-encoded as a colour JPEG', async () => {
    // 600×850 px of three flat colours: a few hundred bytes of Flate, but a JPEG once rendered with its box.
    const [widthPx, heightPx] = [600, 850];
    const pixels = Buffer.alloc(widthPx * heightPx * 3);
    for (let i = 0; i < widthPx * heightPx; i++) {
      const y = Math.floor(i / widthPx);
      pixels.set(y < heightPx / 3 ? [200, 40, 40] : y < (2 * heightPx) / 3 ? [250, 250, 250] : [40, 60, 200], i * 3);
    }
    const doc = await PDFDocument.create();
    const image = { data: deflateSync(pixels), dict: { Width: widthPx, Height: heightPx, ColorSpace: 'DeviceRGB', BitsPerComponent: 8, Filter: 'FlateDecode' } };
    const page = addImagePage(doc, image, a4.widthPt, a4.heightPt);
    await addSignatureBox(doc, page);
    const { normalized, storedBytes, record, pageWarnings } = await throughThePipeline('tiny-colour', await saved(doc));

    expect(normalized.colourMode).toBe('colour');
    expect(storedBytes).toBeGreaterThan(maxOutputToInputRatio * record.inputBytes);
    expect(pageWarnings).toEqual([{ code: 'PAGE_OUTPUT_LARGER', message: expect.stringMatching(/^the page takes \d+ bytes in the PDF .* times its \d+ input bytes; it is stored as a colour page at 150 dpi/) }]);
    expect(record.warnings).toContain(pageWarnings[0]!.message);
  });
});
