// The normalize stage: one decoded input page in, an upright deskewed image for OCR and one for the PDF out.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Metadata } from 'sharp';
import { z } from 'zod';
import { bool, intBetween, numberBetween } from '../common/validation.ts';
import { describeError, InputError } from '../domain/errors.ts';
import { stepClock } from '../common/step-clock.ts';
import type { ColourMode, Jbig2Original, NormalizedPage, PageRef, PageSource, PageStep } from '../domain/page.ts';
import { isBlackAndWhite, isTextOnlyGray, maxSpeckPx, measureMidtones } from '../image/black-and-white.ts';
import { measureBlankPage } from '../image/blank-page.ts';
import { colourMode, measureChroma } from '../image/colour-mode.ts';
import { liftColouredInk } from '../image/coloured-ink.ts';
import { decodePage, exifRotation, readHeader, resolvePageGrid, where } from '../image/decode-page.ts';
import { estimateSkewDeg } from '../image/deskew.ts';
import type { SkewEstimate } from '../image/deskew.ts';
import { estimateOrientation, minConfidentOrientation } from '../image/orientation.ts';
import { canPassJpegThrough, writePdfImage } from '../image/pdf-page-image.ts';
import type { PageChange, WrittenPdfImage } from '../image/pdf-page-image.ts';
import { rawInput, resampleTo, resize, rotateUpright, toGray, toRaw } from '../image/raw-image.ts';
import type { RawImage } from '../image/raw-image.ts';
import { measureTextLineHeight } from '../image/text-size.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { Stage } from './stage.ts';

export type { PageSource } from '../domain/page.ts';

/**
 * The stage's options: the only place they are declared (see stages/stage.ts). The orientation threshold is low on
 * purpose: Tesseract OSD read an upside-down page at confidence 12.9, which OCRmyPDF's default of 14 would have left
 * upside down; wrong turns at confidence ≥ 2 were not seen.
 */
export const normalizeOptions = z
  .object({
    defaultDpi: intBetween(72, 1200).default(300).describe('Resolution assumed, with a warning, when the file carries none and its shape matches no paper size'),
    maxInputPixels: intBetween(1_000_000, 1_000_000_000).default(150_000_000).describe('Larger pages are refused before decoding (a decompression bomb or a mis-scanned roll)'),
    maxDpi: intBetween(150, 2400).default(600).describe('Pages scanned above this resolution are downsampled to it (OCR gains nothing; time and size grow)'),
    failOn: z.enum(['none', 'truncated', 'error', 'warning'], { error: 'expected one of "none", "truncated", "error", "warning"' }).default('error').describe("How strictly to decode (sharp's failOn): 'truncated' and stricter refuse a cut-off JPEG"),
    orientation: bool().default(true).describe("Detect and correct 90/180/270° turns with the OCR engine when the file's EXIF did not settle it"),
    minOrientationConfidence: numberBetween(0, 100).default(2).describe('Engine confidence from which a detected turn is applied (Tesseract OSD scale)'),
    deskew: bool().default(true).describe('Measure and correct the skew of a page, up to maxSkewDeg'),
    maxSkewDeg: numberBetween(0, 15).default(5).describe('Largest skew corrected, degrees either way'),
    jpegQuality: intBetween(30, 100).default(75).describe('JPEG quality of gray and colour PDF images'),
    ocrMinDpi: intBetween(72, 1200).default(300).describe('The OCR copy of a page scanned below this resolution is upscaled to it, when its text size could not be measured'),
    ocrTextSize: bool().default(true).describe('Size the OCR copy by the height of its text lines (see `ocrGeometry`); off, only `ocrMinDpi` decides'),
    /**
     * So that the type under them is read and their text is not taken for the document's; the PDF image keeps the
     * page as scanned. Off by default: on the real documents of samples/real it raised the CER of colour scans
     * (pooled 5.5% → 5.8%; a half-lifted seal leaves rings the engine reads as letters) for a field F1 gain of 0.016.
     */
    liftColouredInk: bool().default(false).describe('Lift red, blue and violet ink (seals, stamps, signatures) towards paper on the OCR copy of colour pages'),
    /** It halved the error on the noisy sample and cut it on clean pages too. */
    despeckle: bool().default(true).describe('A 3×3 median on the OCR copy against scanner speckle; the PDF image keeps the scan as it was'),
    /** Black type on white paper: its only mid-grays are stroke edges (see `measureMidtones`). A JPEG that needs no change goes in as it is. */
    bitonalGray: bool().default(true).describe('Store a gray page of black type on white paper as bitonal (CCITT G4); lossless inputs only'),
  })
  .strict();

export type NormalizeOptions = z.output<typeof normalizeOptions>;

/** The defaults, as a pipeline file that sets nothing gets them. */
export const defaultNormalizeOptions: NormalizeOptions = normalizeOptions.parse({});

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
  /**
   * The upright page as decoded, in memory, for the QR search that runs beside OCR: the page is decoded once. The
   * page runner drops it once the search is done, so a page holds it only while its OCR runs.
   */
  upright?: RawImage;
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



/**
 * Normalizes one page: decodes it once with safe limits, applies EXIF orientation, decides the colour mode,
 * turns it upright (OSD), measures and corrects skew in a single rotation cropped back to the page size, and
 * writes the OCR image (an 8-bit PNG, gray, or RGB for colour pages) and the PDF image (JPEG, the input JPEG itself when no pixel changed, or a
 * single-strip CCITT G4 TIFF for bitonal pages).
 */
export async function normalizePage(source: PageSource, ctx: NormalizeContext): Promise<NormalizedPageResult> {
  const startedMs = performance.now();
  const clock = stepClock<PageStep>();
  const { options } = ctx;
  const warnings: string[] = [];
  const outputDir = pageOutputDir(ctx.workDir, source);

  const { header, resolution, exif, decoded, bitonalInput } = await clock.time('decode', () => decodeSource(source, options, warnings));
  const analysed = await clock.time('analyse', () => analysePage(decoded, header, resolution, bitonalInput, source, options));
  const { mode, analysisGray, analysisDpi, analysisLongSidePx, blank } = analysed;

  const turn = exif.rotationDeg !== 0 || !options.orientation
    ? { rotateDeg: 0 as const, orientation: { source: exif.rotationDeg !== 0 ? ('exif' as const) : ('none' as const) } }
    : await clock.time('orientation', () => detectTurn(analysisGray, analysisDpi, source, ctx, warnings));

  const skew = options.deskew ? await clock.time('deskew', () => measureSkew(analysisGray, turn.rotateDeg, options.maxSkewDeg)) : undefined;
  const skewDeg = skew && isTrusted(skew, options.maxSkewDeg) ? skew.angleDeg : 0;
  const correctionDeg = Math.abs(skewDeg) >= minCorrectedSkewDeg(source, header) ? skewDeg : 0;

  const upright = await clock.time('rotate', () => rotateUpright(decoded, turn.rotateDeg, correctionDeg, mode === 'colour' ? 3 : 1));
  const change = { widthPx: upright.widthPx, heightPx: upright.heightPx, mode, rotated: turn.rotateDeg !== 0 || correctionDeg !== 0 };
  const jpegSourcePath = canPassJpegThrough(header, change) ? source.path : undefined;
  const textLinePx = options.ocrTextSize && await clock.time('rotate', () => uprightTextLineHeight(analysisGray, turn.rotateDeg, correctionDeg, Math.max(decoded.widthPx, decoded.heightPx) / analysisLongSidePx));
  const sizing: OcrSizing = { dpi: resolution.dpi, dpiAssumed: resolution.assumed, ocrMinDpi: options.ocrMinDpi, ...(textLinePx ? { textLinePx } : {}) };
  const written = await clock.time('write', () => writeOutputs(upright, mode, sizing, outputDir, source.ref, options, jpegSourcePath));
  const jbig2 = await clock.time('write', () => keepJbig2(source.jbig2, change, written.pdfImagePath));

  const durationMs = Math.round(performance.now() - startedMs);
  ctx.log?.debug(
    { pageNumber: source.ref.pageNumber, durationMs, colourMode: mode, rotationDeg: exif.rotationDeg + turn.rotateDeg, skew, chroma: analysed.chroma, midtones: analysed.midtones, blank, textLinePx, ocrDpi: written.ocrDpi },
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
    stepsMs: clock.ms,
    ocrWidthPx: written.ocrWidthPx,
    ocrHeightPx: written.ocrHeightPx,
    ocrDpi: written.ocrDpi,
    blank: blank.blank,
    upright,
  };
}

/** Decodes the page once with safe limits, on its resolved grid, and reads its EXIF turn. */
async function decodeSource(source: PageSource, options: NormalizeOptions, warnings: string[]) {
  const header = await readHeader(source, options);
  const resolution = await resolvePageGrid(source, header, options);
  warnings.push(...resolution.warnings);
  const exif = exifRotation(header.orientation);
  if (exif.mirrored) warnings.push(`EXIF orientation ${header.orientation} mirrors the page; it was un-mirrored`);
  // A palette is judged black and white at full resolution: resampling adds grays between its two entries.
  const full = await decodePage(source, header, options, header.isPalette ? undefined : resolution.grid);
  const bitonalInput = header.isPalette ? isBlackAndWhite(full.data, full.channels) : header.bitsPerSample === 1;
  const decoded = resolution.grid ? await resampleTo(full, resolution.grid) : full;
  return { header, resolution, exif, decoded, bitonalInput };
}

/** The small gray copy the page is analysed on, its colour mode and whether it is blank. */
async function analysePage(decoded: RawImage, header: Metadata, resolution: { dpi: number }, bitonalInput: boolean, source: PageSource, options: NormalizeOptions) {
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
  return { mode, analysisGray, analysisDpi, analysisLongSidePx, blank, chroma, midtones };
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

// ── Analysis ────────────────────────────────────────────────────────────────────────────────────────────

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
    warnings.push(`orientation not detected (${describeError(err)}); page kept as scanned`);
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

interface WrittenImages extends WrittenPdfImage {
  ocrImagePath: string;
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

  const [, pdf] = await Promise.all([writeOcr, writePdfImage(page, mode, dpi, stem, options.jpegQuality, jpegSourcePath)]);
  return { ocrImagePath, ...pdf, ocrWidthPx: ocr.widthPx, ocrHeightPx: ocr.heightPx, ocrDpi: ocr.dpi };
}

export const normalizeStage: Stage<'normalize', typeof normalizeOptions, PageSource, NormalizedPageResult> = {
  name: 'normalize',
  description: 'Decodes a page, turns it upright, deskews it, and writes its OCR image and its PDF image',
  options: normalizeOptions,
  run: (source, ctx) => normalizePage(source, { workDir: ctx.workDir, orientation: ctx.ocr, options: ctx.options, log: ctx.log }),
};
