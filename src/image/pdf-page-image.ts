// Writes a page's PDF image: a single-strip CCITT G4 TIFF for bitonal pages, else a JPEG, the input's own when it may pass.
import { readFile, writeFile } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import type { ColourMode, NormalizedPage } from '../domain/page.ts';
import { isPdfSafeJpeg, readJpegFrameInfo } from './jpeg-frame.ts';
import { rawInput } from './raw-image.ts';
import type { RawImage } from './raw-image.ts';

/** The PDF image written for a page. */
export interface WrittenPdfImage {
  pdfImagePath: string;
  pdfImageFormat: NormalizedPage['pdfImageFormat'];
  /** The PDF image is the input JPEG's own bytes. */
  pdfImagePassthrough: boolean;
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

/** The page's PDF image, `<stem>.pdf.tif` (bitonal, G4) or `<stem>.pdf.jpg` (the input JPEG when it may pass, else re-encoded). */
export async function writePdfImage(page: RawImage, mode: ColourMode, dpi: number, stem: string, jpegQuality: number, jpegSourcePath: string | undefined): Promise<WrittenPdfImage> {
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
    .jpeg({ quality: jpegQuality, quantisationTable: 3, optimiseCoding: true })
    .toFile(pdfImagePath);
  return { pdfImagePath, pdfImageFormat: 'jpeg', pdfImagePassthrough: false };
}
