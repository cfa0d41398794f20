// Reads the frame header of a JPEG without decoding it: its size, components and coding, and whether PDF readers decode it.
import { InputError } from '../domain/errors.ts';

/** What the frame header of a JPEG says; enough to write its XObject dictionary. */
export interface JpegFrameInfo {
  widthPx: number;
  heightPx: number;
  bitsPerComponent: number;
  components: number;
  /** Adobe APP14 marker present: its CMYK data is stored inverted. */
  adobe: boolean;
  /** The SOFn marker's second byte: 0xc0 baseline, 0xc1 extended, 0xc2 progressive; others few PDF readers decode. */
  sofMarker: number;
}

/** Baseline, extended sequential and progressive Huffman JPEGs: what PDF readers' DCTDecode filters all read. */
export function isPdfSafeJpeg(frame: JpegFrameInfo): boolean {
  return (frame.sofMarker === 0xc0 || frame.sofMarker === 0xc1 || frame.sofMarker === 0xc2) && frame.bitsPerComponent === 8;
}

const startOfFrameMarkers = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Walks the JPEG markers up to the frame header (SOFn). Reads through byteOffset, unlike pdf-lib's own parser. */
export function readJpegFrameInfo(bytes: Uint8Array): JpegFrameInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    // A damaged scan is bad input: that page fails, the batch goes on.
    throw new InputError('PAGE_IMAGE_UNSUPPORTED', `The page image is not a readable JPEG (${why}); re-encode it when normalizing`);
  };
  if (bytes.length < 4 || view.getUint16(0) !== 0xffd8) fail('no start-of-image marker');
  let adobe = false;
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) fail(`no marker at byte ${pos}`);
    const marker = bytes[pos + 1] ?? 0;
    if (marker === 0xff) {
      pos += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // standalone markers carry no length
      continue;
    }
    const length = view.getUint16(pos + 2);
    if (marker === 0xee && length >= 7 && String.fromCharCode(...bytes.subarray(pos + 4, pos + 9)) === 'Adobe') {
      adobe = true;
    }
    if (startOfFrameMarkers.has(marker)) {
      if (pos + 10 > bytes.length) break;
      const info = {
        bitsPerComponent: view.getUint8(pos + 4),
        heightPx: view.getUint16(pos + 5),
        widthPx: view.getUint16(pos + 7),
        components: view.getUint8(pos + 9),
        adobe,
        sofMarker: marker,
      };
      if (info.heightPx === 0 || info.widthPx === 0) fail('the frame header gives no size');
      return info;
    }
    if (marker === 0xda || marker === 0xd9) break;
    pos += 2 + length;
  }
  return fail('no frame header before the image data');
}
