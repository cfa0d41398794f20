// Checks how pdf.js text items are joined into lines and words.
import { describe, expect, it } from 'vitest';
import { joinTextItems } from '../../../src/pdf/extract-text.ts';

const item = (str: string, xPt: number, yPt: number, widthPt: number, hasEOL = false) => ({
  str,
  hasEOL,
  transform: [10, 0, 0, 10, xPt, yPt],
  width: widthPt,
  height: 10,
});

describe('joinTextItems', () => {
  it('ends lines at hasEOL and at a baseline change, and drops blank lines', () => {
    expect(joinTextItems([item('Số: 15', 0, 100, 30, true), item('', 0, 100, 0, true), item('Hà Nội', 0, 80, 30), item('ngày', 0, 60, 20)])).toBe(
      'Số: 15\nHà Nội\nngày',
    );
  });

  it('puts one space at a word gap or whitespace item, none between touching items', () => {
    expect(joinTextItems([item('Độc', 0, 0, 20), item('lập', 23, 0, 15), item('-', 38, 0, 5), item(' ', 43, 0, 1), item('Tự', 44, 0, 10)])).toBe(
      'Độc lập- Tự',
    );
  });

  it('splits a column-wide gap on one baseline into two lines', () => {
    expect(joinTextItems([item('ỦY BAN', 0, 0, 40), item(' ', 40, 0, 100), item('CỘNG HÒA', 140, 0, 50)])).toBe('ỦY BAN\nCỘNG HÒA');
  });

  it('keeps a tab-like gap inside a line as one space', () => {
    expect(joinTextItems([item('Họ tên:', 0, 0, 40), item(' ', 40, 0, 20), item('Lê Văn A', 60, 0, 50)])).toBe('Họ tên: Lê Văn A');
  });

  it('collapses whitespace runs and returns NFC', () => {
    expect(joinTextItems([item('  Vie\u0323\u0302t   Nam ', 0, 0, 50)])).toBe('Việt Nam');
  });
});
