// Separator codes read on degraded pages the suite draws itself: Code 128, Code 39 and QR, PATCHT and cover-sheet
// payloads, at 150–600 dpi, turned, skewed, blurred, 1-bit, small; a torn code is never read as a cut.
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { barcodeModules, type WrittenFormat } from '../../../src/qr/encode-barcode.ts';
import { readSeparatorCodes } from '../../../src/qr/read-separators.ts';
import type { GrayImage } from '../../../src/qr/decode-qr.ts';
import { encodeCoverSheet } from '../../../src/split/cover-sheet.ts';
import { scanPage } from '../../../src/stages/split-stacks.ts';

/** A white A4 page at `dpi` with the symbol `mm` wide (QR: square; 1-D: 15 mm tall) placed at (40 mm, 40 mm). */
async function separatorPage(text: string, format: WrittenFormat, dpi: number, mm: number): Promise<Buffer> {
  const symbol = await barcodeModules(text, format);
  const pixels = Buffer.from(symbol.dark.map((dark) => (dark ? 0 : 255)));
  const px = (millimetres: number) => Math.round((millimetres * dpi) / 25.4);
  const heightPx = format === 'QRCode' ? px(mm) : px(15);
  const drawn = await sharp(pixels, { raw: { width: symbol.width, height: symbol.height, channels: 1 } }).resize(px(mm), heightPx, { kernel: 'nearest' }).extend({ top: 8, bottom: 8, left: 8, right: 8, background: '#ffffff' }).png().toBuffer();
  return sharp({ create: { width: px(210), height: px(297), channels: 3, background: '#ffffff' } }).composite([{ input: drawn, left: px(40), top: px(40) }]).png().toBuffer();
}

async function gray(image: Sharp): Promise<GrayImage> {
  const { data, info } = await image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height };
}

type Degrade = (page: Buffer, dpi: number) => Sharp;
const degradations: Record<string, Degrade> = {
  clean: (page) => sharp(page),
  'turned 90°': (page) => sharp(page).rotate(90),
  'turned 180°': (page) => sharp(page).rotate(180),
  'turned 270°': (page) => sharp(page).rotate(270),
  'skewed 2°': (page) => sharp(page).rotate(2, { background: '#ffffff' }),
  'fax: 1-bit, blurred, skewed 1°': (page) => sharp(page).blur(0.8).rotate(-1, { background: '#ffffff' }).threshold(140),
};

const separators: Array<{ text: string; format: WrittenFormat; mm: number }> = [
  { text: 'PATCHT', format: 'Code128', mm: 45 },
  { text: 'PATCHT', format: 'Code39', mm: 60 },
  { text: 'PATCHT', format: 'QRCode', mm: 15 },
  { text: encodeCoverSheet({ dossierCode: '000.00.16.H05-240305-0001', dossierKind: 'component', title: 'Hồ sơ đề nghị tặng danh hiệu' }), format: 'QRCode', mm: 30 },
];

describe('readSeparatorCodes', () => {
  it('reads every separator of a degraded set (4 symbols: 6 degradations at 150 and 300 dpi, 2 at 600 dpi: 56 pages)', async () => {
    const missed: string[] = [];
    // What the split stage reads with its own choice of looks (the hard ones on sparse pages and unread symbols).
    const quickMissed: string[] = [];
    let pages = 0;
    for (const separator of separators) {
      for (const dpi of [150, 300, 600]) {
        const page = await separatorPage(separator.text, separator.format, dpi, separator.mm);
        // At 600 dpi (35 megapixels a page) only the upright and the fax pages: the turns cost a minute of pixels.
        for (const [name, degrade] of Object.entries(degradations).filter(([name]) => dpi < 600 || name === 'clean' || name.startsWith('fax'))) {
          pages += 1;
          const image = await gray(degrade(page, dpi));
          const codes = await readSeparatorCodes(image, { tryHard: true });
          if (!(await scanPage(image)).codes.some((code) => code.valid && code.text === separator.text)) quickMissed.push(`${separator.format} ${separator.mm} mm, ${dpi} dpi, ${name}`);
          if (!codes.some((code) => code.valid && code.text === separator.text)) missed.push(`${separator.format} ${separator.mm} mm, ${dpi} dpi, ${name}: ${JSON.stringify(codes)}`);
        }
      }
    }
    console.log(`separators read: ${pages - missed.length} of ${pages} with every look, ${pages - quickMissed.length} of ${pages} as the split stage reads them${quickMissed.length > 0 ? ` (missed: ${quickMissed.join('; ')})` : ''}`);
    expect(missed).toEqual([]);
    expect(quickMissed).toEqual([]);
  }, 300_000);

  it('finds nothing on an ordinary page, and never reads a torn code as a value', async () => {
    expect(await readSeparatorCodes(await gray(sharp(path.resolve(import.meta.dirname, '../../../samples/batch/HS-001/ttr-08-p1.png'))), { tryHard: true })).toEqual([]);
    const page = await separatorPage('PATCHT', 'Code128', 300, 45);
    // The right 40 % of the bars torn off: no value may come out of what is left.
    const { width } = await sharp(page).metadata();
    const bars = { left: Math.round((40 * 300) / 25.4) + 8, width: Math.round((45 * 300) / 25.4) };
    const torn = await sharp(page).composite([{ input: { create: { width: Math.round(bars.width * 0.4), height: 300, channels: 3, background: '#ffffff' } }, left: bars.left + Math.round(bars.width * 0.6), top: Math.round((40 * 300) / 25.4) }]).png().toBuffer();
    expect(width).toBeGreaterThan(0);
    const codes = await readSeparatorCodes(await gray(sharp(torn)), { tryHard: true });
    expect(codes.filter((code) => code.valid)).toEqual([]);
  });
});
