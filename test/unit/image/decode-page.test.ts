// Decoding helpers: EXIF turns, and the resolution a page's file states or its sheet implies.
import { describe, expect, it } from 'vitest';
import { exifRotation, resolveDpi } from '../../../src/image/decode-page.ts';

describe('decode-page helpers', () => {
  it('maps EXIF orientations to clockwise turns', () => {
    expect([1, 3, 6, 8].map((o) => exifRotation(o).rotationDeg)).toEqual([0, 180, 90, 270]);
    expect(exifRotation(5)).toEqual({ rotationDeg: 90, mirrored: true });
    expect(exifRotation(undefined)).toEqual({ rotationDeg: 0, mirrored: false });
  });

  it('treats a JPEG density without unit and an implausible one as missing, and infers the resolution from the sheet', () => {
    const shapeless = { width: 1000, height: 1000 };
    expect(resolveDpi({ density: 72, ...shapeless }, 300)).toMatchObject({ dpi: 300, assumed: true });
    expect(resolveDpi({ density: 1, resolutionUnit: 'inch', ...shapeless }, 300)).toMatchObject({ dpi: 300, assumed: true, warning: 'implausible resolution 1 dpi in file; assumed 300 dpi' });
    expect(resolveDpi({ density: 199.9, resolutionUnit: 'cm', ...shapeless }, 300)).toEqual({ dpi: 200, assumed: false });
    // A phone's 576×960 JPEG of an A4 page: about 70 dpi, not the default 300.
    expect(resolveDpi({ density: 72, width: 576, height: 960 }, 300)).toEqual({
      dpi: 72,
      assumed: true,
      inferredFrom: 'Legal portrait',
      warning: 'no resolution in file; 72 dpi inferred from its Legal portrait shape',
    });
    expect(resolveDpi({ density: 72, width: 1654, height: 2339 }, 300)).toMatchObject({ dpi: 200, inferredFrom: 'A4 portrait' });
    // A phone photo's 72 dpi would make a 56×42-inch page: it is the camera's default, and the sheet decides.
    expect(resolveDpi({ density: 72, resolutionUnit: 'inch', width: 3024, height: 4032 }, 300)).toMatchObject({ dpi: 361, assumed: true, inferredFrom: 'Letter portrait' });
    expect(resolveDpi({ density: 72, resolutionUnit: 'inch', width: 600, height: 800 }, 300)).toEqual({ dpi: 72, assumed: false });
    // A thumbnail of a sheet is no scan: the default stays.
    expect(resolveDpi({ density: 72, width: 140, height: 198 }, 300)).toMatchObject({ dpi: 300, assumed: true });
    expect(resolveDpi({ density: 72, width: 140, height: 198 }, 300).inferredFrom).toBeUndefined();
  });
});
