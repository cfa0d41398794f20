// Takes scans out of generated PDFs (JPEG, G4, Flate, rendered) and checks pixels, resolution, text and refusals.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import type { Word } from '../../../src/domain/page.ts';
import {
  coversBox,
  extractPdfPage,
  findJavaScript,
  inspectPdf,
  lexContentOps,
  openScannedPdf,
  wordsFromTextItems,
} from '../../../src/pdf/read-scanned-pdf.ts';
import { writeSearchablePdf } from '../../../src/pdf/write-searchable-pdf.ts';
import {
  addImagePage,
  addVectorPage,
  bitonalPixels,
  emptyPasswordPdf,
  encryptedPdf,
  flateBitonalImage,
  flateGrayImage,
  g4Image,
  g4StripOf,
  grayPixels,
  javaScriptPdf,
  jpegOf,
  saved,
} from '../../fixtures/pdf/test-pdfs.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'sohoa-read-pdf-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let counter = 0;
async function writePdf(bytes: Uint8Array): Promise<string> {
  const file = path.join(work, `in-${++counter}.pdf`);
  await writeFile(file, bytes);
  return file;
}

async function outDir(): Promise<string> {
  return mkdtemp(path.join(work, 'out-'));
}

async function grayOf(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

/** A page that is one scan holds the scan's stream and the few bytes of its content stream that place it. */
function expectScanPlusPlacement(inputBytes: number, scanBytes: number): void {
  expect(inputBytes).toBeGreaterThan(scanBytes);
  expect(inputBytes).toBeLessThan(scanBytes + 200);
}

/** 240×320 px at 300 dpi: a 57.6×76.8 pt page. */
const widthPx = 240;
const heightPx = 320;
const pagePt = { width: (widthPx * 72) / 300, height: (heightPx * 72) / 300 };

describe('extractPdfPage, scans taken out as they are', () => {
  it('writes the embedded JPEG byte for byte, with the page resolution', async () => {
    const jpeg = await jpegOf(grayPixels(widthPx, heightPx), widthPx, heightPx);
    const doc = await PDFDocument.create();
    const image = await doc.embedJpg(jpeg);
    doc.addPage([pagePt.width, pagePt.height]).drawImage(image, { x: 0, y: 0, width: pagePt.width, height: pagePt.height });
    const out = await outDir();
    const page = await extractPdfPage(await writePdf(await saved(doc)), 0, out);
    expect(page).toMatchObject({ method: 'embedded-jpeg', dpi: 300, widthPx, heightPx, warnings: [] });
    expectScanPlusPlacement(page.inputBytes, jpeg.length);
    expect(page.imagePath).toBe(path.join(out, 'pdf-page-0001.jpg'));
    expect(Buffer.compare(await readFile(page.imagePath), Buffer.from(jpeg))).toBe(0);
    expect(page.text).toEqual({ hasText: false, words: [] });
  });

  it('wraps a Group 4 stream in a TIFF that decodes to the original 1-bit picture', async () => {
    const pixels = bitonalPixels(widthPx, heightPx);
    const strip = await g4StripOf(pixels, widthPx, heightPx);
    const doc = await PDFDocument.create();
    addImagePage(doc, g4Image(strip, widthPx, heightPx, true), pagePt.width, pagePt.height);
    const file = await writePdf(await saved(doc));
    const page = await extractPdfPage(file, 0, await outDir());
    expect(page).toMatchObject({ method: 'embedded-ccitt', dpi: 300, widthPx, heightPx });
    expectScanPlusPlacement(page.inputBytes, strip.length);
    expect(page.imagePath).toMatch(/\.tif$/);
    const tiff = await readFile(page.imagePath);
    expect(tiff.length).toBeLessThan(strip.length + 300);
    const meta = await sharp(tiff).metadata();
    expect(meta).toMatchObject({ format: 'tiff', density: 300, width: widthPx, height: heightPx });
    const decoded = await grayOf(page.imagePath);
    expect(Buffer.compare(decoded.data, Buffer.from(pixels))).toBe(0);
  });

  it('matches what a reader draws for both BlackIs1 settings', async () => {
    const pixels = bitonalPixels(widthPx, heightPx);
    const strip = await g4StripOf(pixels, widthPx, heightPx);
    for (const blackIs1 of [true, false]) {
      const doc = await PDFDocument.create();
      addImagePage(doc, g4Image(strip, widthPx, heightPx, blackIs1), pagePt.width, pagePt.height);
      const file = await writePdf(await saved(doc));
      const taken = await grayOf((await extractPdfPage(file, 0, await outDir())).imagePath);
      const drawn = await grayOf((await extractPdfPage(file, 0, await outDir(), { render: 'always', renderDpi: 300 })).imagePath);
      expect([drawn.width, drawn.height]).toEqual([widthPx, heightPx]);
      const same = taken.data.filter((v, i) => v >= 128 === (drawn.data[i] as number) >= 128).length;
      expect(same / taken.data.length).toBeGreaterThan(0.99);
      // BlackIs1 false shows the same stream as a negative.
      expect(taken.data[widthPx - 1]).toBe(blackIs1 ? 255 : 0);
    }
  });

  it('decodes a Flate gray image with a PNG predictor to the same pixels', async () => {
    const pixels = grayPixels(widthPx, heightPx);
    const image = flateGrayImage(pixels, widthPx, heightPx);
    const doc = await PDFDocument.create();
    addImagePage(doc, image, pagePt.width, pagePt.height);
    const page = await extractPdfPage(await writePdf(await saved(doc)), 0, await outDir());
    expect(page).toMatchObject({ method: 'embedded-flate', dpi: 300, widthPx, heightPx });
    expectScanPlusPlacement(page.inputBytes, image.data.length);
    expect(await sharp(page.imagePath).metadata()).toMatchObject({ format: 'png', density: 300, channels: 1 });
    expect(Buffer.compare((await grayOf(page.imagePath)).data, Buffer.from(pixels))).toBe(0);
  });

  it('keeps a 1-bit Flate image bitonal and applies /Decode [1 0]', async () => {
    const pixels = bitonalPixels(widthPx, heightPx);
    const doc = await PDFDocument.create();
    addImagePage(doc, flateBitonalImage(pixels, widthPx, heightPx), pagePt.width, pagePt.height);
    const page = await extractPdfPage(await writePdf(await saved(doc)), 0, await outDir());
    expect(page.method).toBe('embedded-flate');
    expect((await sharp(page.imagePath).metadata()).bitsPerSample).toBe(1);
    expect(Buffer.compare((await grayOf(page.imagePath)).data, Buffer.from(pixels))).toBe(0);
  });

  it('expands a 4-bit indexed Flate image through its RGB palette', async () => {
    const palette = [[255, 255, 255], [200, 0, 0], [0, 0, 160]];
    const w = 10;
    const h = 4;
    const indices = Array.from({ length: w * h }, (_, i) => i % 3);
    const packed = new Uint8Array((w / 2) * h);
    indices.forEach((index, i) => {
      packed[i >> 1]! |= i % 2 === 0 ? index << 4 : index;
    });
    const doc = await PDFDocument.create();
    const lookup = PDFHexString.of(Buffer.from(palette.flat()).toString('hex'));
    addImagePage(
      doc,
      { data: deflateSync(packed), dict: { Width: w, Height: h, ColorSpace: ['Indexed', 'DeviceRGB', 2, lookup], BitsPerComponent: 4, Filter: 'FlateDecode' } },
      (w * 72) / 100,
      (h * 72) / 100,
    );
    const page = await extractPdfPage(await writePdf(await saved(doc)), 0, await outDir());
    expect(page).toMatchObject({ method: 'embedded-flate', dpi: 100, widthPx: w, heightPx: h });
    const { data } = await sharp(page.imagePath).raw().toBuffer({ resolveWithObject: true });
    expect([...data]).toEqual(indices.flatMap((index) => palette[index] ?? []));
  });

  it('reads the text layer of an earlier OCR (invisible text) without rendering, boxes in image pixels', async () => {
    const dpi = 200;
    const size = { widthPx: 1000, heightPx: 600 };
    const jpeg = await jpegOf(new Uint8Array(size.widthPx * size.heightPx).fill(250), size.widthPx, size.heightPx);
    const word = (text: string, x0: number, y0: number, x1: number, lineIndex: number): Word => ({ text, box: { x0, y0, x1, y1: y0 + 40 }, confidence: 90, lineIndex });
    // Lines down the page, as an OCR layer has them (a few words in a corner would be an overlay, not the scan's text).
    const words = [0, 1, 2, 3].flatMap((line) => [
      word('CỘNG', 100, 60 + line * 130, 220, line * 2),
      word('HÒA', 240, 60 + line * 130, 330, line * 2),
      word('Quyết', 100, 120 + line * 130, 230, line * 2 + 1),
      word('định', 250, 120 + line * 130, 350, line * 2 + 1),
    ]);
    const written = await writeSearchablePdf({
      pages: [{ image: { kind: 'jpeg', bytes: jpeg, ...size }, dpi, words }],
      info: { title: 't', identifier: 'id', language: 'vi', createdAt: new Date(0), producer: 'test' },
    });
    const page = await extractPdfPage(await writePdf(written.bytes), 0, await outDir());
    expect(page.method).toBe('embedded-jpeg');
    expect(page.dpi).toBe(dpi);
    expect(page.text.hasText).toBe(true);
    expect(page.text.words.map((w) => [w.text, w.lineIndex])).toEqual(words.map((w) => [w.text, w.lineIndex]));
    page.text.words.forEach((w, i) => {
      const expected = words[i]?.box ?? { x0: 0, y0: 0, x1: 0, y1: 0 };
      // pdf.js joins a line's words into one item; split by characters, edges land within a few pixels.
      for (const key of ['x0', 'x1'] as const) expect(Math.abs(w.box[key] - expected[key])).toBeLessThanOrEqual(6);
      for (const key of ['y0', 'y1'] as const) expect(Math.abs(w.box[key] - expected[key])).toBeLessThanOrEqual(1);
      expect(w.text).toBe(w.text.normalize('NFC'));
    });
  });
});

describe('extractPdfPage, pages that must be rendered', () => {
  it('renders a vector page at 300 dpi with its words placed on the image', async () => {
    const doc = await PDFDocument.create();
    await addVectorPage(doc, 'Hello world');
    const page = await extractPdfPage(await writePdf(await saved(doc)), 0, await outDir());
    expect(page).toMatchObject({ method: 'rendered', dpi: 300, widthPx: 1200, heightPx: 600 });
    expect(page.warnings).toEqual(['page 1: rendered: the page has more than a scan on it (drawn shapes, visible text)']);
    expect(await sharp(page.imagePath).metadata()).toMatchObject({ width: 1200, height: 600, density: 300 });
    const { data, width } = await grayOf(page.imagePath);
    // Inside the black rectangle (18..90 × 18..54 pt from the bottom left) and on white paper.
    expect(data[Math.round((144 - 36) * (300 / 72)) * width + Math.round(54 * (300 / 72))]).toBeLessThan(30);
    expect(data[10 * width + 10]).toBe(255);
    expect(page.text.hasText).toBe(true);
    expect(page.text.words.map((w) => w.text)).toEqual(['Hello', 'world']);
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const scale = 300 / 72;
    const helloEnd = 36 + font.widthOfTextAtSize('Hello', 24);
    const [hello, world] = page.text.words as [Word, Word];
    expect(hello.box.x0).toBe(Math.round(36 * scale));
    // Words are split in proportion to characters, so their edges are within a few pixels of the glyphs'.
    expect(Math.abs(hello.box.x1 - helloEnd * scale)).toBeLessThan(8);
    expect(Math.abs(world.box.x1 - (36 + font.widthOfTextAtSize('Hello world', 24)) * scale)).toBeLessThan(2);
    const baselinePx = (144 - 90) * scale;
    expect(hello.box.y1).toBeGreaterThan(baselinePx);
    expect(hello.box.y0).toBeLessThan(baselinePx - 0.6 * 24 * scale);
  });

  it('renders a scan with visible text on top, at the scan resolution', async () => {
    const doc = await PDFDocument.create();
    const jpeg = await jpegOf(grayPixels(widthPx, heightPx), widthPx, heightPx);
    const page = doc.addPage([pagePt.width, pagePt.height]);
    page.drawImage(await doc.embedJpg(jpeg), { x: 0, y: 0, width: pagePt.width, height: pagePt.height });
    page.drawText('Stamp', { x: 5, y: 5, size: 8, font: await doc.embedFont(StandardFonts.Helvetica), color: rgb(1, 0, 0) });
    const extracted = await extractPdfPage(await writePdf(await saved(doc)), 0, await outDir());
    expect(extracted).toMatchObject({ method: 'rendered', dpi: 300, widthPx, heightPx });
    expect(extracted.warnings[0]).toContain('visible text');
  });

  it('renders a scan placed on part of the page', async () => {
    const doc = await PDFDocument.create();
    const jpeg = await jpegOf(grayPixels(widthPx, heightPx), widthPx, heightPx);
    doc.addPage([pagePt.width * 2, pagePt.height * 2]).drawImage(await doc.embedJpg(jpeg), { x: 10, y: 10, width: pagePt.width, height: pagePt.height });
    const extracted = await extractPdfPage(await writePdf(await saved(doc)), 0, await outDir());
    // The image covers a quarter of the page, so its resolution is not the page's: the default applies.
    expect(extracted).toMatchObject({ method: 'rendered', dpi: 300, widthPx: widthPx * 2, heightPx: heightPx * 2 });
    expect(extracted.warnings[0]).toContain('does not exactly cover the page');
  });

  it('reads one page of a multi-page file and counts the pages', async () => {
    const doc = await PDFDocument.create();
    const jpeg = await jpegOf(grayPixels(widthPx, heightPx), widthPx, heightPx);
    doc.addPage([pagePt.width, pagePt.height]).drawImage(await doc.embedJpg(jpeg), { x: 0, y: 0, width: pagePt.width, height: pagePt.height });
    await addVectorPage(doc, 'Trang hai');
    addImagePage(doc, flateGrayImage(grayPixels(widthPx, heightPx), widthPx, heightPx), pagePt.width, pagePt.height);
    const file = await writePdf(await saved(doc));
    expect(await inspectPdf(file)).toEqual({ pageCount: 3 });
    const pdf = await openScannedPdf(file, { name: 'HS-001/don.pdf' });
    try {
      const out = await outDir();
      const pages = [await pdf.extractPage(0, out), await pdf.extractPage(1, out, { renderDpi: 150 }), await pdf.extractPage(2, out)];
      expect(pages.map((p) => [p.method, path.basename(p.imagePath), p.dpi, p.text.hasText])).toEqual([
        ['embedded-jpeg', 'pdf-page-0001.jpg', 300, false],
        ['rendered', 'pdf-page-0002.png', 150, true],
        ['embedded-flate', 'pdf-page-0003.png', 300, false],
      ]);
      expect(pages[1]?.text.words.map((w) => w.text)).toEqual(['Trang', 'hai']);
      // Drawn type: rendered gray, so the engine reads its anti-aliased strokes, and to be stored bitonal.
      expect(pages[1]?.storeAs).toBe('bitonal');
      expect(await sharp(pages[1]!.imagePath).metadata()).toMatchObject({ channels: 1, bitsPerSample: 8 });
      expect(pages[0]?.storeAs).toBeUndefined();
      // A page of drawn type weighs at least its content stream, and its share of what the file holds besides
      // images (fonts, structure), never a share of the other pages' scans.
      const loaded = await PDFDocument.load(await readFile(file));
      const vector = loaded.getPage(1).node;
      const streams = (vector.Contents() as PDFArray).asArray().map((ref) => vector.context.lookup(ref) as PDFRawStream);
      const content = streams.reduce((n, stream) => n + stream.getContents().length, 0);
      const fileBytes = (await readFile(file)).length;
      let imageBytes = 0;
      for (const [, object] of loaded.context.enumerateIndirectObjects()) {
        if (object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype'))?.toString() === '/Image') imageBytes += object.getContents().length;
      }
      expect(pages[1]?.inputBytes).toBe(Math.max(content, Math.floor((fileBytes - imageBytes) / 3)));
      expect(pages[1]!.inputBytes).toBeLessThan(fileBytes / 6);
    } finally {
      await pdf.close();
    }
  });
});

describe('inspectPdf refusals', () => {
  it('refuses a PDF that needs a password to open, saying what to ask for', async () => {
    const file = await writePdf(await encryptedPdf());
    // One at a time: a second attempt started early would reject before anything awaits it.
    for (const attempt of [() => inspectPdf(file, { name: 'HS-001/mat-khau.pdf' }), () => openScannedPdf(file, { name: 'HS-001/mat-khau.pdf' })]) {
      const err = await errorOf(attempt());
      expect(err.message).toBe(
        '"HS-001/mat-khau.pdf": the PDF needs a password to open; ask the sender for a copy without one, or for the password and remove it (`qpdf --password=<password> --decrypt in.pdf out.pdf`), and add that copy',
      );
      expect(err.location).toEqual({ file: 'HS-001/mat-khau.pdf' });
      expect(err.code).toBe('PDF_ENCRYPTED');
    }
  });

  it('opens a PDF encrypted with an empty user password, as readers do, and renders its scan', async () => {
    const fixture = await emptyPasswordPdf();
    const file = await writePdf(fixture.bytes);
    expect(await inspectPdf(file, { name: 'ky-so.pdf' })).toEqual({ pageCount: 1 });
    const page = await extractPdfPage(file, 0, await outDir(), { name: 'ky-so.pdf' });
    expect(page.method).toBe('rendered');
    // Its content cannot be read, but its one image has the page's shape: 620×877 px on A4 is 75 dpi, so the
    // page is drawn at the lowest native resolution, 150 dpi, not the 300 dpi default.
    expect(page.dpi).toBe(150);
    expect(await sharp(page.imagePath).metadata()).toMatchObject({ width: 1240, height: 1754, density: 150 });
    expect(page.warnings).toEqual([expect.stringMatching(/^page 1: rendered: the PDF is encrypted with an empty user password/)]);
    // The rendered page is the scan, decrypted: brought back to the JPEG's own size, nearly every pixel agrees.
    const { width: jpegWidthPx, height: jpegHeightPx } = await sharp(fixture.jpeg).metadata();
    const drawn = await sharp(page.imagePath).resize(jpegWidthPx, jpegHeightPx, { fit: 'fill' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const rendered = { data: drawn.data, width: drawn.info.width, height: drawn.info.height };
    const original = await sharp(fixture.jpeg).toColourspace('b-w').raw().toBuffer();
    let far = 0;
    for (let i = 0; i < original.length; i++) if (Math.abs(original[i]! - rendered.data[i]!) > 96) far++;
    expect(far / original.length).toBeLessThan(0.02);
    const dark = rendered.data.reduce((n, v) => n + (v < 128 ? 1 : 0), 0) / rendered.data.length;
    expect(dark).toBeGreaterThan(0.1);
  });

  it('refuses a PDF that runs JavaScript when opened', async () => {
    const err = await errorOf(inspectPdf(await writePdf(await javaScriptPdf()), { name: 'js.pdf' }));
    expect(err.message).toMatch(/^"js\.pdf": the PDF contains JavaScript \(a script that runs when the file is opened\), which sohoa refuses/);
    expect(err.code).toBe('PDF_JAVASCRIPT');
  });

  it('finds JavaScript in the names tree and in annotation actions', async () => {
    const names = await PDFDocument.create();
    names.addPage([10, 10]);
    names.catalog.set(PDFName.of('Names'), names.context.obj({ JavaScript: names.context.obj({ Names: [] }) }));
    expect(findJavaScript(names)).toBe('document-level scripts');
    const annotated = await PDFDocument.create();
    const page = annotated.addPage([10, 10]);
    const action = annotated.context.obj({ S: 'JavaScript', JS: PDFString.of('x()') });
    page.node.set(PDFName.of('Annots'), annotated.context.obj([annotated.context.register(annotated.context.obj({ Type: 'Annot', Subtype: 'Link', A: action }))]));
    expect(findJavaScript(annotated)).toBe('script actions');
    expect(findJavaScript(await PDFDocument.load(await saved(await PDFDocument.create().then((d) => (d.addPage(), d)))))).toBeUndefined();
  });

  it('refuses a truncated PDF and one that is not a PDF at all', async () => {
    const doc = await PDFDocument.create();
    await addVectorPage(doc, 'x');
    const bytes = await saved(doc);
    const truncated = await errorOf(inspectPdf(await writePdf(bytes.subarray(0, Math.floor(bytes.length * 0.6))), { name: 'cut.pdf' }));
    expect(truncated.message).toMatch(/^"cut\.pdf": the PDF is damaged: it ends without %%EOF, so it was cut short; open it in a PDF reader/);
    expect(truncated.code).toBe('PDF_TRUNCATED');
    const garbage = await errorOf(inspectPdf(await writePdf(new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n')), { name: 'bad.pdf' }));
    expect(garbage.message).toMatch(/^"bad\.pdf": the PDF (is damaged|has no pages)/);
    expect(['PDF_DAMAGED', 'PDF_NO_PAGES']).toContain(garbage.code);
    const notPdf = await errorOf(inspectPdf(await writePdf(new TextEncoder().encode('hello')), { name: 'x.pdf' }));
    expect(notPdf.message).toMatch(/^"x\.pdf": is not a PDF \(no %PDF header\)/);
    expect(notPdf.code).toBe('PDF_NOT_PDF');
    const missing = await errorOf(inspectPdf(path.join(work, 'gone.pdf'), { name: 'gone.pdf' }));
    expect(missing.message).toContain('no longer in the batch folder');
    expect(missing.code).toBe('FILE_MISSING');
  });
});

describe('content stream reading', () => {
  it('splits operators and operands, skipping strings, arrays and dicts', () => {
    const ops = [...lexContentOps(new TextEncoder().encode('q 1 0 0 -1.5 .5 +2 cm /Im#200 Do (a (b) \\) c) Tj [(x) -20 (y)] TJ /P <</MCID 0>> BDC EMC % note\nQ BI /W 1 ID xyz EI'))];
    expect(ops).toEqual([
      { op: 'q', operands: [] },
      { op: 'cm', operands: [1, 0, 0, -1.5, 0.5, 2] },
      { op: 'Do', operands: [{ name: 'Im 0' }] },
      { op: 'Tj', operands: [null] },
      { op: 'TJ', operands: [null] },
      { op: 'BDC', operands: [{ name: 'P' }, null] },
      { op: 'EMC', operands: [] },
      { op: 'Q', operands: [] },
      { op: 'BI', operands: [] },
    ]);
  });

  it('accepts an image that covers the page to within half a percent, unturned', () => {
    const box = { x0: 0, y0: 0, x1: 595.28, y1: 841.89 };
    expect(coversBox([595.2, 0, 0, 841.8, 0, 0], box)).toBe(true);
    expect(coversBox([595.2, 0, 0, -841.8, 0, 841.8], box)).toBe(false);
    expect(coversBox([0, 841.8, -595.2, 0, 595.2, 0], box)).toBe(false);
    expect(coversBox([500, 0, 0, 841.8, 0, 0], box)).toBe(false);
  });

  it('places rotated text by its transform', () => {
    // Text running up the page (90° counter-clockwise) at x = 100 pt, on a 72-dpi page 200 pt tall.
    const words = wordsFromTextItems(
      [{ str: 'ab cd', hasEOL: false, transform: [0, 10, -10, 0, 100, 50], width: 50, height: 10, fontName: 'F' }],
      () => ({ ascent: 0.8, descent: -0.2 }),
      [1, 0, 0, -1, 0, 200],
      { widthPx: 200, heightPx: 200 },
    );
    expect(words).toEqual([
      { text: 'ab', box: { x0: 92, y0: 130, x1: 102, y1: 150 }, confidence: 100, lineIndex: 0 },
      { text: 'cd', box: { x0: 92, y0: 100, x1: 102, y1: 120 }, confidence: 100, lineIndex: 0 },
    ]);
  });
});
