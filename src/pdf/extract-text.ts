// Reads back the text a PDF reader would extract, page by page, to check a written PDF against its OCR text.
import { openPdfjsDocument, readTextItems, type PdfTextItem } from './pdfjs-document.ts';

/** The fields of a text item joining reads: its font does not matter here. */
type PositionedText = Omit<PdfTextItem, 'fontName'>;

/**
 * Returns one string per page: lines joined by '\n', words by single spaces, NFC. pdf.js runs in-process (its
 * "fake worker"), fetches nothing and draws nothing, so neither network nor a canvas package is needed.
 */
export async function extractPdfText(bytes: Uint8Array): Promise<string[]> {
  const { pdf, destroy } = await openPdfjsDocument(bytes, 'text');
  try {
    const pages: string[] = [];
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const page = await pdf.getPage(pageNumber);
      pages.push(joinTextItems((await readTextItems(page)).items));
      page.cleanup();
    }
    return pages;
  } finally {
    await destroy();
  }
}

/**
 * Joins text items in content order. A line ends where pdf.js says so (hasEOL), where the baseline moves by
 * more than half the text height, or at a column-wide gap on the same baseline: pdf.js joins a left and a
 * right column that share a baseline (the two-column header of a Vietnamese administrative document) into
 * one line, whereas OCR reports them as two. Within a line a space goes in where two items leave a visible
 * gap and neither brings its own. Whitespace runs become one space, and blank lines are dropped.
 */
export function joinTextItems(items: readonly PositionedText[]): string {
  const lines: string[] = [];
  let line = '';
  let lastText: PositionedText | undefined;
  let spaceSeen = false;
  const endLine = (): void => {
    lines.push(line);
    line = '';
  };
  for (const item of items) {
    // Whitespace items mark a space or a line end; gaps are measured between the texts around them.
    if (item.str.trim() === '') {
      spaceSeen = true;
    } else {
      if (lastText && line !== '') {
        const textHeight = Math.max(lastText.height, item.height);
        const gap = x(item) - (x(lastText) + lastText.width);
        if (startsNewLine(lastText, item) || gap > columnGapEm * textHeight) endLine();
        else if (spaceSeen || gap > wordGapEm * textHeight) line += ' ';
      }
      line += item.str;
      lastText = item;
      spaceSeen = false;
    }
    if (item.hasEOL) endLine();
  }
  endLine();
  return lines
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n')
    .normalize('NFC');
}

/**
 * Gaps in units of text height. Above wordGapEm a space (pdf.js' own threshold is 0.1 em). Above columnGapEm a
 * new line: pdf.js turns real and stretched space glyphs into gaps too, so a wide gap inside one OCR line (a
 * form field, a tab) cannot be told from a column break; 2.5 em keeps ordinary word spacing and most tabs on the
 * line while the two-column header (about 4 em apart at the text layer's font size) still splits.
 */
const wordGapEm = 0.15;
const columnGapEm = 2.5;

function startsNewLine(previous: PositionedText, item: PositionedText): boolean {
  const height = Math.max(previous.height, item.height, 1e-6);
  return Math.abs(y(item) - y(previous)) > height / 2;
}

function x(item: PositionedText): number {
  return item.transform[4] ?? 0;
}

function y(item: PositionedText): number {
  return item.transform[5] ?? 0;
}
