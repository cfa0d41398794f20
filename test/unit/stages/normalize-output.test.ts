// What normalize hands the PDF: G4 for bitonal pages, the input JPEG itself when untouched, a smaller JPEG otherwise.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSingleG4Strip } from '../../../src/image/tiff.ts';
import { readJpegFrameInfo } from '../../../src/image/jpeg-frame.ts';
import { defaultNormalizeOptions, normalizePage } from '../../../src/stages/normalize.ts';
import type { NormalizeContext, PageSource } from '../../../src/stages/normalize.ts';
import { fixtures } from '../../fixtures/index.ts';
import { renderTextPage } from '../../support/synthetic-page.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-normalize-output-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function source(name: string, bytes: Buffer): Promise<PageSource> {
  const file = path.join(dir, `${counter++}-${name}`);
  await writeFile(file, bytes);
  return { ref: { dossierId: 'HS-001', documentId: `D${counter}`, pageNumber: 1, file: name, filePageNumber: 1 }, path: file, pageIndex: 0, inputBytes: bytes.length };
}

const context = (): NormalizeContext => ({
  workDir: path.join(dir, 'work'),
  orientation: { async detectOrientation() { return { rotateDeg: 0, confidence: 0 }; } },
  options: { ...defaultNormalizeOptions },
});

/** An A4 text page at 150 dpi with the paper grain of a real gray scan (±8 levels), as 1-channel raw pixels. */
async function scannedTextPage(): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const page = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
  let seed = 7;
  const data = Buffer.from(page.data.map((v) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.max(0, Math.min(255, Math.round(v * 0.92 + 8 + ((seed % 17) - 8))));
  }));
  return { ...page, data };
}

const raw = (page: { widthPx: number; heightPx: number }) => ({ raw: { width: page.widthPx, height: page.heightPx, channels: 1 as const } });

describe('normalize output: the PDF image', () => {
  it('passes an untouched gray JPEG through byte for byte', async () => {
    const page = await scannedTextPage();
    const jpeg = await sharp(page.data, raw(page)).toColourspace('b-w').withDensity(150).jpeg({ quality: 85 }).toBuffer();
    const result = await normalizePage(await source('scan.jpg', jpeg), context());
    // A skew under 0.1° is measured but not corrected, so the pixels stay the file's.
    expect([result.rotationDeg, Math.abs(result.skewDeg) < 0.1, result.colourMode]).toEqual([0, true, 'gray']);
    expect([result.pdfImageFormat, result.pdfImagePassthrough]).toEqual(['jpeg', true]);
    expect((await readFile(result.pdfImagePath)).equals(jpeg)).toBe(true);
  });

  it('re-encodes a gray page stored as an RGB JPEG as gray: the colour mode changed', async () => {
    const page = await scannedTextPage();
    const jpeg = await sharp(page.data, raw(page)).withDensity(150).jpeg({ quality: 85 }).toBuffer(); // sharp writes 3 channels
    const result = await normalizePage(await source('rgb.jpg', jpeg), context());
    expect([result.colourMode, result.pdfImagePassthrough]).toEqual(['gray', false]);
    expect(readJpegFrameInfo(await readFile(result.pdfImagePath)).components).toBe(1);
  });

  it('re-encodes a JPEG that EXIF turns, since its pixels change', async () => {
    const page = await scannedTextPage();
    const jpeg = await sharp(page.data, raw(page)).toColourspace('b-w').withMetadata({ orientation: 6 }).withDensity(150).jpeg().toBuffer();
    const result = await normalizePage(await source('turned.jpg', jpeg), context());
    expect(result.pdfImagePassthrough).toBe(false);
    const frame = readJpegFrameInfo(await readFile(result.pdfImagePath));
    expect([frame.widthPx, frame.heightPx]).toEqual([1754, 1240]);
  });

  it('never passes a CMYK JPEG: PDF/A-2b has no CMYK output intent here', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c03030' } }).toColourspace('cmyk').jpeg().toBuffer();
    const result = await normalizePage(await source('cmyk.jpg', jpeg), context());
    expect(result.pdfImagePassthrough).toBe(false);
    expect(readJpegFrameInfo(await readFile(result.pdfImagePath)).components).toBe(3);
  });

  it('keeps a G4 TIFF page 1-bit as one G4 strip no larger than 1.1 × the input', async () => {
    const page = await renderTextPage({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    const g4 = await sharp(page.data, raw(page)).toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 300 / 25.4, yres: 300 / 25.4 }).toBuffer();
    const result = await normalizePage(await source('g4.tif', g4), context());
    expect([result.colourMode, result.pdfImageFormat]).toEqual(['bitonal', 'ccitt-g4']);
    const strip = readSingleG4Strip(await readFile(result.pdfImagePath));
    expect([strip.widthPx, strip.heightPx, strip.blackIs1]).toEqual([2480, 3508, false]);
    expect(strip.bytes.length).toBeLessThanOrEqual(1.1 * g4.length);
    console.info(`G4 A4 300 dpi: input TIFF ${g4.length} bytes -> PDF G4 stream ${strip.bytes.length} bytes (${(strip.bytes.length / g4.length).toFixed(3)})`);
  });

  it('stores a losslessly saved gray scan as a JPEG of at most 0.6 × the PNG', async () => {
    const page = await scannedTextPage();
    const png = await sharp(page.data, raw(page)).withDensity(150).png().toBuffer();
    const result = await normalizePage(await source('scan.png', png), context());
    expect([result.pdfImageFormat, result.pdfImagePassthrough]).toEqual(['jpeg', false]);
    const jpegBytes = (await readFile(result.pdfImagePath)).length;
    expect(jpegBytes / png.length).toBeLessThanOrEqual(0.6);
    console.info(`gray A4 150 dpi with paper grain: PNG ${png.length} bytes -> JPEG q${defaultNormalizeOptions.jpegQuality} ${jpegBytes} bytes (${(jpegBytes / png.length).toFixed(3)})`);
  });

  it('stores a gray PNG of plain type as G4 (its grays are only stroke edges), unless the pipeline says not to', async () => {
    const page = await renderTextPage({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    const png = await sharp(page.data, raw(page)).toColourspace('b-w').withDensity(300).png().toBuffer();
    const result = await normalizePage(await source('typed.png', png), context());
    expect([result.colourMode, result.pdfImageFormat]).toEqual(['bitonal', 'ccitt-g4']);
    const g4Bytes = readSingleG4Strip(await readFile(result.pdfImagePath)).bytes.length;
    expect(g4Bytes / png.length).toBeLessThanOrEqual(0.6);
    console.info(`typed gray A4 300 dpi: PNG ${png.length} bytes -> G4 ${g4Bytes} bytes (${(g4Bytes / png.length).toFixed(3)})`);

    const kept = await normalizePage(await source('typed.png', png), { ...context(), options: { ...defaultNormalizeOptions, bitonalGray: false } });
    expect([kept.colourMode, kept.pdfImageFormat]).toEqual(['gray', 'jpeg']);
  });

  it('stores the noisy sample, typed with scanner specks, as G4 of at most 0.6 × the PNG', async () => {
    const png = await readFile(fixtures.noisy.path);
    const result = await normalizePage(await source('noisy.png', png), context());
    expect([result.colourMode, result.pdfImageFormat]).toEqual(['bitonal', 'ccitt-g4']);
    const g4Bytes = readSingleG4Strip(await readFile(result.pdfImagePath)).bytes.length;
    expect(g4Bytes / png.length).toBeLessThanOrEqual(0.6);
    console.info(`noisy sample ${fixtures.noisy.file}: PNG ${png.length} bytes -> G4 ${g4Bytes} bytes (${(g4Bytes / png.length).toFixed(3)})`);
  });
});
