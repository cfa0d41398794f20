// Takes red, blue and violet ink off the copy of a page that OCR reads: seals, stamps and signatures.

/**
 * Chroma (max − min of R, G, B) from which a pixel is coloured ink. Black type and gray paper stay below it even
 * in JPEG scans, whose colour noise measured under 30 on the committed colour pages; red seals, violet stamps and
 * blue ballpoint measure 70 and more.
 */
export const INK_CHROMA = 60;

/**
 * The page's pixels (RGB, 3 bytes each) with coloured ink made paper-white, so a red seal over the signer's name
 * or a blue signature across the text leaves the black type beneath it to the engine. Black type where a seal
 * overlaps it stays black: it is not coloured. Returns how many pixels were cleared; `rgb` is changed in place.
 */
export function clearColouredInk(rgb: Buffer | Uint8Array, minChroma = INK_CHROMA): number {
  let cleared = 0;
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    const r = rgb[i]!;
    const g = rgb[i + 1]!;
    const b = rgb[i + 2]!;
    const chroma = Math.max(r, g, b) - Math.min(r, g, b);
    if (chroma < minChroma) continue;
    rgb[i] = 255;
    rgb[i + 1] = 255;
    rgb[i + 2] = 255;
    cleared++;
  }
  return cleared;
}
