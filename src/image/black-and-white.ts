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
}

/**
 * Measures an 8-bit gray page for how much of its gray is real content. A typed page scanned in gray has mid-tones
 * only along the edges of its strokes, where each lies between ink and paper; a photograph, a pencil note, a
 * light stamp or dingy paper has mid-tones with no ink or no paper beside them. Only the first kind can be stored
 * as black and white without losing anything a reader sees.
 */
export function measureMidtones(gray: Uint8Array, widthPx: number, heightPx: number): MidtoneMeasure {
  const pixelCount = widthPx * heightPx;
  if (pixelCount === 0) return { midtoneFraction: 0, isolatedMidtoneFraction: 0 };
  let midtones = 0;
  let isolated = 0;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const value = gray[row + x]!;
      if (value < INK_BELOW || value >= LIGHT_FROM) continue;
      midtones++;
      if (!betweenInkAndPaper(gray, widthPx, heightPx, x, y)) isolated++;
    }
  }
  return { midtoneFraction: midtones / pixelCount, isolatedMidtoneFraction: isolated / pixelCount };
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

/** A gray page whose mid-tones are all stroke edges: black text on white paper, stored as bitonal loses nothing. */
export function isTextOnlyGray(measure: MidtoneMeasure, maxIsolatedFraction = MAX_ISOLATED_MIDTONE_FRACTION): boolean {
  return measure.isolatedMidtoneFraction <= maxIsolatedFraction;
}
