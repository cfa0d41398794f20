// Page orientation from ink profiles: which clockwise right-angle turn makes the text lines horizontal and upright.
import { otsuThreshold } from './otsu-threshold.ts';

export interface OrientationOptions {
  /** Gray level below which a pixel is ink; Otsu's threshold when omitted. */
  inkThreshold?: number;
  /** Largest skew of the text lines searched, degrees either way. */
  maxSkewDeg?: number;
  /**
   * Width of the strips whose profiles are shifted against each other to follow skewed lines, px. The default,
   * 1/64 of the long side (~31 px on a 170 dpi A4 copy), keeps the drift inside a strip under 2 px at 3°.
   */
  stripPx?: number;
  /**
   * Width of the slabs whose lines are segmented separately, in strips: 8 (~1.5 in). The lowest confidence on the
   * committed samples was 3.0 with full-width lines, 5.3 with 12 strips, 5.9 with 8 and 6.3 with 5, all right.
   */
  slabStrips?: number;
}

export interface OrientationEstimate {
  /** Clockwise turn that makes the page upright (as sharp's `rotate(deg)`). */
  rotateDeg: 0 | 90 | 180 | 270;
  /**
   * Strength of the up/down evidence, z-score-like: the weighted mean of the per-line asymmetry divided by its
   * standard error (shrunk towards a prior for pages with few lines), and capped by the line-axis evidence. Pieces
   * of one line are not independent, so read it as a scale, not as a probability.
   * 0 means no evidence (blank page, photo); see `minConfidentOrientation` for the level to trust.
   */
  confidence: number;
  /**
   * Line-structure score of the row profile over that of the column profile (sum of squared differences of the
   * deskewed profiles): well above 1 for horizontal lines, well below 1 for vertical ones.
   */
  lineAxisRatio: number;
  /** Line pieces (a line cut by the slabs, ~1.5 in each) the up/down decision rests on. */
  lineCount: number;
  /**
   * Weighted mean over the lines of (ink above the x-height band − ink below) / (both + a tenth of the band's ink),
   * read on the page as turned upright: ascenders, tone marks, circumflexes and breves outweigh descenders and dots
   * below, so this is positive; 0.2–0.45 on text pages.
   */
  upDownAsymmetry: number;
  /** Ink pixels found on the page. */
  inkPixels: number;
}

/**
 * Confidence from which an estimate is trusted; below it, ask Tesseract OSD. Measured on 170 dpi copies: every
 * full page was right, at 5.9–17 (committed samples, the lowest on continuation pages of 10–13 lines) and 7.4–17
 * (rendered 10–14 pt serif and sans, skewed ±3°, speckled, 100–170 dpi); pages with little text stayed at 0–3.6
 * (blank, specks 0–0.2, a few words 2.6, one line 1.3, a heading and three lines 3.6). No wrong answer was seen
 * at any confidence, so the threshold only decides which thin pages OSD sees. 8 pt sans scores 3–5 and goes to OSD.
 */
export const minConfidentOrientation = 5;

/** Fewer ink pixels than this share of the page means an (almost) blank page: no estimate. */
const MIN_INK_FRACTION = 0.0005;
/** More than this share is a photo or a dark scan border, not text on paper: no estimate. */
const MAX_INK_FRACTION = 0.4;
/** Ink and paper closer than this in gray level: Otsu split paper texture or a flat photo, not print. */
const MIN_CONTRAST_LEVELS = 60;
/** Angle steps of the skew sweep, degrees: coarse over the whole range, then fine around the best. */
const COARSE_STEP_DEG = 0.5;
const FINE_STEP_DEG = 0.1;
/** A row belongs to the x-height (or cap-height) band of its line when it holds this share of the line's peak. */
const CORE_LEVEL = 0.5;
/** Rows under this share of the typical line peak (above the noise floor) separate lines. */
const GAP_LEVEL = 0.04;
/**
 * Share of a line's core ink added to the denominator of its asymmetry: a line with hardly any tails (a caps line
 * without accents, a row of digits) says little either way and is pulled towards 0 instead of reading ±1.
 */
const TAIL_DAMPING = 0.1;
/**
 * Prior on the per-line asymmetry's spread, as `PRIOR_LINES` pseudo-lines of standard deviation `PRIOR_SD`: keeps
 * one or two lines that happen to agree from producing a large z-score.
 */
const PRIOR_SD = 0.35;
const PRIOR_LINES = 4;
/** The confidence cannot exceed this multiple of |log(lineAxisRatio)|: an unclear axis makes the turn unclear. */
const AXIS_CONFIDENCE_SCALE = 10;

const NO_ESTIMATE = (inkPixels: number, lineAxisRatio = 1): OrientationEstimate => ({
  rotateDeg: 0,
  confidence: 0,
  lineAxisRatio,
  lineCount: 0,
  upDownAsymmetry: 0,
  inkPixels,
});

/**
 * Estimates the orientation of a text page from an 8-bit grayscale raster (row-major, one byte per pixel), ~100–
 * 200 dpi.
 *
 * The ink is counted per row in narrow vertical strips and per column in narrow horizontal bands. Shifting the
 * strips against each other over a sweep of small angles follows skewed lines; the sharpest profile (largest sum
 * of squared differences of adjacent bins, Postl's criterion as in the deskew) of each axis says whether the lines
 * run across or down the page. On that profile the lines are segmented; in upright Vietnamese the ink above a
 * line's x-height band (ascenders, diacritics above) outweighs the ink below it (descenders, dots below), and a
 * page turned over shows the reverse (Leptonica's pixUpDownDetect rests on the same asymmetry).
 */
export function estimateOrientation(gray: Uint8Array, widthPx: number, heightPx: number, options: OrientationOptions = {}): OrientationEstimate {
  if (gray.length !== widthPx * heightPx) {
    throw new RangeError(`estimateOrientation: expected ${widthPx}×${heightPx} = ${widthPx * heightPx} bytes but received ${gray.length}`);
  }
  const inkThreshold = options.inkThreshold ?? otsuThreshold(gray);
  const maxSkewDeg = options.maxSkewDeg ?? 5;
  const stripPx = options.stripPx ?? Math.max(8, Math.round(Math.max(widthPx, heightPx) / 64));
  const slabStrips = options.slabStrips ?? 8;

  const profiles = stripProfiles(gray, widthPx, heightPx, inkThreshold, stripPx);
  const inkFraction = profiles.inkPixels / (widthPx * heightPx);
  if (inkFraction < MIN_INK_FRACTION || inkFraction > MAX_INK_FRACTION || profiles.contrastLevels < MIN_CONTRAST_LEVELS) {
    return NO_ESTIMATE(profiles.inkPixels);
  }

  const rows = sharpestSlope(profiles.rowCounts, heightPx, widthPx, stripPx, maxSkewDeg);
  const columns = sharpestSlope(profiles.columnCounts, widthPx, heightPx, stripPx, maxSkewDeg);
  const lineAxisRatio = columns.score > 0 ? rows.score / columns.score : rows.score > 0 ? Infinity : 1;
  if (!(rows.score > 0 || columns.score > 0)) return NO_ESTIMATE(profiles.inkPixels, lineAxisRatio);

  const horizontal = lineAxisRatio >= 1;
  const lines = upDownEvidence(
    horizontal
      ? slabLines(profiles.rowCounts, heightPx, widthPx, stripPx, rows.slope, slabStrips)
      : slabLines(profiles.columnCounts, widthPx, heightPx, stripPx, columns.slope, slabStrips),
  );
  // Asymmetry > 0: the heavy side (the top of the text) is at the low index: the top of the image for rows, the
  // left for columns (content turned 90° counter-clockwise, which a 90° clockwise turn undoes).
  const topAtLowIndex = lines.asymmetry >= 0;
  const rotateDeg = horizontal ? (topAtLowIndex ? 0 : 180) : topAtLowIndex ? 90 : 270;
  const axisCap = AXIS_CONFIDENCE_SCALE * Math.abs(Math.log(lineAxisRatio));
  return {
    rotateDeg,
    confidence: Math.min(lines.zScore, axisCap),
    lineAxisRatio,
    lineCount: lines.count,
    upDownAsymmetry: Math.abs(lines.asymmetry),
    inkPixels: profiles.inkPixels,
  };
}

interface StripProfiles {
  /** Ink per row, one run of `heightPx` counts per vertical strip: `rowCounts[strip * heightPx + y]`. */
  rowCounts: Int32Array;
  /** Ink per column, one run of `widthPx` counts per horizontal band: `columnCounts[band * widthPx + x]`. */
  columnCounts: Int32Array;
  inkPixels: number;
  /** Mean paper level minus mean ink level. */
  contrastLevels: number;
}

function stripProfiles(gray: Uint8Array, widthPx: number, heightPx: number, inkThreshold: number, stripPx: number): StripProfiles {
  const stripCount = Math.ceil(widthPx / stripPx);
  const bandCount = Math.ceil(heightPx / stripPx);
  const rowCounts = new Int32Array(stripCount * heightPx);
  const columnCounts = new Int32Array(bandCount * widthPx);
  const rowBaseOfX = new Int32Array(widthPx);
  for (let x = 0; x < widthPx; x++) rowBaseOfX[x] = Math.floor(x / stripPx) * heightPx;
  let inkPixels = 0;
  let inkSum = 0;
  let paperSum = 0;
  for (let y = 0; y < heightPx; y++) {
    const columnBase = Math.floor(y / stripPx) * widthPx;
    const rowStart = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      const level = gray[rowStart + x]!;
      if (level < inkThreshold) {
        inkPixels++;
        inkSum += level;
        rowCounts[rowBaseOfX[x]! + y]!++;
        columnCounts[columnBase + x]!++;
      } else {
        paperSum += level;
      }
    }
  }
  const paperPixels = widthPx * heightPx - inkPixels;
  const contrastLevels = inkPixels > 0 && paperPixels > 0 ? paperSum / paperPixels - inkSum / inkPixels : 0;
  return { rowCounts, columnCounts, inkPixels, contrastLevels };
}

/**
 * The angle of the lines along an axis (`lengthPx` bins, strips spanning `acrossPx`): the one whose deskewed
 * profile is sharpest. Returns its slope and the profile's score.
 */
function sharpestSlope(counts: Int32Array, lengthPx: number, acrossPx: number, stripPx: number, maxSkewDeg: number): { slope: number; score: number } {
  const stripCount = counts.length / lengthPx;
  const profile = new Float64Array(lengthPx + 2 * padFor(acrossPx, Math.tan((maxSkewDeg * Math.PI) / 180)));
  const scoreOf = (angleDeg: number): number => {
    alignedProfile(counts, lengthPx, acrossPx, stripPx, Math.tan((angleDeg * Math.PI) / 180), 0, stripCount, profile);
    let score = 0;
    for (let i = 1; i < profile.length; i++) score += (profile[i]! - profile[i - 1]!) ** 2;
    return score;
  };
  let bestDeg = 0;
  let bestScore = -1;
  const coarseSteps = Math.round(maxSkewDeg / COARSE_STEP_DEG);
  for (let step = -coarseSteps; step <= coarseSteps; step++) {
    const score = scoreOf(step * COARSE_STEP_DEG);
    if (score > bestScore) [bestScore, bestDeg] = [score, step * COARSE_STEP_DEG];
  }
  const coarseBestDeg = bestDeg;
  const fineSteps = Math.round(COARSE_STEP_DEG / FINE_STEP_DEG);
  for (let step = -fineSteps + 1; step < fineSteps; step++) {
    if (step === 0) continue;
    const score = scoreOf(coarseBestDeg + step * FINE_STEP_DEG);
    if (score > bestScore) [bestScore, bestDeg] = [score, coarseBestDeg + step * FINE_STEP_DEG];
  }
  return { slope: Math.tan((bestDeg * Math.PI) / 180), score: bestScore };
}

/** Margin added at both ends of an aligned profile so every shifted strip fits. */
function padFor(acrossPx: number, maxSlope: number): number {
  return Math.ceil((acrossPx / 2) * Math.abs(maxSlope)) + 1;
}

/**
 * Sums the profiles of strips `fromStrip`…`toStrip - 1` into `out`, each shifted by the drift of a line of
 * `slope` at its centre, so the lines of a skewed page stay sharp. `out` holds `lengthPx` plus the pad at each end.
 */
function alignedProfile(counts: Int32Array, lengthPx: number, acrossPx: number, stripPx: number, slope: number, fromStrip: number, toStrip: number, out: Float64Array): void {
  out.fill(0);
  const padPx = (out.length - lengthPx) / 2;
  const centre = acrossPx / 2;
  for (let strip = fromStrip; strip < toStrip; strip++) {
    const shift = padPx - Math.round(((strip + 0.5) * stripPx - centre) * slope);
    const base = strip * lengthPx;
    for (let i = 0; i < lengthPx; i++) out[i + shift]! += counts[base + i]!;
  }
}

/** One line (or line fragment within a slab): its core ink and the asymmetry of its tails. */
interface LineEvidence {
  weight: number;
  asymmetry: number;
  coreHeight: number;
  /** Height of the whole line, tails included. */
  height: number;
}

/**
 * Reads the lines in slabs `slabStrips` strips wide, so that the columns of a two-column block (the heading, the
 * recipients beside the signature) are segmented on their own instead of blurring into one band.
 */
function slabLines(counts: Int32Array, lengthPx: number, acrossPx: number, stripPx: number, slope: number, slabStrips: number): LineEvidence[] {
  const stripCount = counts.length / lengthPx;
  const profile = new Float64Array(lengthPx + 2 * padFor(acrossPx, slope));
  const lines: LineEvidence[] = [];
  const slabs = Math.max(1, Math.round(stripCount / slabStrips));
  for (let slab = 0; slab < slabs; slab++) {
    alignedProfile(counts, lengthPx, acrossPx, stripPx, slope, Math.round((slab * stripCount) / slabs), Math.round(((slab + 1) * stripCount) / slabs), profile);
    lines.push(...profileLines(profile));
  }
  return lines;
}

interface UpDown {
  /** Weighted mean per-line asymmetry, > 0 when the heavy tails are towards the low index. */
  asymmetry: number;
  zScore: number;
  count: number;
}

/** Segments the lines of a profile and weighs the ink before each line's core band against the ink after it. */
function profileLines(profile: Float64Array): LineEvidence[] {
  const floor = noiseFloor(profile);
  const level = new Float64Array(profile.length);
  for (let i = 0; i < profile.length; i++) level[i] = Math.max(0, profile[i]! - floor);
  const typicalPeak = percentile(level.filter((v) => v > 0), 0.9);
  if (!(typicalPeak > 0)) return [];

  const segments = mergeFragments(segmentLines(level, Math.max(1, GAP_LEVEL * typicalPeak)), level);
  const lines: LineEvidence[] = [];
  for (const segment of segments) {
    let peak = 0;
    for (let i = segment.start; i < segment.end; i++) peak = Math.max(peak, level[i]!);
    // Specks and rules: too faint or too thin to be a line of text.
    if (peak < 0.15 * typicalPeak || segment.end - segment.start < 3) continue;
    let coreStart = segment.start;
    while (level[coreStart]! < CORE_LEVEL * peak) coreStart++;
    let coreEnd = segment.end;
    while (level[coreEnd - 1]! < CORE_LEVEL * peak) coreEnd--;
    let before = 0;
    let core = 0;
    let after = 0;
    for (let i = segment.start; i < coreStart; i++) before += level[i]!;
    for (let i = coreStart; i < coreEnd; i++) core += level[i]!;
    for (let i = coreEnd; i < segment.end; i++) after += level[i]!;
    lines.push({ weight: core, asymmetry: (before - after) / (before + after + TAIL_DAMPING * core), coreHeight: coreEnd - coreStart, height: segment.end - segment.start });
  }
  return lines;
}

/** Pools the evidence of all lines into a mean asymmetry and its z-score. */
function upDownEvidence(lines: LineEvidence[]): UpDown {
  const coreHeights = lines.map((line) => line.coreHeight);
  // Two lines run together have a core twice as tall, and their "tails" are the other line's body.
  const medianCore = percentile(Float64Array.from(coreHeights), 0.5);
  // A signature or a stamp is far taller than a line of text and its ink is not tails.
  const kept = lines.filter((line) => line.coreHeight <= 1.8 * medianCore && line.height <= 3 * medianCore);
  if (kept.length === 0) return { asymmetry: 0, zScore: 0, count: 0 };

  let weightSum = 0;
  let weightSquares = 0;
  let weightedSum = 0;
  for (const line of kept) {
    weightSum += line.weight;
    weightSquares += line.weight ** 2;
    weightedSum += line.weight * line.asymmetry;
  }
  const mean = weightedSum / weightSum;
  let spread = 0;
  for (const line of kept) spread += line.weight * (line.asymmetry - mean) ** 2;
  const effectiveLines = weightSum ** 2 / weightSquares;
  const variance = (effectiveLines * (spread / weightSum) + PRIOR_LINES * PRIOR_SD ** 2) / (effectiveLines + PRIOR_LINES);
  return { asymmetry: mean, zScore: (Math.abs(mean) * Math.sqrt(effectiveLines)) / Math.sqrt(variance), count: kept.length };
}

interface Segment {
  start: number;
  /** Exclusive. */
  end: number;
}

function segmentLines(level: Float64Array, gapLevel: number): Segment[] {
  const segments: Segment[] = [];
  let start = -1;
  for (let i = 0; i <= level.length; i++) {
    const inLine = i < level.length && level[i]! > gapLevel;
    if (inLine && start < 0) start = i;
    if (!inLine && start >= 0) {
      segments.push({ start, end: i });
      start = -1;
    }
  }
  return segments;
}

/**
 * Joins diacritics cut off from their line back to it: above capitals nothing bridges the gap to the accents, so
 * they come out as a thin segment of their own. A fragment goes to the nearer neighbour, if that is close.
 */
function mergeFragments(segments: Segment[], level: Float64Array): Segment[] {
  const heights = Float64Array.from(segments, (s) => s.end - s.start);
  const medianHeight = percentile(heights, 0.5);
  const merged = segments.map((s) => ({ ...s }));
  const peakOf = (s: Segment): number => {
    let peak = 0;
    for (let i = s.start; i < s.end; i++) peak = Math.max(peak, level[i]!);
    return peak;
  };
  for (let i = 0; i < merged.length; i++) {
    const fragment = merged[i]!;
    if (fragment.end - fragment.start >= 0.5 * medianHeight) continue;
    const previous = merged[i - 1];
    const next = merged[i + 1];
    const gapBefore = previous ? fragment.start - previous.end : Infinity;
    const gapAfter = next ? next.start - fragment.end : Infinity;
    const maxGap = 0.35 * medianHeight;
    if (Math.min(gapBefore, gapAfter) > maxGap) continue;
    const intoNext = gapAfter < gapBefore || (gapAfter === gapBefore && next !== undefined && previous !== undefined && peakOf(next) >= peakOf(previous));
    if (intoNext && next) {
      next.start = fragment.start;
    } else if (previous) {
      previous.end = fragment.end;
    }
    merged.splice(i, 1);
    i--;
  }
  return merged;
}

/** The level of rows between lines: specks and scanner noise, which would otherwise count as tails. */
function noiseFloor(profile: Float64Array): number {
  let first = 0;
  while (first < profile.length && profile[first]! <= 0) first++;
  let last = profile.length - 1;
  while (last > first && profile[last]! <= 0) last--;
  if (last <= first) return 0;
  return percentile(profile.subarray(first, last + 1), 0.15);
}

/** The `fraction` quantile of the values (0 for none). */
function percentile(values: Float64Array, fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}
