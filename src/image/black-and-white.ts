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
