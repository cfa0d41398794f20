// The skew estimator finds the angle of rendered text pages within 0.3° and reports no skew on empty pages.
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateSkewDeg } from '../../../src/image/deskew.ts';
import { seededRandom } from '../../../samples/render/seeded-random.ts';
import { downscaleGray, renderTextPage, skewPage } from '../../support/synthetic-page.ts';

type Page = Awaited<ReturnType<typeof renderTextPage>>;

describe('estimateSkewDeg', () => {
  let page: Page;
  beforeAll(async () => {
    // A4 at 300 dpi, the common scan, downscaled to 1000 px wide as the normalize stage does.
    page = await renderTextPage({ widthPx: 2480, heightPx: 3508, dpi: 300 });
  });

  it('measures skews from -5° to +5° within 0.3°', async () => {
    const errors: number[] = [];
    const durationsMs: number[] = [];
    for (const skewDeg of [-5, -4, -3.3, -2, -1, -0.5, 0, 0.25, 0.7, 1, 2, 3, 4.1, 5]) {
      const skewed = await skewPage(page, skewDeg);
      const small = await downscaleGray(skewed, page.widthPx, page.heightPx, 1000);
      const startedMs = performance.now();
      const estimate = estimateSkewDeg(small.data, small.widthPx, small.heightPx, { maxSkewDeg: 5 });
      durationsMs.push(performance.now() - startedMs);
      errors.push(Math.abs(estimate.angleDeg - skewDeg));
      expect(estimate.angleDeg, `skew ${skewDeg}°`).toBeCloseTo(skewDeg, 0);
      expect(estimate.confidence, `skew ${skewDeg}°`).toBeGreaterThan(3);
    }
    console.info(`deskew: worst error ${Math.max(...errors).toFixed(3)}°, mean ${(durationsMs.reduce((a, b) => a + b) / durationsMs.length).toFixed(1)} ms per estimate`);
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.3);
  });

  it('reads lines rising to the right as a positive (counter-clockwise) skew', () => {
    // Drawn by hand, so the sign does not depend on sharp's rotation direction.
    const widthPx = 800;
    const heightPx = 600;
    const gray = new Uint8Array(widthPx * heightPx).fill(255);
    const slope = Math.tan((2 * Math.PI) / 180);
    for (let line = 0; line < 12; line++) {
      for (let x = 50; x < 750; x++) {
        if (x % 9 === 0) continue; // gaps, like between letters
        const y = Math.round(100 + line * 35 - (x - 400) * slope);
        for (let dy = 0; dy < 4; dy++) gray[(y + dy) * widthPx + x] = 0;
      }
    }
    const estimate = estimateSkewDeg(gray, widthPx, heightPx, { maxSkewDeg: 5 });
    expect(estimate.angleDeg).toBeGreaterThan(1.8);
    expect(estimate.angleDeg).toBeLessThan(2.2);
  });

  it('gives no estimate on a blank page', () => {
    const estimate = estimateSkewDeg(new Uint8Array(500 * 700).fill(250), 500, 700, { maxSkewDeg: 5 });
    expect(estimate).toEqual({ angleDeg: 0, confidence: 0, inkPixels: 0 });
  });

  it('has low confidence on scattered dots, which have no lines', () => {
    const widthPx = 600;
    const heightPx = 800;
    const gray = new Uint8Array(widthPx * heightPx).fill(255);
    // mulberry32, whose low bits, unlike an LCG's, draw no lines.
    const random = seededRandom(12345);
    for (let i = 0; i < 10_000; i++) gray[Math.floor(random() * gray.length)] = 0;
    expect(estimateSkewDeg(gray, widthPx, heightPx, { maxSkewDeg: 5 }).confidence).toBeLessThan(3);
  });

  it('refuses a buffer whose size does not match the dimensions', () => {
    expect(() => estimateSkewDeg(new Uint8Array(10), 4, 4, { maxSkewDeg: 5 })).toThrow(/4×4 = 16 bytes but received 10/);
  });
});
