// Turns a page image into the bytes and dictionary of a PDF image XObject, without re-encoding what can pass through.
import { deflateSync } from 'node:zlib';
import { PDFName, type PDFContext, type PDFRef } from 'pdf-lib';
import { InputError } from '../domain/errors.ts';
import { readJpegFrameInfo } from '../image/jpeg-frame.ts';

/** Re-exported for `read-scanned-pdf.ts`, which reads embedded JPEGs' headers through this module. */
export { readJpegFrameInfo } from '../image/jpeg-frame.ts';

/**
 * The page image as the normalize stage hands it over. A JPEG passes through untouched (DCTDecode); a bitonal
 * page stays 1 bit per pixel, as one CCITT G4 stream (the smallest lossless 1-bit coding a PDF/A may carry) or,
 * from raw pixels, as packed Flate.
 */
export type PdfPageImage =
  | { kind: 'jpeg'; bytes: Uint8Array; widthPx: number; heightPx: number }
  | {
      kind: 'ccitt-g4';
      /** One G4 (T.6) stream for the whole page, e.g. the single strip of a G4 TIFF. */
      bytes: Uint8Array;
      widthPx: number;
      heightPx: number;
      /** True when the stream's "white" runs are the ink (a min-is-black TIFF); see `G4Page.blackIs1`. */
      blackIs1: boolean;
    }
  | {
      kind: 'jbig2';
      /** The embedded JBIG2 stream of an input PDF's scan, as it was (JBIG2Decode), with its global segments. */
      bytes: Uint8Array;
      globals: Uint8Array | undefined;
      widthPx: number;
      heightPx: number;
      /** The input's /Decode array, kept so the page shows as it did ([1, 0] inverts). */
      decode: readonly [number, number] | undefined;
    }
  | {
      kind: 'bitonal';
      /** 1 byte per pixel, 0 = black, 255 = white (anything below 128 counts as black), row-major. */
      pixels: Uint8Array;
      widthPx: number;
      heightPx: number;
    };

/** Dictionary values as pdf-lib's `context.obj` takes them: strings become names. */
type XObjectDictValue = string | number | boolean | number[] | { [key: string]: XObjectDictValue };

/** An image XObject described before it is written: the encoded data and its stream dictionary. */
export interface ImageXObject {
  data: Uint8Array;
  dict: Record<string, XObjectDictValue>;
  /** A JBIG2 image's global segments: a stream of their own that DecodeParms /JBIG2Globals refers to. */
  jbig2Globals?: Uint8Array;
  warnings: string[];
}

export function describeImageXObject(image: PdfPageImage): ImageXObject {
  switch (image.kind) {
    case 'jpeg':
      return describeJpegXObject(image.bytes, image.widthPx, image.heightPx);
    case 'ccitt-g4':
      return describeCcittXObject(image.bytes, image.widthPx, image.heightPx, image.blackIs1);
    case 'jbig2':
      return describeJbig2XObject(image);
    case 'bitonal':
      return describeBitonalXObject(image.pixels, image.widthPx, image.heightPx);
  }
}

/** Writes the XObject (and the JBIG2 global segments it refers to) into the document and returns its reference. */
export function registerImageXObject(context: PDFContext, xobject: ImageXObject): PDFRef {
  const stream = context.stream(xobject.data, xobject.dict);
  if (xobject.jbig2Globals !== undefined) {
    const globals = context.register(context.stream(xobject.jbig2Globals, {}));
    stream.dict.set(PDFName.of('DecodeParms'), context.obj({ JBIG2Globals: globals }));
  }
  return context.register(stream);
}

/**
 * A 1-bit scan that came JBIG2-coded goes back as it came: JBIG2 codes text pages in half the bytes of G4, and
 * PDF/A-2 allows the filter (PDF/A-1 does not).
 */
function describeJbig2XObject(image: Extract<PdfPageImage, { kind: 'jbig2' }>): ImageXObject {
  assertPageSize(image.widthPx, image.heightPx);
  if (image.bytes.length === 0) throw new InputError('PAGE_IMAGE_UNSUPPORTED', 'The page JBIG2 stream is empty; store the page as G4 instead');
  return {
    data: image.bytes,
    dict: {
      Type: 'XObject',
      Subtype: 'Image',
      Width: image.widthPx,
      Height: image.heightPx,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 1,
      Filter: 'JBIG2Decode',
      ...(image.decode ? { Decode: [...image.decode] } : {}),
    },
    ...(image.globals ? { jbig2Globals: image.globals } : {}),
    warnings: [],
  };
}

function describeJpegXObject(bytes: Uint8Array, widthPx: number, heightPx: number): ImageXObject {
  const frame = readJpegFrameInfo(bytes);
  if (frame.widthPx !== widthPx || frame.heightPx !== heightPx) {
    throw new Error(
      `The page JPEG is ${frame.widthPx}×${frame.heightPx} px but the page says ${widthPx}×${heightPx} px; ` +
        'pass the size of the JPEG that is embedded, since the word boxes are in its pixels',
    );
  }
  const colorSpace = jpegColorSpace(frame.components);
  const warnings =
    colorSpace === 'DeviceCMYK'
      ? ['a CMYK JPEG page is embedded as is; PDF/A-2b needs a CMYK output intent for it, so convert CMYK pages to sRGB when normalizing']
      : [];
  return {
    data: bytes,
    dict: {
      Type: 'XObject',
      Subtype: 'Image',
      Width: frame.widthPx,
      Height: frame.heightPx,
      ColorSpace: colorSpace,
      BitsPerComponent: frame.bitsPerComponent,
      Filter: 'DCTDecode',
      // Adobe writes CMYK JPEGs inverted; without this Decode they would show as a negative.
      ...(colorSpace === 'DeviceCMYK' && frame.adobe ? { Decode: [1, 0, 1, 0, 1, 0, 1, 0] } : {}),
    },
    warnings,
  };
}

function jpegColorSpace(components: number): 'DeviceGray' | 'DeviceRGB' | 'DeviceCMYK' {
  if (components === 1) return 'DeviceGray';
  if (components === 3) return 'DeviceRGB';
  if (components === 4) return 'DeviceCMYK';
  throw new InputError('PAGE_IMAGE_UNSUPPORTED', `The page JPEG has ${components} colour components; re-encode it as gray or sRGB when normalizing`);
}

function describeCcittXObject(bytes: Uint8Array, widthPx: number, heightPx: number, blackIs1: boolean): ImageXObject {
  assertPageSize(widthPx, heightPx);
  if (bytes.length === 0) throw new InputError('PAGE_IMAGE_UNSUPPORTED', 'The page CCITT G4 stream is empty; re-encode the bitonal page when normalizing');
  return {
    data: bytes,
    dict: {
      Type: 'XObject',
      Subtype: 'Image',
      Width: widthPx,
      Height: heightPx,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 1,
      Filter: 'CCITTFaxDecode',
      // K -1 = pure two-dimensional (G4). BlackIs1 is written even when false, so a reader never has to guess.
      DecodeParms: { K: -1, Columns: widthPx, Rows: heightPx, BlackIs1: blackIs1 },
    },
    warnings: [],
  };
}

function assertPageSize(widthPx: number, heightPx: number): void {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) {
    throw new Error(`Expected a positive integer size for the bitonal page but received ${widthPx}×${heightPx}`);
  }
}

function describeBitonalXObject(pixels: Uint8Array, widthPx: number, heightPx: number): ImageXObject {
  assertPageSize(widthPx, heightPx);
  if (pixels.length !== widthPx * heightPx) {
    throw new Error(
      `Expected ${widthPx * heightPx} bytes (one per pixel) for the ${widthPx}×${heightPx} bitonal page but ` +
        `received ${pixels.length}; hand over raw 1-channel pixels (sharp: .toColourspace('b-w').raw())`,
    );
  }
  return {
    data: deflateSync(packBitonalRows(pixels, widthPx, heightPx)),
    dict: {
      Type: 'XObject',
      Subtype: 'Image',
      Width: widthPx,
      Height: heightPx,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 1,
      Filter: 'FlateDecode',
    },
    warnings: [],
  };
}

/**
 * Packs one byte per pixel into PDF's 1-bit layout: rows start on a byte boundary, most significant bit first,
 * 1 = white and 0 = black as DeviceGray reads them.
 */
export function packBitonalRows(pixels: Uint8Array, widthPx: number, heightPx: number): Uint8Array {
  const bytesPerRow = Math.ceil(widthPx / 8);
  const packed = new Uint8Array(bytesPerRow * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const rowIn = y * widthPx;
    const rowOut = y * bytesPerRow;
    for (let x = 0; x < widthPx; x++) {
      if ((pixels[rowIn + x] as number) >= 128) {
        packed[rowOut + (x >> 3)]! |= 0x80 >> (x & 7);
      }
    }
  }
  return packed;
}
