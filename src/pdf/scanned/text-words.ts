// Reads a page's text layer with pdf.js as words with pixel boxes on the page image, and tells a scan's text from an overlay.
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Word } from '../../domain/page.ts';
import { readTextItems, type PdfFontStyle, type PdfTextItem } from '../pdfjs-document.ts';
import { applyMatrix, type Matrix } from './content-summary.ts';

/**
 * Text on a scan that is its text (an earlier OCR layer, searchable scanners' output) covers a good part of the page
 * or holds a page's worth of characters. E-office systems draw a signature box ("Ký bởi…, Thời gian ký…", about 2%
 * of the page) over a scan they sign: that text is not the scan's, and keeping it would leave the page unread.
 */
const scanTextMinAreaShare = 0.05;
const scanTextMinCharacters = 300;

export function isTextOfTheScan(words: readonly Word[], widthPx: number, heightPx: number): boolean {
  const characters = words.reduce((sum, w) => sum + w.text.length, 0);
  if (characters >= scanTextMinCharacters) return true;
  const area = words.reduce((sum, w) => sum + Math.max(0, w.box.x1 - w.box.x0) * Math.max(0, w.box.y1 - w.box.y0), 0);
  return widthPx > 0 && heightPx > 0 && area >= scanTextMinAreaShare * widthPx * heightPx;
}

export async function readTextLayer(page: PDFPageProxy, toPixels: Matrix, widthPx: number, heightPx: number): Promise<{ hasText: boolean; words: Word[] }> {
  const { items, styles } = await readTextItems(page);
  const words = wordsFromTextItems(items, (fontName) => styles[fontName], toPixels, { widthPx, heightPx });
  return { hasText: items.some((item) => item.str.trim() !== ''), words };
}

/** Word boxes along the item's baseline, from descent to ascent; within an item, split in proportion to characters. */
export function wordsFromTextItems(
  items: readonly PdfTextItem[],
  styleOf: (fontName: string) => PdfFontStyle,
  toPixels: Matrix,
  image: { widthPx: number; heightPx: number },
): Word[] {
  const words: Word[] = [];
  let lineIndex = 0;
  let lastBaseline: { x: number; y: number; heightPx: number } | undefined;
  let lineBreakPending = false;
  let glued = false;
  for (const item of items) {
    const geometry = itemGeometry(item, styleOf(item.fontName), toPixels);
    const { chars, baseX, baseY, heightPx } = geometry;
    if (chars.join('').trim() !== '' && lastBaseline !== undefined) {
      if (lineBreakPending || Math.abs(baseY - lastBaseline.y) > 0.5 * Math.max(heightPx, lastBaseline.heightPx)) {
        lineIndex++;
        glued = false;
      }
      lineBreakPending = false;
    }
    appendItemWords(words, item, geometry, { glued, lineIndex }, toPixels, image);
    if (chars.join('').trim() !== '') {
      lastBaseline = { x: baseX, y: baseY, heightPx };
      glued = !/\s/u.test(chars.at(-1) ?? ' ');
    } else if (chars.length > 0) {
      glued = false;
    }
    if (item.hasEOL) {
      lineBreakPending = true;
      glued = false;
    }
  }
  return words;
}

/** Where a text item sits: its baseline's directions in user space, and its origin and height in pixels. */
interface ItemGeometry {
  chars: string[];
  /** The origin on the baseline, user space. */
  e: number;
  f: number;
  along: readonly [number, number];
  up: readonly [number, number];
  ascent: number;
  descent: number;
  /** Font size along the up direction, user space. */
  height: number;
  baseX: number;
  baseY: number;
  heightPx: number;
}

function itemGeometry(item: PdfTextItem, style: PdfFontStyle, toPixels: Matrix): ItemGeometry {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
  const chars = [...item.str];
  // Fonts that state no metrics get a typical Latin ascent and descent.
  const ascent = style?.ascent !== undefined && style.ascent > 0 ? style.ascent : 0.8;
  const descent = style?.descent !== undefined && style.descent < 0 ? style.descent : -0.2;
  const alongLength = Math.hypot(a, b) || 1;
  const upLength = Math.hypot(c, d) || 1;
  const along = [a / alongLength, b / alongLength] as const;
  const up = [c / upLength, d / upLength] as const;
  const height = item.height > 0 ? item.height : upLength;
  const [baseX, baseY] = applyMatrix(toPixels, e, f);
  const heightPx = height * Math.hypot(toPixels[2], toPixels[3]);
  return { chars, e, f, along, up, ascent, descent, height, baseX, baseY, heightPx };
}

/** The pixel box of characters `from`–`to` of an item: its slice of the advance, from descent to ascent. */
function wordBox(item: PdfTextItem, g: ItemGeometry, from: number, to: number, toPixels: Matrix, image: { widthPx: number; heightPx: number }): Word['box'] {
  const { chars, e, f, along, up, ascent, descent, height } = g;
  const x0 = (item.width * from) / Math.max(chars.length, 1);
  const x1 = (item.width * to) / Math.max(chars.length, 1);
  const corners = [
    [x0, descent * height],
    [x1, descent * height],
    [x0, ascent * height],
    [x1, ascent * height],
  ].map(([u = 0, v = 0]) => applyMatrix(toPixels, e + along[0] * u + up[0] * v, f + along[1] * u + up[1] * v));
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  return {
    x0: clamp(Math.round(Math.min(...xs)), 0, image.widthPx),
    y0: clamp(Math.round(Math.min(...ys)), 0, image.heightPx),
    x1: clamp(Math.round(Math.max(...xs)), 0, image.widthPx),
    y1: clamp(Math.round(Math.max(...ys)), 0, image.heightPx),
  };
}

/** Adds an item's words; its first one joins the previous word when the two items were `glued`. */
function appendItemWords(
  words: Word[],
  item: PdfTextItem,
  g: ItemGeometry,
  at: { glued: boolean; lineIndex: number },
  toPixels: Matrix,
  image: { widthPx: number; heightPx: number },
): void {
  const { chars, heightPx } = g;
  let start = -1;
  for (let i = 0; i <= chars.length; i++) {
    const isSpace = i === chars.length || /\s/u.test(chars[i] as string);
    if (!isSpace && start < 0) start = i;
    if (isSpace && start >= 0) {
      const text = chars.slice(start, i).join('').normalize('NFC');
      const box = wordBox(item, g, start, i, toPixels, image);
      const previous = words.at(-1);
      // A word split over two items (a font change, kerning) continues when nothing separated them.
      if (at.glued && start === 0 && previous !== undefined && box.x0 - previous.box.x1 <= 0.15 * heightPx) {
        previous.text = (previous.text + text).normalize('NFC');
        previous.box = { x0: Math.min(previous.box.x0, box.x0), y0: Math.min(previous.box.y0, box.y0), x1: Math.max(previous.box.x1, box.x1), y1: Math.max(previous.box.y1, box.y1) };
      } else {
        // Text from a PDF is what its author wrote: as sure as a word can be.
        words.push({ text, box, confidence: 100, lineIndex: at.lineIndex });
      }
      start = -1;
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
