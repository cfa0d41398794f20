// A page as it moves through the stages: decoded, normalized, recognized.

/** An axis-aligned box in pixels of the normalized page image, origin top-left. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Word {
  /** Unicode NFC. */
  text: string;
  box: Box;
  /** 0–100 as Tesseract reports it. */
  confidence: number;
  /** 0-based index of the text line on the page, to rebuild lines. */
  lineIndex: number;
}

/** Identifies a page of a document: where it came from in the input. */
export interface PageRef {
  dossierId: string;
  documentId: string;
  /** 1-based position of the page in its document. */
  pageNumber: number;
  /** Source file relative to the batch root. */
  file: string;
  /** 1-based page of the source file. */
  filePageNumber: number;
}

/**
 * How a page's orientation was settled: the file's EXIF tag, the text-line profile (fast, decides most pages),
 * Tesseract's OSD (for pages the profile is unsure of), or nothing (the page was kept as scanned).
 */
export type OrientationSource = 'exif' | 'profile' | 'osd' | 'none';

/** One page to work on: which file, which page of it, and where it goes in its document. */
export interface PageSource {
  ref: PageRef;
  /** Absolute path of the input file. */
  path: string;
  /** 0-based page of the file (sharp's `page` option; for a PDF, the page its image is taken from). */
  pageIndex: number;
  /**
   * The file's size spread evenly over its pages (the first pages take the remainder bytes), so that the
   * input bytes of all pages of a file add up to its size; a measure for reports, not the page's own size.
   */
  inputBytes: number;
  /** Resolution known from outside the file (a page image taken out of a PDF); wins over the file's own. */
  dpi?: number;
  /**
   * Store the page as this mode whatever its pixels: a PDF page of drawn type is rendered gray, so the engine reads
   * anti-aliased type, and is stored bitonal, as type is.
   */
  storeAs?: 'bitonal';
  /** The page's 1-bit scan as the input PDF coded it (JBIG2), to store as it was if normalize changes no pixel. */
  jbig2?: Jbig2Original;
}

/** A 1-bit scan's JBIG2 stream taken out of an input PDF as it was, in files of the work folder. */
export interface Jbig2Original {
  /** The embedded stream (the JBIG2Decode filter's input). */
  streamPath: string;
  /** The global segments (/JBIG2Globals), when the PDF had them. */
  globalsPath?: string;
  widthPx: number;
  heightPx: number;
  /** The image's /Decode array when it was not the default. */
  decode?: [number, number];
}

/** Colour mode of the normalized page, which decides how it is stored in the PDF. */
export type ColourMode = 'bitonal' | 'gray' | 'colour';

export interface NormalizedPage {
  ref: PageRef;
  /** Path of the upright, deskewed image given to OCR (PNG in the work folder: 8-bit gray, RGB for colour pages). */
  ocrImagePath: string;
  /**
   * Path of the image that goes into the PDF: a JPEG for gray/colour pages (the input file's own bytes when the
   * page needed no pixel change), a single-strip CCITT G4 TIFF for bitonal pages.
   */
  pdfImagePath: string;
  pdfImageFormat: 'jpeg' | 'ccitt-g4';
  /** True when the PDF image is the input JPEG as it was, copied without re-encoding. */
  pdfImagePassthrough?: boolean;
  /**
   * The input PDF's JBIG2 stream of this 1-bit page, which the PDF carries instead of `pdfImagePath` (still written:
   * it is what the QR search and other readers decode) when normalize changed no pixel.
   */
  pdfImageJbig2?: Jbig2Original;
  colourMode: ColourMode;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** True when the input carried no resolution and `dpi` is assumed. */
  dpiAssumed: boolean;
  /** The sheet an assumed `dpi` was inferred from ("A4 portrait"); absent when it is the configured default. */
  dpiInferredFrom?: string;
  /** Clockwise rotation applied to make the page upright, in degrees: 0, 90, 180, 270. */
  rotationDeg: number;
  /** Where the rotation came from and how sure it was. */
  orientation: { source: OrientationSource; confidence?: number };
  /** Skew measured and corrected, degrees, positive = counter-clockwise content. */
  skewDeg: number;
  inputBytes: number;
  /** No text or marks on the page (flagged for review, never dropped). */
  blank?: boolean;
  /**
   * Geometry of the OCR image, which is upscaled (so larger than the PDF image) when the scan is below
   * `ocrMinDpi`: word boxes found on it scale back to the page image by `widthPx / ocrWidthPx`.
   */
  ocrWidthPx: number;
  ocrHeightPx: number;
  ocrDpi: number;
  warnings: string[];
  durationMs: number;
  /** Where the page's time went, step by step, in milliseconds (see `PageStep`). */
  stepsMs?: StepTimes;
}

/**
 * The steps a page's time is logged by (`page.done`'s `steps`) and profiled in the bench: taking a PDF page's image
 * out, decoding, the analysis copies (colour, blank, midtones), orientation, skew, the one rotation (with the text
 * size), writing the OCR and PDF images (despeckle included), the QR search and the engine's own time on the page.
 */
export type PageStep = 'extract' | 'decode' | 'analyse' | 'orientation' | 'deskew' | 'rotate' | 'write' | 'qr' | 'ocr' | 'ocrWait';
export type StepTimes = Partial<Record<PageStep, number>>;

/** A machine-readable code printed on the page (a QR code), as decoded. */
export interface PageCode {
  text: string;
  /** In pixels of the page image, origin top-left. */
  box: Box;
}

export interface RecognizedPage extends NormalizedPage {
  words: Word[];
  /** QR codes found on the page, when the pipeline looks for them. */
  codes?: PageCode[];
  /** Page text, lines joined with \n, NFC. */
  text: string;
  /** Mean word confidence 0–100, or 0 when no word was found. */
  meanConfidence: number;
  ocrDurationMs: number;
}

/** An even split of a file's bytes over its pages, the first pages taking the remainder. */
export function shareOfBytes(sizeBytes: number, pageCount: number, pageIndex: number): number {
  const base = Math.floor(sizeBytes / pageCount);
  return base + (pageIndex < sizeBytes % pageCount ? 1 : 0);
}
