// Decides whether a scanned page is blank, from a small gray copy: few, tiny specks inside the margins.
import { medianLevel, otsuThreshold } from './otsu-threshold.ts';

/**
 * Defaults for A4/Letter records. The margin band holds what a blank sheet still shows: scanner bed edges
 * (a few mm) and punch holes (ISO 838: Ø 6 mm, centres 12 mm from the edge, so up to ~15 mm in); typed text in
 * Vietnamese administrative documents keeps ≥ 15–20 mm from every edge. A blob of 0.4 mm² is about a 10 pt
 * full stop; scanner speckle is smaller after the copy's downscaling to ~170 dpi.
 */
export interface BlankPageOptions {
  /** Band along each edge that is ignored, mm; capped at a fifth of each side for small pieces. */
  marginMm?: number;
  /** Darkness below the paper level (0–255) a pixel needs to be ink: Otsu alone splits paper texture in two. */
  minInkContrast?: number;
  /** Smallest connected ink blob that counts, mm². */
  minBlobAreaMm2?: number;
  /** Blobs a page needs to not be blank: one short word has this many letters. */
  minBlobs?: number;
  /** Share of the inner area the counted blobs must cover to not be blank. */
  minInkFraction?: number;
}

export interface BlankPageMeasure {
  blank: boolean;
  /** Share of the inner area covered by the blobs that count. */
  inkFraction: number;
  /** Number of blobs that count. */
  blobs: number;
  /** Gray level below which a pixel was taken for ink. */
  inkBelow: number;
}

const DEFAULTS: Required<BlankPageOptions> = { marginMm: 15, minInkContrast: 64, minBlobAreaMm2: 0.4, minBlobs: 4, minInkFraction: 0.00005 };
const MM_PER_INCH = 25.4;

/**
 * Measures an 8-bit gray copy of a page (any resolution, given as `dpi`): ink is darker than both Otsu's threshold
 * and the paper level minus `minInkContrast`; the page is blank unless at least `minBlobs` 8-connected ink blobs of
 * `minBlobAreaMm2` or more, together covering `minInkFraction` of the inner area, lie inside the margin band.
 */
export function measureBlankPage(gray: Uint8Array, widthPx: number, heightPx: number, dpi: number, options: BlankPageOptions = {}): BlankPageMeasure {
  const o = { ...DEFAULTS, ...options };
  const pxPerMm = dpi / MM_PER_INCH;
  const marginXPx = Math.min(Math.round(o.marginMm * pxPerMm), Math.floor(widthPx / 5));
  const marginYPx = Math.min(Math.round(o.marginMm * pxPerMm), Math.floor(heightPx / 5));
  const innerWidthPx = widthPx - 2 * marginXPx;
  const innerHeightPx = heightPx - 2 * marginYPx;
  if (innerWidthPx <= 0 || innerHeightPx <= 0) return { blank: true, inkFraction: 0, blobs: 0, inkBelow: 0 };

  const inner = new Uint8Array(innerWidthPx * innerHeightPx);
  for (let y = 0; y < innerHeightPx; y++) {
    const from = (y + marginYPx) * widthPx + marginXPx;
    inner.set(gray.subarray(from, from + innerWidthPx), y * innerWidthPx);
  }
  const inkBelow = Math.min(otsuThreshold(inner), medianLevel(inner) - o.minInkContrast);
  const { blobs, inkPx } = countBlobs(inner, innerWidthPx, innerHeightPx, inkBelow, Math.max(1, Math.round(o.minBlobAreaMm2 * pxPerMm * pxPerMm)));
  const inkFraction = inkPx / inner.length;
  return { blank: blobs < o.minBlobs || inkFraction < o.minInkFraction, inkFraction, blobs, inkBelow };
}

/** The paper level: most of any page, even a full text page, is paper. */
/** 8-connected blobs of pixels below `inkBelow` with at least `minAreaPx` pixels, and their total area. */
function countBlobs(gray: Uint8Array, widthPx: number, heightPx: number, inkBelow: number, minAreaPx: number): { blobs: number; inkPx: number } {
  const seen = new Uint8Array(gray.length);
  const stack = new Int32Array(gray.length);
  let blobs = 0;
  let inkPx = 0;
  for (let start = 0; start < gray.length; start++) {
    if (seen[start] || gray[start]! >= inkBelow) continue;
    seen[start] = 1;
    let top = 0;
    stack[top++] = start;
    let areaPx = 0;
    while (top > 0) {
      const at = stack[--top]!;
      areaPx++;
      const x = at % widthPx;
      const y = (at - x) / widthPx;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= heightPx) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= widthPx) continue;
          const next = ny * widthPx + nx;
          if (seen[next] || gray[next]! >= inkBelow) continue;
          seen[next] = 1;
          stack[top++] = next;
        }
      }
    }
    if (areaPx >= minAreaPx) {
      blobs++;
      inkPx += areaPx;
    }
  }
  return { blobs, inkPx };
}
