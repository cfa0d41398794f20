// Tells whether decoded pixels are only black and white, so a palette image can be kept as a bitonal page.

/** Palette entries this close to pure black or white still count: some tools write (1, 1, 1) or (254, 254, 254). */
const TOLERANCE = 16;

/**
 * True when every pixel is neutral and near black or near white. Meant for the full-resolution decode of a palette
 * image, whose pixels are palette entries: any gray, colour or interpolated pixel makes it false.
 */
export function isBlackAndWhite(pixels: Uint8Array, channels: number): boolean {
  for (let i = 0; i < pixels.length; i += channels) {
    const value = pixels[i]!;
    if (value > TOLERANCE && value < 255 - TOLERANCE) return false;
    for (let c = 1; c < channels; c++) {
      if (Math.abs(pixels[i + c]! - value) > TOLERANCE) return false;
    }
  }
  return true;
}

/** Levels below this are ink, above `LIGHT_FROM` paper; what lies between is a mid-tone. */
const INK_BELOW = 64;
const LIGHT_FROM = 192;
/** How far (pixels) a mid-tone may be from ink and from paper and still count as the anti-aliased edge between them. */
const EDGE_RADIUS_PX = 2;

export interface MidtoneMeasure {
  /** Share of pixels that are neither ink nor paper, 0–1. */
  midtoneFraction: number;
  /** Share of pixels that are mid-tones with no ink or no paper within EDGE_RADIUS_PX: gray content, not edges. */
  isolatedMidtoneFraction: number;
  /**
   * Share of pixels in isolated mid-tones that form specks (see `measureMidtones`), not counted as gray content;
   * 0 when the page has more isolated mid-tones than a text page can, which then all count as isolated.
   */
  speckFraction: number;
}

/**
 * Measures an 8-bit gray page for how much of its gray is real content. A typed page scanned in gray has mid-tones
 * only along the edges of its strokes, where each lies between ink and paper; a photograph, a pencil note, a
 * light stamp or dingy paper has mid-tones with no ink or no paper beside them. Only the first kind can be stored
 * as black and white without losing anything a reader sees.
 *
 * Dust and scanner noise leave isolated mid-tones too, as specks a few pixels across. With `maxSpeckPx`, a
 * connected group of isolated mid-tones that fits in a square of that side is a speck, counted apart: a pencil
 * stroke, a stamp or a photograph is far larger. A bitonal scanner would have dropped or blackened such a speck.
 */
export function measureMidtones(gray: Uint8Array, widthPx: number, heightPx: number, maxSpeckPx = 0): MidtoneMeasure {
  const pixelCount = widthPx * heightPx;
  if (pixelCount === 0) return { midtoneFraction: 0, isolatedMidtoneFraction: 0, speckFraction: 0 };
  let midtones = 0;
  let isolatedCount = 0;
  // Where the isolated mid-tones are, for the speck search; past what a text page can have (a photograph), the page
  // is gray whatever its specks, so the list stops growing rather than holding millions of pixels.
  const isolated: number[] = [];
  const keepAtMost = maxSpeckPx > 0 ? Math.ceil(pixelCount * (MAX_ISOLATED_MIDTONE_FRACTION + MAX_SPECK_FRACTION)) : 0;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const value = gray[row + x]!;
      if (value < INK_BELOW || value >= LIGHT_FROM) continue;
      midtones++;
      if (betweenInkAndPaper(gray, widthPx, heightPx, x, y)) continue;
      isolatedCount++;
      if (isolatedCount <= keepAtMost) isolated.push(row + x);
    }
  }
  const specks = isolated.length > 0 && isolatedCount <= keepAtMost ? countSpeckPixels(isolated, widthPx, heightPx, maxSpeckPx) : 0;
  return { midtoneFraction: midtones / pixelCount, isolatedMidtoneFraction: (isolatedCount - specks) / pixelCount, speckFraction: specks / pixelCount };
}

/** Pixels of the 8-connected groups of `pixels` (indices, row-major) whose bounding box fits in maxSpeckPx square. */
function countSpeckPixels(pixels: readonly number[], widthPx: number, heightPx: number, maxSpeckPx: number): number {
  // 1 = an isolated mid-tone not yet visited; 0 = anything else.
  const pending = new Uint8Array(widthPx * heightPx);
  for (const index of pixels) pending[index] = 1;
  let specks = 0;
  const stack: number[] = [];
  for (const start of pixels) {
    if (!pending[start]) continue;
    pending[start] = 0;
    stack.push(start);
    let size = 0;
    let minX = widthPx, maxX = -1, minY = heightPx, maxY = -1;
    while (stack.length > 0) {
      const index = stack.pop()!;
      size++;
      const x = index % widthPx;
      const y = (index - x) / widthPx;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      for (let yy = Math.max(0, y - 1); yy <= Math.min(heightPx - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(widthPx - 1, x + 1); xx++) {
          const next = yy * widthPx + xx;
          if (pending[next]) {
            pending[next] = 0;
            stack.push(next);
          }
        }
      }
    }
    if (maxX - minX < maxSpeckPx && maxY - minY < maxSpeckPx) specks += size;
  }
  return specks;
}

function betweenInkAndPaper(gray: Uint8Array, widthPx: number, heightPx: number, x: number, y: number): boolean {
  let ink = false;
  let paper = false;
  const y0 = Math.max(0, y - EDGE_RADIUS_PX);
  const y1 = Math.min(heightPx - 1, y + EDGE_RADIUS_PX);
  const x0 = Math.max(0, x - EDGE_RADIUS_PX);
  const x1 = Math.min(widthPx - 1, x + EDGE_RADIUS_PX);
  for (let yy = y0; yy <= y1; yy++) {
    const row = yy * widthPx;
    for (let xx = x0; xx <= x1; xx++) {
      const value = gray[row + xx]!;
      if (value < INK_BELOW) ink = true;
      else if (value >= LIGHT_FROM) paper = true;
      if (ink && paper) return true;
    }
  }
  return false;
}

/**
 * Gray content worth keeping covers far more than this share of a page: one pencil initial at 300 dpi is ~0.05 %,
 * a 3×4 cm photograph ~2 %. Measured on the sample pages, anti-aliased type leaves 0.000–0.003 % isolated.
 */
export const MAX_ISOLATED_MIDTONE_FRACTION = 0.0002;

/**
 * Specks are noise only while they are sparse: the seeded noise of the `noisy` sample is 0.07 % of its page. Far
 * more small gray dots than this is a texture (a halftone picture, a screened background), which stays gray.
 */
export const MAX_SPECK_FRACTION = 0.005;

/** The side of the largest speck, in millimetres: 0.5 mm is 6 px at 300 dpi, a full stop in 12 pt type. */
export const SPECK_MM = 0.5;

export function maxSpeckPx(dpi: number): number {
  return Math.max(1, Math.round((SPECK_MM * dpi) / 25.4));
}

/** A gray page whose mid-tones are stroke edges and sparse specks: black text on white paper, bitonal loses nothing. */
export function isTextOnlyGray(measure: MidtoneMeasure, maxIsolatedFraction = MAX_ISOLATED_MIDTONE_FRACTION): boolean {
  return measure.isolatedMidtoneFraction <= maxIsolatedFraction && measure.speckFraction <= MAX_SPECK_FRACTION;
}
