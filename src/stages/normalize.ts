// The normalize stage: one decoded input page in, an upright deskewed image for OCR and one for the PDF out.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import type { ErrorCode } from '../domain/error-codes.ts';
import { InputError } from '../domain/errors.ts';
import type { ColourMode, Jbig2Original, NormalizedPage, PageRef, PageSource } from '../domain/page.ts';
import { colourMode, measureChroma } from '../image/colour-mode.ts';
import type { ChromaMeasure } from '../image/colour-mode.ts';
import { estimateSkewDeg } from '../image/deskew.ts';
import type { SkewEstimate } from '../image/deskew.ts';
import { isBlackAndWhite, isTextOnlyGray, maxSpeckPx, measureMidtones } from '../image/black-and-white.ts';
import { measureBlankPage } from '../image/blank-page.ts';
import { squarePixelGrid } from '../image/pixel-grid.ts';
import type { PixelGrid } from '../image/pixel-grid.ts';
import { liftColouredInk } from '../image/coloured-ink.ts';
import { inferPaperDpi } from '../image/paper-size.ts';
import { measureTextLineHeight } from '../image/text-size.ts';
import { readTiffResolutionOf } from '../image/tiff.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { estimateOrientation, minConfidentOrientation } from '../image/orientation.ts';
import { isPdfSafeJpeg, readJpegFrameInfo } from '../image/jpeg-frame.ts';

export type { PageSource } from '../domain/page.ts';

export interface NormalizeOptions {
  /** Resolution assumed when the file carries none. */
  defaultDpi: number;
  /** Larger pages are refused before decoding (a decompression bomb or a mis-scanned roll). */
  maxInputPixels: number;
  /** Pages scanned above this resolution are downsampled to it (OCR gains nothing; time and size grow). */
  maxDpi: number;
  /** How strictly to decode (sharp's failOn): 'truncated' and stricter refuse a cut-off JPEG. */
  failOn: 'none' | 'truncated' | 'error' | 'warning';
  /** Detect and correct 90/180/270° turns with the OCR engine when the file's EXIF did not settle it. */
  orientation: boolean;
  /** Engine confidence from which a detected turn is applied (Tesseract OSD scale). */
  minOrientationConfidence: number;
  deskew: boolean;
  /** Largest skew corrected, degrees either way. */
  maxSkewDeg: number;
  /** JPEG quality of gray and colour PDF images. */
  jpegQuality: number;
  /** The OCR copy of a page scanned below this resolution is upscaled to it, when its text size could not be measured. */
  ocrMinDpi: number;
  /**
   * Lift red, blue and violet ink (seals, stamps, signatures) towards paper on the OCR copy of colour pages, so the
   * type under them is read and their text is not taken for the document's; the PDF image keeps the page as scanned.
   * Off by default: on the real documents of samples/real it raised the CER of colour scans (pooled 5.5% → 5.8%;
   * a half-lifted seal leaves rings the engine reads as letters) for a field F1 gain of 0.016.
   */
  liftColouredInk: boolean;
  /** Size the OCR copy by the height of its text lines (see `ocrGeometry`); off, only `ocrMinDpi` decides. */
  ocrTextSize: boolean;
  /**
   * A 3×3 median on the OCR copy removes scanner speckle (it halved the error on the noisy sample and cut it on
   * clean pages too); the PDF image keeps the scan as it was.
   */
  despeckle: boolean;
  /**
   * Store a gray page as bitonal (CCITT G4) when it is black type on white paper, i.e. its only mid-grays are
   * stroke edges (see `measureMidtones`). Lossless inputs only: a JPEG that needs no change goes in as it is.
   */
  bitonalGray: boolean;
}

/**
 * Defaults. The orientation threshold is low on purpose: Tesseract OSD read an upside-down page at confidence
 * 12.9, which OCRmyPDF's default of 14 would have left upside down; wrong turns at confidence ≥ 2 were not seen.
 */
export const defaultNormalizeOptions: NormalizeOptions = {
  defaultDpi: 300,
  maxInputPixels: 150_000_000,
  maxDpi: 600,
  failOn: 'error',
  orientation: true,
  minOrientationConfidence: 2,
  deskew: true,
  maxSkewDeg: 5,
  jpegQuality: 75,
  ocrMinDpi: 300,
  ocrTextSize: true,
  liftColouredInk: false,
  despeckle: true,
  bitonalGray: true,
};

export interface NormalizeLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface NormalizeContext {
  /** Folder the page images are written into, under `<dossierId>/<documentId>/`. */
  workDir: string;
  orientation: Pick<OcrEngine, 'detectOrientation'>;
  options: NormalizeOptions;
  log?: NormalizeLog;
}

/** A normalized page, always saying whether it is blank (see `measureBlankPage`). */
export interface NormalizedPageResult extends NormalizedPage {
  blank: boolean;
}

/**
 * Resolution of the copy given to orientation detection (~2000 px long side for A4). Measured with Tesseract OSD
 * on A4 pages: 8 pt text was read right at 2000 px (confidence ≥ 9.1, 0.45 s) but wrong at 1500 px (an upright
 * page read as 180° at 1.3, an upside-down one as 0° at 4.2); 11 pt text was right at 1500 px and wrong at 1000 px
 * with confidence up to 5.8. Full resolution (3508 px) costs 0.6–1.1 s for the same answers.
 */
const ORIENTATION_DPI = 170;
/** Width of the copy the skew is measured on: the measured error stayed under 0.05° at this size. */
const DESKEW_WIDTH_PX = 1000;
/** Long side of the copy chroma is measured on: averaging removes JPEG and sensor colour noise. */
const CHROMA_LONG_SIDE_PX = 600;
/** Below this the skew is invisible and rotating would only soften the image. */
const MIN_CORRECTED_SKEW_DEG = 0.1;
/**
 * A scan the PDF can carry as it came (a JPEG, a PDF's JBIG2) is re-encoded when it is turned: 1.5× its bytes as
 * G4 for JBIG2, a second lossy pass for JPEG. Under this skew (1 mm across an A4 line) the engine reads the page
 * alike, so the scan is kept as it came.
 */
const MIN_CORRECTED_SKEW_DEG_KEPT_SCAN = 0.3;

function minCorrectedSkewDeg(source: PageSource, header: Pick<Metadata, 'format'>): number {
  return source.jbig2 !== undefined || header.format === 'jpeg' ? MIN_CORRECTED_SKEW_DEG_KEPT_SCAN : MIN_CORRECTED_SKEW_DEG;
}
/** Leptonica's minimum confidence for deskewing; text pages measured 25–110, blank and photo pages near 1. */
const MIN_SKEW_CONFIDENCE = 3;
/** Resolutions outside this range are taken for a missing or broken tag rather than a real scan. */
const PLAUSIBLE_DPI = { min: 50, max: 2400 } as const;
/** A sheet this coarse is a thumbnail or an icon, not a scan: its inferred resolution would mean nothing. */
const MIN_INFERRED_DPI = 30;
const WHITE = { r: 255, g: 255, b: 255 };

interface RawImage {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  channels: 1 | 3;
}

/**
 * Normalizes one page: decodes it once with safe limits, applies EXIF orientation, decides the colour mode,
 * turns it upright (OSD), measures and corrects skew in a single rotation cropped back to the page size, and
 * writes the OCR image (an 8-bit PNG, gray, or RGB for colour pages) and the PDF image (JPEG, the input JPEG itself when no pixel changed, or a
 * single-strip CCITT G4 TIFF for bitonal pages).
 */
export async function normalizePage(source: PageSource, ctx: NormalizeContext): Promise<NormalizedPageResult> {
  const startedMs = performance.now();
  const { options } = ctx;
  const warnings: string[] = [];
  const outputDir = pageOutputDir(ctx.workDir, source);

  const header = await readHeader(source, options);
  const resolution = await resolvePageGrid(source, header, options);
  warnings.push(...resolution.warnings);
  const exif = exifRotation(header.orientation);
  if (exif.mirrored) warnings.push(`EXIF orientation ${header.orientation} mirrors the page; it was un-mirrored`);

  // A palette is judged black and white at full resolution: resampling adds grays between its two entries.
  const full = await decodePage(source, header, options, header.isPalette ? undefined : resolution.grid);
  const bitonalInput = header.isPalette ? isBlackAndWhite(full.data, full.channels) : header.bitsPerSample === 1;
  const decoded = resolution.grid ? await resampleTo(full, resolution.grid) : full;
  const analysisLongSidePx = Math.round(Math.max(decoded.widthPx, decoded.heightPx) * Math.min(1, ORIENTATION_DPI / resolution.dpi));
  const analysis = await resize(decoded, analysisLongSidePx);
  const chroma = decoded.channels === 3 ? measureChroma((await resize(analysis, CHROMA_LONG_SIDE_PX)).data, 3) : undefined;
  const judged = colourMode({ bitsPerSample: bitonalInput ? 1 : 8, channels: decoded.channels, ...(chroma ? { chroma } : {}) });
  const midtones = judged === 'gray' && options.bitonalGray && header.format !== 'jpeg' && decoded.channels === 1
    ? measureMidtones(decoded.data, decoded.widthPx, decoded.heightPx, maxSpeckPx(resolution.dpi))
    : undefined;
  const mode: ColourMode = source.storeAs ?? (midtones && isTextOnlyGray(midtones) ? 'bitonal' : judged);
  const analysisGray = await toGray(analysis);
  const analysisDpi = (resolution.dpi * analysisLongSidePx) / Math.max(decoded.widthPx, decoded.heightPx);
  const blank = measureBlankPage(analysisGray.data, analysisGray.widthPx, analysisGray.heightPx, analysisDpi);

  const turn = exif.rotationDeg !== 0 || !options.orientation
    ? { rotateDeg: 0, orientation: { source: exif.rotationDeg !== 0 ? ('exif' as const) : ('none' as const) } }
    : await detectTurn(analysisGray, analysisDpi, source, ctx, warnings);

  const skew = options.deskew ? await measureSkew(analysisGray, turn.rotateDeg, options.maxSkewDeg) : undefined;
  const skewDeg = skew && isTrusted(skew, options.maxSkewDeg) ? skew.angleDeg : 0;
  const correctionDeg = Math.abs(skewDeg) >= minCorrectedSkewDeg(source, header) ? skewDeg : 0;

  const upright = await rotateUpright(decoded, turn.rotateDeg, correctionDeg, mode === 'colour' ? 3 : 1);
  const change = { widthPx: upright.widthPx, heightPx: upright.heightPx, mode, rotated: turn.rotateDeg !== 0 || correctionDeg !== 0 };
  const jpegSourcePath = canPassJpegThrough(header, change) ? source.path : undefined;
  const textLinePx = options.ocrTextSize && await uprightTextLineHeight(analysisGray, turn.rotateDeg, correctionDeg, Math.max(decoded.widthPx, decoded.heightPx) / analysisLongSidePx);
  const sizing: OcrSizing = { dpi: resolution.dpi, dpiAssumed: resolution.assumed, ocrMinDpi: options.ocrMinDpi, ...(textLinePx ? { textLinePx } : {}) };
  const written = await writeOutputs(upright, mode, sizing, outputDir, source.ref, options, jpegSourcePath);
  const jbig2 = await keepJbig2(source.jbig2, change, written.pdfImagePath);

  const durationMs = Math.round(performance.now() - startedMs);
  ctx.log?.debug(
    { pageNumber: source.ref.pageNumber, durationMs, colourMode: mode, rotationDeg: exif.rotationDeg + turn.rotateDeg, skew, chroma, midtones, blank, textLinePx, ocrDpi: written.ocrDpi },
    'page normalized',
  );

  return {
    ref: source.ref,
    ocrImagePath: written.ocrImagePath,
    pdfImagePath: written.pdfImagePath,
    pdfImageFormat: written.pdfImageFormat,
    pdfImagePassthrough: written.pdfImagePassthrough,
    ...(jbig2 ? { pdfImageJbig2: jbig2 } : {}),
    colourMode: mode,
    widthPx: upright.widthPx,
    heightPx: upright.heightPx,
    dpi: resolution.dpi,
    dpiAssumed: resolution.assumed,
    ...(resolution.inferredFrom ? { dpiInferredFrom: resolution.inferredFrom } : {}),
    rotationDeg: (exif.rotationDeg + turn.rotateDeg) % 360,
    orientation: turn.orientation,
    skewDeg,
    inputBytes: source.inputBytes,
    warnings,
    durationMs,
    ocrWidthPx: written.ocrWidthPx,
    ocrHeightPx: written.ocrHeightPx,
    ocrDpi: written.ocrDpi,
    blank: blank.blank,
  };
}

// ── Reading ─────────────────────────────────────────────────────────────────────────────────────────────

function where(source: PageSource): string {
  return `${source.ref.file}, page ${source.pageIndex + 1}`;
}

function inputError(code: ErrorCode, source: PageSource, message: string, cause?: unknown): InputError {
  return new InputError(code, `${where(source)}: ${message}`, { file: source.ref.file, pageNumber: source.pageIndex + 1 }, cause === undefined ? undefined : { cause });
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads the header only; the pixel limit is checked here so the message can give the numbers and the fix. */
async function readHeader(source: PageSource, options: NormalizeOptions): Promise<Metadata> {
  let header: Metadata;
  try {
    header = await sharp(source.path, { page: source.pageIndex, failOn: options.failOn, limitInputPixels: false }).metadata();
  } catch (err) {
    throw inputError('IMAGE_UNREADABLE', source, `cannot be read as an image (${reasonOf(err)}); check that the file is complete and a supported format (TIFF, JPEG, PNG), or rescan it`, err);
  }
  const pixels = header.width * header.height;
  if (pixels > options.maxInputPixels) {
    throw inputError(
      'IMAGE_TOO_LARGE',
      source,
      `${header.width}×${header.height} = ${pixels} pixels exceeds the limit of ${options.maxInputPixels} pixels; split the scan or raise normalize.maxInputPixels (scanning above normalize.maxDpi gains nothing: the page is downsampled to it)`,
    );
  }
  return header;
}

/**
 * Decodes the page once into 8-bit raw pixels, upright per EXIF, flattened on white and resampled to `grid` when
 * given: 1 channel for gray and 1-bit inputs, 3 (sRGB) for colour and palette inputs (a palette's entries may be
 * coloured even at 1 bit). libvips converts CMYK through the file's ICC profile (or its built-in CMYK profile) and
 * scales 16-bit samples, so neither goes further than this buffer.
 */
async function decodePage(source: PageSource, header: Metadata, options: NormalizeOptions, grid?: Pick<PixelGrid, 'widthPx' | 'heightPx'>): Promise<RawImage> {
  const colourChannels = header.channels - (header.hasAlpha ? 1 : 0);
  const isColourInput = (header.isPalette === true || header.bitsPerSample !== 1) && colourChannels >= 3;
  try {
    let pipeline = await decodeInput(source, header, options);
    // Resampling while decoding lets libjpeg shrink on load: a 1200 dpi JPEG is never held at full size.
    if (grid) pipeline = pipeline.resize({ width: grid.widthPx, height: grid.heightPx, fit: 'fill' });
    const { data, info } = await pipeline
      .flatten({ background: WHITE })
      .toColourspace(isColourInput ? 'srgb' : 'b-w')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, widthPx: info.width, heightPx: info.height, channels: info.channels === 3 ? 3 : 1 };
  } catch (err) {
    throw inputError('IMAGE_UNDECODABLE', source, `cannot be decoded (${reasonOf(err)}); the file may be truncated or damaged: rescan or re-export it, or set normalize.failOn to "none" to accept what can be read`, err);
  }
}

/**
 * The input, upright. A 16-bit image with alpha is brought to 8 bits first: sharp scales the flatten background
 * by 256 but libvips scales 16-bit samples down by 257, so transparent paper came out 254, not white.
 */
async function decodeInput(source: PageSource, header: Metadata, options: NormalizeOptions): Promise<Sharp> {
  const input = sharp(source.path, { page: source.pageIndex, failOn: options.failOn, limitInputPixels: options.maxInputPixels }).autoOrient();
  if (!header.hasAlpha || header.depth !== 'ushort') return input;
  // sRGB with alpha: converting to 'b-w' here would drop the alpha before the flatten.
  const { data, info } = await input.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

/** The page's resolution and, when its pixels must change, the grid to resample it to. */
interface PageResolution {
  dpi: number;
  assumed: boolean;
  inferredFrom?: string;
  warnings: string[];
  /** Upright size to resample to: non-square pixels or a resolution above `maxDpi`. */
  grid?: PixelGrid;
}

/**
 * The resolution of the decoded page. sharp reports one `density` (a TIFF's XResolution), so a TIFF's YResolution
 * is read from the file to catch fax-style non-square pixels. An assumed resolution never triggers resampling:
 * it is a guess, and resampling on a guess only loses detail.
 */
async function resolvePageGrid(source: PageSource, header: Metadata, options: NormalizeOptions): Promise<PageResolution> {
  const stated = source.dpi ? { dpi: source.dpi, assumed: false } : resolveDpi(header, options.defaultDpi);
  if (stated.assumed) {
    return { dpi: stated.dpi, assumed: true, ...(stated.inferredFrom ? { inferredFrom: stated.inferredFrom } : {}), warnings: stated.warning ? [stated.warning] : [] };
  }
  const tiff = header.format === 'tiff' ? await readTiffResolutionOf(source.path, source.pageIndex) : undefined;
  // A broken YResolution alone is ignored rather than trusted: the X one already passed resolveDpi's checks.
  const yDpi = tiff && tiff.yDpi >= PLAUSIBLE_DPI.min && tiff.yDpi <= PLAUSIBLE_DPI.max ? tiff.yDpi : stated.dpi;
  const xDpi = tiff && tiff.xDpi >= PLAUSIBLE_DPI.min && tiff.xDpi <= PLAUSIBLE_DPI.max ? tiff.xDpi : stated.dpi;
  const swapsAxes = (header.orientation ?? 1) >= 5;
  const upright = header.autoOrient ?? { width: swapsAxes ? header.height : header.width, height: swapsAxes ? header.width : header.height };
  const grid = squarePixelGrid({ widthPx: upright.width, heightPx: upright.height, xDpi: swapsAxes ? yDpi : xDpi, yDpi: swapsAxes ? xDpi : yDpi }, options.maxDpi);
  return { dpi: grid.dpi, assumed: false, warnings: grid.warnings, ...(grid.warnings.length > 0 ? { grid } : {}) };
}

/** The page resampled to `grid` (a palette page, decoded at full size to judge its entries). */
async function resampleTo(image: RawImage, grid: Pick<PixelGrid, 'widthPx' | 'heightPx'>): Promise<RawImage> {
  if (image.widthPx === grid.widthPx && image.heightPx === grid.heightPx) return image;
  return toRaw(rawInput(image).resize({ width: grid.widthPx, height: grid.heightPx, fit: 'fill' }), image.channels);
}

/**
 * The page's text line height in upright page pixels, measured on the analysis copy turned and deskewed as the
 * page is (`toPagePx` page pixels per copy pixel): lines are measured along their own rows.
 */
async function uprightTextLineHeight(analysis: RawImage, rotateDeg: number, correctionDeg: number, toPagePx: number): Promise<number | undefined> {
  const copy = await rotateUpright(analysis, rotateDeg, correctionDeg, 1);
  const height = measureTextLineHeight(copy.data, copy.widthPx, copy.heightPx);
  return height === undefined ? undefined : height * toPagePx;
}

/** The resolution to record: the file's own when it has a plausible one, else the default with a warning. */
export function resolveDpi(header: Pick<Metadata, 'density' | 'resolutionUnit' | 'width' | 'height'>, defaultDpi: number): StatedResolution {
  // JPEG files without a resolution unit report the JFIF aspect ratio (72) as density: not a resolution.
  if (header.density === undefined || header.resolutionUnit === undefined) return fromPaperSize(header, 'no resolution in file', defaultDpi);
  const dpi = Math.round(header.density);
  if (dpi < PLAUSIBLE_DPI.min || dpi > PLAUSIBLE_DPI.max) return fromPaperSize(header, `implausible resolution ${dpi} dpi in file`, defaultDpi);
  if (isSoftwareDefault(dpi, header)) return fromPaperSize(header, `${dpi} dpi in file is a camera's or program's default, not the sheet's`, defaultDpi);
  return { dpi, assumed: false };
}

/** Resolutions cameras and image programs write when they know none: screen resolutions. */
const SOFTWARE_DEFAULT_DPIS = new Set([72, 96]);
/** A sheet larger than this (A2, in inches) is no record scanned by an office: the resolution is not the paper's. */
const LARGEST_SHEET_IN = { short: 16.5, long: 23.4 } as const;

/** A phone photo says 72 dpi: at that resolution a 4032×3024 photo would be a 56×42-inch page. */
function isSoftwareDefault(dpi: number, header: Pick<Metadata, 'width' | 'height'>): boolean {
  if (!SOFTWARE_DEFAULT_DPIS.has(dpi) || !header.width || !header.height) return false;
  const shortIn = Math.min(header.width, header.height) / dpi;
  const longIn = Math.max(header.width, header.height) / dpi;
  return shortIn > LARGEST_SHEET_IN.short || longIn > LARGEST_SHEET_IN.long;
}

export interface StatedResolution {
  dpi: number;
  /** Not read from the file: inferred from the paper size, or the default. */
  assumed: boolean;
  /** The sheet the resolution was inferred from ("A4 portrait"), when it was. */
  inferredFrom?: string;
  warning?: string;
}

/**
 * A page image without a usable resolution is taken for the sheet its shape matches (a 576×960 JPEG of an A4 page
 * is about 70 dpi, not 300: assuming 300 would make it a 2×3-inch page that no check flags as under 200 dpi). A
 * shape that is no sheet's, or a result too coarse for a page, keeps the default.
 */
function fromPaperSize(header: Pick<Metadata, 'width' | 'height'>, why: string, defaultDpi: number): StatedResolution {
  const match = header.width && header.height ? inferPaperDpi(header.width, header.height) : undefined;
  if (!match || match.dpi < MIN_INFERRED_DPI) return { dpi: defaultDpi, assumed: true, warning: `${why}; assumed ${defaultDpi} dpi` };
  const inferredFrom = `${match.paper} ${match.orientation}`;
  return { dpi: match.dpi, assumed: true, inferredFrom, warning: `${why}; ${match.dpi} dpi inferred from its ${inferredFrom} shape` };
}

/** What EXIF orientation 1–8 does: the clockwise turn it applies and whether it also mirrors. */
export function exifRotation(orientation: number | undefined): { rotationDeg: number; mirrored: boolean } {
  switch (orientation) {
    case 2: return { rotationDeg: 0, mirrored: true };
    case 3: return { rotationDeg: 180, mirrored: false };
    case 4: return { rotationDeg: 180, mirrored: true };
    case 5: return { rotationDeg: 90, mirrored: true };
    case 6: return { rotationDeg: 90, mirrored: false };
    case 7: return { rotationDeg: 270, mirrored: true };
    case 8: return { rotationDeg: 270, mirrored: false };
    default: return { rotationDeg: 0, mirrored: false };
  }
}

// ── Analysis ────────────────────────────────────────────────────────────────────────────────────────────

function rawInput(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.widthPx, height: image.heightPx, channels: image.channels } });
}

async function toRaw(pipeline: Sharp, channels: 1 | 3): Promise<RawImage> {
  const { data, info } = await pipeline.toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, widthPx: info.width, heightPx: info.height, channels };
}

/** A copy whose long side is at most `longSidePx` (never enlarged). */
async function resize(image: RawImage, longSidePx: number): Promise<RawImage> {
  if (Math.max(image.widthPx, image.heightPx) <= longSidePx) return image;
  return toRaw(rawInput(image).resize({ width: longSidePx, height: longSidePx, fit: 'inside' }), image.channels);
}

async function toGray(image: RawImage): Promise<RawImage> {
  return image.channels === 1 ? image : toRaw(rawInput(image), 1);
}

interface Turn {
  /** Clockwise turn still to apply to the decoded page. */
  rotateDeg: 0 | 90 | 180 | 270;
  orientation: NormalizedPage['orientation'];
}

/** Asks the engine which way up the page is; a failure or a low confidence leaves the page as it is. */
async function detectTurn(gray: RawImage, dpi: number, source: PageSource, ctx: NormalizeContext, warnings: string[]): Promise<Turn> {
  // The text-line profile settles most pages in ~25 ms; Tesseract's OSD (a separate engine worker, ~0.45 s and
  // ~100 MiB) is asked only about pages the profile is unsure of, such as pages with a few lines of text.
  const profile = estimateOrientation(gray.data, gray.widthPx, gray.heightPx, { maxSkewDeg: ctx.options.maxSkewDeg });
  if (profile.confidence >= minConfidentOrientation) {
    return { rotateDeg: profile.rotateDeg, orientation: { source: 'profile', confidence: Math.round(profile.confidence * 10) / 10 } };
  }
  const png = await rawInput(gray).toColourspace('b-w').withDensity(dpi).png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
  try {
    const detected = await ctx.orientation.detectOrientation(png);
    if (detected.confidence >= ctx.options.minOrientationConfidence) {
      return { rotateDeg: detected.rotateDeg, orientation: { source: 'osd', confidence: detected.confidence } };
    }
    return { rotateDeg: 0, orientation: { source: 'none', confidence: detected.confidence } };
  } catch (err) {
    // Orientation is an improvement, not a requirement: a page OSD cannot read (blank, a photo) is still kept.
    ctx.log?.debug({ err, file: source.ref.file, pageNumber: source.pageIndex + 1 }, 'orientation detection failed');
    warnings.push(`orientation not detected (${reasonOf(err)}); page kept as scanned`);
    return { rotateDeg: 0, orientation: { source: 'none' } };
  }
}

async function measureSkew(gray: RawImage, rotateDeg: number, maxSkewDeg: number): Promise<SkewEstimate> {
  const turned = rotateDeg === 0 ? rawInput(gray) : rawInput(gray).rotate(rotateDeg);
  const uprightWidthPx = rotateDeg % 180 === 0 ? gray.widthPx : gray.heightPx;
  const small = await toRaw(uprightWidthPx > DESKEW_WIDTH_PX ? turned.resize({ width: DESKEW_WIDTH_PX }) : turned, 1);
  return estimateSkewDeg(small.data, small.widthPx, small.heightPx, { maxSkewDeg });
}

function isTrusted(skew: SkewEstimate, maxSkewDeg: number): boolean {
  return skew.confidence >= MIN_SKEW_CONFIDENCE && Math.abs(skew.angleDeg) <= maxSkewDeg;
}

// ── Geometry and output ─────────────────────────────────────────────────────────────────────────────────

/** Where a canvas of `inner` size sits centred in one of `outer` size. */
export function centredCrop(outerWidthPx: number, outerHeightPx: number, innerWidthPx: number, innerHeightPx: number): { left: number; top: number; width: number; height: number } {
  const width = Math.min(outerWidthPx, innerWidthPx);
  const height = Math.min(outerHeightPx, innerHeightPx);
  return { left: Math.floor((outerWidthPx - width) / 2), top: Math.floor((outerHeightPx - height) / 2), width, height };
}

/**
 * Applies the right-angle turn and the skew correction as one rotation (one resampling). Rotating by an arbitrary
 * angle enlarges the canvas; the result is cropped back, centred, to the upright page size so a page keeps its
 * paper size, and the corners uncovered by the rotation are white. Content within the margin the crop removes
 * (at most ~4.4 % of the page width at 5°) was in the scan's border, not on the page's text block.
 */
async function rotateUpright(decoded: RawImage, rotateDeg: number, correctionDeg: number, channels: 1 | 3): Promise<RawImage> {
  const swap = rotateDeg % 180 !== 0;
  const uprightWidthPx = swap ? decoded.heightPx : decoded.widthPx;
  const uprightHeightPx = swap ? decoded.widthPx : decoded.heightPx;
  if (correctionDeg === 0) {
    if (rotateDeg === 0 && channels === decoded.channels) return decoded;
    return toRaw(rotateDeg === 0 ? rawInput(decoded) : rawInput(decoded).rotate(rotateDeg), channels);
  }
  // sharp turns clockwise for positive angles, which undoes a counter-clockwise (positive) skew.
  const rotated = await toRaw(rawInput(decoded).rotate(rotateDeg + correctionDeg, { background: WHITE }), channels);
  return toRaw(rawInput(rotated).extract(centredCrop(rotated.widthPx, rotated.heightPx, uprightWidthPx, uprightHeightPx)), channels);
}

/** `<workDir>/<dossierId>/<documentId>`, refusing ids that would leave the work folder. */
function pageOutputDir(workDir: string, source: PageSource): string {
  for (const [field, id] of [['dossierId', source.ref.dossierId], ['documentId', source.ref.documentId]] as const) {
    if (id === '' || id === '.' || id === '..' || /[\\/\0]/.test(id)) {
      throw new InputError('ID_UNSAFE', `${where(source)}: ${field} ${JSON.stringify(id)} cannot be used as a folder name; use letters, digits, '-' or '_'`, { file: source.ref.file, field });
    }
  }
  return path.join(workDir, source.ref.dossierId, source.ref.documentId);
}

/** File name stem of a page's images, e.g. `p0003`, sorted in page order by any file browser. */
export function pageStem(pageNumber: number): string {
  return `p${String(pageNumber).padStart(4, '0')}`;
}

interface WrittenImages {
  ocrImagePath: string;
  pdfImagePath: string;
  pdfImageFormat: NormalizedPage['pdfImageFormat'];
  /** The PDF image is the input JPEG's own bytes. */
  pdfImagePassthrough: boolean;
  ocrWidthPx: number;
  ocrHeightPx: number;
  ocrDpi: number;
}

/**
 * The text line height, on the OCR copy, that the engine reads best: the committed 300 dpi pages of 13–14 pt type
 * (the national layout's sizes), on which the OCR settings were tuned, measure 42–46 px.
 */
export const OCR_TEXT_LINE_PX = 44;
/**
 * The copy is reduced when its lines are over 1.25 times that height, enlarged only when they are under two thirds
 * of it: a phone photo with 31 px lines read at 3.9% CER as it was and at 10.8% enlarged 1.42 times.
 */
const OCR_SCALE_BAND = { reduceAbove: 1.25, enlargeBelow: 1.5 } as const;
const OCR_SCALE_LIMITS = { min: 0.5, max: 4 } as const;
/** The OCR copy never grows past this many pixels, whatever its text size asks (a 600 dpi A4 page is 35 M). */
const MAX_OCR_PIXELS = 60_000_000;

/** How the OCR copy's size is chosen: from the text it holds, else from the page's stated resolution. */
export interface OcrSizing {
  dpi: number;
  /** The resolution is not the file's (inferred or the default): it cannot ask for an upscale on its own. */
  dpiAssumed: boolean;
  ocrMinDpi: number;
  /** The page's typical text line height, upright page pixels, when it could be measured. */
  textLinePx?: number;
}

/**
 * OCR image size. A page whose file states a resolution below `ocrMinDpi` is enlarged to it. Otherwise a page whose
 * text could be measured is scaled so that its lines are `OCR_TEXT_LINE_PX` tall: small print and coarse images
 * without a resolution are enlarged, large print and 600 dpi scans reduced (the engine reads them no better, and
 * slower). A page whose resolution is a guess and whose text cannot be measured is left as it is.
 */
export function ocrGeometry(widthPx: number, heightPx: number, sizing: OcrSizing): { widthPx: number; heightPx: number; dpi: number } {
  const scale = Math.min(ocrScale(sizing), Math.sqrt(MAX_OCR_PIXELS / (widthPx * heightPx)));
  if (scale === 1 || !(scale > 0)) return { widthPx, heightPx, dpi: sizing.dpi };
  return { widthPx: Math.round(widthPx * scale), heightPx: Math.round(heightPx * scale), dpi: Math.round(sizing.dpi * scale) };
}

function ocrScale({ dpi, dpiAssumed, ocrMinDpi, textLinePx }: OcrSizing): number {
  // A resolution the file states below ocrMinDpi is trusted as before: scans at 150–200 dpi read better enlarged.
  if (!dpiAssumed && dpi < ocrMinDpi) return ocrMinDpi / dpi;
  if (textLinePx === undefined || !(textLinePx > 0)) return 1;
  const wanted = OCR_TEXT_LINE_PX / textLinePx;
  if (wanted < OCR_SCALE_BAND.enlargeBelow && wanted > 1 / OCR_SCALE_BAND.reduceAbove) return 1;
  return Math.min(OCR_SCALE_LIMITS.max, Math.max(OCR_SCALE_LIMITS.min, wanted));
}

/**
 * What normalize did to a page, as far as its PDF image is concerned: a JPEG input may go into the PDF as it is
 * only when the decoded pixels are the file's pixels, untouched.
 */
export interface PageChange {
  widthPx: number;
  heightPx: number;
  mode: ColourMode;
  /** A right-angle turn or a skew correction was applied (EXIF turns show in the header's orientation). */
  rotated: boolean;
}

/**
 * Whether the input file's JPEG bytes can be the PDF image: no EXIF turn or mirror, no rotation, no resampling,
 * and the same colour mode (a gray JPEG stays gray, an sRGB one colour). CMYK JPEGs never pass: PDF/A-2b would need
 * a CMYK output intent. A colour JPEG with an ICC profile passes only when the profile is sRGB, the output intent.
 */
export function canPassJpegThrough(header: Pick<Metadata, 'format' | 'orientation' | 'space' | 'channels' | 'width' | 'height' | 'icc'>, change: PageChange): boolean {
  if (header.format !== 'jpeg' || change.rotated) return false;
  if ((header.orientation ?? 1) !== 1) return false;
  if (header.width !== change.widthPx || header.height !== change.heightPx) return false;
  if (header.channels === 1) return change.mode === 'gray' && header.space === 'b-w';
  if (header.channels !== 3 || header.space !== 'srgb' || change.mode !== 'colour') return false;
  return header.icc === undefined || isSrgbProfile(header.icc);
}

/** ICC v2 profiles name themselves in ASCII ("sRGB IEC61966-2.1"); anything not found is treated as not sRGB. */
function isSrgbProfile(icc: Uint8Array): boolean {
  return Buffer.from(icc.buffer, icc.byteOffset, icc.byteLength).includes('sRGB', 0, 'latin1');
}

/**
 * The input JPEG's bytes when the PDF can carry them as they are: a JPEG that ends where it should (a cut-off file
 * decoded with failOn "none" is re-encoded whole) and of a kind every PDF reader decodes, with the components the
 * colour mode expects.
 */
async function passableJpeg(sourcePath: string, mode: ColourMode): Promise<Buffer | undefined> {
  const bytes = await readFile(sourcePath);
  if (bytes.length < 4 || bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) return undefined;
  try {
    const frame = readJpegFrameInfo(bytes);
    return isPdfSafeJpeg(frame) && frame.components === (mode === 'colour' ? 3 : 1) ? bytes : undefined;
  } catch {
    return undefined; // sharp decoded it, so it is re-encoded rather than refused
  }
}

/**
 * libtiff writes strips of `rowsPerStrip` rows and a G4 strip is coded against its own first line: one strip
 * for the whole page is one G4 stream a PDF can carry as it is. sharp sets rows per strip through `tileHeight`,
 * which it caps at 32768; taller pages get several strips and are packed from pixels in the PDF instead.
 */
const MAX_ROWS_PER_STRIP = 32768;

/**
 * Bitonal pages as a single-strip CCITT G4 TIFF, min-is-white: G4 codes 0 bits as "white" runs, so paper is the
 * white run and the stream is a third smaller than the min-is-black one. 1-bit packing keeps values ≥ 128 white.
 */
function writeG4Tiff(page: RawImage, dpi: number, file: string): Promise<unknown> {
  return rawInput(page)
    .toColourspace('b-w')
    .withDensity(dpi)
    .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, tileHeight: Math.min(page.heightPx, MAX_ROWS_PER_STRIP) })
    .toFile(file);
}

async function writePdfImage(page: RawImage, mode: ColourMode, dpi: number, stem: string, options: NormalizeOptions, jpegSourcePath: string | undefined): Promise<Pick<WrittenImages, 'pdfImagePath' | 'pdfImageFormat' | 'pdfImagePassthrough'>> {
  if (mode === 'bitonal') {
    const pdfImagePath = `${stem}.pdf.tif`;
    await writeG4Tiff(page, dpi, pdfImagePath);
    return { pdfImagePath, pdfImageFormat: 'ccitt-g4', pdfImagePassthrough: false };
  }
  const pdfImagePath = `${stem}.pdf.jpg`;
  const original = jpegSourcePath === undefined ? undefined : await passableJpeg(jpegSourcePath, mode);
  if (original) {
    // A copy rather than the input's path: the work folder stays self-contained when staged inputs are removed.
    await writeFile(pdfImagePath, original);
    return { pdfImagePath, pdfImageFormat: 'jpeg', pdfImagePassthrough: true };
  }
  // mozjpeg made gray A4 text pages 29–35 % smaller but cost ~0.4 s a page, a fifth of the OCR time; the
  // ImageMagick quantisation table with optimised Huffman coding gives 14–17 % for ~40 ms.
  await rawInput(page)
    .withDensity(dpi)
    .toColourspace(mode === 'colour' ? 'srgb' : 'b-w')
    .jpeg({ quality: options.jpegQuality, quantisationTable: 3, optimiseCoding: true })
    .toFile(pdfImagePath);
  return { pdfImagePath, pdfImageFormat: 'jpeg', pdfImagePassthrough: false };
}

/**
 * The input PDF's JBIG2 stream, copied beside the page's G4 image, when the page is stored as it was scanned: 1-bit,
 * not turned, deskewed or resampled. Copies rather than the extracted files' paths, so the page folder stands alone.
 */
async function keepJbig2(original: Jbig2Original | undefined, change: PageChange, g4Path: string): Promise<Jbig2Original | undefined> {
  if (!original || change.rotated || change.mode !== 'bitonal' || change.widthPx !== original.widthPx || change.heightPx !== original.heightPx) return undefined;
  const base = g4Path.replace(/\.[^./]+$/u, '');
  const streamPath = `${base}.jb2`;
  await copyFile(original.streamPath, streamPath);
  if (original.globalsPath === undefined) return { ...original, streamPath };
  const globalsPath = `${base}.jb2g`;
  await copyFile(original.globalsPath, globalsPath);
  return { ...original, streamPath, globalsPath };
}

/** A copy of a colour page with its seals, stamps and coloured signatures lifted towards paper (the PDF keeps them). */
function withoutColouredInk(page: RawImage): RawImage {
  const data = Buffer.from(page.data);
  liftColouredInk(data);
  return { ...page, data };
}

async function writeOutputs(page: RawImage, mode: ColourMode, sizing: OcrSizing, outputDir: string, ref: PageRef, options: NormalizeOptions, jpegSourcePath?: string): Promise<WrittenImages> {
  await mkdir(outputDir, { recursive: true });
  const stem = path.join(outputDir, pageStem(ref.pageNumber));
  const { dpi } = sizing;
  const ocr = ocrGeometry(page.widthPx, page.heightPx, sizing);
  const ocrImagePath = `${stem}.ocr.png`;

  // Speed over size for the OCR copy: it is read once and deleted with the work folder.
  let ocrPipeline = rawInput(options.liftColouredInk && page.channels === 3 ? withoutColouredInk(page) : page);
  if (ocr.widthPx !== page.widthPx) ocrPipeline = ocrPipeline.resize({ width: ocr.widthPx, height: ocr.heightPx, fit: 'fill', kernel: 'lanczos3' });
  if (options.despeckle) ocrPipeline = ocrPipeline.median(3);
  // A colour page goes to the engine in colour: Tesseract thresholds each channel and combines those whose split of
  // ink from paper is clear, which read a phone photo under warm light at 4.2% CER against 18.9% from its luminance.
  const ocrColours = page.channels === 3 && mode === 'colour' ? ocrPipeline : ocrPipeline.toColourspace('b-w');
  const writeOcr = ocrColours.withDensity(ocr.dpi).png({ compressionLevel: 1, adaptiveFiltering: false }).toFile(ocrImagePath);

  const [, pdf] = await Promise.all([writeOcr, writePdfImage(page, mode, dpi, stem, options, jpegSourcePath)]);
  return { ocrImagePath, ...pdf, ocrWidthPx: ocr.widthPx, ocrHeightPx: ocr.heightPx, ocrDpi: ocr.dpi };
}
