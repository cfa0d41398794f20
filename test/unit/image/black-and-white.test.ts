// Tells black type on white apart from gray content that must stay gray: photographs, pencil, dingy paper.
import { describe, expect, it } from 'vitest';
import { isTextOnlyGray, measureMidtones } from '../../../src/image/black-and-white.ts';
import { renderTextPage } from './synthetic-page.ts';

const A4_150DPI = { widthPx: 1240, heightPx: 1754, dpi: 150 };

function fillRect(page: { data: Uint8Array; widthPx: number }, x0: number, y0: number, w: number, h: number, value: (x: number, y: number) => number): void {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) page.data[y * page.widthPx + x] = value(x - x0, y - y0);
}

describe('measureMidtones', () => {
  it('finds anti-aliased type has mid-tones only on stroke edges', async () => {
    const page = await renderTextPage(A4_150DPI);
    const measure = measureMidtones(page.data, page.widthPx, page.heightPx);
    expect(measure.midtoneFraction).toBeGreaterThan(0.001); // the renderer does anti-alias
    expect(measure.isolatedMidtoneFraction).toBeLessThan(0.00005);
    expect(isTextOnlyGray(measure)).toBe(true);
  });

  it('keeps a page with a small photograph gray', async () => {
    const page = await renderTextPage(A4_150DPI);
    // A 3×4 cm photo at 150 dpi: a smooth gradient, no ink or paper around most of its pixels.
    fillRect(page, 900, 1300, 177, 236, (x, y) => 70 + ((x + y) % 110));
    const measure = measureMidtones(page.data, page.widthPx, page.heightPx);
    expect(measure.isolatedMidtoneFraction).toBeGreaterThan(0.01);
    expect(isTextOnlyGray(measure)).toBe(false);
  });

  it('keeps a page with a light pencil note gray', async () => {
    const page = await renderTextPage(A4_150DPI);
    // A pencil stroke (level 150) 3 px wide and 6 cm long, on paper: paper beside it, no ink.
    fillRect(page, 200, 1600, 354, 3, () => 150);
    expect(isTextOnlyGray(measureMidtones(page.data, page.widthPx, page.heightPx))).toBe(false);
  });

  it('keeps a page on dingy gray paper gray', () => {
    const data = new Uint8Array(400 * 400).fill(170);
    expect(measureMidtones(data, 400, 400)).toEqual({ midtoneFraction: 1, isolatedMidtoneFraction: 1 });
  });

  it('calls a white page text-only and survives an empty image', () => {
    expect(isTextOnlyGray(measureMidtones(new Uint8Array(100).fill(255), 10, 10))).toBe(true);
    expect(measureMidtones(new Uint8Array(0), 0, 0)).toEqual({ midtoneFraction: 0, isolatedMidtoneFraction: 0 });
  });
});
