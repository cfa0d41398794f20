// Finds and decodes the QR codes on a scanned page with ZXing-C++ (zxing-wasm), whose WebAssembly is read from node_modules, never fetched.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';

/** An 8-bit gray raster, one byte per pixel, rows top to bottom. */
export interface GrayImage {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

export interface DecodedQr {
  text: string;
  /** Smallest upright box around the symbol, in pixels of the image given, origin top-left. */
  box: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * One way of looking at the page. `region` is a share of the page (0–1 on each axis), `scale` resamples it and
 * `despeckle` runs a 3×3 median over it, which removes the dust specks that break finder patterns.
 */
export interface QrAttempt {
  name: string;
  region?: { x0: number; y0: number; x1: number; y1: number };
  scale?: number;
  despeckle?: boolean;
}

/** Where Circular 01/2023 prints the code: top left of the document's first page. */
const TOP_LEFT_QUARTER = { x0: 0, y0: 0, x1: 0.5, y1: 0.5 };

/**
 * Modules are enlarged until the scan is as sharp as one at this resolution: 3–5 px modules at 200 dpi broken by
 * specks and blur read again at 6–10 px.
 */
const ENLARGE_TO_DPI = 400;

/**
 * The attempts for one page, tried in order until one finds a code. Every page is read once as scanned; the
 * first page of a document, where the code is printed, also gets its top-left quarter despeckled (3×3 median,
 * which removes the dust that breaks finder patterns) and then enlarged to about 400 dpi. Measured with
 * `node scripts/eval/qr-eval.ts` (synthetic scans, 8 per condition): the page as scanned reads 97–98% of codes at
 * 200–300 dpi; with the two fallbacks every code at 200 and 300 dpi is read. The fallbacks cost a page without a
 * code about 0.15 s at 300 dpi and 0.14 s at 200 dpi on 2 cores, so only first pages pay for them; the single
 * pass costs 0.06 s and 0.025 s.
 */
export function qrAttemptsFor(page: { dpi: number; firstOfDocument: boolean }): QrAttempt[] {
  const attempts: QrAttempt[] = [{ name: 'page' }];
  if (!page.firstOfDocument) return attempts;
  attempts.push({ name: 'top-left quarter despeckled', region: TOP_LEFT_QUARTER, despeckle: true });
  const scale = Math.min(2, ENLARGE_TO_DPI / Math.max(1, page.dpi));
  if (scale > 1.05) attempts.push({ name: `top-left quarter ×${scale.toFixed(2)}`, region: TOP_LEFT_QUARTER, scale });
  return attempts;
}

/** Every attempt, for a page whose resolution and place are unknown (a 200 dpi first page). */
export const defaultQrAttempts: readonly QrAttempt[] = qrAttemptsFor({ dpi: 200, firstOfDocument: true });

/** Where the reader build's WebAssembly lies on disk; zxing-wasm would otherwise fetch it from a CDN. */
export const zxingReaderWasmPath = fileURLToPath(import.meta.resolve('zxing-wasm/reader/zxing_reader.wasm'));

const readerOptions: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  // Rotation only matters to 1-D symbols, and paper scans are dark on light: neither is worth the time.
  tryRotate: false,
  tryInvert: false,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

let readerReady: Promise<unknown> | undefined;

/**
 * Instantiates the reader once per process from the .wasm in node_modules. `decodeQrCodes` calls it; anything else
 * that calls zxing-wasm's `readBarcodes` directly must await it first, or zxing-wasm goes to its CDN.
 */
export function loadQrReader(): Promise<unknown> {
  readerReady ??= readFile(zxingReaderWasmPath).then(
    (bytes) =>
      prepareZXingModule({
        overrides: {
          wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
          // Only reached if the binary above were missing; points at the same file so no URL is ever built.
          locateFile: (file: string) => (file.endsWith('.wasm') ? zxingReaderWasmPath : file),
        },
        fireImmediately: true,
      }),
    (err: unknown) => {
      throw new Error(`cannot read the QR reader's WebAssembly at ${zxingReaderWasmPath}; reinstall the dependencies with "npm ci"`, { cause: err });
    },
  );
  return readerReady;
}

/**
 * The QR codes on an 8-bit gray page, each with its text and box. Attempts run in order and stop at the first
 * that finds a code; an empty list means none of them found one.
 */
export async function decodeQrCodes(image: GrayImage, attempts: readonly QrAttempt[] = defaultQrAttempts): Promise<DecodedQr[]> {
  checkImage(image);
  await loadQrReader();
  for (const attempt of attempts) {
    const view = await prepareView(image, attempt);
    const results = await readBarcodes(toPgm(view.image), readerOptions);
    const found = results.filter((result) => result.isValid && result.text !== '').map((result) => toDecoded(result, view, image));
    if (found.length > 0) return found;
  }
  return [];
}

/** Reads any image sharp reads (first page of a multi-page file), upright per its EXIF, as gray, and decodes it. */
export async function decodeQrCodesInFile(path: string, attempts: readonly QrAttempt[] = defaultQrAttempts): Promise<DecodedQr[]> {
  const { data, info } = await sharp(path).autoOrient().flatten({ background: '#ffffff' }).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return decodeQrCodes({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height }, attempts);
}

/** The pixels one attempt looks at and how they map back: page x = `leftPx` + view x / `scale`. */
interface View {
  image: GrayImage;
  leftPx: number;
  topPx: number;
  scale: number;
}

async function prepareView(image: GrayImage, attempt: QrAttempt): Promise<View> {
  const region = attempt.region ?? { x0: 0, y0: 0, x1: 1, y1: 1 };
  const leftPx = Math.floor(region.x0 * image.widthPx);
  const topPx = Math.floor(region.y0 * image.heightPx);
  const widthPx = Math.max(1, Math.ceil(region.x1 * image.widthPx) - leftPx);
  const heightPx = Math.max(1, Math.ceil(region.y1 * image.heightPx) - topPx);
  const scale = attempt.scale ?? 1;
  const whole = leftPx === 0 && topPx === 0 && widthPx === image.widthPx && heightPx === image.heightPx;
  if (whole && scale === 1 && !attempt.despeckle) return { image, leftPx, topPx, scale };

  let pipeline = sharp(image.data, { raw: { width: image.widthPx, height: image.heightPx, channels: 1 } });
  if (!whole) pipeline = pipeline.extract({ left: leftPx, top: topPx, width: widthPx, height: heightPx });
  if (attempt.despeckle) pipeline = pipeline.median(3);
  if (scale !== 1) pipeline = pipeline.resize(Math.round(widthPx * scale), Math.round(heightPx * scale), { kernel: 'cubic' });
  const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { image: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height }, leftPx, topPx, scale: info.width / widthPx };
}

/**
 * The gray pixels as a binary PGM (P5) file, which the reader decodes as one gray channel: a header before the
 * bytes, where an RGBA ImageData would take four times the page's pixels here and again inside the WebAssembly
 * heap (35 MiB each for an A4 page at 300 dpi), which never shrinks. Measured on 300 dpi pages: 25 ms against 65.
 */
function toPgm(image: GrayImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${image.widthPx} ${image.heightPx}\n255\n`);
  const file = new Uint8Array(header.length + image.data.length);
  file.set(header, 0);
  file.set(image.data, header.length);
  return file;
}

function toDecoded(result: ReadResult, view: View, page: GrayImage): DecodedQr {
  const corners = [result.position.topLeft, result.position.topRight, result.position.bottomRight, result.position.bottomLeft];
  const xs = corners.map((point) => view.leftPx + point.x / view.scale);
  const ys = corners.map((point) => view.topPx + point.y / view.scale);
  return {
    text: result.text,
    box: {
      x0: clamp(Math.floor(Math.min(...xs)), 0, page.widthPx),
      y0: clamp(Math.floor(Math.min(...ys)), 0, page.heightPx),
      x1: clamp(Math.ceil(Math.max(...xs)), 0, page.widthPx),
      y1: clamp(Math.ceil(Math.max(...ys)), 0, page.heightPx),
    },
  };
}

function checkImage(image: GrayImage): void {
  const { widthPx, heightPx, data } = image;
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 1 || heightPx < 1) {
    throw new TypeError(`Expected positive integer widthPx and heightPx for image but received ${widthPx}×${heightPx}`);
  }
  if (data.length !== widthPx * heightPx) {
    throw new TypeError(`Expected ${widthPx * heightPx} bytes (8-bit gray, ${widthPx}×${heightPx}) for image.data but received ${data.length}`);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
