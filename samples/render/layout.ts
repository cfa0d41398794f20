// Lays out a synthetic Decree 30/2020 document (heading, number and date, marks, title, body, signing blocks, QR) as positioned text tiles, page by page.
import { renderTile, wordGapPx } from './text-tiles.ts';
import type { FontStyle, Tile } from './text-tiles.ts';

// ---------------------------------------------------------------------------------------------------------------
// Content model: what a document says and how it is laid out, independent of resolution.

export interface Run {
  style: FontStyle;
  text: string;
}

/** The two-column heading of a Decree 30 document (issuing body, number, national title, place and date). */
export interface Letterhead {
  /** Direct parent body, printed above the issuing body in regular capitals. */
  parent?: string;
  /** Issuing body, bold capitals, one or two lines. */
  agency: string[];
  /** Number and symbol without "Số: ", e.g. `15/QĐ-UBND`; absent where the form prints it elsewhere or not at all. */
  number?: string;
  /** Summary of a công văn, printed under the number line. */
  vv?: string[];
  /** Absent together with `issueDate` on a Biên bản: Decree 30 form 1.9 has no place and date line. */
  place?: string;
  /** ISO date, e.g. `2024-03-05`. */
  issueDate?: string;
  /** Boxed stamps under the number, secrecy first (cells 10a and 10b of the Decree 30 layout), e.g. `MẬT`, `HỎA TỐC`. */
  marks?: string[];
}

export interface Signature {
  /** Capacity and title lines, e.g. `TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`, `PHÓ CHỦ TỊCH`. */
  capacity: string[];
  /** Italic instruction under the title, e.g. `(Ký, ghi rõ họ tên)`. */
  hint?: string;
  /** Fictional signer. */
  name: string;
}

export type Block =
  /** The type name; `rule` draws the short rule under it when no summary follows (form 1.8, Giấy giới thiệu). */
  | { kind: 'title'; text: string; rule?: boolean }
  /** The summary under the type name, with the short rule under it. */
  | { kind: 'subject'; lines: string[] }
  /** A centred line; 14 pt with a paragraph's space before it unless told otherwise. */
  | { kind: 'centre'; text: string; style: FontStyle; sizePt?: number; spaceBeforePt?: number }
  /** "Kính gửi:" with two or more addressees, one a line, their dashes aligned after the colon. */
  | { kind: 'kinhGui'; recipients: string[] }
  | { kind: 'para'; runs: Run[]; indent: boolean }
  | { kind: 'closing'; recipients: string[]; signature: Signature }
  /** Two signing blocks side by side (minutes, receipts); the right one is the competent signer. Recipients follow. */
  | { kind: 'twoSignatures'; left: Signature; right: Signature; recipients?: string[] }
  | { kind: 'pageBreak' };

/** A QR symbol as a module matrix, printed top-left of the first page (Circular 01/2023/TT-VPCP). */
export interface QrSymbol {
  /** Modules per side. */
  size: number;
  /** 1 for a dark module, row by row. */
  dark: Uint8Array;
  /** Side of one module on paper. */
  moduleMm: number;
}

/** What the layout needs of a document. */
export interface LayoutSpec {
  id: string;
  letterhead: Letterhead;
  blocks: Block[];
  qr?: QrSymbol;
}

export const p = (text: string, indent = true): Block => ({ kind: 'para', runs: [{ style: 'regular', text }], indent });
export const italic = (text: string): Block => ({ kind: 'para', runs: [{ style: 'italic', text }], indent: true });
export const heading = (text: string): Block => ({ kind: 'para', runs: [{ style: 'bold', text }], indent: true });
export const article = (label: string, text: string): Block => ({
  kind: 'para',
  runs: [
    { style: 'bold', text: label },
    { style: 'regular', text },
  ],
  indent: true,
});
export const item = (text: string): Block => p(text, true);
export const pageBreak: Block = { kind: 'pageBreak' };

// ---------------------------------------------------------------------------------------------------------------
// Pure helpers: dates, units, geometry.

/** Decree 30 place/date line: day always two digits, month two digits only for January and February. */
export function formatPlaceDate(place: string, isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const dd = String(day).padStart(2, '0');
  const mm = month < 3 ? String(month).padStart(2, '0') : String(month);
  return `${place}, ngày ${dd} tháng ${mm} năm ${year}`;
}

export const mmToPx = (mm: number, dpi: number): number => Math.round((mm * dpi) / 25.4);
export const ptToPx = (pt: number, dpi: number): number => (pt * dpi) / 72;

/** A4 with Decree 30 margins (top/bottom 20 mm, left 30 mm, right 15 mm). */
export const pageMm = { width: 210, height: 297, top: 20, bottom: 20, left: 30, right: 15 };
/** Header boxes: the national title needs the wider right-hand box in DejaVu Serif, which is wider than Times. */
const headerMm = { leftX0: 29, leftX1: 92, rightX0: 90, rightX1: 195 };
const closingMm = { leftX0: 30, leftX1: 100, rightX0: 105, rightX1: 195 };
const sizesPt = { header: 12, headerNumber: 13, vv: 12, title: 14, subject: 14, body: 13, recipientsHead: 12, recipients: 11, signature: 13, mark: 13 };
/** Top-left corner of the QR symbol on the page; its quiet zone must stay clear of the heading. */
export const qrOriginMm = { x: 6, y: 6 };
/** Quiet zone around a QR symbol, in modules (ISO/IEC 18004). */
export const qrQuietModules = 4;
/** Stamp boxes of Decree 30 Appendix I (urgency: 20, 40 and 30 mm by 8 mm); secrecy stamps are drawn the same way. */
const markWidthMm: Record<string, number> = { KHẨN: 20, 'THƯỢNG KHẨN': 40, 'HỎA TỐC': 30, MẬT: 20, 'TỐI MẬT': 30, 'TUYỆT MẬT': 40 };
/** Gray of red stamp ink as a gray scanner sees it (0 = black). */
const stampInk = 80;

// ---------------------------------------------------------------------------------------------------------------
// Layout: blocks to positioned tiles, page by page. Visual rows are numbered so the ground truth can list a row's
// left column before its right column.

export interface Placed {
  tile: Tile;
  xPx: number;
  baselinePx: number;
  /** Gray of full coverage, 0 (black, the default) to 255. */
  ink?: number;
}

/** One ground-truth line: text and where it sits in reading order. */
export interface TextLine {
  row: number;
  xPx: number;
  text: string;
}

export interface Rect {
  xPx: number;
  yPx: number;
  widthPx: number;
  heightPx: number;
  /** Gray of the fill, 0 (black, the default) to 255. */
  ink?: number;
}

export interface PlacedQr {
  xPx: number;
  yPx: number;
  modulePx: number;
  size: number;
  dark: Uint8Array;
}

export interface PageDraw {
  dpi: number;
  widthPx: number;
  heightPx: number;
  placed: Placed[];
  lines: TextLine[];
  rules: Rect[];
  /** Signature areas, filled with a pen stroke. */
  signatures: Rect[];
  qr?: PlacedQr;
}

/** Lays out one document at one resolution; returns one PageDraw per page. */
export async function layoutDocument(doc: LayoutSpec, dpi: number): Promise<PageDraw[]> {
  const px = (mm: number) => mmToPx(mm, dpi);
  const pt = (value: number) => ptToPx(value, dpi);
  const widthPx = px(pageMm.width);
  const heightPx = px(pageMm.height);
  const textX0 = px(pageMm.left);
  const textX1 = px(pageMm.width - pageMm.right);
  const bottomPx = heightPx - px(pageMm.bottom);
  const pages: PageDraw[] = [];
  let page = newPage();
  let row = 0;
  let y = 0;

  function newPage(): PageDraw {
    return { dpi, widthPx, heightPx, placed: [], lines: [], rules: [], signatures: [] };
  }
  function checkFits(baselinePx: number, what: string): void {
    if (baselinePx > bottomPx) throw new Error(`${doc.id} page ${pages.length + 1}: "${what}" falls below the bottom margin; move a page break`);
  }
  /** Places a whole line as one tile, aligned in [x0, x1]. Returns its ink extent. */
  async function placeLine(text: string, style: FontStyle, sizePt: number, align: 'left' | 'centre', x0: number, x1: number, lineRow: number, baselinePx: number) {
    const tile = await renderTile(text, style, sizePt, dpi);
    if (tile.widthPx > x1 - x0) throw new Error(`${doc.id}: "${text}" is ${tile.widthPx} px wide but its box is ${x1 - x0} px`);
    checkFits(baselinePx, text);
    const xPx = align === 'left' ? x0 : Math.round((x0 + x1 - tile.widthPx) / 2);
    page.placed.push({ tile, xPx, baselinePx: Math.round(baselinePx) });
    page.lines.push({ row: lineRow, xPx, text });
    return { xPx, widthPx: tile.widthPx };
  }
  /** Short rule centred under a line, as Decree 30 draws under the issuing body, the motto and the summary. */
  function rule(centreX: number, lengthPx: number, baselinePx: number, sizePt: number): void {
    const thickness = Math.max(2, px(0.3));
    // Half an em below the baseline clears the descenders, so OCR never sees the rule as part of a letter.
    page.rules.push({ xPx: Math.round(centreX - lengthPx / 2), yPx: Math.round(baselinePx + pt(sizePt * 0.5)), widthPx: Math.round(lengthPx), heightPx: thickness });
  }

  // Letterhead: rows of [left, right].
  const lh = doc.letterhead;
  const left: { text: string; style: FontStyle; sizePt: number }[] = [
    ...(lh.parent ? [{ text: lh.parent, style: 'regular' as const, sizePt: sizesPt.header }] : []),
    ...lh.agency.map((text) => ({ text, style: 'bold' as const, sizePt: sizesPt.header })),
  ];
  const right = [
    { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', style: 'bold' as const, sizePt: sizesPt.header },
    { text: 'Độc lập - Tự do - Hạnh phúc', style: 'bold' as const, sizePt: sizesPt.headerNumber },
  ];
  if (left.length < 1 || left.length > 3) throw new Error(`${doc.id}: the letterhead needs one to three lines on the left`);
  const lx0 = px(headerMm.leftX0);
  const lx1 = px(headerMm.leftX1);
  const rx0 = px(headerMm.rightX0);
  const rx1 = px(headerMm.rightX1);
  y = px(pageMm.top) + pt(11);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i];
    const r = right[i];
    const lPlaced = l ? await placeLine(l.text, l.style, l.sizePt, 'centre', lx0, lx1, row, y) : undefined;
    const rPlaced = r ? await placeLine(r.text, r.style, r.sizePt, 'centre', rx0, rx1, row, y) : undefined;
    // The issuing body's rule sits under its last line, the motto's under the motto.
    if (l && lPlaced && i === left.length - 1) rule(lPlaced.xPx + lPlaced.widthPx / 2, Math.min(lPlaced.widthPx, px(25)), y, l.sizePt);
    if (r && rPlaced && i === right.length - 1) rule(rPlaced.xPx + rPlaced.widthPx / 2, rPlaced.widthPx, y, r.sizePt);
    row++;
    y += pt(16);
  }
  y += pt(8);
  if (lh.number !== undefined) await placeLine(`Số: ${lh.number}`, 'regular', sizesPt.headerNumber, 'centre', lx0, lx1, row, y);
  if (lh.place !== undefined && lh.issueDate !== undefined) await placeLine(formatPlaceDate(lh.place, lh.issueDate), 'italic', sizesPt.headerNumber, 'centre', rx0, rx1, row, y);
  row++;
  for (const line of lh.vv ?? []) {
    y += pt(15);
    await placeLine(line, 'regular', sizesPt.vv, 'centre', lx0, lx1, row++, y);
  }
  for (const mark of lh.marks ?? []) y = await placeMark(mark, y);
  y += pt(lh.vv ? 10 : 14);

  if (doc.qr) placeQr(doc.qr);

  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'title':
        y += pt(sizesPt.title * 1.3);
        {
          const placed = await placeLine(block.text, 'bold', sizesPt.title, 'centre', textX0, textX1, row++, y);
          if (block.rule) {
            rule((textX0 + textX1) / 2, placed.widthPx / 2, y, sizesPt.title);
            y += pt(10);
          }
        }
        break;
      case 'subject': {
        let widest = 0;
        for (const line of block.lines) {
          y += pt(sizesPt.subject * 1.3);
          widest = Math.max(widest, (await placeLine(line, 'bold', sizesPt.subject, 'centre', textX0, textX1, row++, y)).widthPx);
        }
        rule((textX0 + textX1) / 2, widest / 3, y, sizesPt.subject);
        y += pt(10);
        break;
      }
      case 'centre': {
        const sizePt = block.sizePt ?? sizesPt.title;
        y += pt(block.spaceBeforePt ?? sizesPt.body * 1.3 + 8);
        await placeLine(block.text, block.style, sizePt, 'centre', textX0, textX1, row++, y);
        y += pt(4);
        break;
      }
      case 'kinhGui':
        y = await placeKinhGui(block.recipients, y + pt(sizesPt.body * 1.3 + 8));
        break;
      case 'para': {
        const lines = await wrapParagraph(block.runs, sizesPt.body, dpi, block.indent ? px(12.7) : 0, textX1 - textX0);
        y += pt(6);
        for (const line of lines) {
          y += pt(sizesPt.body * 1.35);
          checkFits(y, line.text);
          for (const word of line.words) page.placed.push({ tile: word.tile, xPx: textX0 + word.xPx, baselinePx: Math.round(y) });
          page.lines.push({ row: row++, xPx: textX0, text: line.text });
        }
        break;
      }
      case 'closing':
        y = await placeClosing(block.recipients, block.signature, y + pt(sizesPt.body * 1.35 + 10));
        break;
      case 'twoSignatures':
        y = await placeTwoSignatures(block.left, block.right, block.recipients ?? [], y + pt(sizesPt.body * 1.35 + 10));
        break;
      case 'pageBreak':
        pages.push(page);
        page = newPage();
        // Pages after the first carry their number centred in the top margin.
        await placeLine(String(pages.length + 1), 'regular', sizesPt.body, 'centre', textX0, textX1, row++, px(12));
        y = px(pageMm.top);
        break;
    }
  }
  pages.push(page);
  if (pages[0]?.qr) checkQrQuietZone(pages[0]);
  return pages;

  /** A boxed stamp centred in the left column under the number; returns the baseline it used. */
  async function placeMark(text: string, previousBaselinePx: number): Promise<number> {
    const tile = await renderTile(text, 'bold', sizesPt.mark, dpi);
    const boxWidthPx = Math.max(px(markWidthMm[text] ?? 30), tile.widthPx + px(4));
    const boxHeightPx = px(8);
    const baselinePx = Math.round(previousBaselinePx + px(11));
    const boxTop = baselinePx - px(5.6);
    const centreX = (lx0 + lx1) / 2;
    const xPx = Math.round(centreX - tile.widthPx / 2);
    const boxLeft = Math.round(centreX - boxWidthPx / 2);
    checkFits(boxTop + boxHeightPx, text);
    page.placed.push({ tile, xPx, baselinePx, ink: stampInk });
    page.lines.push({ row: row++, xPx, text });
    const stroke = Math.max(2, px(0.4));
    for (const edge of [
      { xPx: boxLeft, yPx: boxTop, widthPx: boxWidthPx, heightPx: stroke },
      { xPx: boxLeft, yPx: boxTop + boxHeightPx - stroke, widthPx: boxWidthPx, heightPx: stroke },
      { xPx: boxLeft, yPx: boxTop, widthPx: stroke, heightPx: boxHeightPx },
      { xPx: boxLeft + boxWidthPx - stroke, yPx: boxTop, widthPx: stroke, heightPx: boxHeightPx },
    ]) {
      page.rules.push({ ...edge, ink: stampInk });
    }
    return baselinePx + px(2);
  }

  function placeQr(qr: QrSymbol): void {
    const modulePx = Math.max(1, Math.round(px(qr.moduleMm)));
    page.qr = { xPx: px(qrOriginMm.x), yPx: px(qrOriginMm.y), modulePx, size: qr.size, dark: qr.dark };
  }

  /** The QR's quiet zone must hold no ink at all, or a reader could not find the symbol's edge. */
  function checkQrQuietZone(first: PageDraw): void {
    const qr = first.qr!;
    const quiet = qrQuietModules * qr.modulePx;
    const zone = { x0: qr.xPx - quiet, y0: qr.yPx - quiet, x1: qr.xPx + qr.size * qr.modulePx + quiet, y1: qr.yPx + qr.size * qr.modulePx + quiet };
    if (zone.x0 < 0 || zone.y0 < 0) throw new Error(`${doc.id}: the QR quiet zone runs off the page`);
    const hits = (x0: number, y0: number, x1: number, y1: number) => x0 < zone.x1 && x1 > zone.x0 && y0 < zone.y1 && y1 > zone.y0;
    for (const pl of first.placed) {
      const top = pl.baselinePx - pl.tile.baselinePx;
      if (hits(pl.xPx, top, pl.xPx + pl.tile.widthPx, top + pl.tile.heightPx)) throw new Error(`${doc.id}: text runs into the QR quiet zone; shorten the heading line`);
    }
    for (const r of [...first.rules, ...first.signatures]) {
      if (hits(r.xPx, r.yPx, r.xPx + r.widthPx, r.yPx + r.heightPx)) throw new Error(`${doc.id}: a rule runs into the QR quiet zone`);
    }
  }

  /** "Kính gửi:" and the first addressee on one row, the others under it, dashes aligned. */
  async function placeKinhGui(recipients: string[], firstBaselinePx: number): Promise<number> {
    const sizePt = sizesPt.title;
    const label = await renderTile('Kính gửi:', 'regular', sizePt, dpi);
    const items = await Promise.all(recipients.map((text) => renderTile(text, 'regular', sizePt, dpi)));
    const gapPx = await wordGapPx('regular', sizePt, dpi);
    const blockWidth = label.widthPx + gapPx + Math.max(...items.map((t) => t.widthPx));
    const x0 = Math.max(textX0, Math.round((textX0 + textX1 - blockWidth) / 2));
    const itemX = x0 + label.widthPx + gapPx;
    if (itemX + Math.max(...items.map((t) => t.widthPx)) > textX1) throw new Error(`${doc.id}: an addressee is too long for the Kính gửi block`);
    let baseline = firstBaselinePx;
    for (const [index, tile] of items.entries()) {
      if (index > 0) baseline += pt(sizePt * 1.3);
      checkFits(baseline, recipients[index]!);
      if (index === 0) page.placed.push({ tile: label, xPx: x0, baselinePx: Math.round(baseline) });
      page.placed.push({ tile, xPx: itemX, baselinePx: Math.round(baseline) });
      page.lines.push({ row: row++, xPx: index === 0 ? x0 : itemX, text: index === 0 ? `Kính gửi: ${recipients[index]}` : recipients[index]! });
    }
    return baseline + pt(4);
  }

  async function placeClosing(recipients: string[], signature: Signature, firstBaselinePx: number): Promise<number> {
    const rowPitch = pt(15);
    const cl0 = px(closingMm.leftX0);
    const cl1 = px(closingMm.leftX1);
    const cr0 = px(closingMm.rightX0);
    const cr1 = px(closingMm.rightX1);
    const leftLines = [{ text: 'Nơi nhận:', style: 'boldItalic' as const, sizePt: sizesPt.recipientsHead }, ...recipients.map((text) => ({ text, style: 'regular' as const, sizePt: sizesPt.recipients }))];
    const signatureGapRows = 5;
    const rightLines: ({ text: string; style: FontStyle; sizePt: number } | undefined)[] = [
      ...signature.capacity.map((text) => ({ text, style: 'bold' as const, sizePt: sizesPt.signature })),
      ...Array.from({ length: signatureGapRows }, () => undefined),
      { text: signature.name, style: 'bold', sizePt: sizesPt.signature },
    ];
    const rows = Math.max(leftLines.length, rightLines.length);
    let baseline = firstBaselinePx;
    for (let i = 0; i < rows; i++, baseline += rowPitch) {
      const l = leftLines[i];
      const r = rightLines[i];
      if (l) await placeLine(l.text, l.style, l.sizePt, 'left', cl0, cl1, row, baseline);
      if (r) await placeLine(r.text, r.style, r.sizePt, 'centre', cr0, cr1, row, baseline);
      if (l || r) row++;
    }
    const gapTop = firstBaselinePx + rowPitch * (signature.capacity.length - 1) + pt(8);
    page.signatures.push({ xPx: Math.round((cr0 + cr1) / 2 - px(22)), yPx: Math.round(gapTop), widthPx: px(44), heightPx: Math.round(rowPitch * signatureGapRows - pt(10)) });
    return baseline - rowPitch;
  }

  /** Form 1.9 (minutes) and receipts: a signing block in each column, names on one row, recipients under them. */
  async function placeTwoSignatures(leftSig: Signature, rightSig: Signature, recipients: string[], firstBaselinePx: number): Promise<number> {
    const rowPitch = pt(15);
    const columns = [
      { sig: leftSig, x0: px(closingMm.leftX0), x1: px(closingMm.leftX1) },
      { sig: rightSig, x0: px(closingMm.rightX0), x1: px(closingMm.rightX1) },
    ];
    const headOf = (sig: Signature) => [
      ...sig.capacity.map((text) => ({ text, style: 'bold' as const, sizePt: sizesPt.signature })),
      ...(sig.hint ? [{ text: sig.hint, style: 'italic' as const, sizePt: sizesPt.recipients }] : []),
    ];
    const heads = columns.map((c) => headOf(c.sig));
    const headRows = Math.max(...heads.map((h) => h.length));
    let baseline = firstBaselinePx;
    for (let i = 0; i < headRows; i++, baseline += rowPitch) {
      for (const [index, c] of columns.entries()) {
        const line = heads[index]![i];
        if (line) await placeLine(line.text, line.style, line.sizePt, 'centre', c.x0, c.x1, row, baseline);
      }
      row++;
    }
    const signatureGapRows = 4;
    const gapTop = baseline - rowPitch + pt(8);
    for (const c of columns) {
      page.signatures.push({ xPx: Math.round((c.x0 + c.x1) / 2 - px(20)), yPx: Math.round(gapTop), widthPx: px(40), heightPx: Math.round(rowPitch * signatureGapRows - pt(10)) });
    }
    baseline += rowPitch * signatureGapRows;
    for (const c of columns) await placeLine(c.sig.name, 'bold', sizesPt.signature, 'centre', c.x0, c.x1, row, baseline);
    row++;
    if (recipients.length > 0) {
      baseline += rowPitch * 2;
      const cl0 = px(closingMm.leftX0);
      const cl1 = px(closingMm.leftX1);
      await placeLine('Nơi nhận:', 'boldItalic', sizesPt.recipientsHead, 'left', cl0, cl1, row++, baseline);
      for (const text of recipients) {
        baseline += rowPitch;
        await placeLine(text, 'regular', sizesPt.recipients, 'left', cl0, cl1, row++, baseline);
      }
    }
    return baseline;
  }
}

interface WrappedLine {
  text: string;
  words: { tile: Tile; xPx: number }[];
}

/** Greedy word wrap with justification (all but the last line), first-line indent, one tile per word. */
async function wrapParagraph(runs: Run[], sizePt: number, dpi: number, indentPx: number, widthPx: number): Promise<WrappedLine[]> {
  const words: { text: string; style: FontStyle }[] = runs.flatMap((run) => run.text.split(' ').filter((w) => w.length > 0).map((text) => ({ text, style: run.style })));
  const tiles = await Promise.all(words.map((w) => renderTile(w.text, w.style, sizePt, dpi)));
  const gapPx = await wordGapPx('regular', sizePt, dpi);
  const lines: { from: number; to: number }[] = [];
  let from = 0;
  while (from < words.length) {
    const avail = widthPx - (lines.length === 0 ? indentPx : 0);
    let used = tiles[from]!.widthPx;
    let to = from + 1;
    while (to < words.length && used + gapPx + tiles[to]!.widthPx <= avail) used += gapPx + tiles[to++]!.widthPx;
    lines.push({ from, to });
    from = to;
  }
  return lines.map(({ from, to }, index) => {
    const x0 = index === 0 ? indentPx : 0;
    const inkPx = tiles.slice(from, to).reduce((sum, t) => sum + t.widthPx, 0);
    const gaps = to - from - 1;
    const isLast = index === lines.length - 1;
    // Justify like the originals, but never stretch a line with few words into a row of islands.
    const justified = gaps > 0 ? (widthPx - x0 - inkPx) / gaps : gapPx;
    const gap = !isLast && justified <= gapPx * 2.5 ? justified : gapPx;
    const placed: { tile: Tile; xPx: number }[] = [];
    let x = x0;
    for (let i = from; i < to; i++) {
      placed.push({ tile: tiles[i]!, xPx: Math.round(x) });
      x += tiles[i]!.widthPx + gap;
    }
    return { text: words.slice(from, to).map((w) => w.text).join(' '), words: placed };
  });
}

/** The page's exact text: rows top to bottom, and within a row the left column first. */
export function pageText(lines: readonly TextLine[]): string {
  return [...lines]
    .sort((a, b) => a.row - b.row || a.xPx - b.xPx)
    .map((l) => l.text.normalize('NFC'))
    .join('\n');
}
