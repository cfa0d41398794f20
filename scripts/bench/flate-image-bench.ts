// Times the two ways to take a Flate image out of a PDF on a 300 dpi A4 page: the JavaScript decoder sohoa had
// (inflate, undo the predictor, unpack, per pixel; kept in test/support as the reference) and the one it has (the
// rows in a PNG or TIFF for libvips, src/pdf/scanned/flate-image.ts); medians of --runs, and whether the two give
// the same pixels and write the same PNG into the work folder.
// node scripts/bench/flate-image-bench.ts [--runs 7]
import { parseArgs } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { decodeFlateImage, type FlateImageParams } from '../../src/pdf/scanned/flate-image.ts';
import { referenceFlateDecode } from '../lib/flate-reference.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const widthPx = 2480;
const heightPx = 3508;
const dpi = 300;

/** A page as a scanner gives it: paper with a little noise, lines of dark "words", a red seal in colour. */
function scanPixels(channels: 1 | 3): Uint8Array {
  const pixels = new Uint8Array(widthPx * heightPx * channels);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) % 9;
  for (let y = 0; y < heightPx; y++) {
    const inLine = y > 300 && y < 3200 && y % 60 < 28;
    for (let x = 0; x < widthPx; x++) {
      const word = inLine && x > 250 && x < 2230 && (x >> 5) % 5 !== 0;
      const dark = word && ((x * 7 + y * 3) % 11 < 6);
      const base = dark ? 30 + noise() : 240 + noise();
      const at = (y * widthPx + x) * channels;
      if (channels === 1) pixels[at] = base;
      else {
        const seal = (x - 1800) ** 2 + (y - 2900) ** 2 < 250 ** 2 && (x + y) % 7 < 3;
        pixels[at] = seal ? 200 : base;
        pixels[at + 1] = seal ? 30 : base;
        pixels[at + 2] = seal ? 40 : Math.max(0, base - 4);
      }
    }
  }
  return pixels;
}

/** The rows as a PDF holds them, 1-bit packed or bytes: what /FlateDecode without a predictor inflates to. */
function packedRows(pixels: Uint8Array, channels: 1 | 3, bits: 1 | 8): Uint8Array {
  if (bits === 8) return pixels;
  const rowBytes = Math.ceil(widthPx / 8);
  const packed = new Uint8Array(rowBytes * heightPx);
  for (let y = 0; y < heightPx; y++) for (let x = 0; x < widthPx; x++) if ((pixels[y * widthPx + x] as number) >= 128) packed[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
  return packed;
}

/** A PNG-predicted stream as PDF writers make one from a PNG: libpng's adaptive filters, its IDAT data joined. */
async function pngPredicted(pixels: Uint8Array, channels: 1 | 3, bits: 1 | 8): Promise<Uint8Array> {
  const input = sharp(pixels, { raw: { width: widthPx, height: heightPx, channels } });
  const png = await (bits === 1 ? input.toColourspace('b-w').png({ colours: 2, palette: false, adaptiveFiltering: true }) : (channels === 1 ? input.toColourspace('b-w') : input).png({ adaptiveFiltering: true })).toBuffer();
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR' && (png[at + 16] !== bits || png[at + 17] !== (channels === 3 ? 2 : 0))) throw new Error(`sharp wrote a PNG of depth ${png[at + 16]} type ${png[at + 17]}`);
    if (type === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/** TIFF predictor 2: each byte less the one a pixel to its left. */
function tiffPredicted(pixels: Uint8Array, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(pixels.length);
  const rowBytes = widthPx * channels;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < rowBytes; x++) {
      const at = y * rowBytes + x;
      out[at] = x < channels ? (pixels[at] as number) : ((pixels[at] as number) - (pixels[at - channels] as number)) & 0xff;
    }
  }
  return out;
}

interface Case {
  name: string;
  data: Uint8Array;
  image: FlateImageParams;
}

async function cases(): Promise<Case[]> {
  const gray = scanPixels(1);
  const rgb = scanPixels(3);
  const params = (channels: 1 | 3, bits: 1 | 8, predictor: number): FlateImageParams => ({
    widthPx,
    heightPx,
    bitsPerComponent: bits,
    colourSpace: channels === 3 ? { kind: 'rgb' } : { kind: 'gray' },
    predictor: { predictor, colors: channels, bitsPerComponent: bits, columns: widthPx },
    invert: false,
    dpi,
  } as FlateImageParams);
  const built: Case[] = [];
  for (const [label, pixels, channels, bits] of [['gray 8-bit', gray, 1, 8], ['RGB 8-bit', rgb, 3, 8], ['1-bit', gray, 1, 1]] as const) {
    built.push({ name: `${label}, no predictor`, data: deflateSync(packedRows(pixels, channels, bits)), image: params(channels, bits, 1) });
    if (bits === 8) built.push({ name: `${label}, TIFF predictor 2`, data: deflateSync(tiffPredicted(pixels, channels)), image: params(channels, bits, 2) });
    built.push({ name: `${label}, PNG predictors (15)`, data: await pngPredicted(pixels, channels, bits), image: params(channels, bits, 15) });
  }
  return built;
}

/** The PNG written into the work folder from decoded pixels, as `writeEmbeddedImage` writes it. */
function written(input: Sharp, bitonal: boolean, channels: 1 | 3): Promise<Buffer> {
  return (bitonal
    ? input.toColourspace('b-w').withDensity(dpi).png({ colours: 2, palette: false, compressionLevel: 1 })
    : input.toColourspace(channels === 1 ? 'b-w' : 'srgb').withDensity(dpi).png({ compressionLevel: 1 })
  ).toBuffer();
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

sharp.concurrency(2);
console.log(`Flate image on a 300 dpi A4 page (${widthPx}×${heightPx}), medians of ${runs} runs, ms`);
console.log('| case | stream KB | JS decode | libvips decode | JS to PNG | libvips to PNG | same pixels | same PNG file |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { name, data, image } of await cases()) {
  const reference = referenceFlateDecode(data, image);
  const space = reference.channels === 1 ? 'b-w' : 'srgb';
  const raw = await decodeFlateImage(data, image).input.toColourspace(space).raw().toBuffer({ resolveWithObject: true });
  const samePixels = raw.info.channels === reference.channels && Buffer.from(reference.pixels).equals(raw.data);
  const jsWritten = () => {
    const d = referenceFlateDecode(data, image);
    return written(sharp(d.pixels, { raw: { width: widthPx, height: heightPx, channels: d.channels } }), d.bitonal, d.channels);
  };
  const vipsWritten = () => {
    const d = decodeFlateImage(data, image);
    return written(d.input, d.bitonal, d.channels);
  };
  const sameFile = (await jsWritten()).equals(await vipsWritten());
  const jsDecode = await median(async () => referenceFlateDecode(data, image));
  const vipsDecode = await median(() => decodeFlateImage(data, image).input.toColourspace(space).raw().toBuffer());
  const jsPng = await median(jsWritten);
  const vipsPng = await median(vipsWritten);
  const cells = [name, Math.round(data.length / 1024), jsDecode.toFixed(0), vipsDecode.toFixed(0), jsPng.toFixed(0), vipsPng.toFixed(0), samePixels ? 'yes' : 'NO', sameFile ? 'yes' : 'NO'];
  console.log(`| ${cells.join(' | ')} |`);
}
// The inflate alone, which both paths pay.
const sample = (await cases())[0]!;
console.log(`inflate alone (${sample.name}): ${(await median(async () => inflateSync(sample.data))).toFixed(0)} ms`);
