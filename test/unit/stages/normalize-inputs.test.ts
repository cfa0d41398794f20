// The normalize stage decodes the input kinds scanners and archives produce: CMYK, palettes, alpha, 16-bit, fax TIFFs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import { squarePixelGrid } from '../../../src/image/pixel-grid.ts';
import { isBlackAndWhite } from '../../../src/image/black-and-white.ts';
import { readTiffResolution } from '../../../src/image/tiff.ts';
import { loadPipeline, resolvePipeline } from '../../../src/pipeline/pipeline-file.ts';
import { defaultNormalizeOptions, normalizePage } from '../../../src/stages/normalize.ts';
import type { NormalizeContext, NormalizeOptions, PageSource } from '../../../src/stages/normalize.ts';
import { renderTextPage, skewPage } from '../../support/synthetic-page.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-normalize-inputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCounter = 0;
async function writeInput(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(dir, `${fileCounter++}-${name}`);
  await writeFile(file, bytes);
  return file;
}

function source(file: string, pageIndex = 0): PageSource {
  return {
    ref: { dossierId: 'HS-002', documentId: `TL-${fileCounter}`, pageNumber: 1, file: path.basename(file), filePageNumber: pageIndex + 1 },
    path: file,
    pageIndex,
    inputBytes: 1,
  };
}

const noTurn = { async detectOrientation() { return { rotateDeg: 0 as const, confidence: 0 }; } };

function context(options: Partial<NormalizeOptions> = {}): NormalizeContext {
  return { workDir: path.join(dir, 'work'), orientation: noTurn, options: { ...defaultNormalizeOptions, deskew: false, orientation: false, ...options } };
}

async function normalize(name: string, bytes: Uint8Array, options: Partial<NormalizeOptions> = {}) {
  return normalizePage(source(await writeInput(name, bytes)), context(options));
}

interface Pixels {
  data: Buffer;
  widthPx: number;
  channels: number;
}

async function pixels(file: string, space: 'b-w' | 'srgb'): Promise<Pixels> {
  const { data, info } = await sharp(file).toColourspace(space).raw().toBuffer({ resolveWithObject: true });
  return { data, widthPx: info.width, channels: info.channels };
}

function at(image: Pixels, x: number, y: number): number[] {
  const i = (y * image.widthPx + x) * image.channels;
  return [...image.data.subarray(i, i + image.channels)];
}

function expectClose(actual: number[], expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!), `channel ${i}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance));
}

/** A white 600×800 page with a black block top-left and a coloured patch bottom-right (the colour under test). */
function testPage(patch: { r: number; g: number; b: number } = { r: 0, g: 0, b: 0 }): Sharp {
  const block = { input: { create: { width: 120, height: 120, channels: 3 as const, background: '#000' } }, left: 200, top: 200 };
  const coloured = { input: { create: { width: 120, height: 120, channels: 3 as const, background: patch } }, left: 300, top: 500 };
  return sharp({ create: { width: 600, height: 800, channels: 3, background: '#fff' } }).composite([block, coloured]);
}

// ── Hand-made files: sharp writes neither 16-bit TIFFs nor chosen PNG layouts, so these are built byte by byte. ──

function pngChunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A 16-bit PNG (colour type 0 gray, 2 RGB, 4 gray+alpha) from samples in row order; `dpi` sets pHYs. */
function png16(widthPx: number, heightPx: number, colourType: 0 | 2 | 4, samples: Uint16Array, dpi?: number): Buffer {
  const perPixel = { 0: 1, 2: 3, 4: 2 }[colourType];
  const rowBytes = widthPx * perPixel * 2;
  const raw = Buffer.alloc(heightPx * (rowBytes + 1));
  for (let y = 0; y < heightPx; y++) {
    for (let k = 0; k < widthPx * perPixel; k++) raw.writeUInt16BE(samples[y * widthPx * perPixel + k]!, y * (rowBytes + 1) + 1 + k * 2);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(widthPx, 0);
  ihdr.writeUInt32BE(heightPx, 4);
  ihdr.set([16, colourType, 0, 0, 0], 8);
  const chunks = [pngChunk('IHDR', ihdr)];
  if (dpi !== undefined) {
    const phys = Buffer.alloc(9);
    phys.writeUInt32BE(Math.round(dpi / 0.0254), 0);
    phys.writeUInt32BE(Math.round(dpi / 0.0254), 4);
    phys[8] = 1;
    chunks.push(pngChunk('pHYs', phys));
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), ...chunks, pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array())]);
}

/** An uncompressed little-endian single-strip TIFF, 8 or 16 bits, gray or RGB, with separate X and Y resolution. */
function tiff(widthPx: number, heightPx: number, options: { bits: 8 | 16; samplesPerPixel: 1 | 3; samples: Uint16Array | Uint8Array; xDpi?: number; yDpi?: number; unit?: 2 | 3 }): Buffer {
  const bytesPerSample = options.bits / 8;
  const image = Buffer.alloc(widthPx * heightPx * options.samplesPerPixel * bytesPerSample);
  options.samples.forEach((value, i) => (bytesPerSample === 2 ? image.writeUInt16LE(value, i * 2) : image.writeUInt8(value, i)));
  const entries: [number, number, number, number | Buffer][] = [
    [256, 4, 1, widthPx],
    [257, 4, 1, heightPx],
    [258, 3, options.samplesPerPixel, options.samplesPerPixel === 1 ? options.bits : Buffer.from(new Uint16Array([options.bits, options.bits, options.bits]).buffer)],
    [259, 3, 1, 1],
    [262, 3, 1, options.samplesPerPixel === 1 ? 1 : 2],
    [273, 4, 1, 0], // strip offset, filled in below
    [277, 3, 1, options.samplesPerPixel],
    [278, 4, 1, heightPx],
    [279, 4, 1, image.length],
  ];
  const rational = (value: number): Buffer => Buffer.from(new Uint32Array([Math.round(value * 1000), 1000]).buffer);
  if (options.xDpi !== undefined) entries.push([282, 5, 1, rational(options.xDpi)]);
  if (options.yDpi !== undefined) entries.push([283, 5, 1, rational(options.yDpi)]);
  if (options.xDpi !== undefined) entries.push([296, 3, 1, options.unit ?? 2]);
  const ifdBytes = 2 + entries.length * 12 + 4;
  const extras = entries.filter((e) => Buffer.isBuffer(e[3])).map((e) => e[3] as Buffer);
  const extraOffset = 8 + ifdBytes;
  const imageOffset = extraOffset + extras.reduce((n, b) => n + b.length, 0);
  const ifd = Buffer.alloc(ifdBytes);
  ifd.writeUInt16LE(entries.length, 0);
  let nextExtra = extraOffset;
  entries.forEach(([tag, type, count, value], i) => {
    const e = 2 + i * 12;
    ifd.writeUInt16LE(tag, e);
    ifd.writeUInt16LE(type, e + 2);
    ifd.writeUInt32LE(count, e + 4);
    if (Buffer.isBuffer(value)) {
      ifd.writeUInt32LE(nextExtra, e + 8);
      nextExtra += value.length;
    } else if (tag === 273) ifd.writeUInt32LE(imageOffset, e + 8);
    else if (type === 3) ifd.writeUInt16LE(value, e + 8);
    else ifd.writeUInt32LE(value, e + 8);
  });
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  return Buffer.concat([header, ifd, ...extras, image]);
}

/** Samples for a w×h page: white paper (max) with a rectangle of `value` at (x0, y0)–(x1, y1). */
function patchSamples(widthPx: number, heightPx: number, perPixel: number, max: number, rect: [number, number, number, number], value: number[]): Uint16Array {
  const samples = new Uint16Array(widthPx * heightPx * perPixel).fill(max);
  for (let y = rect[1]; y < rect[3]; y++) for (let x = rect[0]; x < rect[2]; x++) for (let c = 0; c < perPixel; c++) samples[(y * widthPx + x) * perPixel + c] = value[c]!;
  return samples;
}

describe('normalizePage: CMYK JPEG', () => {
  it('decodes a CMYK JPEG with an ICC profile to sRGB: a red patch stays red, paper stays white, never CMYK in the PDF', async () => {
    const red = { r: 200, g: 30, b: 30 };
    const jpeg = await testPage(red).withIccProfile('cmyk').toColourspace('cmyk').withDensity(300).jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(jpeg).metadata();
    expect([meta.space, meta.channels, meta.hasProfile]).toEqual(['cmyk', 4, true]);
    const page = await normalize('cmyk-icc.jpg', jpeg);
    expect(page.colourMode).toBe('colour');
    expect(page.pdfImagePassthrough).toBe(false);
    const pdfMeta = await sharp(page.pdfImagePath).metadata();
    expect([pdfMeta.space, pdfMeta.channels]).toEqual(['srgb', 3]);
    const pdf = await pixels(page.pdfImagePath, 'srgb');
    expectClose(at(pdf, 360, 560), [red.r, red.g, red.b], 12);
    expectClose(at(pdf, 50, 50), [255, 255, 255], 6);
    expect(Math.max(...at(pdf, 260, 260))).toBeLessThan(64);
  });

  it('decodes a CMYK JPEG without a profile through the standard CMYK profile and finds a black-on-white page gray', async () => {
    const jpeg = await testPage().toColourspace('cmyk').withDensity(300).jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(jpeg).metadata();
    expect([meta.space, meta.channels, meta.hasProfile]).toEqual(['cmyk', 4, false]);
    const page = await normalize('cmyk.jpg', jpeg);
    expect(page.colourMode).toBe('gray');
    expect(page.pdfImagePassthrough).toBe(false);
    expect((await sharp(page.pdfImagePath).metadata()).channels).toBe(1);
    const ocr = await pixels(page.ocrImagePath, 'b-w');
    expect(at(ocr, 50, 50)[0]).toBeGreaterThanOrEqual(250);
    expect(at(ocr, 260, 260)[0]).toBeLessThan(64);
  });
});

describe('normalizePage: palette PNG', () => {
  it('decodes a 16-colour palette PNG with its colours', async () => {
    const blue = { r: 20, g: 60, b: 200 };
    const png = await testPage(blue).withDensity(300).png({ palette: true, colours: 16, dither: 0 }).toBuffer();
    const meta = await sharp(png).metadata();
    expect([meta.isPalette, meta.bitsPerSample, meta.channels]).toEqual([true, 4, 3]);
    const page = await normalize('palette16.png', png);
    expect(page.colourMode).toBe('colour');
    expectClose(at(await pixels(page.pdfImagePath, 'srgb'), 360, 560), [blue.r, blue.g, blue.b], 12);
  });

  it('keeps a 2-colour black-and-white palette PNG of text bitonal, like a 1-bit page', async () => {
    const text = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    const png = await sharp(text.data, { raw: { width: text.widthPx, height: text.heightPx, channels: 1 } })
      .threshold(128)
      .toColourspace('srgb')
      .withDensity(150)
      .png({ palette: true, colours: 2, dither: 0 })
      .toBuffer();
    const meta = await sharp(png).metadata();
    expect([meta.isPalette, meta.bitsPerSample, meta.channels]).toEqual([true, 1, 3]);
    const page = await normalize('palette2.png', png);
    expect(page.colourMode).toBe('bitonal');
    expect([page.widthPx, page.heightPx, page.dpi]).toEqual([1240, 1754, 150]);
  });

  it('keeps a 2-colour palette whose ink is red in colour, not bitonal', async () => {
    const png = await testPage({ r: 220, g: 0, b: 0 }).composite([]).png({ palette: true, colours: 2, dither: 0 }).toBuffer();
    const red = await sharp({ create: { width: 600, height: 800, channels: 3, background: '#fff' } })
      .composite([{ input: { create: { width: 300, height: 300, channels: 3, background: { r: 220, g: 0, b: 0 } } }, left: 100, top: 100 }])
      .png({ palette: true, colours: 2, dither: 0 })
      .toBuffer();
    expect((await sharp(png).metadata()).isPalette).toBe(true);
    const page = await normalize('palette-red.png', red);
    expect(page.colourMode).toBe('colour');
  });
});

describe('normalizePage: alpha channels', () => {
  it('flattens an RGBA PNG on white: transparent areas white, opaque ink black', async () => {
    const ink = { input: { create: { width: 100, height: 100, channels: 4 as const, background: { r: 0, g: 0, b: 0, alpha: 1 } } }, left: 250, top: 350 };
    const png = await sharp({ create: { width: 600, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).composite([ink]).png().toBuffer();
    const page = await normalize('rgba.png', png);
    const ocr = await pixels(page.ocrImagePath, 'b-w');
    expect(at(ocr, 50, 50)[0]).toBe(255);
    expect(at(ocr, 300, 400)[0]).toBe(0);
    expect(page.colourMode).toBe('gray');
  });

  it('flattens a palette PNG with transparency and a 16-bit gray+alpha PNG on white', async () => {
    const ink = { input: { create: { width: 100, height: 100, channels: 4 as const, background: { r: 0, g: 0, b: 0, alpha: 1 } } }, left: 250, top: 350 };
    const palette = await sharp({ create: { width: 600, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).composite([ink]).png({ palette: true, colours: 4 }).toBuffer();
    const meta = await sharp(palette).metadata();
    expect([meta.isPalette, meta.hasAlpha]).toEqual([true, true]);
    // Transparent black paper, opaque black ink: drawn wrongly, both come out black.
    const grayAlpha = png16(600, 800, 4, patchSamples(600, 800, 2, 0, [250, 350, 350, 450], [0, 65535]));
    expect(await sharp(grayAlpha).metadata()).toMatchObject({ space: 'grey16', channels: 2, hasAlpha: true, bitsPerSample: 16 });
    for (const [name, bytes] of [['palette-alpha.png', palette], ['gray16-alpha.png', grayAlpha]] as const) {
      const ocr = await pixels((await normalize(name, bytes)).ocrImagePath, 'b-w');
      expect(at(ocr, 50, 50)[0], name).toBe(255);
      expect(at(ocr, 300, 400)[0], name).toBe(0);
    }
  });
});

describe('normalizePage: 16-bit inputs', () => {
  const mid = 0x8080; // 128 in 8 bits
  it('decodes 16-bit gray and RGB PNGs to 8 bits: a mid-gray patch stays mid-gray', async () => {
    const gray = png16(600, 800, 0, patchSamples(600, 800, 1, 65535, [250, 350, 350, 450], [mid]), 300);
    const rgb = png16(600, 800, 2, patchSamples(600, 800, 3, 65535, [250, 350, 350, 450], [mid, mid, mid]), 300);
    expect(await sharp(gray).metadata()).toMatchObject({ space: 'grey16', bitsPerSample: 16, depth: 'ushort' });
    expect(await sharp(rgb).metadata()).toMatchObject({ space: 'rgb16', bitsPerSample: 16, depth: 'ushort' });
    for (const [name, bytes] of [['gray16.png', gray], ['rgb16.png', rgb]] as const) {
      const page = await normalize(name, bytes);
      expect(page.colourMode, name).toBe('gray');
      const ocr = await pixels(page.ocrImagePath, 'b-w');
      expectClose(at(ocr, 300, 400), [128], 2);
      expect(at(ocr, 50, 50)[0], name).toBe(255);
    }
  });

  it('decodes 16-bit gray and RGB TIFFs to 8 bits, and keeps a 16-bit colour patch its colour', async () => {
    const gray = tiff(600, 800, { bits: 16, samplesPerPixel: 1, samples: patchSamples(600, 800, 1, 65535, [250, 350, 350, 450], [mid]), xDpi: 300, yDpi: 300 });
    const rgb = tiff(600, 800, { bits: 16, samplesPerPixel: 3, samples: patchSamples(600, 800, 3, 65535, [250, 350, 350, 450], [0xc8c8, 0x1e1e, 0x1e1e]), xDpi: 300, yDpi: 300 });
    expect(await sharp(gray).metadata()).toMatchObject({ format: 'tiff', bitsPerSample: 16, channels: 1 });
    expect(await sharp(rgb).metadata()).toMatchObject({ format: 'tiff', bitsPerSample: 16, channels: 3 });
    const grayPage = await normalize('gray16.tif', gray);
    expect([grayPage.colourMode, grayPage.dpi, grayPage.warnings]).toEqual(['gray', 300, []]);
    expectClose(at(await pixels(grayPage.ocrImagePath, 'b-w'), 300, 400), [128], 2);
    const rgbPage = await normalize('rgb16.tif', rgb);
    expect(rgbPage.colourMode).toBe('colour');
    expectClose(at(await pixels(rgbPage.pdfImagePath, 'srgb'), 300, 400), [200, 30, 30], 10);
  });
});

describe('normalizePage: coloured ink', () => {
  it('reads a colour page with its red seal and blue signature lifted towards paper, and keeps both in the PDF image', async () => {
    // A black text block, a red seal ring over its right end, a blue stroke below it, on white paper.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="1000"><rect width="100%" height="100%" fill="white"/>
      <rect x="100" y="200" width="400" height="40" fill="black"/>
      <circle cx="480" cy="220" r="90" fill="none" stroke="rgb(210,30,40)" stroke-width="14"/>
      <path d="M120 420 C 200 380, 300 460, 420 400" stroke="rgb(30,40,150)" stroke-width="8" fill="none"/></svg>`;
    const png = await sharp(Buffer.from(svg)).withMetadata({ density: 200 }).png().toBuffer();
    const page = await normalize('sealed.png', png, { deskew: false, liftColouredInk: true });
    expect(page.colourMode).toBe('colour');
    const ocr = await pixels(page.ocrImagePath, 'b-w');
    const scale = page.ocrWidthPx / page.widthPx;
    const ocrAt = (x: number, y: number) => at(ocr, Math.round(x * scale), Math.round(y * scale))[0]!;
    expect(ocrAt(300, 220)).toBeLessThan(60); // the type
    expect(ocrAt(490, 220)).toBeLessThan(60); // the type where the seal crosses it
    expect(ocrAt(480, 130)).toBeGreaterThan(190); // the seal ring above it, lifted to its red
    expect(ocrAt(300, 408)).toBeGreaterThan(135); // the signature stroke, lifted to its blue
    const pdf = await pixels(page.pdfImagePath, 'srgb');
    expectClose(at(pdf, 480, 133), [210, 30, 40], 40);
  });

  it('keeps the coloured ink in the OCR copy when liftColouredInk is off', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="1000"><rect width="100%" height="100%" fill="white"/>
      <circle cx="400" cy="500" r="150" fill="none" stroke="rgb(210,30,40)" stroke-width="20"/></svg>`;
    const png = await sharp(Buffer.from(svg)).withMetadata({ density: 200 }).png().toBuffer();
    const page = await normalize('seal-kept.png', png, { deskew: false, liftColouredInk: false });
    const ocr = await pixels(page.ocrImagePath, 'b-w');
    const scale = page.ocrWidthPx / page.widthPx;
    expect(at(ocr, Math.round(400 * scale), Math.round(350 * scale))[0]).toBeLessThan(200);
  });
});

describe('normalizePage: drawn type rendered gray', () => {
  it('stores a page marked storeAs bitonal as G4 while the engine reads its gray, anti-aliased copy', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="1000"><rect width="100%" height="100%" fill="white"/>
      <text x="80" y="200" font-family="DejaVu Serif" font-size="40" font-style="italic">Vĩnh Long, ngày 09 tháng 6</text>
      <circle cx="600" cy="700" r="80" fill="rgb(120,120,120)"/></svg>`;
    const png = await sharp(Buffer.from(svg)).toColourspace('b-w').withMetadata({ density: 200 }).png().toBuffer();
    const page = await normalizePage({ ...source(await writeInput('drawn.png', png)), storeAs: 'bitonal' }, context({ deskew: false }));
    expect([page.colourMode, page.pdfImageFormat]).toEqual(['bitonal', 'ccitt-g4']);
    const ocr = await pixels(page.ocrImagePath, 'b-w');
    const levels = new Set(ocr.data);
    expect(levels.size).toBeGreaterThan(16); // gray edges kept for the engine
  });
});

describe('normalizePage: a PDF page whose scan was JBIG2', () => {
  async function jbig2Source(page: { data: Buffer; widthPx: number; heightPx: number }, skewDeg: number): Promise<PageSource> {
    const image = skewDeg === 0 ? page.data : await skewPage(page, skewDeg);
    const png = await sharp(image, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } })
      .toColourspace('b-w').threshold(128).withMetadata({ density: 200 }).png({ colours: 2, palette: false }).toBuffer();
    const { width, height } = await sharp(png).metadata();
    const stream = await writeInput('page.jb2', Buffer.from('JBIG2 stream bytes'));
    const globals = await writeInput('page.jb2g', Buffer.from('JBIG2 globals'));
    return { ...source(await writeInput('rendered.png', png)), jbig2: { streamPath: stream, globalsPath: globals, widthPx: width as number, heightPx: height as number, decode: [1, 0] } };
  }

  it('keeps the stream for the PDF when no pixel changed, a skew under 0.3° included, and still writes the G4 image', async () => {
    const page = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    for (const skewDeg of [0, 0.2]) {
      const normalized = await normalizePage(await jbig2Source(page, skewDeg), context({ deskew: true }));
      expect(normalized.pdfImageFormat).toBe('ccitt-g4');
      expect(normalized.pdfImageJbig2).toMatchObject({ widthPx: normalized.widthPx, heightPx: normalized.heightPx, decode: [1, 0] });
      // Copied into the page's work folder, beside its G4 image.
      expect(path.dirname(normalized.pdfImageJbig2?.streamPath ?? '')).toBe(path.dirname(normalized.pdfImagePath));
      expect(await readFile(normalized.pdfImageJbig2?.streamPath ?? '', 'utf8')).toBe('JBIG2 stream bytes');
      expect(await readFile(normalized.pdfImageJbig2?.globalsPath ?? '', 'utf8')).toBe('JBIG2 globals');
    }
  });

  it('lets the stream go when the page is deskewed', async () => {
    const page = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    const normalized = await normalizePage(await jbig2Source(page, 2), context({ deskew: true }));
    expect(Math.abs(normalized.skewDeg)).toBeGreaterThan(1);
    expect(normalized.pdfImageJbig2).toBeUndefined();
  });
});

describe('normalizePage: 1-bit TIFF', () => {
  for (const compression of ['ccittfax4', 'none'] as const) {
    it(`keeps a 1-bit ${compression} TIFF bitonal`, async () => {
      const bytes = await sharp(await testPage().removeAlpha().png().toBuffer()).toColourspace('b-w').tiff({ compression, bitdepth: 1, xres: 300 / 25.4, yres: 300 / 25.4, resolutionUnit: 'inch' }).toBuffer();
      expect(await sharp(bytes).metadata()).toMatchObject({ bitsPerSample: 1, channels: 1, density: 300 });
      const page = await normalize(`bit1-${compression}.tif`, bytes);
      expect([page.colourMode, page.dpi, page.warnings]).toEqual(['bitonal', 300, []]);
    });
  }
});

describe('normalizePage: resolution', () => {
  it('assumes defaultDpi with a warning when a TIFF has no resolution and no sheet shape', async () => {
    const bytes = tiff(800, 800, { bits: 8, samplesPerPixel: 1, samples: new Uint8Array(800 * 800).fill(255) });
    const page = await normalize('nodpi.tif', bytes, { defaultDpi: 200 });
    expect([page.dpi, page.dpiAssumed, page.warnings]).toEqual([200, true, ['no resolution in file; assumed 200 dpi']]);
  });

  it('infers 200 dpi for an A4-shaped TIFF with no resolution, flags it, and sizes its OCR copy by its text', async () => {
    const bytes = tiff(1654, 2339, { bits: 8, samplesPerPixel: 1, samples: new Uint8Array(1654 * 2339).fill(255) });
    const page = await normalize('nodpi-a4.tif', bytes, { defaultDpi: 300 });
    expect([page.dpi, page.dpiAssumed, page.dpiInferredFrom]).toEqual([200, true, 'A4 portrait']);
    expect(page.warnings).toEqual(['no resolution in file; 200 dpi inferred from its A4 portrait shape']);
    // A blank page has no text to size by, and a guessed resolution enlarges nothing.
    expect([page.ocrWidthPx, page.ocrDpi]).toEqual([1654, 200]);
  });

  it('resamples a 200×100 dpi fax TIFF to square 200 dpi pixels and records both resolutions', async () => {
    const drawn = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#fff' } })
      .composite([{ input: { create: { width: 100, height: 50, channels: 3, background: '#000' } }, left: 100, top: 100 }])
      .removeAlpha()
      .png()
      .toBuffer();
    const fax = await sharp(drawn)
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, xres: 200 / 25.4, yres: 100 / 25.4, resolutionUnit: 'inch' })
      .toBuffer();
    // sharp reports only the X resolution.
    expect(await sharp(fax).metadata()).toMatchObject({ density: 200, bitsPerSample: 1 });
    const page = await normalize('fax.tif', fax);
    expect([page.widthPx, page.heightPx, page.dpi, page.dpiAssumed, page.colourMode]).toEqual([400, 600, 200, false, 'bitonal']);
    expect(page.warnings).toEqual(['non-square pixels: scanned at 200×100 dpi (horizontal×vertical); resampled to 200×200 dpi']);
    // The block, rows 100–150 at 100 dpi, is rows 200–300 now (the OCR copy is upscaled to ocrMinDpi on top).
    const ocr = await pixels(page.ocrImagePath, 'b-w');
    const scale = page.ocrWidthPx / page.widthPx;
    const ink = (x: number, y: number): number => at(ocr, Math.round(x * scale), Math.round(y * scale))[0]!;
    expect([ink(150, 190), ink(150, 210), ink(150, 290), ink(150, 310)]).toEqual([255, 0, 0, 255]);
  });

  it('downsamples a 1200 dpi scan to maxDpi, with a warning', async () => {
    const jpeg = await sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#fff' } }).withDensity(1200).jpeg().toBuffer();
    const page = await normalize('dpi1200.jpg', jpeg);
    expect([page.widthPx, page.heightPx, page.dpi, page.pdfImagePassthrough]).toEqual([600, 800, 600, false]);
    expect(page.warnings).toEqual(['scanned at 1200 dpi, above normalize.maxDpi; downsampled to 600 dpi']);
    expect((await sharp(page.pdfImagePath).metadata()).density).toBe(600);
    const kept = await normalize('dpi1200-kept.jpg', jpeg, { maxDpi: 1200 });
    expect([kept.widthPx, kept.dpi, kept.warnings]).toEqual([1200, 1200, []]);
  });

  it('does both at once for a 400×800 dpi TIFF, in one resampling to maxDpi', async () => {
    const bytes = tiff(400, 800, { bits: 8, samplesPerPixel: 1, samples: new Uint8Array(400 * 800).fill(200), xDpi: 400, yDpi: 800 });
    const page = await normalize('400x800.tif', bytes);
    expect([page.widthPx, page.heightPx, page.dpi]).toEqual([600, 600, 600]);
    expect(page.warnings).toHaveLength(2);
  });

  it('says how to get past the pixel limit', async () => {
    const file = await writeInput('huge.png', await testPage().png().toBuffer());
    const err = await normalizePage(source(file), context({ maxInputPixels: 100_000 })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/huge\.png, page 1: 600×800 = 480000 pixels exceeds the limit of 100000 pixels; split the scan or raise normalize\.maxInputPixels/);
    expect((err as InputError).code).toBe('IMAGE_TOO_LARGE');
  });
});

describe('normalizePage: damaged files', () => {
  for (const [name, make] of [
    ['truncated.png', async () => (await sharp({ create: { width: 600, height: 800, channels: 3, background: '#fff', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer())],
    ['truncated.tif', async () => tiff(600, 800, { bits: 8, samplesPerPixel: 1, samples: new Uint8Array(600 * 800).fill(255), xDpi: 300, yDpi: 300 })],
  ] as const) {
    it(`turns a ${name} into an InputError naming the file and page`, async () => {
      const whole = await make();
      const file = await writeInput(name, whole.subarray(0, Math.floor(whole.length / 2)));
      const err = await normalizePage(source(file), context()).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toContain(`${path.basename(file)}, page 1: cannot be`);
      expect((err as InputError).location).toEqual({ file: path.basename(file), pageNumber: 1 });
      expect(['IMAGE_UNREADABLE', 'IMAGE_UNDECODABLE']).toContain((err as InputError).code);
    });
  }
});

describe('normalizePage: blank pages', () => {
  it('flags a blank page and not a text page, and keeps both', async () => {
    const blank = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#f4f4f0' } }).withDensity(150).jpeg().toBuffer();
    const blankPage = await normalize('blank.jpg', blank);
    expect(blankPage.blank).toBe(true);
    expect(await readFile(blankPage.pdfImagePath)).toBeTruthy();
    const text = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150, lineCount: 4 });
    const textPage = await normalize('text.png', await sharp(text.data, { raw: { width: text.widthPx, height: text.heightPx, channels: 1 } }).withDensity(150).png().toBuffer());
    expect(textPage.blank).toBe(false);
  });
});

describe('decoding helpers', () => {
  it('reads separate X and Y resolutions from a TIFF, per page, in inches or centimetres', async () => {
    const reader = (bytes: Uint8Array) => async (offset: number, length: number) => bytes.subarray(offset, offset + length);
    const fax = tiff(8, 8, { bits: 8, samplesPerPixel: 1, samples: new Uint8Array(64), xDpi: 204, yDpi: 98 });
    expect(await readTiffResolution(reader(fax), 0)).toEqual({ xDpi: 204, yDpi: 98 });
    const cm = tiff(8, 8, { bits: 8, samplesPerPixel: 1, samples: new Uint8Array(64), xDpi: 118.11, yDpi: 118.11, unit: 3 });
    expect((await readTiffResolution(reader(cm), 0))?.xDpi).toBeCloseTo(300, 0);
    expect(await readTiffResolution(reader(fax), 1)).toBeUndefined();
    expect(await readTiffResolution(reader(Buffer.from('not a tiff at all')), 0)).toBeUndefined();
    const first = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#fff' } }).png().toBuffer();
    const multi = await sharp([first, first], { join: { animated: true } }).tiff({ xres: 10, yres: 5 }).toBuffer();
    expect(await readTiffResolution(reader(multi), 1)).toEqual({ xDpi: expect.closeTo(254, 0), yDpi: expect.closeTo(127, 0) });
  });

  it('plans square pixels at the larger resolution, capped at maxDpi', () => {
    expect(squarePixelGrid({ widthPx: 1728, heightPx: 1100, xDpi: 204, yDpi: 98 }, 600)).toMatchObject({ widthPx: 1728, heightPx: 2290, dpi: 204 });
    expect(squarePixelGrid({ widthPx: 2480, heightPx: 3508, xDpi: 300, yDpi: 300 }, 600)).toEqual({ widthPx: 2480, heightPx: 3508, dpi: 300, warnings: [] });
    expect(squarePixelGrid({ widthPx: 9920, heightPx: 14032, xDpi: 1200, yDpi: 1200 }, 600)).toMatchObject({ widthPx: 4960, heightPx: 7016, dpi: 600 });
  });

  it('tells black-and-white pixels from gray and colour ones', () => {
    expect(isBlackAndWhite(new Uint8Array([0, 0, 0, 255, 255, 255, 3, 3, 3]), 3)).toBe(true);
    expect(isBlackAndWhite(new Uint8Array([0, 0, 0, 255, 0, 0]), 3)).toBe(false);
    expect(isBlackAndWhite(new Uint8Array([0, 128, 255]), 1)).toBe(false);
  });

  it('takes maxDpi from pipeline files, 600 by default', async () => {
    expect((await loadPipeline('dossier')).stages.normalize.maxDpi).toBe(600);
    expect((await loadPipeline('result')).stages.normalize.maxDpi).toBe(600);
    const minimal = { name: 't', stages: [{ normalize: { maxDpi: 400 } }, { recognize: {} }, { extract: {} }, { assemble: {} }, { store: {} }] };
    expect(resolvePipeline(minimal, 't.yaml').stages.normalize.maxDpi).toBe(400);
    expect(() => resolvePipeline({ ...minimal, stages: [{ normalize: { maxDpi: 100 } }, ...minimal.stages.slice(1)] }, 't.yaml')).toThrow(/stages\[0\]\.normalize\.maxDpi: expected an integer 150–2400/);
  });
});
