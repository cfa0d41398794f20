// The resolution of a page image whose file states none, from the paper size its shape matches.

/** Sheet sizes records offices scan, portrait, in mm. Administrative documents are A4 (Decree 30/2020, Annex I). */
export const PAPER_SIZES = [
  { name: 'A4', widthMm: 210, heightMm: 297 },
  { name: 'Letter', widthMm: 215.9, heightMm: 279.4 },
  { name: 'Legal', widthMm: 215.9, heightMm: 355.6 },
] as const;

export type PaperName = (typeof PAPER_SIZES)[number]['name'];

export interface PaperMatch {
  paper: PaperName;
  orientation: 'portrait' | 'landscape';
  dpi: number;
}

/**
 * How far the image's aspect ratio may be from the sheet's. Scanner crops and phone photos of a sheet come out
 * a few percent off; a shape further from every sheet (a 16:9 screenshot, a cut-out, a strip) says nothing about
 * its resolution.
 */
const MAX_ASPECT_DIFFERENCE = 0.08;
/** Resolutions scanners and cameras' "document" modes produce; an estimate this close to one is taken as it. */
const SCANNER_DPIS = [72, 75, 96, 100, 120, 150, 200, 240, 300, 400, 600] as const;
const SNAP_TOLERANCE = 0.06;
const MM_PER_INCH = 25.4;

/**
 * The nearest sheet by aspect ratio, and the resolution that makes the image that sheet's size. A5 and A3 have
 * A4's shape, so the shape cannot tell them apart; A4 is taken, as the national layout prescribes it. The
 * resolution is the geometric mean of the two sides' (a sheet photographed a little off its shape stays between
 * them), snapped to a common scanner resolution when within 6% of one.
 */
export function inferPaperDpi(widthPx: number, heightPx: number): PaperMatch | undefined {
  if (widthPx <= 0 || heightPx <= 0) return undefined;
  const orientation = widthPx > heightPx ? 'landscape' : 'portrait';
  const aspect = Math.min(widthPx, heightPx) / Math.max(widthPx, heightPx);
  let best: { paper: (typeof PAPER_SIZES)[number]; difference: number } | undefined;
  for (const paper of PAPER_SIZES) {
    const difference = Math.abs(aspect / (paper.widthMm / paper.heightMm) - 1);
    if (!best || difference < best.difference) best = { paper, difference };
  }
  if (!best || best.difference > MAX_ASPECT_DIFFERENCE) return undefined;
  const areaInches = (best.paper.widthMm / MM_PER_INCH) * (best.paper.heightMm / MM_PER_INCH);
  const estimate = Math.sqrt((widthPx * heightPx) / areaInches);
  const nearest = [...SCANNER_DPIS].sort((a, b) => Math.abs(estimate / a - 1) - Math.abs(estimate / b - 1))[0]!;
  const snapped = Math.abs(estimate / nearest - 1) <= SNAP_TOLERANCE ? nearest : undefined;
  return { paper: best.paper.name, orientation, dpi: snapped ?? Math.round(estimate) };
}
