import { describe, expect, it } from 'vitest';
import { clearColouredInk } from '../../../src/image/coloured-ink.ts';

describe('clearColouredInk', () => {
  it('makes red seal, violet stamp and blue pen pixels white, and leaves black type, gray and paper alone', () => {
    const pixels = [
      [200, 30, 40], // red seal
      [110, 60, 160], // violet stamp ink
      [30, 40, 120], // blue ballpoint
      [20, 22, 25], // black type, a JPEG's colour noise on it
      [128, 120, 110], // gray
      [245, 240, 228], // cream paper
    ];
    const rgb = Uint8Array.from(pixels.flat());
    expect(clearColouredInk(rgb)).toBe(3);
    expect([...rgb]).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, ...pixels.slice(3).flat()]);
  });
});
