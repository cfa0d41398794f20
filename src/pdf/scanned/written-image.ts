// The page image a step wrote into the work folder: where it is, how it was made, and how its file is named.
import type { Matrix } from './content-summary.ts';
import type { PageContext } from './page-context.ts';

export type ExtractMethod = 'embedded-jpeg' | 'embedded-ccitt' | 'embedded-flate' | 'rendered';

export interface WrittenImage {
  /** The page image in the work folder: `.jpg` (the embedded JPEG as is), `.tif` (CCITT, 1-bit) or `.png`. */
  imagePath: string;
  method: ExtractMethod;
  /**
   * Resolution of the image on the page. PNG and TIFF files carry it too; the JPEG keeps its own header
   * untouched (often 72 or no unit), so take the resolution from here, not from the file.
   */
  dpi: number;
  widthPx: number;
  heightPx: number;
  /** What the page holds in the input PDF, as `pageInputBytes` counts it; the output page is compared with it. */
  inputBytes: number;
  /** PDF user space → pixels of the written image. */
  toPixels: Matrix;
  /** What writing changed that a person should know (a flattened overlay), without the page prefix. */
  notes: string[];
  /** The image is gray for the engine but the page is to be stored bitonal (drawn type). */
  storeAs?: 'bitonal';
}

export function imageFileName(context: PageContext, extension: string): string {
  return `pdf-page-${String(context.pageNumber).padStart(4, '0')}.${extension}`;
}
