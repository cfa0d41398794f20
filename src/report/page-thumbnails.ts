// Pictures of a run's PDF pages, made while the page taken out of its PDF is at hand, so report.html need not open the PDF again.
import { makeThumbnail, thumbnailDefaults, type Thumbnail } from './thumbnails.ts';

/** The turn a page's picture gets: the page's own, unless EXIF made it (the picture applies EXIF itself). */
export function pictureTurn(page: { rotationDeg: number; orientation?: { source: string } } | undefined): number {
  return page !== undefined && page.orientation?.source !== 'exif' ? page.rotationDeg : 0;
}

/**
 * Held by a run that writes report.html, until the report takes them. A picture is keyed by everything that makes
 * it (file, page, turn, width), so the report uses one only where it would have made the same. A picture is a few
 * KB (report.html carries them all anyway); the PDF page it is made from is not kept.
 */
export class PageThumbnails {
  readonly #made = new Map<string, Thumbnail>();

  /** The picture of page `filePageNumber` of `file`, from `imagePath` (that page taken out); a failure is left to the report. */
  async add(file: string, filePageNumber: number, imagePath: string, rotateDeg: number): Promise<void> {
    try {
      this.#made.set(pictureKey(file, filePageNumber, rotateDeg, thumbnailDefaults.widthPx), await makeThumbnail(imagePath, { page: 0, rotateDeg }));
    } catch {
      // The report makes it again, and logs why it could not.
    }
  }

  /** The picture made in the run, handed over once. */
  take(file: string, filePageNumber: number, rotateDeg: number, widthPx: number = thumbnailDefaults.widthPx): Thumbnail | undefined {
    const key = pictureKey(file, filePageNumber, rotateDeg, widthPx);
    const made = this.#made.get(key);
    this.#made.delete(key);
    return made;
  }
}

function pictureKey(file: string, filePageNumber: number, rotateDeg: number, widthPx: number): string {
  return JSON.stringify([file, filePageNumber, rotateDeg, widthPx]);
}
