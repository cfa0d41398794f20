// Lays out OCR words as invisible text over the page image: the content-stream operators of the text layer.
import type { Word } from '../domain/page.ts';
import type { EncodedText } from './text-layer-font.ts';

/** What the layout needs from the font: encoding with widths, and vertical metrics in ems. */
export interface TextLayerEncoder {
  encode(text: string): EncodedText;
  readonly ascentEm: number;
  /** Negative, below the baseline. */
  readonly descentEm: number;
}

export interface TextLayerPage {
  words: readonly Word[];
  /** Page height in points, to flip the image's top-left origin to PDF's bottom-left. */
  heightPt: number;
  /** Points per image pixel: 72 / dpi. */
  ptPerPx: number;
  /** Resource name the font is registered under on the page, without the slash. */
  fontName: string;
}


/**
 * One line of text per OCR line, so readers extract line breaks; one positioned word at a time, so selection
 * and search highlights cover the word on the image.
 *
 * All words of a line share one font size and baseline, taken from the line's box, because text extraction
 * (pdf.js, Acrobat) starts a new line when the baseline moves. The cell from descent to ascent spans the line's
 * box. Each word is stretched horizontally (Tz) to its box width; a space glyph is stretched over the gap to the
 * next word, so extraction gets a real space rather than guessing one from the gap, and the space ends where the
 * next word starts: a line is positioned once, which keeps the content stream small.
 *
 * Returns the content-stream operators (BT … ET), or '' when the page has no words.
 */
export function layoutTextLayer(page: TextLayerPage, font: TextLayerEncoder): string {
  const lines = groupLines(page.words);
  if (lines.length === 0) return '';

  const ops: string[] = ['BT', '3 Tr'];
  const space = font.encode(' ');
  const cellEm = font.ascentEm - font.descentEm;
  for (const line of lines) {
    const topPx = Math.min(...line.map((w) => w.box.y0));
    const bottomPx = Math.max(...line.map((w) => Math.max(w.box.y1, w.box.y0 + 1)));
    const fontSizePt = ((bottomPx - topPx) * page.ptPerPx) / cellEm;
    const baselinePt = page.heightPt - bottomPx * page.ptPerPx - font.descentEm * fontSizePt;
    ops.push(`/${page.fontName} ${num(fontSizePt)} Tf`);
    ops.push(`1 0 0 1 ${num((line[0] as Word).box.x0 * page.ptPerPx)} ${num(baselinePt)} Tm`);
    line.forEach((word, index) => {
      const encoded = font.encode(word.text.normalize('NFC'));
      const x0Pt = word.box.x0 * page.ptPerPx;
      const widthPt = Math.max(word.box.x1 - word.box.x0, 1) * page.ptPerPx;
      ops.push(`${num(stretchPercent(widthPt, encoded.widthEm * fontSizePt))} Tz <${encoded.hex}> Tj`);
      const next = line[index + 1];
      if (next) {
        // Overlapping boxes still get a (thin) space, so the words stay apart in extracted text; the next word
        // then starts a little to the right of its box, which no reader notices.
        const gapPt = Math.max(next.box.x0 * page.ptPerPx - (x0Pt + widthPt), 0.05 * fontSizePt);
        ops.push(`${num(stretchPercent(gapPt, space.widthEm * fontSizePt))} Tz <${space.hex}> Tj`);
      }
    });
  }
  ops.push('ET');
  return ops.join('\n');
}

/** Words with text, grouped by lineIndex in ascending order; within a line the OCR's reading order is kept. */
export function groupLines(words: readonly Word[]): Word[][] {
  const byLine = new Map<number, Word[]>();
  for (const word of words) {
    if (word.text.trim() === '') continue;
    const line = byLine.get(word.lineIndex);
    if (line) line.push(word);
    else byLine.set(word.lineIndex, [word]);
  }
  return [...byLine.entries()].sort(([a], [b]) => a - b).map(([, line]) => line);
}

/** Horizontal scaling in percent that makes a run of natural width `naturalPt` span `targetPt`. */
function stretchPercent(targetPt: number, naturalPt: number): number {
  if (naturalPt <= 0) return 100;
  return (100 * targetPt) / naturalPt;
}

/** A number for a content stream: two decimals are 1/7200 inch, finer than any scan. */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}
