// The shared geometry of the ALTO and hOCR files: lines by lineIndex, blocks split on paragraph gaps, whole-pixel boxes.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { ocrResultFromTsv } from '../../../src/ocr/tesseract-tsv.ts';
import { layoutText, pageLayout, pixelBox, wordConfidence, xmlText, type TextPage } from '../../../src/export/text-layout.ts';

function page(words: Word[], size: Partial<TextPage> = {}): TextPage {
  return { pageNumber: 1, widthPx: 1000, heightPx: 1400, dpi: 300, words, file: 'a.jpg', filePageNumber: 1, textSource: 'ocr', ...size };
}

/** A word on line `lineIndex`, 40 px tall, the lines 50 px apart from y = 100 unless `y` says otherwise. */
function word(text: string, lineIndex: number, x0: number, y = 100 + lineIndex * 50, confidence = 90): Word {
  return { text, box: { x0, y0: y, x1: x0 + 20 * text.length, y1: y + 40 }, confidence, lineIndex };
}

describe('pageLayout', () => {
  it('makes a line of each lineIndex, in lineIndex order, its words in the order given', () => {
    const layout = pageLayout(page([word('hai', 1, 100), word('một', 0, 300), word('Dòng', 0, 100), word('ba', 1, 300)]));
    const lines = layout.blocks.flatMap((b) => b.lines);
    expect(lines.map((l) => l.words.map((w) => w.text))).toEqual([['một', 'Dòng'], ['hai', 'ba']]);
    expect(lines.map((l) => l.number)).toEqual([1, 2]);
    expect(lines.flatMap((l) => l.words.map((w) => w.number))).toEqual([1, 2, 3, 4]);
    expect(lines[0]!.box).toEqual({ hpos: 100, vpos: 100, width: 260, height: 40 });
  });

  it('starts a new block where the blank above a line is taller than 1.5 median line heights', () => {
    // Lines 40 px tall: a 10 px leading stays in the block, a 61 px gap (> 60) starts the next, a 60 px one does not.
    const words = [word('Điều', 0, 100, 100), word('1.', 1, 100, 150), word('Điều', 2, 100, 251), word('2.', 3, 100, 351), word('hết', 4, 100, 451)];
    const blocks = pageLayout(page(words)).blocks;
    expect(blocks.map((b) => b.lines.map((l) => l.words[0]!.text))).toEqual([['Điều', '1.'], ['Điều', '2.', 'hết']]);
    expect(blocks.map((b) => b.number)).toEqual([1, 2]);
    expect(blocks[0]!.box).toEqual({ hpos: 100, vpos: 100, width: 80, height: 90 });
    expect(blocks[1]!.box).toEqual({ hpos: 100, vpos: 251, width: 80, height: 240 });
  });

  it('starts a new block where a line stands beside or above the one before, as the two columns of a heading do', () => {
    const words = [word('UBND', 0, 50, 100), word('SỞ', 1, 50, 150), word('CỘNG', 2, 600, 100), word('Độc', 3, 600, 150)];
    const blocks = pageLayout(page(words)).blocks;
    expect(blocks.map((b) => b.lines.map((l) => l.words[0]!.text))).toEqual([['UBND', 'SỞ'], ['CỘNG', 'Độc']]);
    const beside = pageLayout(page([word('UBND', 0, 50, 100), word('CỘNG', 1, 600, 102), word('Số:', 2, 50, 150)])).blocks;
    expect(beside.map((b) => b.lines.map((l) => l.words[0]!.text))).toEqual([['UBND'], ['CỘNG', 'Số:']]);
  });

  it('keeps tightly set lines that overlap a little in one block', () => {
    const words = [word('một', 0, 100, 100), word('hai', 1, 100, 130), word('ba', 2, 100, 160)];
    expect(pageLayout(page(words)).blocks).toHaveLength(1);
  });

  it('drops words that are empty once trimmed, and gives the text in NFC', () => {
    const decomposed = 'Quyết'.normalize('NFD');
    const layout = pageLayout(page([word(decomposed, 0, 100), word('  ', 0, 300), word(' định ', 0, 400), word('', 1, 100)]));
    expect(layout.blocks).toHaveLength(1);
    expect(layout.blocks[0]!.lines.map((l) => l.words.map((w) => w.text))).toEqual([['Quyết'.normalize('NFC'), 'định']]);
  });

  it('has no block on a page with no words', () => {
    expect(pageLayout(page([])).blocks).toEqual([]);
  });
});

describe('pixelBox', () => {
  it('rounds outward to whole pixels', () => {
    expect(pixelBox({ x0: 10.9, y0: 20.1, x1: 30.1, y1: 40.9 }, 100, 100)).toEqual({ hpos: 10, vpos: 20, width: 21, height: 21 });
  });

  it('clamps the box inside the page', () => {
    expect(pixelBox({ x0: -5.5, y0: -1, x1: 120, y1: 99.2 }, 100, 80)).toEqual({ hpos: 0, vpos: 0, width: 100, height: 80 });
  });

  it('gives a box with no extent one pixel, still inside the page', () => {
    expect(pixelBox({ x0: 40, y0: 50, x1: 40, y1: 50 }, 100, 80)).toEqual({ hpos: 40, vpos: 50, width: 1, height: 1 });
    expect(pixelBox({ x0: 130, y0: 90, x1: 150, y1: 95 }, 100, 80)).toEqual({ hpos: 99, vpos: 79, width: 1, height: 1 });
  });
});

describe('wordConfidence', () => {
  it('turns 0–100 into 0–1 with 2 decimals, clamped', () => {
    expect([96.4, 96.5, 7, 100, 0].map(wordConfidence)).toEqual([0.96, 0.97, 0.07, 1, 0]);
    expect([-1, 140, Number.NaN].map(wordConfidence)).toEqual([0, 1, 0]);
  });
});

describe('layoutText', () => {
  it('joins the words of a line with one space and the lines with a newline, blocks included', () => {
    const words = [word('Điều', 0, 100, 100), word('1.', 0, 200, 100), word('Điều', 1, 100, 400), word('2.', 1, 200, 400)];
    const layout = pageLayout(page(words));
    expect(layout.blocks).toHaveLength(2);
    expect(layoutText(layout)).toBe('Điều 1.\nĐiều 2.');
  });

  it('is the text sidecar of an OCR page, as the engine adapter builds it', () => {
    const header = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';
    const row = (block: number, line: number, n: number, left: number, top: number, conf: string, text: string) => `5\t1\t${block}\t1\t${line}\t${n}\t${left}\t${top}\t60\t30\t${conf}\t${text}`;
    const tsv = [header, row(1, 1, 1, 10, 10, '95.2', 'CỘNG'), row(1, 1, 2, 80, 10, '91', 'HÒA'), row(1, 1, 3, 150, 10, '-1', ' '), row(1, 2, 1, 10, 50, '88', 'Độc'), row(2, 1, 1, 10, 300, '70', 'lập')].join('\n');
    const result = ocrResultFromTsv(tsv);
    expect(layoutText(pageLayout(page(result.words)))).toBe(result.text);
  });
});

describe('xmlText', () => {
  it('escapes what an attribute needs, keeps whitespace as character references and mends lone surrogates', () => {
    expect(xmlText(`a&b<c>"d"'e`)).toBe(`a&amp;b&lt;c&gt;&quot;d&quot;'e`);
    expect(xmlText('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    expect(xmlText('x\uD800y')).toBe('x\uFFFDy');
  });
});
