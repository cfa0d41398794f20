// Reads the codes that can cut a scan stack (QR, Code 128, Code 39) on every page, cheaply first, then harder.
import sharp from 'sharp';
import { readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { loadQrReader, type GrayImage } from './decode-qr.ts';

/** A code found on a page. `valid` false: a symbol was found but failed its checksum or was not read whole. */
export interface ReadCode {
  text: string;
  format: string;
  valid: boolean;
}

const separatorFormats: ReaderOptions['formats'] = ['QRCode', 'Code128', 'Code39'];

/**
 * The look for each page: small (a sheet's code is large), all four turns (1-D symbols are read along one axis),
 * errors returned, so a torn symbol is seen and reported instead of silently missed.
 */
const quickLook: ReaderOptions = { formats: separatorFormats, tryHarder: true, tryRotate: true, tryInvert: false, tryDownscale: true, returnErrors: true, maxNumberOfSymbols: 4 };
/** The second look, on a cleaned copy at full size: small or fax-quality codes, 1-bit speckle. */
const hardLook: ReaderOptions = { ...quickLook, tryHarder: true, tryDenoise: true };

/** Widths the looks work at: about 100 dpi of A4 for the quick one, about 240 for the hard ones. */
const quickWidthPx = 850;
const hardWidthPx = 2000;

/**
 * Every separator code on the page. The quick look runs on every page; the hard ones (larger, then cleaned of
 * speckle) only where the quick one saw a symbol it could not read, or where the caller asks (a near-empty page,
 * the likely separator sheet). The first look that reads a code wins.
 */
export async function readSeparatorCodes(page: GrayImage, options: { tryHard?: boolean } = {}): Promise<ReadCode[]> {
  await loadQrReader();
  const quick = await look(page, quickWidthPx, false, quickLook);
  if (quick.some((code) => code.valid) || (!options.tryHard && quick.length === 0)) return dedupe(quick);
  let seen = quick;
  for (const clean of [false, true]) {
    const hard = await look(page, hardWidthPx, clean, hardLook);
    if (hard.some((code) => code.valid)) return dedupe(hard);
    if (hard.length > 0) seen = hard;
  }
  return dedupe(seen);
}

async function look(page: GrayImage, widthPx: number, clean: boolean, options: ReaderOptions): Promise<ReadCode[]> {
  let pipeline = sharp(page.data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } });
  if (page.widthPx > widthPx) pipeline = pipeline.resize(widthPx, undefined, { kernel: 'cubic' });
  if (clean) pipeline = pipeline.median(3);
  const { data, info } = await pipeline.toColourspace('b-w').ensureAlpha(1).raw().toBuffer({ resolveWithObject: true });
  const input = { data: new Uint8ClampedArray(grayToRgba(data, info.channels)), width: info.width, height: info.height, colorSpace: 'srgb' };
  const results = await readBarcodes(input as unknown as Parameters<typeof readBarcodes>[0], options);
  return results.map((result) => ({ text: result.text, format: String(result.format), valid: result.isValid && result.text !== '' }));
}

/** sharp gives gray+alpha; zxing-wasm reads RGBA. */
function grayToRgba(data: Buffer, channels: number): Uint8ClampedArray {
  const pixels = data.length / channels;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    const gray = data[i * channels]!;
    rgba[i * 4] = gray;
    rgba[i * 4 + 1] = gray;
    rgba[i * 4 + 2] = gray;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** The large and the spare code of one sheet are one code; an unreadable symbol beside a read one adds nothing. */
function dedupe(codes: readonly ReadCode[]): ReadCode[] {
  const read = new Map(codes.filter((c) => c.valid).map((c) => [`${c.format}\u0000${c.text}`, c]));
  return read.size > 0 ? [...read.values()] : codes.slice(0, 1);
}
