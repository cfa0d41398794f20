// Skew estimation by projection profiles: the angle at which the text lines of a page are sharpest.
import { otsuThreshold } from './otsu-threshold.ts';

export interface SkewOptions {
  /** Largest skew searched, degrees either way. */
  maxSkewDeg: number;
  /** First sweep step, degrees. */
  coarseStepDeg?: number;
  /** Second sweep step around the best coarse angle, degrees. */
  fineStepDeg?: number;
  /** Gray level below which a pixel is ink; Otsu's threshold when omitted. */
  inkThreshold?: number;
}

export interface SkewEstimate {
  /** Skew of the content, degrees, positive = content rotated counter-clockwise (as in page.ts). */
  angleDeg: number;
  /**
   * Best profile score divided by the worst one over the coarse sweep (Leptonica's measure). Text pages score
   * well above 3; a blank, photographic or near-empty page scores near 1 and its angle means nothing.
   */
  confidence: number;
  /** Number of ink pixels the estimate rests on. */
  inkPixels: number;
}

/** Fewer ink pixels than this share of the page means an (almost) blank page: no estimate. */
const MIN_INK_FRACTION = 0.0005;
/** More than this share is a photo or a dark scan border, not text on paper: no estimate. */
const MAX_INK_FRACTION = 0.5;

const NO_ESTIMATE = (inkPixels: number): SkewEstimate => ({ angleDeg: 0, confidence: 0, inkPixels });

/**
 * Estimates the skew of a text page from an 8-bit grayscale raster (row-major, one byte per pixel).
 *
 * For each candidate angle the ink pixels are projected onto the direction perpendicular to the text lines
 * and counted per row; at the true angle the rows alternate sharply between full (text lines) and empty
 * (leading), so the sum of squared differences of adjacent row counts (Postl's criterion, as in Leptonica)
 * peaks. Using differences rather than the raw counts keeps large dark blocks (stamps, photos, scan borders)
 * from dominating. A coarse sweep over [-maxSkewDeg, +maxSkewDeg] is followed by a fine sweep around the best
 * coarse angle and a parabola through the best three fine scores.
 */
export function estimateSkewDeg(gray: Uint8Array, widthPx: number, heightPx: number, options: SkewOptions): SkewEstimate {
  if (gray.length !== widthPx * heightPx) {
    throw new RangeError(`estimateSkewDeg: expected ${widthPx}×${heightPx} = ${widthPx * heightPx} bytes but received ${gray.length}`);
  }
  const coarseStepDeg = options.coarseStepDeg ?? 0.5;
  const fineStepDeg = options.fineStepDeg ?? 0.05;
  const inkThreshold = options.inkThreshold ?? otsuThreshold(gray);

  const ink = inkCoordinates(gray, widthPx, heightPx, inkThreshold);
  const inkFraction = ink.count / (widthPx * heightPx);
  if (inkFraction < MIN_INK_FRACTION || inkFraction > MAX_INK_FRACTION) return NO_ESTIMATE(ink.count);

  const binCount = Math.ceil(Math.hypot(widthPx, heightPx)) + 3;
  const bins = new Float64Array(binCount);
  const score = (angleDeg: number): number => profileScore(ink, angleDeg, bins);

  let bestCoarseDeg = 0;
  let bestCoarseScore = -Infinity;
  let worstCoarseScore = Infinity;
  const coarseSteps = Math.round(options.maxSkewDeg / coarseStepDeg);
  for (let step = -coarseSteps; step <= coarseSteps; step++) {
    const angleDeg = step * coarseStepDeg;
    const value = score(angleDeg);
    if (value > bestCoarseScore) {
      bestCoarseScore = value;
      bestCoarseDeg = angleDeg;
    }
    worstCoarseScore = Math.min(worstCoarseScore, value);
  }

  const fineSteps = Math.ceil(coarseStepDeg / fineStepDeg);
  const fineScores: number[] = [];
  let bestFineIndex = 0;
  for (let step = -fineSteps; step <= fineSteps; step++) {
    const value = score(bestCoarseDeg + step * fineStepDeg);
    fineScores.push(value);
    if (value > fineScores[bestFineIndex]!) bestFineIndex = fineScores.length - 1;
  }
  const offsetSteps = parabolaPeakOffset(fineScores[bestFineIndex - 1], fineScores[bestFineIndex]!, fineScores[bestFineIndex + 1]);
  const angleDeg = bestCoarseDeg + (bestFineIndex - fineSteps + offsetSteps) * fineStepDeg;

  const confidence = worstCoarseScore > 0 ? bestCoarseScore / worstCoarseScore : 0;
  return { angleDeg: roundTo(angleDeg, 3), confidence: roundTo(confidence, 2), inkPixels: ink.count };
}

interface InkCoordinates {
  /** x of each ink pixel relative to the page centre. */
  xs: Float32Array;
  /** y of each ink pixel relative to the page centre, plus half the diagonal so projections stay >= 0. */
  ys: Float32Array;
  count: number;
  offset: number;
}

function inkCoordinates(gray: Uint8Array, widthPx: number, heightPx: number, inkThreshold: number): InkCoordinates {
  let count = 0;
  for (let i = 0; i < gray.length; i++) if (gray[i]! < inkThreshold) count++;
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  const centreX = (widthPx - 1) / 2;
  const centreY = (heightPx - 1) / 2;
  let n = 0;
  for (let y = 0; y < heightPx; y++) {
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      if (gray[row + x]! < inkThreshold) {
        xs[n] = x - centreX;
        ys[n] = y - centreY;
        n++;
      }
    }
  }
  return { xs, ys, count, offset: Math.hypot(widthPx, heightPx) / 2 + 1 };
}

/**
 * Projects every ink pixel onto the row axis of the page de-rotated by `angleDeg` (clockwise, undoing a
 * counter-clockwise skew) and returns the sum of squared differences of adjacent row counts. Each pixel is
 * split linearly between its two nearest rows so the score varies smoothly with the angle.
 */
function profileScore(ink: InkCoordinates, angleDeg: number, bins: Float64Array): number {
  bins.fill(0);
  const radians = (angleDeg * Math.PI) / 180;
  const sin = Math.sin(radians);
  const cos = Math.cos(radians);
  const { xs, ys, count, offset } = ink;
  for (let i = 0; i < count; i++) {
    const row = xs[i]! * sin + ys[i]! * cos + offset;
    const lower = Math.floor(row);
    const upperWeight = row - lower;
    bins[lower]! += 1 - upperWeight;
    bins[lower + 1]! += upperWeight;
  }
  let sum = 0;
  for (let i = 1; i < bins.length; i++) {
    const difference = bins[i]! - bins[i - 1]!;
    sum += difference * difference;
  }
  return sum;
}

/** Offset, in steps from the middle sample, of the vertex of the parabola through three equally spaced samples. */
function parabolaPeakOffset(before: number | undefined, middle: number, after: number | undefined): number {
  if (before === undefined || after === undefined) return 0;
  const curvature = before - 2 * middle + after;
  if (curvature >= 0) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (before - after)) / curvature));
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
