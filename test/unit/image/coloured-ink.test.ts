import { describe, expect, it } from 'vitest';
import { liftColouredInk } from '../../../src/image/coloured-ink.ts';

describe('liftColouredInk', () => {
  it('lifts red seal, violet stamp and blue pen pixels to their brightest channel, and leaves black type, gray and paper alone', () => {
    const pixels = [
      [200, 30, 40], // red seal
      [110, 60, 160], // violet stamp ink
      [30, 40, 120], // blue ballpoint
      [20, 22, 25], // black type, a JPEG's colour noise on it
      [128, 120, 110], // gray
      [245, 240, 228], // cream paper
    ];
    const rgb = Uint8Array.from(pixels.flat());
    expect(liftColouredInk(rgb)).toBe(3);
    expect([...rgb]).toEqual([200, 200, 200, 160, 160, 160, 120, 120, 120, ...pixels.slice(3).flat()]);
  });

  it('lifts a black stroke fringed with JPEG colour only in part, so the type stays type', () => {
    const fringe = Uint8Array.from([60, 30, 20]); // chroma 40: a quarter of the way to ink
    liftColouredInk(fringe);
    expect(fringe[0]).toBeLessThan(60);
    expect(fringe[0]).toBeGreaterThan(35);
  });
});
