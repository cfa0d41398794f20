// The sRGB ICC profile for the PDF/A OutputIntent, taken from libvips through sharp so nothing is downloaded.
import sharp from 'sharp';

let cached: Promise<Uint8Array> | undefined;

/**
 * Returns libvips' built-in sRGB profile (ICC v4.2, about 480 bytes). sharp only hands a profile out by
 * embedding it in an image, so one 1×1 PNG is made and read back, once per process.
 */
export function loadSrgbIccProfile(): Promise<Uint8Array> {
  cached ??= extractSrgbProfile().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function extractSrgbProfile(): Promise<Uint8Array> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .withIccProfile('srgb')
    .png()
    .toBuffer();
  const { icc } = await sharp(png).metadata();
  if (!icc || !isRgbDisplayProfile(icc)) {
    throw new Error(
      'sharp did not return an sRGB ICC profile; check that the installed sharp/libvips build ships its built-in profiles',
    );
  }
  return new Uint8Array(icc);
}

/** An OutputIntent profile must be a display/output RGB profile: 'acsp' signature, 'RGB ' data colour space. */
export function isRgbDisplayProfile(icc: Uint8Array): boolean {
  if (icc.length < 132) return false;
  const ascii = (from: number): string => String.fromCharCode(...icc.subarray(from, from + 4));
  return ascii(36) === 'acsp' && ascii(16) === 'RGB ' && (ascii(12) === 'mntr' || ascii(12) === 'prtr');
}
