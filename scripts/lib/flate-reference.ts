// The Flate image decoder sohoa used before libvips decoded these streams (inflate, undo the predictor, unpack the
// samples, map a palette, per pixel in JavaScript), kept as the reference the libvips decoding is held to.
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import type { FlateImageParams } from '../../src/pdf/scanned/flate-image.ts';

/** Inflates and unpacks a Flate image to 8-bit pixels, 1 or 3 channels; 1-bit gray stays bitonal (0 or 255). */
export function referenceFlateDecode(data: Uint8Array, image: FlateImageParams): { pixels: Uint8Array; channels: 1 | 3; bitonal: boolean } {
  const { widthPx, heightPx, bitsPerComponent, colourSpace } = image;
  const components = colourSpace.kind === 'rgb' ? 3 : 1;
  const rowBytes = Math.ceil((widthPx * components * bitsPerComponent) / 8);
  // A sync flush tolerates a stream without its checksum, as readers do; a short result is caught below.
  const inflated = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const rows = undoPredictor(inflated, image.predictor, rowBytes, heightPx);
  if (rows.length < rowBytes * heightPx) throw new Error(`the image data is cut short: ${rows.length} of ${rowBytes * heightPx} bytes`);
  const samples = unpackSamples(rows, widthPx * components, heightPx, rowBytes, bitsPerComponent);
  if (colourSpace.kind === 'indexed') {
    const channels = colourSpace.base === 'rgb' ? 3 : 1;
    const pixels = new Uint8Array(widthPx * heightPx * channels);
    for (let i = 0; i < widthPx * heightPx; i++) {
      const index = Math.min(samples[i] as number, colourSpace.hival);
      for (let ch = 0; ch < channels; ch++) pixels[i * channels + ch] = colourSpace.lookup[index * channels + ch] ?? 0;
    }
    return { pixels, channels, bitonal: false };
  }
  const max = (1 << Math.min(bitsPerComponent, 8)) - 1;
  for (let i = 0; i < samples.length; i++) {
    const value = bitsPerComponent >= 8 ? (samples[i] as number) : Math.round(((samples[i] as number) * 255) / max);
    samples[i] = image.invert ? 255 - value : value;
  }
  return { pixels: samples, channels: components, bitonal: bitsPerComponent === 1 && components === 1 };
}

/** Undoes PNG (per-row filter byte) or TIFF (8-bit horizontal differencing) prediction. */
export function undoPredictor(data: Uint8Array, predictor: FlateImageParams['predictor'], rowBytes: number, heightPx: number): Uint8Array {
  if (predictor.predictor === 1) return data;
  const bytesPerPixel = Math.max(1, Math.ceil((predictor.colors * predictor.bitsPerComponent) / 8));
  if (predictor.predictor === 2) {
    const out = new Uint8Array(data);
    for (let y = 0; y < heightPx; y++) {
      for (let x = bytesPerPixel; x < rowBytes; x++) {
        const at = y * rowBytes + x;
        out[at] = ((out[at] as number) + (out[at - bytesPerPixel] as number)) & 0xff;
      }
    }
    return out;
  }
  const out = new Uint8Array(rowBytes * heightPx);
  let inAt = 0;
  for (let y = 0; y < heightPx && inAt < data.length; y++) {
    const filter = data[inAt++] as number;
    const row = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const raw = data[inAt++] ?? 0;
      const left = x >= bytesPerPixel ? (out[row + x - bytesPerPixel] as number) : 0;
      const up = y > 0 ? (out[row - rowBytes + x] as number) : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? (out[row - rowBytes + x - bytesPerPixel] as number) : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) predicted = paeth(left, up, upLeft);
      out[row + x] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** One sample per byte; 16-bit samples keep their high byte (8 bits are plenty for a scan). */
function unpackSamples(rows: Uint8Array, samplesPerRow: number, heightPx: number, rowBytes: number, bitsPerComponent: number): Uint8Array {
  const out = new Uint8Array(samplesPerRow * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const row = y * rowBytes;
    for (let s = 0; s < samplesPerRow; s++) {
      let value: number;
      if (bitsPerComponent === 8) value = rows[row + s] as number;
      else if (bitsPerComponent === 16) value = rows[row + 2 * s] as number;
      else {
        const bit = s * bitsPerComponent;
        const byte = rows[row + (bit >> 3)] as number;
        value = (byte >> (8 - bitsPerComponent - (bit & 7))) & ((1 << bitsPerComponent) - 1);
      }
      out[y * samplesPerRow + s] = value;
    }
  }
  return out;
}
