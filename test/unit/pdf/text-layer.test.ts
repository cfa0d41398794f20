// Checks the text-layer layout and its font: one line per OCR line, words fitted to boxes, exact ToUnicode.
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { groupLines, layoutTextLayer } from '../../../src/pdf/text-layer.ts';
import { loadTextLayerFontProgram, TextLayerFont, toUnicodeCmap } from '../../../src/pdf/text-layer-font.ts';

const word = (text: string, lineIndex: number, x0: number, y0: number, x1: number, y1: number): Word => ({
  text,
  box: { x0, y0, x1, y1 },
  confidence: 90,
  lineIndex,
});

describe('groupLines', () => {
  it('orders lines by lineIndex, keeps reading order within a line and drops empty words', () => {
    const words = [word('b', 1, 0, 0, 1, 1), word('a', 0, 5, 0, 6, 1), word(' ', 0, 7, 0, 8, 1), word('c', 1, 9, 0, 10, 1)];
    expect(groupLines(words).map((line) => line.map((w) => w.text))).toEqual([['a'], ['b', 'c']]);
  });
});

describe('layoutTextLayer', () => {
  it('positions each line once, fits each word to its box and spans the gap with a stretched space', async () => {
    const font = new TextLayerFont(await loadTextLayerFontProgram());
    // 72 dpi: one pixel is one point. A 200 pt tall page; the line's box is y 100..130.
    const words = [word('Số:', 0, 10, 100, 60, 130), word('15/QĐ-UBND', 0, 70, 102, 250, 128)];
    const operators = layoutTextLayer({ words, heightPt: 200, ptPerPx: 1, fontName: 'F0' }, font);
    const fontSizePt = 30 / (font.ascentEm - font.descentEm);
    const baselinePt = 200 - 130 - font.descentEm * fontSizePt;
    const lines = operators.split('\n');
    expect(lines.slice(0, 4)).toEqual(['BT', '3 Tr', `/F0 ${round2(fontSizePt)} Tf`, `1 0 0 1 10 ${round2(baselinePt)} Tm`]);
    const runs = lines.filter((l) => l.endsWith(' Tj'));
    expect(runs).toEqual([
      expect.stringMatching(/ Tz <[0-9A-F]{12}> Tj$/),
      `${runs[1]!.split(' ')[0]} Tz <${font.encode(' ').hex}> Tj`,
      expect.stringContaining(` Tz <${font.encode('15/QĐ-UBND').hex}> Tj`),
    ]);
    // Each run advances by its stretched width, so the word after the space starts at its box (x = 70).
    const advancePt = (run: string, chars: number): number => (Number(run.split(' ')[0]) / 100) * fontSizePt * font.glyphWidthEm * chars;
    expect(advancePt(runs[0]!, 3)).toBeCloseTo(50, 1);
    expect(advancePt(runs[1]!, 1)).toBeCloseTo(10, 1);
    expect(advancePt(runs[2]!, 10)).toBeCloseTo(180, 1);
    expect(10 + advancePt(runs[0]!, 3) + advancePt(runs[1]!, 1)).toBeCloseTo(70, 1);
    expect(lines.filter((l) => l.endsWith(' Tm'))).toHaveLength(1);
    expect(lines.at(-1)).toBe('ET');
  });

  it('writes nothing for a page without words', async () => {
    const font = new TextLayerFont(await loadTextLayerFontProgram());
    expect(layoutTextLayer({ words: [], heightPt: 100, ptPerPx: 1, fontName: 'F0' }, font)).toBe('');
  });
});

describe('TextLayerFont', () => {
  it('gives every distinct character its own CID, whatever its script, all of one width', async () => {
    const font = new TextLayerFont(await loadTextLayerFontProgram());
    expect(font.encode('ĐĐ').hex).toBe('00010001');
    expect(font.encode('中文Đ').hex).toBe('000200030001');
    expect(font.codePoints).toEqual([0x110, 0x4e2d, 0x6587]);
    expect(font.encode('ệ𝄞').widthEm).toBeCloseTo(2 * font.glyphWidthEm, 6);
    expect(font.glyphWidthEm).toBeGreaterThan(0);
  });
});

describe('toUnicodeCmap', () => {
  it('maps CIDs to UTF-16BE, with surrogate pairs beyond the BMP, in blocks of at most 100', () => {
    const cmap = toUnicodeCmap([0x1ec7, 0x1d11e, ...Array.from({ length: 150 }, (_, i) => 0x41 + (i % 26))]);
    expect(cmap).toContain('<0001> <1EC7>');
    expect(cmap).toContain('<0002> <D834DD1E>');
    expect([...cmap.matchAll(/(\d+) beginbfchar/g)].map((m) => m[1])).toEqual(['100', '52']);
  });
});

function round2(value: number): string {
  return String(Math.round(value * 100) / 100);
}
