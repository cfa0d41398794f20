// Reads a page image for normalize: its header under safe limits, its pixels decoded once, its resolution and EXIF turn.
import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import type { ErrorCode } from '../domain/error-codes.ts';
import { describeError, InputError } from '../domain/errors.ts';
import type { PageSource } from '../domain/page.ts';
import { inferPaperDpi } from './paper-size.ts';
import { squarePixelGrid } from './pixel-grid.ts';
import type { PixelGrid } from './pixel-grid.ts';
import { WHITE } from './raw-image.ts';
import type { RawImage } from './raw-image.ts';
import { readTiffResolutionOf } from './tiff.ts';

/** The normalize options that decoding reads (see the pipeline file's `normalize` stage). */
export interface PageDecodeOptions {
  /** Resolution assumed when the file carries none. */
  defaultDpi: number;
  /** Larger pages are refused before decoding (a decompression bomb or a mis-scanned roll). */
  maxInputPixels: number;
  /** Pages scanned above this resolution are downsampled to it (OCR gains nothing; time and size grow). */
  maxDpi: number;
  /** How strictly to decode (sharp's failOn): 'truncated' and stricter refuse a cut-off JPEG. */
  failOn: 'none' | 'truncated' | 'error' | 'warning';
}

/** Resolutions outside this range are taken for a missing or broken tag rather than a real scan. */
const PLAUSIBLE_DPI = { min: 50, max: 2400 } as const;
/** A sheet this coarse is a thumbnail or an icon, not a scan: its inferred resolution would mean nothing. */
const MIN_INFERRED_DPI = 30;

/** `scan.tif, page 3`: how a message names the page. */
export function where(source: PageSource): string {
  return `${source.ref.file}, page ${source.pageIndex + 1}`;
}

function inputError(code: ErrorCode, source: PageSource, message: string, cause?: unknown): InputError {
  return new InputError(code, `${where(source)}: ${message}`, { file: source.ref.file, pageNumber: source.pageIndex + 1 }, cause === undefined ? undefined : { cause });
}

/** Reads the header only; the pixel limit is checked here so the message can give the numbers and the fix. */
export async function readHeader(source: PageSource, options: PageDecodeOptions): Promise<Metadata> {
  let header: Metadata;
  try {
    header = await sharp(source.path, { page: source.pageIndex, failOn: options.failOn, limitInputPixels: false }).metadata();
  } catch (err) {
    throw inputError('IMAGE_UNREADABLE', source, `cannot be read as an image (${describeError(err)}); check that the file is complete and a supported format (TIFF, JPEG, PNG), or rescan it`, err);
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
export async function decodePage(source: PageSource, header: Metadata, options: PageDecodeOptions, grid?: Pick<PixelGrid, 'widthPx' | 'heightPx'>): Promise<RawImage> {
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
    throw inputError('IMAGE_UNDECODABLE', source, `cannot be decoded (${describeError(err)}); the file may be truncated or damaged: rescan or re-export it, or set normalize.failOn to "none" to accept what can be read`, err);
  }
}

/**
 * The input, upright. A 16-bit image with alpha is brought to 8 bits first: sharp scales the flatten background
 * by 256 but libvips scales 16-bit samples down by 257, so transparent paper came out 254, not white.
 */
async function decodeInput(source: PageSource, header: Metadata, options: PageDecodeOptions): Promise<Sharp> {
  const input = sharp(source.path, { page: source.pageIndex, failOn: options.failOn, limitInputPixels: options.maxInputPixels }).autoOrient();
  if (!header.hasAlpha || header.depth !== 'ushort') return input;
  // sRGB with alpha: converting to 'b-w' here would drop the alpha before the flatten.
  const { data, info } = await input.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

/** The page's resolution and, when its pixels must change, the grid to resample it to. */
export interface PageResolution {
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
export async function resolvePageGrid(source: PageSource, header: Metadata, options: PageDecodeOptions): Promise<PageResolution> {
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
