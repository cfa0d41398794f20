// The page image a step wrote into the work folder: where it is, how it was made, and how its file is named.
import type { Matrix } from './content-summary.ts';
import type { PageContext } from './page-context.ts';

export type ExtractMethod = 'embedded-jpeg' | 'embedded-ccitt' | 'embedded-flate' | 'rendered';

export interface WrittenImage {
  imagePath: string;
  method: ExtractMethod;
  dpi: number;
  widthPx: number;
  heightPx: number;
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
