// Holds the libvips Flate decoding to the JavaScript decoder it replaced: the same pixels, the same PNG written, case by case.
import { deflateSync, inflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeFlateImage, flatePredictorProblem, type FlateImageParams } from '../../../src/pdf/scanned/flate-image.ts';
import { referenceFlateDecode } from '../../../scripts/lib/flate-reference.ts';

type Space = FlateImageParams['colourSpace'];

/** Samples 0…2^bits-1, seeded, with runs and edges so every PNG filter has work to do. */
function samples(count: number, bits: number, seed: number): number[] {
  const max = 2 ** bits - 1;
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) >> 8) / (0x7fffffff >> 8);
  return Array.from({ length: count }, (_, i) => (i % 17 < 9 ? Math.round(next() * max) : Math.round(((i % 7) / 6) * max)));
}

/** Rows as a PDF packs samples: MSB first, each row whole bytes, 16-bit big-endian. */
function packRows(values: number[], samplesPerRow: number, heightPx: number, bits: number): { rows: Uint8Array; rowBytes: number } {
  const rowBytes = Math.ceil((samplesPerRow * bits) / 8);
  const rows = new Uint8Array(rowBytes * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let s = 0; s < samplesPerRow; s++) {
      const value = values[y * samplesPerRow + s] as number;
      if (bits === 16) {
        rows[y * rowBytes + 2 * s] = value >> 8;
        rows[y * rowBytes + 2 * s + 1] = value & 0xff;
      } else if (bits === 8) rows[y * rowBytes + s] = value;
      else {
        const bit = s * bits;
        rows[y * rowBytes + (bit >> 3)]! |= value << (8 - bits - (bit & 7));
      }
    }
  }
  return { rows, rowBytes };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** PNG filtering, filter `filterOf(y)` on row y (10–14 name one filter, 15 lets the writer choose per row). */
function pngFilter(rows: Uint8Array, rowBytes: number, heightPx: number, bytesPerPixel: number, filterOf: (y: number) => number): Uint8Array {
  const out = new Uint8Array((rowBytes + 1) * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const filter = filterOf(y);
    out[y * (rowBytes + 1)] = filter;
    for (let x = 0; x < rowBytes; x++) {
      const at = y * rowBytes + x;
      const left = x >= bytesPerPixel ? (rows[at - bytesPerPixel] as number) : 0;
      const up = y > 0 ? (rows[at - rowBytes] as number) : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? (rows[at - rowBytes - bytesPerPixel] as number) : 0;
      const predicted = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter] as number;
      out[y * (rowBytes + 1) + 1 + x] = ((rows[at] as number) - predicted) & 0xff;
    }
  }
  return out;
}

/** TIFF predictor 2 on 8-bit samples: each byte less the one a pixel to its left. */
function tiffDifference(rows: Uint8Array, rowBytes: number, heightPx: number, bytesPerPixel: number): Uint8Array {
  const out = new Uint8Array(rows);
  for (let y = 0; y < heightPx; y++) {
    for (let x = rowBytes - 1; x >= bytesPerPixel; x--) out[y * rowBytes + x] = ((rows[y * rowBytes + x] as number) - (rows[y * rowBytes + x - bytesPerPixel] as number)) & 0xff;
  }
  return out;
}

interface Case {
  widthPx: number;
  heightPx: number;
  bits: number;
  space: Space;
  predictor: number;
  invert?: boolean;
}

/** The stream a PDF writer would write for `c`, and the image parameters the page plan would give the decoder. */
function stream(c: Case, seed = 1): { data: Uint8Array; image: FlateImageParams; rowBytes: number; bytesPerPixel: number } {
  const components = c.space.kind === 'rgb' ? 3 : 1;
  const { rows, rowBytes } = packRows(samples(c.widthPx * c.heightPx * components, c.bits, seed), c.widthPx * components, c.heightPx, c.bits);
  const bytesPerPixel = Math.max(1, Math.ceil((components * c.bits) / 8));
  const predicted =
    c.predictor >= 10 ? pngFilter(rows, rowBytes, c.heightPx, bytesPerPixel, (y) => (c.predictor === 15 ? y % 5 : c.predictor - 10)) : c.predictor === 2 ? tiffDifference(rows, rowBytes, c.heightPx, bytesPerPixel) : rows;
  const image: FlateImageParams = {
    widthPx: c.widthPx,
    heightPx: c.heightPx,
    bitsPerComponent: c.bits,
    colourSpace: c.space,
    predictor: { predictor: c.predictor, colors: components, bitsPerComponent: c.bits, columns: c.widthPx },
    invert: c.invert === true,
    dpi: 300,
  };
  return { data: deflateSync(predicted), image, rowBytes, bytesPerPixel };
}

/** The PNG the work folder gets, as `writeEmbeddedImage` writes decoded pixels. */
function writtenPng(input: Sharp, bitonal: boolean, channels: 1 | 3): Promise<Buffer> {
  return (bitonal
    ? input.toColourspace('b-w').withDensity(300).png({ colours: 2, palette: false, compressionLevel: 1 })
    : input.toColourspace(channels === 1 ? 'b-w' : 'srgb').withDensity(300).png({ compressionLevel: 1 })
  ).toBuffer();
}

/** Decodes with both decoders and expects the same pixels, channels, bitonality and written PNG. */
async function expectSameAsReference(data: Uint8Array, image: FlateImageParams): Promise<void> {
  const reference = referenceFlateDecode(data, image);
  const decoded = decodeFlateImage(data, image);
  expect({ channels: decoded.channels, bitonal: decoded.bitonal }).toEqual({ channels: reference.channels, bitonal: reference.bitonal });
  const pixels = await decoded.input.clone().toColourspace(decoded.channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  expect({ widthPx: pixels.info.width, heightPx: pixels.info.height, channels: pixels.info.channels, bytes: pixels.data.length }).toEqual({ widthPx: image.widthPx, heightPx: image.heightPx, channels: reference.channels, bytes: reference.pixels.length });
  expect(Buffer.from(pixels.data).equals(Buffer.from(reference.pixels))).toBe(true);
  const fromReference = await writtenPng(sharp(reference.pixels, { raw: { width: image.widthPx, height: image.heightPx, channels: reference.channels } }), reference.bitonal, reference.channels);
  expect((await writtenPng(decoded.input, decoded.bitonal, decoded.channels)).equals(fromReference)).toBe(true);
}

const gray: Space = { kind: 'gray' };
const rgb: Space = { kind: 'rgb' };
const pngPredictors = [10, 11, 12, 13, 14, 15];

describe('decodeFlateImage', () => {
  const cases: Case[] = [];
  for (const widthPx of [1, 13, 37]) {
    for (const space of [gray, rgb]) {
      for (const predictor of [1, 2, ...pngPredictors]) cases.push({ widthPx, heightPx: 11, bits: 8, space, predictor });
      for (const predictor of [1, ...pngPredictors]) cases.push({ widthPx, heightPx: 11, bits: 16, space, predictor });
    }
    for (const predictor of [1, ...pngPredictors]) cases.push({ widthPx, heightPx: 11, bits: 1, space: gray, predictor });
  }
  it.each(cases.map((c) => [`${c.bits}-bit ${c.space.kind}, ${c.widthPx} px wide, predictor ${c.predictor}`, c] as const))('%s: as the reference', async (_, c) => {
    const { data, image } = stream(c);
    await expectSameAsReference(data, image);
  });

  it.each([
    [1, gray, 1],
    [1, gray, 15],
    [8, gray, 2],
    [8, rgb, 1],
    [8, rgb, 12],
    [16, gray, 14],
    [16, rgb, 1],
  ] as const)('%s-bit %o, predictor %s, with /Decode [1 0]: inverted as the reference inverts', async (bits, space, predictor) => {
    const { data, image } = stream({ widthPx: 29, heightPx: 9, bits, space, predictor, invert: true });
    await expectSameAsReference(data, image);
  });

  const palette = (base: 'gray' | 'rgb', hival: number, entries: number): Space => ({
    kind: 'indexed',
    base,
    hival,
    lookup: Uint8Array.from({ length: entries * (base === 'rgb' ? 3 : 1) }, (_, i) => (i * 53 + 7) % 256),
  });
  it.each([
    [1, 'rgb', 1, 1],
    [2, 'gray', 15, 3],
    [4, 'rgb', 1, 15],
    [4, 'gray', 10, 9],
    [8, 'rgb', 2, 255],
    [8, 'gray', 13, 200],
    [8, 'rgb', 15, 40],
  ] as const)('%s-bit indexed on %s, predictor %s, /Hival %s: indices past it clamped as the reference clamps', async (bits, base, predictor, hival) => {
    // The lookup string holds fewer entries than /Hival says for the larger palettes: missing bytes read as 0.
    const { data, image } = stream({ widthPx: 23, heightPx: 7, bits, space: palette(base, hival, Math.min(hival + 1, 100)), predictor });
    await expectSameAsReference(data, image);
  });

  it('reads damaged streams as the reference read them', async () => {
    const c: Case = { widthPx: 31, heightPx: 12, bits: 8, space: rgb, predictor: 15 };
    const { data, image, rowBytes } = stream(c);
    // A stream without its checksum, one cut short mid-row (the rest reads as zeros), one with bytes after the image.
    const rows = inflateSync(data);
    for (const damaged of [data.subarray(0, data.length - 4), deflateSync(rows.subarray(0, 5 * (rowBytes + 1) + 7)), deflateSync(Buffer.concat([rows, Buffer.alloc(50, 9)]))]) {
      await expectSameAsReference(damaged, image);
    }
    // An unknown filter byte (7) reads as no filter.
    const unknown = Buffer.from(rows);
    unknown[3 * (rowBytes + 1)] = 7;
    await expectSameAsReference(deflateSync(unknown), image);
    // /Columns other than the width never mattered: a row is the image's width.
    await expectSameAsReference(data, { ...image, predictor: { ...image.predictor, columns: 5 } });
  });

  it('refuses an unpredicted stream cut short, with the reference’s reason', () => {
    const { image } = stream({ widthPx: 40, heightPx: 10, bits: 8, space: gray, predictor: 1 });
    const short = deflateSync(Buffer.alloc(399));
    expect(() => referenceFlateDecode(short, image)).toThrow('the image data is cut short: 399 of 400 bytes');
    expect(() => decodeFlateImage(short, image)).toThrow('the image data is cut short: 399 of 400 bytes');
  });
});

describe('flatePredictorProblem', () => {
  it('accepts a predictor whose pixel is the image’s, however its parameters say it', () => {
    expect(flatePredictorProblem({ bitsPerComponent: 8, colourSpace: rgb, predictor: { predictor: 15, colors: 3, bitsPerComponent: 8, columns: 1 } })).toBeUndefined();
    // 1-bit gray with the default /BitsPerComponent 8 and /Colors 1: both one byte a pixel.
    expect(flatePredictorProblem({ bitsPerComponent: 1, colourSpace: gray, predictor: { predictor: 12, colors: 1, bitsPerComponent: 8, columns: 1 } })).toBeUndefined();
    expect(flatePredictorProblem({ bitsPerComponent: 8, colourSpace: rgb, predictor: { predictor: 1, colors: 1, bitsPerComponent: 8, columns: 1 } })).toBeUndefined();
  });

  it('names a predictor that works on other pixels than the image’s (the page is then rendered)', () => {
    expect(flatePredictorProblem({ bitsPerComponent: 8, colourSpace: rgb, predictor: { predictor: 15, colors: 1, bitsPerComponent: 8, columns: 1 } })).toBe(
      "the image's predictor works on 1-byte pixels but its pixels are 3 bytes",
    );
    expect(flatePredictorProblem({ bitsPerComponent: 16, colourSpace: gray, predictor: { predictor: 2, colors: 1, bitsPerComponent: 8, columns: 1 } })).toBeDefined();
  });
});
