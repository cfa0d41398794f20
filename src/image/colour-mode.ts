// Decides whether a page is bitonal, gray or colour: colour only where there is chroma worth keeping.
import type { ColourMode } from '../domain/page.ts';

/**
 * Thresholds measured on synthetic A4 pages at 150 dpi saved as RGB JPEG (quality 75) and downscaled to 600 px:
 * black text on white or on yellowed paper (240, 228, 193) had no pixel above chroma 30 (0.1 % above 20 on the
 * yellowed one); a red seal covered 0.49 % of the page above chroma 40, one blue ballpoint signature stroke 0.041 %.
 * An original signed in ink and a photocopy differ by exactly that colour, so the page turns colour early.
 */
export interface ChromaOptions {
  /** Chroma (max − min of R, G, B after white balance, 0–255) above which a pixel counts as coloured. */
  chromaThreshold?: number;
  /** Share of coloured pixels (0–1) from which the page is colour. */
  minColouredFraction?: number;
}

export interface ChromaMeasure {
  /** Share of pixels whose chroma exceeds the threshold, 0–1. */
  colouredFraction: number;
  /** Paper colour used for white balance, [R, G, B]. */
  paperRgb: [number, number, number];
}

const DEFAULT_CHROMA_THRESHOLD = 40;
const DEFAULT_MIN_COLOURED_FRACTION = 0.0002;
/** Percentile of each channel taken as the paper colour: most of a page is paper. */
const PAPER_PERCENTILE = 0.9;

/**
 * Measures how much of an interleaved RGB raster (3 or 4 channels, alpha ignored) is coloured. The page is first
 * white-balanced on its paper colour so that yellowed paper or a tinted scanner lamp is not mistaken for colour.
 * Meant for a downscaled copy (a few hundred pixels a side), where averaging has already removed sensor noise.
 */
export function measureChroma(rgb: Uint8Array, channels: 3 | 4, options: ChromaOptions = {}): ChromaMeasure {
  const chromaThreshold = options.chromaThreshold ?? DEFAULT_CHROMA_THRESHOLD;
  const pixelCount = Math.floor(rgb.length / channels);
  if (pixelCount === 0) return { colouredFraction: 0, paperRgb: [255, 255, 255] };

  const paperRgb: [number, number, number] = [
    channelPercentile(rgb, channels, 0, PAPER_PERCENTILE),
    channelPercentile(rgb, channels, 1, PAPER_PERCENTILE),
    channelPercentile(rgb, channels, 2, PAPER_PERCENTILE),
  ];
  const gains = paperRgb.map((paper) => 255 / Math.max(paper, 64));
  const [gainR, gainG, gainB] = gains as [number, number, number];

  let coloured = 0;
  for (let i = 0; i < pixelCount * channels; i += channels) {
    const r = Math.min(255, rgb[i]! * gainR);
    const g = Math.min(255, rgb[i + 1]! * gainG);
    const b = Math.min(255, rgb[i + 2]! * gainB);
    if (Math.max(r, g, b) - Math.min(r, g, b) > chromaThreshold) coloured++;
  }
  return { colouredFraction: coloured / pixelCount, paperRgb };
}

/**
 * The colour mode of a page. A 1-bit input stays bitonal whatever its palette (scanners write black and white);
 * a 1-channel input is gray; a multi-channel input is colour only when `chroma` says enough of it is coloured.
 */
export function colourMode(input: { bitsPerSample: number | undefined; channels: number; chroma?: ChromaMeasure }, options: ChromaOptions = {}): ColourMode {
  if (input.bitsPerSample === 1) return 'bitonal';
  if (input.channels < 3 || input.chroma === undefined) return 'gray';
  const minColouredFraction = options.minColouredFraction ?? DEFAULT_MIN_COLOURED_FRACTION;
  return input.chroma.colouredFraction >= minColouredFraction ? 'colour' : 'gray';
}

function channelPercentile(rgb: Uint8Array, channels: number, channel: number, percentile: number): number {
  const histogram = new Uint32Array(256);
  let count = 0;
  for (let i = channel; i < rgb.length; i += channels) {
    histogram[rgb[i]!]!++;
    count++;
  }
  const target = percentile * count;
  let cumulative = 0;
  for (let level = 0; level < 256; level++) {
    cumulative += histogram[level]!;
    if (cumulative >= target) return level;
  }
  return 255;
}
