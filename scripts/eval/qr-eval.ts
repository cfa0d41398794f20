// QR decoder evaluation: decode rate and time per page of jsqr, @zxing/library and zxing-wasm (and sohoa's decodeQrCodes) on synthetic scans.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as zxingLibrary from '@zxing/library';
import jsQRModule from 'jsqr';
import { readBarcodes } from 'zxing-wasm/reader';
import { decodeQrCodes, loadQrReader, qrAttemptsFor, type GrayImage } from '../../src/qr/decode-qr.ts';
import { blankPage, makeQrScan, QR_PRINTED_MM, sampleContents, type ScanOptions } from '../../samples/render/qr-scan.ts';

const { values: args } = parseArgs({
  options: {
    /** Pages per condition: the sample contents in turn, each with its own noise seed. */
    samples: { type: 'string', default: '8' },
    dpi: { type: 'string', default: '300,200,150' },
    /** Skew in degrees. The pipeline turns pages upright before it looks for codes, so quarter turns are not tried. */
    rotations: { type: 'string', default: '0,2,5,10' },
    decoders: { type: 'string', default: 'jsqr,zxing-library,zxing-wasm,sohoa' },
  },
});
const samples = Number(args.samples);
const dpis = args.dpi.split(',').map(Number);
const rotations = args.rotations.split(',').map(Number);

/** Scanner faults. Blur and specks are in pixels, so they hurt more as the resolution drops, as they do in practice. */
const degradations: Record<string, Pick<ScanOptions, 'blurSigmaPx' | 'jpegQuality' | 'speckFraction'>> = {
  clean: {},
  blur: { blurSigmaPx: 1 },
  jpeg50: { jpegQuality: 50 },
  speckle: { speckFraction: 0.003 },
  'blur+speckle+jpeg50': { blurSigmaPx: 1, speckFraction: 0.003, jpegQuality: 50 },
};

/** Each decoder gets the whole gray page and answers with the texts it read; conversions it needs are timed with it. */
type Decoder = (page: GrayImage, dpi: number) => Promise<string[]>;

const decoders: Record<string, Decoder> = {
  jsqr: async (page) => {
    // jsqr reads RGBA only; it finds one code per call.
    const found = jsQRModule.default(toRgba(page), page.widthPx, page.heightPx, { inversionAttempts: 'dontInvert' });
    return found ? [found.data] : [];
  },
  'zxing-library': async (page) => {
    const { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } = zxingLibrary;
    // A Uint8ClampedArray of width×height bytes is taken as luminance as it is.
    const source = new RGBLuminanceSource(new Uint8ClampedArray(page.data.buffer, page.data.byteOffset, page.data.byteLength), page.widthPx, page.heightPx);
    const hints = new Map<zxingLibrary.DecodeHintType, unknown>([
      [DecodeHintType.TRY_HARDER, true],
      [DecodeHintType.CHARACTER_SET, 'UTF-8'],
    ]);
    try {
      return [new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints).getText()];
    } catch (err) {
      if (err instanceof zxingLibrary.Exception) return []; // NotFound, Checksum and Format errors all mean "no code read".
      throw err;
    }
  },
  'zxing-wasm': async (page) => {
    const rgba = toRgba(page);
    const imageData = { data: rgba, width: page.widthPx, height: page.heightPx, colorSpace: 'srgb' };
    const results = await readBarcodes(imageData as unknown as Parameters<typeof readBarcodes>[0], { formats: ['QRCode'] });
    return results.filter((r) => r.isValid).map((r) => r.text);
  },
  // What the pipeline does on the first page of a document, where the code is printed.
  sohoa: async (page, dpi) => (await decodeQrCodes(page, qrAttemptsFor({ dpi, firstOfDocument: true }))).map((qr) => qr.text),
};

const chosen = args.decoders.split(',').map((name) => {
  if (!(name in decoders)) throw new Error(`Expected a decoder among ${Object.keys(decoders).join(', ')} for --decoders but received "${name}"`);
  return name;
});

function toRgba(page: GrayImage): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(page.widthPx * page.heightPx * 4);
  const pixels = new Uint32Array(rgba.buffer);
  for (let i = 0; i < page.data.length; i++) pixels[i] = 0xff000000 | (page.data[i]! * 0x010101);
  return rgba;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Tally {
  decoded: number;
  pages: number;
  ms: number[];
}
const newTally = (): Tally => ({ decoded: 0, pages: 0, ms: [] });
const cell = (t: Tally): string => `${String(Math.round((100 * t.decoded) / t.pages)).padStart(3)}% ${String(Math.round(median(t.ms))).padStart(5)}`;

/** Which sohoa attempt found the code, to show what each fallback is worth. */
const attemptHits = new Map<string, number>();

async function main(): Promise<void> {
  await loadQrReader(); // the same on-disk WebAssembly for the plain zxing-wasm column: nothing is fetched
  const wasmVersion = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../node_modules/zxing-wasm/package.json'), 'utf8')) as { version: string }).version;
  console.log(`QR decoders on synthetic A4 scans: EC level M, ${sampleContents.map((c) => c.length).join('/')} characters, printed ${QR_PRINTED_MM} mm wide, top-left.`);
  console.log(`${samples} pages per condition, ${os.availableParallelism()} cores, one page at a time; cells are "decode rate, median ms per page"`);
  console.log(`(on pages with no code, the rate is the share where nothing was read). zxing-wasm ${wasmVersion}.\n`);
  const header = ['dpi', 'turn°', 'faults'.padEnd(20), 'module px', ...chosen.map((name) => name.padStart(11))];
  console.log(header.join(' | '));
  console.log(header.map((h) => '-'.repeat(h.length)).join('-|-'));

  const byDpi = new Map<number, Record<string, Tally>>();
  const overall: Record<string, Tally> = Object.fromEntries(chosen.map((name) => [name, newTally()]));
  for (const dpi of dpis) {
    const dpiTotals: Record<string, Tally> = Object.fromEntries(chosen.map((name) => [name, newTally()]));
    byDpi.set(dpi, dpiTotals);
    for (const rotationDeg of rotations) {
      for (const [faultName, faults] of Object.entries(degradations)) {
        const row: Record<string, Tally> = Object.fromEntries(chosen.map((name) => [name, newTally()]));
        const modulePx: number[] = [];
        for (let sample = 0; sample < samples; sample++) {
          const text = sampleContents[sample % sampleContents.length]!;
          const scan = await makeQrScan({ text, dpi, rotationDeg, seed: 1000 * dpi + 10 * rotationDeg + sample + 1, ...faults });
          modulePx.push(scan.modulePx);
          for (const name of chosen) {
            const startedMs = performance.now();
            const texts = await decoders[name]!(scan.page, dpi);
            const ms = performance.now() - startedMs;
            const ok = texts.includes(text);
            for (const tally of [row[name]!, dpiTotals[name]!, overall[name]!]) {
              tally.pages++;
              tally.ms.push(ms);
              if (ok) tally.decoded++;
            }
            if (name === 'sohoa' && ok) await countAttempt(scan.page, dpi, text);
          }
        }
        console.log([String(dpi).padStart(3), String(rotationDeg).padStart(5), faultName.padEnd(20), `${Math.min(...modulePx).toFixed(1)}–${Math.max(...modulePx).toFixed(1)}`.padStart(9), ...chosen.map((name) => cell(row[name]!).padStart(11))].join(' | '));
      }
    }
  }
  console.log('');
  for (const dpi of dpis) await noCodeRow(dpi);
  console.log('');
  for (const [dpi, totals] of byDpi) console.log(`all at ${dpi} dpi`.padEnd(40), '|', chosen.map((name) => `${name} ${cell(totals[name]!)}`).join(' | '));
  console.log('all conditions'.padEnd(40), '|', chosen.map((name) => `${name} ${cell(overall[name]!)}`).join(' | '));
  if (chosen.includes('sohoa')) console.log(`\nsohoa: the attempt that found the code: ${[...attemptHits].map(([name, n]) => `${name} ${n}`).join(', ')}`);
}

/** Pages with text but no code: the share where a decoder rightly reads nothing, and what looking costs. */
async function noCodeRow(dpi: number): Promise<void> {
  const page = await blankPage(dpi);
  const row: Record<string, Tally> = Object.fromEntries(chosen.map((name) => [name, newTally()]));
  for (let sample = 0; sample < Math.min(samples, 3); sample++) {
    for (const name of chosen) {
      const startedMs = performance.now();
      const texts = await decoders[name]!(page, dpi);
      row[name]!.ms.push(performance.now() - startedMs);
      row[name]!.pages++;
      if (texts.length === 0) row[name]!.decoded++;
    }
  }
  console.log([String(dpi).padStart(3), '    0', 'no code on the page'.padEnd(20), ' '.repeat(9), ...chosen.map((name) => cell(row[name]!).padStart(11))].join(' | '));
}

/** Re-runs sohoa's attempts one by one on a page it decoded, to credit the first one that reads the code. */
async function countAttempt(page: GrayImage, dpi: number, text: string): Promise<void> {
  for (const attempt of qrAttemptsFor({ dpi, firstOfDocument: true })) {
    if ((await decodeQrCodes(page, [attempt])).some((qr) => qr.text === text)) {
      attemptHits.set(attempt.name, (attemptHits.get(attempt.name) ?? 0) + 1);
      return;
    }
  }
}

await main();
