// Decides the square-pixel grid a page is resampled to: one resolution on both axes, at most `maxDpi`.

/** The grid a decoded page is resampled to, and what to tell the operator about it. */
export interface PixelGrid {
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** Empty when the page keeps its pixels as scanned. */
  warnings: string[];
}

/**
 * Fax-style scans (e.g. 200×100 dpi) have non-square pixels: OCR and PDF viewers assume square ones, so the page
 * is resampled to the larger of the two resolutions (no detail is dropped). Scans above `maxDpi` are brought down
 * to it: OCR gains nothing above ~400 dpi and each doubling of the resolution quadruples time and output size.
 * `xDpi` and `yDpi` are those of the upright page (swap them when an EXIF turn swaps the axes).
 */
export function squarePixelGrid(page: { widthPx: number; heightPx: number; xDpi: number; yDpi: number }, maxDpi: number): PixelGrid {
  const xDpi = Math.round(page.xDpi);
  const yDpi = Math.round(page.yDpi);
  const scannedDpi = Math.max(xDpi, yDpi);
  const dpi = Math.min(scannedDpi, maxDpi);
  const warnings: string[] = [];
  if (xDpi !== yDpi) warnings.push(`non-square pixels: scanned at ${xDpi}×${yDpi} dpi (horizontal×vertical); resampled to ${scannedDpi}×${scannedDpi} dpi`);
  if (scannedDpi > maxDpi) warnings.push(`scanned at ${scannedDpi} dpi, above normalize.maxDpi; downsampled to ${maxDpi} dpi`);
  if (warnings.length === 0) return { widthPx: page.widthPx, heightPx: page.heightPx, dpi, warnings };
  return {
    widthPx: Math.max(1, Math.round((page.widthPx * dpi) / xDpi)),
    heightPx: Math.max(1, Math.round((page.heightPx * dpi) / yDpi)),
    dpi,
    warnings,
  };
}
