// The print-ready A4 PDF of cover sheets: one page per sheet, a large QR code, the code and title for people.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { barcodeModules, type BarcodeModules } from '../qr/encode-barcode.ts';
import { encodeCoverSheet, type CoverSheet } from './cover-sheet.ts';

const fontFile = (name: string) => createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${name}`);
const mm = 72 / 25.4;
const a4 = { width: 210 * mm, height: 297 * mm };
const margin = 20 * mm;
/** 70 mm: at 150 dpi a module of a 33-module code is still ~13 px, so fax-quality scans read it. */
const qrSizeMm = 70;
/** A second, smaller copy in the lower corner: a staple, a stamp or a torn edge rarely hides both. */
const spareQrSizeMm = 30;

const instruction = [
  'Đặt phiếu này lên trên trang đầu của hồ sơ (hoặc văn bản) rồi quét cả chồng giấy.',
  'Phiếu chỉ dùng để tách hồ sơ: nó không được lưu vào hồ sơ số.',
  'Không viết, đóng dấu, ghim hay gấp lên mã QR.',
];

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/**
 * The same sheets always give the same bytes (no creation date, fonts subset the same way), so an office can
 * reprint one and compare. Vietnamese letters are drawn with DejaVu, embedded as a subset.
 */
export async function renderCoverSheets(sheets: readonly CoverSheet[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(fontkit);
  const embed = async (name: string) => pdf.embedFont(await readFile(fontFile(name)), { subset: true });
  const fonts: Fonts = { regular: await embed('DejaVuSans.ttf'), bold: await embed('DejaVuSans-Bold.ttf'), mono: await embed('DejaVuSansMono-Bold.ttf') };
  pdf.setTitle('Phiếu tách hồ sơ (sohoa cover sheets)');
  pdf.setProducer('sohoa');
  for (const sheet of sheets) drawSheet(pdf.addPage([a4.width, a4.height]), sheet, await barcodeModules(encodeCoverSheet(sheet)), fonts);
  return pdf.save({ useObjectStreams: false });
}

function drawSheet(page: PDFPage, sheet: CoverSheet, qr: BarcodeModules, fonts: Fonts): void {
  const isDocument = sheet.documentId !== undefined;
  const centre = a4.width / 2;
  let y = a4.height - margin;
  const heading = isDocument ? 'PHIẾU TÁCH VĂN BẢN' : 'PHIẾU TÁCH HỒ SƠ';
  y -= 22;
  page.drawText(heading, { x: centre - fonts.bold.widthOfTextAtSize(heading, 22) / 2, y, size: 22, font: fonts.bold });
  const qrSize = qrSizeMm * mm;
  y -= 12 + qrSize;
  drawModules(page, qr, centre - qrSize / 2, y, qrSize);
  y -= 20;
  for (const line of wrap(sheet.dossierCode, fonts.mono, 24, a4.width - 2 * margin)) {
    y -= 28;
    page.drawText(line, { x: centre - fonts.mono.widthOfTextAtSize(line, 24) / 2, y, size: 24, font: fonts.mono });
  }
  if (isDocument) {
    const label = `Văn bản: ${sheet.documentId}${sheet.documentType ? ` · ${sheet.documentType}` : ''}`;
    y -= 26;
    for (const line of wrap(label, fonts.bold, 16, a4.width - 2 * margin)) page.drawText(line, { x: margin, y, size: 16, font: fonts.bold });
  } else if (sheet.dossierKind) {
    y -= 22;
    page.drawText(sheet.dossierKind === 'result' ? 'Kết quả giải quyết thủ tục hành chính' : 'Thành phần hồ sơ', { x: margin, y, size: 13, font: fonts.regular });
  }
  for (const line of wrap(sheet.title ?? '', fonts.regular, 16, a4.width - 2 * margin).slice(0, 6)) {
    y -= 22;
    page.drawText(line, { x: margin, y, size: 16, font: fonts.regular });
  }
  const spare = spareQrSizeMm * mm;
  drawModules(page, qr, a4.width - margin - spare, margin, spare);
  const lines = instruction.flatMap((sentence) => wrap(sentence, fonts.regular, 10.5, a4.width - 3 * margin - spare));
  lines.forEach((line, i) => page.drawText(line, { x: margin, y: margin + spare - 12 - i * 14, size: 10.5, font: fonts.regular }));
}

/** Dark modules as rectangles, one per horizontal run, inside a square `size` wide with a 4-module quiet zone. */
function drawModules(page: PDFPage, qr: BarcodeModules, x: number, y: number, size: number): void {
  const module = size / (qr.width + 8);
  for (let row = 0; row < qr.height; row++) {
    for (let col = 0; col < qr.width; ) {
      if (!qr.dark[row * qr.width + col]) {
        col++;
        continue;
      }
      let end = col;
      while (end < qr.width && qr.dark[row * qr.width + end]) end++;
      page.drawRectangle({ x: x + (col + 4) * module, y: y + size - (row + 5) * module, width: (end - col) * module, height: module, color: rgb(0, 0, 0) });
      col = end;
    }
  }
}

/** Breaks text at spaces to fit `width` (a word longer than the line is cut where it must be). */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}
