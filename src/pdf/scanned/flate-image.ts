// Decodes a PDF's Flate image stream with libvips: its rows go into a PNG (PNG predictors) or a TIFF (none, TIFF predictor 2).
/*
 * A Flate stream with a PNG predictor is a PNG's IDAT (a filter byte a row), one without or with TIFF predictor 2 a
 * TIFF strip, so libpng and libtiff (in sharp) undo the prediction and unpack the samples, as the CCITT wrapper lets
 * libtiff decode Group 4. Taking a 300 dpi A4 page out to the work folder's PNG took 57 ms instead of 97 (gray, no
 * predictor), 176 instead of 548 (RGB, PNG predictors) and 26 instead of 135 (1-bit) with the per-pixel JavaScript
 * decoder it replaces, for the same pixels and the same PNG (medians of 7, scripts/bench/flate-image-bench.ts). That
 * decoder is kept as scripts/lib/flate-reference.ts, and test/unit/pdf/flate-image.test.ts holds this one to it.
 * The stream is inflated here first, as readers inflate it (a missing checksum tolerated), and its rows are made
 * whole as that decoder read them: a PNG-predicted stream cut short reads as zeros, an unknown filter byte as none.
 * The container holds them stored, uncompressed, so the libraries never see a damaged stream.
 */
import { constants as zlibConstants, crc32, deflateSync, inflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import type { ColourSpace } from './pdf-dict.ts';

export interface FlateImageParams {
  widthPx: number;
  heightPx: number;
  bitsPerComponent: number;
  colourSpace: Exclude<ColourSpace, { kind: 'other' }>;
  /** PNG (≥ 10) or TIFF (2) predictor, with its own Colors/BitsPerComponent/Columns. */
  predictor: { predictor: number; colors: number; bitsPerComponent: number; columns: number };
  invert: boolean;
  dpi: number;
}

/** The decoded image for sharp to write: 8-bit samples once written, 1 or 3 channels; 1-bit gray stays bitonal. */
export interface FlateImage {
  input: Sharp;
  channels: 1 | 3;
  bitonal: boolean;
}

/**
 * Why the stream cannot be decoded here, or undefined. The predictor works on pixels of its own /Colors and
 * /BitsPerComponent; the libraries use the image's, so the two must come to the same bytes a pixel (its /Columns
 * never mattered: a row is the image's width).
 */
export function flatePredictorProblem(image: Pick<FlateImageParams, 'bitsPerComponent' | 'colourSpace' | 'predictor'>): string | undefined {
  const { predictor } = image;
  if (predictor.predictor === 1) return undefined;
  const predicted = Math.max(1, Math.ceil((predictor.colors * predictor.bitsPerComponent) / 8));
  const own = Math.max(1, Math.ceil((componentsOf(image.colourSpace) * image.bitsPerComponent) / 8));
  return predicted === own ? undefined : `the image's predictor works on ${predicted}-byte pixels but its pixels are ${own} bytes`;
}

/** Inflates `data` and hands its rows to libvips in a container; throws when an unpredicted stream is cut short. */
export function decodeFlateImage(data: Uint8Array, image: FlateImageParams): FlateImage {
  const { colourSpace, bitsPerComponent, heightPx } = image;
  const rowBytes = Math.ceil((image.widthPx * componentsOf(colourSpace) * bitsPerComponent) / 8);
  const inflated = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  // libvips scales 16-bit gray to 8 bits by rounding v/257, the decoder it replaced kept the high byte: read as
  // 8-bit gray and alpha (the same two bytes a pixel, so the same PNG filtering), the gray is that high byte.
  const highBytes = colourSpace.kind === 'gray' && bitsPerComponent === 16;
  const container =
    image.predictor.predictor >= 10 || highBytes
      ? pngOf(image.predictor.predictor >= 10 ? pngRows(inflated, rowBytes, heightPx) : withFilterBytes(tiffRows(inflated, rowBytes, heightPx), rowBytes), image, highBytes)
      : tiffOf(tiffRows(inflated, rowBytes, heightPx), image);
  let input = sharp(container);
  const channels = colourSpace.kind === 'indexed' ? (colourSpace.base === 'rgb' ? 3 : 1) : componentsOf(colourSpace);
  // A palette comes out RGB; a gray one has three equal channels.
  if ((colourSpace.kind === 'indexed' && channels === 1) || highBytes) input = input.extractChannel(0);
  if (image.invert) input = input.negate({ alpha: false });
  return { input, channels, bitonal: bitsPerComponent === 1 && colourSpace.kind === 'gray' };
}

function componentsOf(colourSpace: FlateImageParams['colourSpace']): 1 | 3 {
  return colourSpace.kind === 'rgb' ? 3 : 1;
}

/** Every row with its filter byte: missing bytes are zeros, an unknown filter is none. */
function pngRows(inflated: Uint8Array, rowBytes: number, heightPx: number): Uint8Array {
  const rows = new Uint8Array((rowBytes + 1) * heightPx);
  rows.set(inflated.subarray(0, rows.length));
  for (let at = 0; at < rows.length; at += rowBytes + 1) if ((rows[at] as number) > 4) rows[at] = 0;
  return rows;
}

/** Unpredicted rows as PNG rows: a filter byte "none" before each. */
function withFilterBytes(rows: Uint8Array, rowBytes: number): Uint8Array {
  const heightPx = rows.length / rowBytes;
  const out = new Uint8Array((rowBytes + 1) * heightPx);
  for (let y = 0; y < heightPx; y++) out.set(rows.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  return out;
}

function tiffRows(inflated: Uint8Array, rowBytes: number, heightPx: number): Uint8Array {
  if (inflated.length < rowBytes * heightPx) throw new Error(`the image data is cut short: ${inflated.length} of ${rowBytes * heightPx} bytes`);
  return inflated.subarray(0, rowBytes * heightPx);
}

/** Palette entries for every index the samples can hold; those past /Hival show the last colour, as readers clamp. */
function paletteOf(colourSpace: Extract<ColourSpace, { kind: 'indexed' }>, bitsPerComponent: number): Uint8Array {
  const entries = 1 << bitsPerComponent;
  const base = colourSpace.base === 'rgb' ? 3 : 1;
  const palette = new Uint8Array(entries * 3);
  for (let index = 0; index < entries; index++) {
    const from = Math.min(index, colourSpace.hival) * base;
    for (let ch = 0; ch < 3; ch++) palette[index * 3 + ch] = colourSpace.lookup[from + (base === 3 ? ch : 0)] ?? 0;
  }
  return palette;
}

function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** A PNG around the filtered rows, stored (deflate level 0): libpng undoes the filters. `grayAlpha`: 16-bit gray as 8-bit gray and alpha. */
function pngOf(rows: Uint8Array, image: FlateImageParams, grayAlpha: boolean): Uint8Array {
  const { colourSpace } = image;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, image.widthPx);
  view.setUint32(4, image.heightPx);
  header[8] = grayAlpha ? 8 : image.bitsPerComponent;
  header[9] = grayAlpha ? 4 : colourSpace.kind === 'indexed' ? 3 : colourSpace.kind === 'rgb' ? 2 : 0;
  const palette = colourSpace.kind === 'indexed' ? [pngChunk('PLTE', paletteOf(colourSpace, image.bitsPerComponent))] : [];
  const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([signature, pngChunk('IHDR', header), ...palette, pngChunk('IDAT', deflateSync(rows, { level: 0 })), pngChunk('IEND', new Uint8Array(0))]);
}

/**
 * A big-endian (as PDF samples are) single-strip TIFF around the rows: uncompressed, or stored Deflate with
 * predictor 2, which libtiff undoes. A palette becomes a TIFF colour map (16-bit entries).
 */
function tiffOf(rows: Uint8Array, image: FlateImageParams): Uint8Array {
  const { colourSpace, bitsPerComponent } = image;
  const samples = componentsOf(colourSpace);
  const predicted = image.predictor.predictor === 2;
  const strip = predicted ? deflateSync(rows, { level: 0 }) : rows;
  const colourMap = colourSpace.kind === 'indexed' ? paletteOf(colourSpace, bitsPerComponent) : undefined;
  // Tag, type (3 short, 4 long), values; lists longer than fit in the entry go after the directory.
  const entries: [tag: number, type: 3 | 4, values: number[]][] = [
    [256, 4, [image.widthPx]],
    [257, 4, [image.heightPx]],
    [258, 3, Array<number>(samples).fill(bitsPerComponent)],
    [259, 3, [predicted ? 8 : 1]],
    [262, 3, [colourMap ? 3 : samples === 3 ? 2 : 1]],
    [273, 4, [0]], // StripOffsets: patched below
    [277, 3, [samples]],
    [278, 4, [image.heightPx]],
    [279, 4, [strip.length]],
    ...(predicted ? [[317, 3, [2]] as [number, 3, number[]]] : []),
    ...(colourMap ? [[320, 3, [0, 1, 2].flatMap((ch) => Array.from({ length: colourMap.length / 3 }, (_, i) => (colourMap[i * 3 + ch] as number) * 257))] as [number, 3, number[]]] : []),
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const spilled = entries.filter(([, type, values]) => values.length * (type === 3 ? 2 : 4) > 4);
  const spillBytes = spilled.reduce((n, [, type, values]) => n + values.length * (type === 3 ? 2 : 4), 0);
  const dataOffset = 8 + ifdSize + spillBytes;
  const out = new Uint8Array(dataOffset + strip.length);
  const view = new DataView(out.buffer);
  out.set([0x4d, 0x4d, 0, 42], 0);
  view.setUint32(4, 8);
  view.setUint16(8, entries.length);
  let spillAt = 8 + ifdSize;
  entries.forEach(([tag, type, values], index) => {
    const at = 10 + index * 12;
    const size = type === 3 ? 2 : 4;
    view.setUint16(at, tag);
    view.setUint16(at + 2, type);
    view.setUint32(at + 4, values.length);
    const fits = values.length * size <= 4;
    const written = tag === 273 ? [dataOffset] : values;
    let valueAt = fits ? at + 8 : spillAt;
    if (!fits) {
      view.setUint32(at + 8, spillAt);
      spillAt += values.length * size;
    }
    for (const value of written) {
      if (size === 2) view.setUint16(valueAt, value);
      else view.setUint32(valueAt, value);
      valueAt += size;
    }
  });
  view.setUint32(10 + entries.length * 12, 0);
  out.set(strip, dataOffset);
  return out;
}
