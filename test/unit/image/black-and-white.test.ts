// Tells black type on white apart from gray content that must stay gray: photographs, pencil, dingy paper.
import { describe, expect, it } from 'vitest';
import { isTextOnlyGray, maxSpeckPx, measureMidtones } from '../../../src/image/black-and-white.ts';
import { renderTextPage } from '../../support/synthetic-page.ts';

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
    expect(isTextOnlyGray(measureMidtones(page.data, page.widthPx, page.heightPx, maxSpeckPx(A4_150DPI.dpi)))).toBe(false);
  });

  it('calls scanner specks on a typed page noise, not gray content', async () => {
    const page = await renderTextPage(A4_150DPI);
    // 400 gray dust specks of 2×2 px (0.3 mm) over the page, none touching ink: 0.07 % of the page.
    for (let n = 0; n < 400; n++) fillRect(page, 20 + ((n * 97) % 1200), 20 + ((n * 211) % 1714), 2, 2, () => 120);
    const without = measureMidtones(page.data, page.widthPx, page.heightPx);
    expect(isTextOnlyGray(without)).toBe(false);
    const measure = measureMidtones(page.data, page.widthPx, page.heightPx, maxSpeckPx(A4_150DPI.dpi));
    expect(measure.speckFraction).toBeGreaterThan(0.0005);
    expect(measure.isolatedMidtoneFraction).toBeLessThan(0.0002);
    expect(isTextOnlyGray(measure)).toBe(true);
  });

  it('keeps a halftone picture gray although its dots are speck-sized', async () => {
    const page = await renderTextPage(A4_150DPI);
    // A 6×8 cm screened picture: gray dots of 2×2 px every 4 px, apart from one another.
    fillRect(page, 700, 1100, 354, 472, (x, y) => (x % 4 < 2 && y % 4 < 2 ? 110 : 255));
    const measure = measureMidtones(page.data, page.widthPx, page.heightPx, maxSpeckPx(A4_150DPI.dpi));
    expect(measure.isolatedMidtoneFraction + measure.speckFraction).toBeGreaterThan(0.005);
    expect(isTextOnlyGray(measure)).toBe(false);
    // The rule itself: specks over 0.5 % of the page are a texture, whatever else the page has.
    expect(isTextOnlyGray({ midtoneFraction: 0.02, isolatedMidtoneFraction: 0, speckFraction: 0.006 })).toBe(false);
    expect(isTextOnlyGray({ midtoneFraction: 0.02, isolatedMidtoneFraction: 0, speckFraction: 0.004 })).toBe(true);
  });

  it('sizes a speck by the page resolution: 0.5 mm', () => {
    expect(maxSpeckPx(300)).toBe(6);
    expect(maxSpeckPx(150)).toBe(3);
    expect(maxSpeckPx(20)).toBe(1);
  });

  it('keeps a page on dingy gray paper gray', () => {
    const data = new Uint8Array(400 * 400).fill(170);
    expect(measureMidtones(data, 400, 400, maxSpeckPx(150))).toEqual({ midtoneFraction: 1, isolatedMidtoneFraction: 1, speckFraction: 0 });
  });

  it('calls a white page text-only and survives an empty image', () => {
    expect(isTextOnlyGray(measureMidtones(new Uint8Array(100).fill(255), 10, 10))).toBe(true);
    expect(measureMidtones(new Uint8Array(0), 0, 0)).toEqual({ midtoneFraction: 0, isolatedMidtoneFraction: 0, speckFraction: 0 });
  });
});
