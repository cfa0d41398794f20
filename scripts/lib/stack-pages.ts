// Pages of scanned stacks the suite and the bench make: printed cover sheets scanned back, separator sheets, receipts
// with the Circular 01/2023 QR, sample pages, all joined into one stack PDF as a sheet-fed scanner gives it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import { qrText, type QrContent } from '../../samples/documents/qr-content.ts';
import { makeQrScan } from '../../samples/render/qr-scan.ts';
import { addSpecks } from '../../samples/render/raster.ts';
import { extractPdfPage } from '../../src/pdf/read-scanned-pdf.ts';
import { barcodeModules, type WrittenFormat } from '../../src/qr/encode-barcode.ts';
import { renderCoverSheets } from '../../src/split/cover-sheet-pdf.ts';
import type { CoverSheet } from '../../src/split/cover-sheet.ts';
import { sampleBatchDir } from '../../samples/ground-truth.ts';

/** A stack page: a PNG and the resolution it was scanned at. */
export interface StackPage {
  png: Buffer;
  dpi: number;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'sohoa-stack-pages-'));
process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));
let sheets = 0;

/** A cover sheet as the scanner gives it back: printed, scanned gray at `dpi`, then turned or degraded by `scan`. */
export async function scannedSheet(sheet: CoverSheet, dpi = 200, scan: (page: Sharp) => Sharp = (page) => page): Promise<StackPage> {
  const n = ++sheets;
  const pdf = path.join(scratch, `sheet-${n}.pdf`);
  writeFileSync(pdf, await renderCoverSheets([sheet]));
  const dir = path.join(scratch, `sheet-${n}`);
  mkdirSync(dir, { recursive: true });
  const page = await extractPdfPage(pdf, 0, dir, { render: 'always', renderDpi: dpi });
  return { png: await scan(sharp(page.imagePath).toColourspace('b-w')).png().toBuffer(), dpi };
}

/** A generic separator sheet: `text` (PATCHT) in Code 128, Code 39 or QR, 45 mm wide, on a white A4 page at 200 dpi. */
export async function separatorSheet(text: string, format: WrittenFormat, scan: (page: Sharp) => Sharp = (page) => page): Promise<StackPage> {
  const dpi = 200;
  const px = (mm: number) => Math.round((mm * dpi) / 25.4);
  const symbol = await barcodeModules(text, format);
  const drawn = await sharp(Buffer.from(symbol.dark.map((d) => (d ? 0 : 255))), { raw: { width: symbol.width, height: symbol.height, channels: 1 } })
    .resize(px(format === 'QRCode' ? 25 : 45), px(format === 'QRCode' ? 25 : 15), { kernel: 'nearest' })
    .png()
    .toBuffer();
  const page = await sharp({ create: { width: px(210), height: px(297), channels: 3, background: '#ffffff' } }).composite([{ input: drawn, left: px(50), top: px(40) }]).toColourspace('b-w').png().toBuffer();
  return { png: await scan(sharp(page)).png().toBuffer(), dpi };
}

/** The same sheet with the right 40 % of its code torn off: a symbol is there, its value is not. */
export async function tornSeparatorSheet(): Promise<StackPage> {
  const dpi = 200;
  const px = (mm: number) => Math.round((mm * dpi) / 25.4);
  const whole = await separatorSheet('PATCHT', 'Code128');
  const png = await sharp(whole.png).composite([{ input: { create: { width: px(45 * 0.4), height: px(15), channels: 3, background: '#ffffff' } }, left: px(50) + px(45 * 0.6), top: px(40) }]).png().toBuffer();
  return { png, dpi };
}

/** A receipt or result printed by a one-stop system: the Circular 01/2023 QR top-left, scanned at 200 dpi, a little turned. */
export async function receiptPage(content: QrContent): Promise<StackPage> {
  const scan = await makeQrScan({ text: qrText(content), dpi: 200, rotationDeg: 1, blurSigmaPx: 0.5, speckFraction: 0.0005, seed: 7 });
  return { png: await sharp(scan.page.data, { raw: { width: scan.page.widthPx, height: scan.page.heightPx, channels: 1 } }).png().toBuffer(), dpi: 200 };
}

/** A white page as the scanner gives the back of a one-sided sheet: paper gray, a little dust. */
export async function blankBack(seed = 3): Promise<StackPage> {
  const widthPx = 1654;
  const heightPx = 2339;
  const paper = { data: new Uint8Array(widthPx * heightPx).fill(246), widthPx, heightPx };
  const dusty = addSpecks(paper, 0.00003, seed);
  return { png: await sharp(dusty.data, { raw: { width: widthPx, height: heightPx, channels: 1 } }).png().toBuffer(), dpi: 200 };
}

/** A page of the sample batch (a page of a multi-page TIFF when `page` is given), at its scan resolution. */
export async function samplePage(file: string, page?: number): Promise<StackPage> {
  const image = sharp(path.join(sampleBatchDir, file), page === undefined ? {} : { page });
  const { density } = await image.metadata();
  return { png: await image.png().toBuffer(), dpi: density ?? 300 };
}

/** The pages as one scanned PDF, each page box the size of its scan. */
export async function stackPdf(pages: readonly StackPage[]): Promise<Uint8Array> {
  const stack = await PDFDocument.create();
  for (const { png, dpi } of pages) {
    const image = await stack.embedPng(png);
    const page = stack.addPage([(image.width * 72) / dpi, (image.height * 72) / dpi]);
    page.drawImage(image, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
  }
  return stack.save();
}
