// Conversions from tesseract.js answers to OcrResult and OrientationResult, on hand-made answers.
import { describe, expect, it } from 'vitest';
import { ocrResultFromBlocks, orientationFromDetect } from '../../../src/ocr/tesseract-result.ts';
import type { TesseractBlock } from '../../../src/ocr/tesseract-result.ts';

function word(text: string, confidence: number, x0 = 0) {
  return { text, confidence, bbox: { x0, y0: 10, x1: x0 + 50, y1: 40 } };
}

describe('ocrResultFromBlocks', () => {
  it('numbers lines across blocks and paragraphs and joins words and lines', () => {
    const blocks: TesseractBlock[] = [
      { paragraphs: [{ lines: [{ words: [word('Số:', 90), word('15/QĐ-UBND', 80, 60)] }] }] },
      {
        paragraphs: [
          { lines: [{ words: [word('QUYẾT', 95), word('ĐỊNH', 85, 60)] }] },
          { lines: [{ words: [word('Điều', 70)] }] },
        ],
      },
    ];
    const result = ocrResultFromBlocks(blocks);
    expect(result.text).toBe('Số: 15/QĐ-UBND\nQUYẾT ĐỊNH\nĐiều');
    expect(result.words.map((w) => [w.text, w.lineIndex])).toEqual([
      ['Số:', 0],
      ['15/QĐ-UBND', 0],
      ['QUYẾT', 1],
      ['ĐỊNH', 1],
      ['Điều', 2],
    ]);
    expect(result.words[1]?.box).toEqual({ x0: 60, y0: 10, x1: 110, y1: 40 });
    expect(result.meanConfidence).toBeCloseTo((90 + 80 + 95 + 85 + 70) / 5, 10);
  });

  it('normalizes to NFC and drops blank words and the lines they leave empty, keeping indexes dense', () => {
    const decomposed = 'Vie\u0302\u0323t'; // "Việt" as base letters plus combining marks
    const blocks: TesseractBlock[] = [
      {
        paragraphs: [
          { lines: [{ words: [word(' ', 10)] }, { words: [word(decomposed, 90), word('  ', 5)] }, { words: [] }] },
          { lines: [{ words: [word('Nam', 80)] }] },
        ],
      },
    ];
    const result = ocrResultFromBlocks(blocks);
    expect(result.text).toBe('Việt\nNam');
    expect(result.text).toBe(result.text.normalize('NFC'));
    expect(result.words.map((w) => w.lineIndex)).toEqual([0, 1]);
    expect(result.meanConfidence).toBe(85);
  });

  it('gives an empty page for no blocks', () => {
    expect(ocrResultFromBlocks(null)).toEqual({ words: [], text: '', meanConfidence: 0 });
    expect(ocrResultFromBlocks([])).toEqual({ words: [], text: '', meanConfidence: 0 });
  });
});

describe('orientationFromDetect', () => {
  it('passes the clockwise correction through', () => {
    expect(orientationFromDetect({ orientation_degrees: 270, orientation_confidence: 17.9 })).toEqual({
      rotateDeg: 270,
      confidence: 17.9,
    });
  });

  it('reads a failed detection as upright with no confidence', () => {
    expect(orientationFromDetect({ orientation_degrees: null, orientation_confidence: null })).toEqual({
      rotateDeg: 0,
      confidence: 0,
    });
  });
});
