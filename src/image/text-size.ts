// How tall a page's text lines are, in pixels: the OCR copy is scaled so that text is the size the engine reads best.
import { medianLevel, otsuThreshold } from './otsu-threshold.ts';

/**
 * Vertical strips the page is cut into. A line is measured within a strip, so the two columns of the national
 * layout's heading are not merged into one line, and a line that drifts with a skew of up to ~2° stays within
 * its own rows across a strip's width.
 */
const STRIPS = 16;
/** The outer band left out on each side: scanner edges, punch holes and page shadows are not text. */
const MARGIN_FRACTION = 0.05;
/** Text lines (runs of rows with ink in one strip) needed before the height is trusted: a few words are not text. */
const MIN_LINES = 5;
/** Darkness below the paper level a pixel needs to be ink (as in the blank-page measure). */
const MIN_INK_CONTRAST = 64;

/** A run of ink rows taller than this share of the page is no line of type (a table's rules, a photo, a seal). */
const MAX_LINE_SHARE = 0.05;

/**
 * The height, in pixels, of the page's typical text line: within each vertical strip, the runs of rows that hold
 * ink are the lines' ink; each ink row votes for the height of the run it is in, and the median vote is the answer.
 * Voting by row gives a run its height as weight, so the small runs of accents and specks weigh little; runs
 * taller than a twentieth of the page (a table's vertical rules, a photo, a seal) do not vote at all.
 * Returns undefined when the page holds too few lines to say.
 */
export function measureTextLineHeight(gray: Uint8Array, widthPx: number, heightPx: number): number | undefined {
  const x0 = Math.floor(widthPx * MARGIN_FRACTION);
  const x1 = widthPx - x0;
  const y0 = Math.floor(heightPx * MARGIN_FRACTION);
  const y1 = heightPx - y0;
  if (x1 - x0 < STRIPS || y1 - y0 < 8) return undefined;
  const inkBelow = Math.min(otsuThreshold(gray), medianLevel(gray) - MIN_INK_CONTRAST);
  if (inkBelow <= 0) return undefined;

  const stripWidth = Math.floor((x1 - x0) / STRIPS);
  const maxLinePx = Math.max(8, Math.round(heightPx * MAX_LINE_SHARE));
  const votes: number[] = [];
  let mostLines = 0;
  for (let s = 0; s < STRIPS; s++) {
    let lines = 0;
    const from = x0 + s * stripWidth;
    let runStart = -1;
    for (let y = y0; y <= y1; y++) {
      const ink = y < y1 && rowHasInk(gray, y * widthPx + from, stripWidth, inkBelow);
      if (ink && runStart < 0) runStart = y;
      else if (!ink && runStart >= 0) {
        const height = y - runStart;
        if (height >= 2 && height <= maxLinePx) {
          lines++;
          for (let i = 0; i < height; i++) votes.push(height);
        }
        runStart = -1;
      }
    }
    mostLines = Math.max(mostLines, lines);
  }
  if (mostLines < MIN_LINES) return undefined;
  votes.sort((a, b) => a - b);
  return votes[Math.floor(votes.length / 2)];
}

function rowHasInk(gray: Uint8Array, offset: number, length: number, inkBelow: number): boolean {
  for (let i = 0; i < length; i++) if (gray[offset + i]! < inkBelow) return true;
  return false;
}
