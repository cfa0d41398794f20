// Hand-built OCR word lists for the extraction tests: A4 at 300 dpi, boxes placed as Tesseract reports them.
import type { Word } from '../../src/domain/page.ts';
import type { PageWords } from '../../src/extract/layout.ts';

export const A4 = { widthPx: 2480, heightPx: 3508, dpi: 300 } as const;
/** Text block of a Decree 30 page at 300 dpi: 30 mm left margin, 15 mm right. */
export const TEXT_LEFT_PX = 355;
export const TEXT_RIGHT_PX = 2303;
/** Centres of the heading's columns and of the signing block. */
export const LEFT_COLUMN_CENTRE_PX = 715;
export const RIGHT_COLUMN_CENTRE_PX = 1683;
export const TEXT_CENTRE_PX = (TEXT_LEFT_PX + TEXT_RIGHT_PX) / 2;
export const SIGNING_CENTRE_PX = 1770;

const CHAR_PX = 30;
const GAP_PX = 24;
const HEIGHT_PX = 47;

export interface LineOptions {
  /** Left edge of the first word. */
  x: number;
  /** Top of the row. */
  y: number;
  lineIndex: number;
  confidence?: number;
  /** Per-word confidences, overriding `confidence`. */
  confidences?: number[];
  charPx?: number;
  gapPx?: number;
}

/** The words of `text` (split on spaces) from x, each box as wide as its characters. */
export function wordsAt(text: string, options: LineOptions): Word[] {
  const charPx = options.charPx ?? CHAR_PX;
  const gapPx = options.gapPx ?? GAP_PX;
  let x = options.x;
  return text
    .split(' ')
    .filter((t) => t !== '')
    .map((t, i) => {
      const width = [...t].length * charPx;
      const word: Word = {
        text: t.normalize('NFC'),
        box: { x0: x, y0: options.y, x1: x + width, y1: options.y + HEIGHT_PX },
        confidence: options.confidences?.[i] ?? options.confidence ?? 95,
        lineIndex: options.lineIndex,
      };
      x += width + gapPx;
      return word;
    });
}

export function widthOf(text: string, charPx = CHAR_PX, gapPx = GAP_PX): number {
  const words = text.split(' ').filter((t) => t !== '');
  return words.reduce((sum, w) => sum + [...w].length * charPx, 0) + gapPx * (words.length - 1);
}

/** The words of `text` centred on `centreX`. */
export function centredAt(text: string, centreX: number, options: Omit<LineOptions, 'x'>): Word[] {
  return wordsAt(text, { ...options, x: Math.round(centreX - widthOf(text, options.charPx, options.gapPx) / 2) });
}

/** A justified body paragraph line from the left margin (or the indent) to the right margin. */
export function bodyLine(text: string, y: number, lineIndex: number, indent = false): Word[] {
  const x0 = TEXT_LEFT_PX + (indent ? 150 : 0);
  const words = text.split(' ');
  const ink = words.reduce((sum, w) => sum + [...w].length * 26, 0);
  const gap = words.length > 1 ? Math.min(50, (TEXT_RIGHT_PX - x0 - ink) / (words.length - 1)) : GAP_PX;
  return wordsAt(text, { x: x0, y, lineIndex, charPx: 26, gapPx: gap });
}

export function page(words: readonly Word[], pageNumber = 1): PageWords {
  return { pageNumber, ...A4, words: [...words] };
}

export interface HeadingSpec {
  parent?: string;
  agency: string[];
  number?: string;
  /** The number line as OCR read it, "Số: …" included; overrides `number`. */
  numberLine?: string;
  vv?: string[];
  placeDate?: string;
  marks?: string[];
}

/**
 * The two-column heading as Tesseract returns it: each row of the left column merged with the row of the right
 * column beside it into one line (one lineIndex). Returns the words and the y under the heading.
 */
export function heading(spec: HeadingSpec, firstLineIndex = 0): { words: Word[]; nextY: number; nextLineIndex: number } {
  const left = [...(spec.parent ? [spec.parent] : []), ...spec.agency];
  const right = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'];
  const words: Word[] = [];
  let y = 230;
  let lineIndex = firstLineIndex;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i];
    const r = right[i];
    if (l) words.push(...centredAt(l, LEFT_COLUMN_CENTRE_PX, { y, lineIndex }));
    // The national title is wide: 28 px a character keeps it inside its column, as the renderer's box does.
    if (r) words.push(...centredAt(r, RIGHT_COLUMN_CENTRE_PX, { y, lineIndex, charPx: 28, gapPx: 20 }));
    lineIndex++;
    y += 75;
  }
  y += 25;
  const numberLine = spec.numberLine ?? (spec.number ? `Số: ${spec.number}` : undefined);
  if (numberLine) words.push(...centredAt(numberLine, LEFT_COLUMN_CENTRE_PX, { y, lineIndex }));
  if (spec.placeDate) words.push(...centredAt(spec.placeDate, RIGHT_COLUMN_CENTRE_PX, { y, lineIndex, charPx: 26, gapPx: 22 }));
  lineIndex++;
  for (const line of spec.vv ?? []) {
    y += 65;
    words.push(...centredAt(line, LEFT_COLUMN_CENTRE_PX, { y, lineIndex: lineIndex++, charPx: 26 }));
  }
  for (const mark of spec.marks ?? []) {
    y += 130;
    words.push(...centredAt(mark, LEFT_COLUMN_CENTRE_PX, { y, lineIndex: lineIndex++, confidence: 90 }));
  }
  return { words, nextY: y + 120, nextLineIndex: lineIndex };
}

export interface SigningSpec {
  capacity: string[];
  name: string;
  recipients?: string[];
}

/** "Nơi nhận:" and the recipients on the left, the signing block on the right; returns its words. */
export function signingBlock(spec: SigningSpec, y: number, firstLineIndex: number): Word[] {
  const words: Word[] = [];
  const left = ['Nơi nhận:', ...(spec.recipients ?? ['- Như trên;', '- Lưu: VT.'])];
  const right: (string | undefined)[] = [...spec.capacity, undefined, undefined, undefined, undefined, undefined, spec.name];
  let lineIndex = firstLineIndex;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const rowY = y + i * 62;
    const l = left[i];
    const r = right[i];
    if (l) words.push(...wordsAt(l, { x: TEXT_LEFT_PX, y: rowY, lineIndex, charPx: 22, gapPx: 18 }));
    if (r) words.push(...centredAt(r, SIGNING_CENTRE_PX, { y: rowY, lineIndex }));
    lineIndex++;
  }
  return words;
}
