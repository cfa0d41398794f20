// The normalize stage turns real image files into upright, deskewed OCR and PDF images, or fails with an InputError.
import { readSingleG4Strip } from '../../../src/image/tiff.ts';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { createWorker, OEM } from 'tesseract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import type { PageRef } from '../../../src/domain/page.ts';
import { estimateSkewDeg } from '../../../src/image/deskew.ts';
import type { OcrEngine, OrientationResult } from '../../../src/ocr/ocr-engine.ts';
import { defaultNormalizeOptions, normalizePage, ocrGeometry } from '../../../src/stages/normalize.ts';
import type { NormalizeContext, NormalizeOptions, PageSource } from '../../../src/stages/normalize.ts';
import { downscaleGray, renderTextPage, skewPage } from '../../support/synthetic-page.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-normalize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A detector that answers what it is told and remembers what it was shown. */
function fakeDetector(answer: OrientationResult | Error = { rotateDeg: 0, confidence: 20 }) {
  const seen: Buffer[] = [];
  return {
    seen,
    async detectOrientation(image: Buffer | string): Promise<OrientationResult> {
      seen.push(Buffer.isBuffer(image) ? image : await readFile(image));
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

let fileCounter = 0;
async function writeInput(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, `${fileCounter++}-${name}`);
  await writeFile(file, bytes);
  return file;
}

function source(file: string, pageIndex = 0, ref: Partial<PageRef> = {}): PageSource {
  return {
    ref: { dossierId: 'HS-001', documentId: 'TL-01', pageNumber: 3, file: path.basename(file), filePageNumber: pageIndex + 1, ...ref },
    path: file,
    pageIndex,
    inputBytes: 1234,
  };
}

function context(options: Partial<NormalizeOptions> = {}, detector: Pick<OcrEngine, 'detectOrientation'> = fakeDetector()): NormalizeContext {
  return { workDir: path.join(dir, 'work'), orientation: detector, options: { ...defaultNormalizeOptions, ...options } };
}

/** A white 600×800 page with a black block near the top-left corner, to see where the top-left went. */
async function blockPage(): Promise<Sharp> {
  const block = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#000' } }).png().toBuffer();
  return sharp({ create: { width: 600, height: 800, channels: 3, background: '#fff' } }).composite([{ input: block, left: 50, top: 50 }]);
}

async function grayPixels(file: string): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, widthPx: info.width, heightPx: info.height };
}

function pixel(image: { data: Buffer; widthPx: number }, x: number, y: number): number {
  return image.data[y * image.widthPx + x]!;
}

/** Checks the page is 600×800 upright with the block at the top-left and nothing at the other corners. */
async function expectUprightBlock(file: string): Promise<void> {
  const image = await grayPixels(file);
  expect([image.widthPx, image.heightPx]).toEqual([600, 800]);
  expect(pixel(image, 100, 100)).toBeLessThan(64);
  expect(pixel(image, 500, 100)).toBeGreaterThan(192);
  expect(pixel(image, 100, 700)).toBeGreaterThan(192);
  expect(pixel(image, 500, 700)).toBeGreaterThan(192);
}

async function pngHeader(file: string): Promise<{ bitDepth: number; colourType: number }> {
  const bytes = await readFile(file);
  return { bitDepth: bytes[24]!, colourType: bytes[25]! };
}

/** The OCR copy is the page scaled alike on both axes, its resolution with it; returns the factor. */
function expectUniformOcrScale(page: { widthPx: number; heightPx: number; dpi: number; ocrWidthPx: number; ocrHeightPx: number; ocrDpi: number }): number {
  const scale = page.ocrWidthPx / page.widthPx;
  expect(Math.abs(page.ocrHeightPx / page.heightPx - scale)).toBeLessThan(0.002);
  expect(Math.abs(page.ocrDpi - page.dpi * scale)).toBeLessThanOrEqual(1);
  return scale;
}

describe('normalizePage: orientation', () => {
  for (const [exifOrientation, storedTurnDeg, expectedRotationDeg] of [[6, 270, 90], [3, 180, 180], [8, 90, 270]] as const) {
    it(`turns a JPEG with EXIF orientation ${exifOrientation} upright without asking the detector`, async () => {
      const stored = await sharp(await (await blockPage()).png().toBuffer()).rotate(storedTurnDeg).withMetadata({ orientation: exifOrientation }).jpeg().toBuffer();
      const detector = fakeDetector({ rotateDeg: 90, confidence: 30 });
      const page = await normalizePage(source(await writeInput('exif.jpg', stored)), context({ deskew: false }, detector));
      expect(page.rotationDeg).toBe(expectedRotationDeg);
      expect(page.orientation).toEqual({ source: 'exif' });
      expect(detector.seen).toHaveLength(0);
      await expectUprightBlock(page.ocrImagePath);
      await expectUprightBlock(page.pdfImagePath);
    });
  }

  for (const rotateDeg of [90, 180, 270] as const) {
    it(`turns the page clockwise by the detector's ${rotateDeg}°`, async () => {
      // Stored turned counter-clockwise by rotateDeg, so a clockwise turn of rotateDeg puts it right.
      const stored = await sharp(await (await blockPage()).png().toBuffer()).rotate(360 - rotateDeg).png().toBuffer();
      const detector = fakeDetector({ rotateDeg, confidence: 12.9 });
      const page = await normalizePage(source(await writeInput('osd.png', stored)), context({ deskew: false }, detector));
      expect(page.rotationDeg).toBe(rotateDeg);
      expect(page.orientation).toEqual({ source: 'osd', confidence: 12.9 });
      expect([page.widthPx, page.heightPx]).toEqual([600, 800]);
      await expectUprightBlock(page.ocrImagePath);
    });
  }

  it('shows the detector a gray PNG at about 170 dpi', async () => {
    const big = await sharp({ create: { width: 2480, height: 3508, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    const detector = fakeDetector();
    await normalizePage(source(await writeInput('a4.jpg', big)), context({ deskew: false }, detector));
    const shown = await sharp(detector.seen[0]!).metadata();
    expect(shown.format).toBe('png');
    expect(shown.channels).toBe(1);
    expect(Math.max(shown.width, shown.height)).toBe(Math.round((3508 * 170) / 300));
  });

  it('leaves the page as scanned below the confidence threshold, and records the confidence', async () => {
    const stored = await (await blockPage()).png().toBuffer();
    const page = await normalizePage(source(await writeInput('low.png', stored)), context({ deskew: false, minOrientationConfidence: 2 }, fakeDetector({ rotateDeg: 180, confidence: 1.2 })));
    expect(page.rotationDeg).toBe(0);
    expect(page.orientation).toEqual({ source: 'none', confidence: 1.2 });
    await expectUprightBlock(page.ocrImagePath);
  });

  it('keeps the page and warns when the detector fails', async () => {
    const stored = await (await blockPage()).png().toBuffer();
    const page = await normalizePage(source(await writeInput('fail.png', stored)), context({ deskew: false }, fakeDetector(new Error('Too few characters'))));
    expect(page.orientation).toEqual({ source: 'none' });
    expect(page.warnings).toContainEqual(expect.stringContaining('orientation not detected (Too few characters)'));
  });

  it('does not ask the detector when orientation is off', async () => {
    const detector = fakeDetector({ rotateDeg: 90, confidence: 30 });
    const page = await normalizePage(source(await writeInput('off.png', await (await blockPage()).png().toBuffer())), context({ orientation: false, deskew: false }, detector));
    expect(detector.seen).toHaveLength(0);
    expect(page.orientation).toEqual({ source: 'none' });
  });
});

describe('normalizePage: deskew', () => {
  let textPage: Awaited<ReturnType<typeof renderTextPage>>;
  beforeAll(async () => {
    // A4 at 150 dpi: below ocrMinDpi, so the OCR copy is upscaled too.
    textPage = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
  });

  for (const skewDeg of [-4.2, -1.5, 2.6, 5]) {
    it(`measures a ${skewDeg}° skew, corrects it to within 0.3° and keeps the page size`, async () => {
      const skewed = await skewPage(textPage, skewDeg);
      const png = await sharp(skewed, { raw: { width: textPage.widthPx, height: textPage.heightPx, channels: 1 } }).withDensity(150).png().toBuffer();
      const page = await normalizePage(source(await writeInput('skewed.png', png)), context());
      expect(Math.abs(page.skewDeg - skewDeg)).toBeLessThanOrEqual(0.3);
      expect([page.widthPx, page.heightPx, page.dpi, page.dpiAssumed]).toEqual([1240, 1754, 150, false]);
      // The test page's type is small for 150 dpi: the OCR copy is enlarged by its text size, more than ocrMinDpi asks.
      const scale = expectUniformOcrScale(page);
      expect(scale).toBeGreaterThanOrEqual(2);

      const ocr = await grayPixels(page.ocrImagePath);
      expect([ocr.widthPx, ocr.heightPx]).toEqual([page.ocrWidthPx, page.ocrHeightPx]);
      expect((await sharp(page.ocrImagePath).metadata()).density).toBe(page.ocrDpi);
      const small = await downscaleGray(ocr.data, ocr.widthPx, ocr.heightPx, 1000);
      const residual = estimateSkewDeg(small.data, small.widthPx, small.heightPx, { maxSkewDeg: 5 });
      expect(Math.abs(residual.angleDeg)).toBeLessThanOrEqual(0.3);
      // The corners the rotation uncovered are white, not black.
      expect(pixel(ocr, 2, 2)).toBeGreaterThan(240);
      expect(pixel(ocr, ocr.widthPx - 3, ocr.heightPx - 3)).toBeGreaterThan(240);
    });
  }

  it('leaves a straight page untouched and a blank page unskewed', async () => {
    const straight = await sharp(textPage.data, { raw: { width: textPage.widthPx, height: textPage.heightPx, channels: 1 } }).withDensity(300).png().toBuffer();
    const page = await normalizePage(source(await writeInput('straight.png', straight)), context());
    expect(Math.abs(page.skewDeg)).toBeLessThan(0.1);
    // Its type, drawn for 150 dpi, is tiny at 300: the OCR copy is enlarged though the resolution is 300.
    expect([page.widthPx, page.dpi]).toEqual([1240, 300]);
    expect(expectUniformOcrScale(page)).toBeGreaterThan(1.25);

    const blank = await sharp({ create: { width: 800, height: 1000, channels: 3, background: '#fafafa' } }).withDensity(300).png().toBuffer();
    expect((await normalizePage(source(await writeInput('blank.png', blank)), context())).skewDeg).toBe(0);
  });

  it('measures the skew after the page is turned upright', async () => {
    const skewed = await skewPage(textPage, 2);
    const sideways = await sharp(skewed, { raw: { width: textPage.widthPx, height: textPage.heightPx, channels: 1 } }).rotate(270).withDensity(150).png().toBuffer();
    const page = await normalizePage(source(await writeInput('sideways.png', sideways)), context({}, fakeDetector({ rotateDeg: 90, confidence: 18 })));
    expect(page.rotationDeg).toBe(90);
    expect([page.widthPx, page.heightPx]).toEqual([1240, 1754]);
    expect(Math.abs(page.skewDeg - 2)).toBeLessThanOrEqual(0.3);
  });

  it('normalizes an A4 300 dpi gray JPEG, measuring its skew (its time is printed; the bench measures speed)', async () => {
    const a4 = await renderTextPage({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    const jpeg = await sharp(await skewPage(a4, -1.7), { raw: { width: a4.widthPx, height: a4.heightPx, channels: 1 } }).withDensity(300).jpeg({ quality: 85 }).toBuffer();
    const file = await writeInput('a4.jpg', jpeg);
    const page = await normalizePage(source(file), context());
    console.info(`normalize A4 300 dpi gray JPEG, deskew -1.7°: ${page.durationMs} ms`);
    expect([page.widthPx, page.heightPx]).toEqual([2480, 3508]);
    expect(Math.abs(Math.abs(page.skewDeg) - 1.7)).toBeLessThanOrEqual(0.3);
  });
});

describe('normalizePage: resolution, colour and formats', () => {
  it('infers the resolution from the sheet its shape matches when the file has none, and says so', async () => {
    const png = await (await blockPage()).png().toBuffer();
    const page = await normalizePage(source(await writeInput('nodpi.png', png)), context({ deskew: false }));
    // 600×800 is a Letter sheet's shape, 3% off: 72 dpi, not the default 300 (which would make it a 2×2.7-inch page).
    expect([page.dpi, page.dpiAssumed, page.dpiInferredFrom]).toEqual([72, true, 'Letter portrait']);
    expect(page.warnings).toContain('no resolution in file; 72 dpi inferred from its Letter portrait shape');
  });

  it('assumes the default dpi and warns when the file has no resolution and its shape is no sheet', async () => {
    const png = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#fff' } }).png().toBuffer();
    const page = await normalizePage(source(await writeInput('square.png', png)), context({ deskew: false }));
    expect([page.dpi, page.dpiAssumed, page.dpiInferredFrom]).toEqual([300, true, undefined]);
    expect(page.warnings).toContain('no resolution in file; assumed 300 dpi');
  });

  it('takes the resolution from the file when it has one', async () => {
    const jpeg = await (await blockPage()).withDensity(200).jpeg().toBuffer();
    const page = await normalizePage(source(await writeInput('dpi200.jpg', jpeg)), context({ deskew: false, ocrMinDpi: 200 }));
    expect([page.dpi, page.dpiAssumed, page.warnings]).toEqual([200, false, []]);
  });

  it('keeps a 1-bit CCITT G4 TIFF bitonal, as a single-strip G4 TIFF, even when deskewed', async () => {
    const textPage = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    const g4 = await sharp(await skewPage(textPage, 1.2), { raw: { width: textPage.widthPx, height: textPage.heightPx, channels: 1 } })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 150 / 25.4, yres: 150 / 25.4, resolutionUnit: 'inch' })
      .toBuffer();
    const page = await normalizePage(source(await writeInput('g4.tif', g4)), context());
    expect(page.colourMode).toBe('bitonal');
    expect(page.pdfImageFormat).toBe('ccitt-g4');
    expect(page.pdfImagePath).toMatch(/HS-001\/TL-01\/p0003\.pdf\.tif$/);
    expect(page.dpi).toBe(150);
    expect(Math.abs(page.skewDeg - 1.2)).toBeLessThanOrEqual(0.3);
    const strip = readSingleG4Strip(await readFile(page.pdfImagePath));
    expect([strip.widthPx, strip.heightPx]).toEqual([1240, 1754]);
    const pdfImage = await sharp(page.pdfImagePath).metadata();
    expect([pdfImage.width, pdfImage.height, pdfImage.density]).toEqual([1240, 1754, 150]);
    expect(await pngHeader(page.ocrImagePath)).toEqual({ bitDepth: 8, colourType: 0 });
    console.info(`bitonal A4 150 dpi: G4 TIFF ${g4.length} bytes -> G4 strip ${(await stat(page.pdfImagePath)).size} bytes`);
  });

  it('detects a colour page and writes a colour JPEG', async () => {
    const seal = Buffer.from('<svg width="200" height="200"><circle cx="100" cy="100" r="90" fill="none" stroke="#d01818" stroke-width="6"/></svg>');
    const jpeg = await (await blockPage()).composite([{ input: seal, left: 350, top: 550 }]).withDensity(300).jpeg().toBuffer();
    const page = await normalizePage(source(await writeInput('colour.jpg', jpeg)), context());
    expect(page.colourMode).toBe('colour');
    expect(page.pdfImageFormat).toBe('jpeg');
    expect(page.pdfImagePath).toMatch(/p0003\.pdf\.jpg$/);
    expect((await sharp(page.pdfImagePath).metadata()).channels).toBe(3);
    // The engine gets a colour page in colour: Tesseract thresholds each channel, which reads coloured light better than luminance.
    expect(await pngHeader(page.ocrImagePath)).toEqual({ bitDepth: 8, colourType: 2 });
  });

  it('writes a gray scan stored as RGB as a 1-channel JPEG with its resolution', async () => {
    const jpeg = await (await blockPage()).withDensity(300).jpeg({ quality: 90 }).toBuffer();
    const page = await normalizePage(source(await writeInput('rgb-gray.jpg', jpeg)), context());
    expect(page.colourMode).toBe('gray');
    const pdfImage = await sharp(page.pdfImagePath).metadata();
    expect([pdfImage.format, pdfImage.channels, pdfImage.density]).toEqual(['jpeg', 1, 300]);
  });

  it('flattens transparency on white', async () => {
    const png = await sharp({ create: { width: 300, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const page = await normalizePage(source(await writeInput('alpha.png', png)), context({ deskew: false }));
    const ocr = await grayPixels(page.ocrImagePath);
    expect(pixel(ocr, 150, 200)).toBe(255);
    expect(page.colourMode).toBe('gray');
  });

  it('reads the second page of a multi-page TIFF with pageIndex 1', async () => {
    // sharp joins pages of one size; the second is told apart by its colour.
    const first = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#fff' } }).png().toBuffer();
    const second = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#000' } }).png().toBuffer();
    const tiff = await sharp([first, second], { join: { animated: true } }).tiff().toBuffer();
    const file = await writeInput('multi.tif', tiff);
    const page = await normalizePage(source(file, 1), context({ deskew: false }));
    expect([page.widthPx, page.heightPx]).toEqual([320, 240]);
    expect(pixel(await grayPixels(page.ocrImagePath), 10, 10)).toBe(0);
    const firstPage = await normalizePage(source(file, 0, { pageNumber: 1 }), context({ deskew: false }));
    expect(pixel(await grayPixels(firstPage.ocrImagePath), 10, 10)).toBe(255);
    await expect(normalizePage(source(file, 2), context())).rejects.toThrow(/multi\.tif, page 3: cannot be read as an image/);
  });

  it('records the input size and a duration, and names outputs by dossier, document and page', async () => {
    const page = await normalizePage(source(await writeInput('names.png', await (await blockPage()).png().toBuffer()), 0, { pageNumber: 12 }), context({ deskew: false }));
    expect(page.inputBytes).toBe(1234);
    expect(page.durationMs).toBeGreaterThan(0);
    expect(path.relative(path.join(dir, 'work'), page.ocrImagePath)).toBe(path.join('HS-001', 'TL-01', 'p0012.ocr.png'));
    expect(path.relative(path.join(dir, 'work'), page.pdfImagePath)).toBe(path.join('HS-001', 'TL-01', 'p0012.pdf.jpg'));
  });
});

describe('normalizePage: bad input', () => {
  async function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }

  it('turns a corrupt file into an InputError naming the file and page', async () => {
    const file = await writeInput('corrupt.jpg', Buffer.from('this is not an image'));
    const err = await inputErrorOf(normalizePage(source(file), context()));
    expect(err.message).toMatch(/^\d+-corrupt\.jpg, page 1: cannot be read as an image \(.+\); check that the file is complete/);
    expect(err.location).toEqual({ file: path.basename(file), pageNumber: 1 });
    expect(err.code).toBe('IMAGE_UNREADABLE');
  });

  it('refuses an image above the pixel limit before decoding it', async () => {
    const file = await writeInput('huge.png', await (await blockPage()).png().toBuffer());
    const err = await inputErrorOf(normalizePage(source(file), context({ maxInputPixels: 100_000 })));
    expect(err.message).toContain('huge.png, page 1: 600×800 = 480000 pixels exceeds the limit of 100000 pixels; split the scan or raise normalize.maxInputPixels');
    expect(err.code).toBe('IMAGE_TOO_LARGE');
  });

  it('refuses a truncated JPEG unless failOn is none', async () => {
    const noisy = await sharp({ create: { width: 800, height: 1000, channels: 3, background: '#fff', noise: { type: 'gaussian', mean: 200, sigma: 20 } } }).jpeg().toBuffer();
    const file = await writeInput('truncated.jpg', noisy.subarray(0, Math.floor(noisy.length / 2)));
    for (const failOn of ['truncated', 'error'] as const) {
      const err = await inputErrorOf(normalizePage(source(file), context({ failOn })));
      expect(err.message).toMatch(/truncated\.jpg, page 1: cannot be decoded \(.*premature end.*\); the file may be truncated/i);
      expect(err.code).toBe('IMAGE_UNDECODABLE');
    }
    const page = await normalizePage(source(file), context({ failOn: 'none', deskew: false }));
    expect([page.widthPx, page.heightPx]).toEqual([800, 1000]);
  });

  it('refuses ids that would write outside the work folder', async () => {
    const file = await writeInput('ids.png', await (await blockPage()).png().toBuffer());
    const err = await inputErrorOf(normalizePage(source(file, 0, { documentId: '../../etc' }), context()));
    expect(err.message).toContain('documentId "../../etc" cannot be used as a folder name');
  });
});

describe('normalize helpers', () => {
  it('sizes the OCR copy by a stated resolution below ocrMinDpi, else by its text lines', () => {
    const stated = { dpiAssumed: false, ocrMinDpi: 300 };
    expect(ocrGeometry(1240, 1754, { ...stated, dpi: 150 })).toEqual({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    expect(ocrGeometry(2480, 3508, { ...stated, dpi: 300 })).toEqual({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    // A guessed resolution alone never enlarges the page.
    expect(ocrGeometry(576, 960, { dpi: 69, dpiAssumed: true, ocrMinDpi: 300 })).toEqual({ widthPx: 576, heightPx: 960, dpi: 69 });
    // Lines 11 px tall are enlarged to the engine's size (at most 4×); 88 px ones (600 dpi) halved; 40 px ones left.
    expect(ocrGeometry(576, 960, { dpi: 69, dpiAssumed: true, ocrMinDpi: 300, textLinePx: 11 })).toEqual({ widthPx: 2304, heightPx: 3840, dpi: 276 });
    expect(ocrGeometry(4960, 7016, { ...stated, dpi: 600, textLinePx: 88 })).toEqual({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    expect(ocrGeometry(2480, 3508, { ...stated, dpi: 300, textLinePx: 40 })).toEqual({ widthPx: 2480, heightPx: 3508, dpi: 300 });
    // A phone photo's 31 px lines are left as they are: enlarging them 1.42× made the engine read worse.
    expect(ocrGeometry(1920, 2560, { dpi: 240, dpiAssumed: true, ocrMinDpi: 300, textLinePx: 31 })).toEqual({ widthPx: 1920, heightPx: 2560, dpi: 240 });
    expect(ocrGeometry(1240, 1754, { ...stated, dpi: 150, textLinePx: 22 })).toEqual({ widthPx: 2480, heightPx: 3508, dpi: 300 });
  });
});

describe('normalizePage with a real Tesseract OSD worker', () => {
  const require = createRequire(import.meta.url);
  const langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/osd/package.json')), '4.0.0');
  let worker: Awaited<ReturnType<typeof createWorker>>;
  beforeAll(async () => {
    worker = await createWorker('osd', OEM.TESSERACT_ONLY, { legacyCore: true, legacyLang: true, langPath, gzip: true, cacheMethod: 'none' });
  });
  afterAll(async () => {
    await worker?.terminate();
  });

  /** tesseract.js's orientation_degrees is already the clockwise turn that makes the page upright. */
  const osd = {
    async detectOrientation(image: Buffer | string): Promise<OrientationResult> {
      const { data } = await worker.detect(image);
      const rotateDeg = (data.orientation_degrees ?? 0) as OrientationResult['rotateDeg'];
      return { rotateDeg, confidence: data.orientation_confidence ?? 0 };
    },
  };

  it('turns text pages stored sideways and upside down upright by the line profile, and OSD agrees with the result', async () => {
    const textPage = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    for (const storedTurnDeg of [90, 180, 270]) {
      const stored = await sharp(textPage.data, { raw: { width: textPage.widthPx, height: textPage.heightPx, channels: 1 } }).rotate(storedTurnDeg).withDensity(150).png().toBuffer();
      const page = await normalizePage(source(await writeInput(`osd-${storedTurnDeg}.png`, stored)), context({}, osd));
      expect(page.rotationDeg, `stored turned ${storedTurnDeg}° clockwise`).toBe((360 - storedTurnDeg) % 360);
      // A full text page is settled by the line profile; OSD is only the fallback for thin pages.
      expect(page.orientation.source).toBe('profile');
      expect([page.widthPx, page.heightPx]).toEqual([1240, 1754]);
      const again = await osd.detectOrientation(page.ocrImagePath);
      expect(again.rotateDeg).toBe(0);
    }
  });
});
