import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { measureTextLineHeight } from '../../../src/image/text-size.ts';

/** A gray page with `lines` lines of word-like ink blocks `lineHeightPx` tall, a blank line's gap apart. */
function textPage(widthPx: number, heightPx: number, lineHeightPx: number, lines: number): Uint8Array {
  const gray = new Uint8Array(widthPx * heightPx).fill(240);
  const top = Math.round(heightPx * 0.1);
  for (let line = 0; line < lines; line++) {
    const y0 = top + line * lineHeightPx * 2;
    if (y0 + lineHeightPx >= heightPx * 0.9) break;
    for (let x = Math.round(widthPx * 0.1); x < widthPx * 0.9; x += lineHeightPx * 3) {
      for (let y = y0; y < y0 + lineHeightPx; y++) for (let dx = 0; dx < lineHeightPx * 2; dx++) if (x + dx < widthPx) gray[y * widthPx + x + dx] = 20;
    }
  }
  return gray;
}

describe('measureTextLineHeight', () => {
  it('measures the line height of a page of text, whatever the resolution', () => {
    expect(measureTextLineHeight(textPage(1400, 2000, 25, 30), 1400, 2000)).toBe(25);
    expect(measureTextLineHeight(textPage(700, 1000, 11, 40), 700, 1000)).toBe(11);
  });

  it('is not moved by accents above the lines nor by one tall seal', () => {
    const widthPx = 1400;
    const heightPx = 2000;
    const gray = textPage(widthPx, heightPx, 25, 30);
    // Accents: 3-row marks 2 rows above every line's first block.
    for (let line = 0; line < 30; line++) {
      const y0 = 200 + line * 50 - 5;
      for (let y = y0; y < y0 + 3; y++) for (let x = 150; x < 160; x++) gray[y * widthPx + x] = 20;
    }
    // A seal 300 px across.
    for (let y = 1400; y < 1700; y++) for (let x = 900; x < 1200; x++) gray[y * widthPx + x] = 60;
    expect(measureTextLineHeight(gray, widthPx, heightPx)).toBe(25);
  });

  it('is not moved by a table’s vertical rules running down most of the page', () => {
    const widthPx = 1400;
    const heightPx = 2000;
    const gray = textPage(widthPx, heightPx, 25, 30);
    for (let x = 100; x < 1300; x += 150) for (let y = 150; y < 1850; y++) gray[y * widthPx + x] = 0;
    expect(measureTextLineHeight(gray, widthPx, heightPx)).toBe(25);
  });

  it('says nothing about a blank page or one with a couple of words', () => {
    expect(measureTextLineHeight(new Uint8Array(1400 * 2000).fill(245), 1400, 2000)).toBeUndefined();
    expect(measureTextLineHeight(textPage(1400, 2000, 25, 2), 1400, 2000)).toBeUndefined();
  });

  it('measures rendered type: 14 pt lines at 170 dpi are about 25 px of ink', async () => {
    const lines = Array.from({ length: 24 }, (_, i) => `<text x="120" y="${200 + i * 60}" font-family="DejaVu Serif" font-size="33">Ủy ban nhân dân tỉnh đề nghị các cơ quan thực hiện ${i}</text>`).join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1405" height="1987"><rect width="100%" height="100%" fill="white"/>${lines}</svg>`;
    const { data, info } = await sharp(Buffer.from(svg)).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const height = measureTextLineHeight(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
    console.log(`rendered 14 pt at 170 dpi: text line ${height} px`);
    expect(height).toBeGreaterThanOrEqual(20);
    expect(height).toBeLessThanOrEqual(34);
  });
});
