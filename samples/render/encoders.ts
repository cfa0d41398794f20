// Writes gray pages as the files a scanner would: PNG, JPEG and CCITT G4 TIFF, each with its DPI in the format's own field.
import sharp from 'sharp';
import type { JpegOptions } from 'sharp';
import { rawInput } from './raster.ts';
import type { Gray } from './raster.ts';

/** Drops PNG chunks of the given types (each chunk carries its own CRC, so the rest stays valid). */
function stripPngChunks(png: Buffer, types: readonly string[]): Buffer {
  const parts: Buffer[] = [png.subarray(0, 8)];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (!types.includes(png.toString('latin1', offset + 4, offset + 8))) parts.push(png.subarray(offset, end));
    offset = end;
  }
  return Buffer.concat(parts);
}

/**
 * Adds a JFIF APP0 segment with the density in dots per inch. sharp writes DPI only into Exif; Leptonica (and so
 * Tesseract) and most scanner software read JFIF, and a real scanner writes both.
 */
function withJfifDensity(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, dpi >> 8, dpi & 0xff, dpi >> 8, dpi & 0xff, 0x00, 0x00]);
  return Buffer.concat([jpeg.subarray(0, 2), app0, jpeg.subarray(2)]);
}

/** 8-bit gray PNG; without a `dpi` the file carries no resolution at all (no pHYs, no Exif). */
export async function encodePng(gray: Gray, dpi: number | undefined): Promise<Buffer> {
  const image = rawInput(gray).toColourspace('b-w');
  if (dpi === undefined) {
    // libvips always writes pHYs (1 px/mm when it knows nothing); a file "without DPI" must not have it at all.
    return stripPngChunks(await image.png({ compressionLevel: 9 }).toBuffer(), ['pHYs', 'eXIf']);
  }
  return image.withDensity(dpi).png({ compressionLevel: 9 }).toBuffer();
}

/** Gray baseline JPEG with the DPI in a JFIF header and in Exif; `options` may add libjpeg encoder settings. */
export async function encodeJpeg(gray: Gray, dpi: number, quality = 85, options: Omit<JpegOptions, 'quality'> = {}): Promise<Buffer> {
  return withJfifDensity(await rawInput(gray).toColourspace('b-w').withDensity(dpi).jpeg({ quality, ...options }).toBuffer(), dpi);
}

/** 1-bit CCITT T.6 (G4), MinIsWhite, one IFD per page. Pages should already be bitonal: the threshold is the caller's. */
export async function encodeG4Tiff(pages: Gray[], dpi: number): Promise<Buffer> {
  const pngs = await Promise.all(pages.map((g) => rawInput(g).toColourspace('b-w').png({ compressionLevel: 0 }).toBuffer()));
  // join.animated stacks the pages into one tall image with a page height, which the TIFF writer turns into one
  // IFD per page; join adds an alpha band that G4 cannot carry. It needs two images or more.
  return (pngs.length === 1 ? sharp(pngs[0]) : sharp(pngs, { join: { animated: true } }))
    .removeAlpha()
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, xres: dpi / 25.4, yres: dpi / 25.4, resolutionUnit: 'inch' })
    .toBuffer();
}
