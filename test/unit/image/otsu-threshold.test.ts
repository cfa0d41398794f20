// Otsu's threshold separates ink from paper on bimodal histograms and stays sane on uniform ones.
import { describe, expect, it } from 'vitest';
import { otsuThreshold } from '../../../src/image/otsu-threshold.ts';

describe('otsuThreshold', () => {
  it('falls between the ink and the paper levels of a bimodal image', () => {
    const gray = new Uint8Array(1000);
    gray.fill(230);
    gray.fill(30, 0, 100);
    const threshold = otsuThreshold(gray);
    expect(threshold).toBeGreaterThan(30);
    expect(threshold).toBeLessThanOrEqual(230);
  });

  it('counts every ink pixel as ink on a noisy bimodal image', () => {
    const gray = Uint8Array.from({ length: 10_000 }, (_, i) => (i % 10 === 0 ? 40 + (i % 7) * 5 : 200 + (i % 13) * 3));
    const threshold = otsuThreshold(gray);
    const ink = gray.filter((level) => level < threshold).length;
    expect(ink).toBe(1000);
  });

  it('returns the middle level for a uniform image', () => {
    expect(otsuThreshold(new Uint8Array(100).fill(255))).toBe(128);
  });
});
