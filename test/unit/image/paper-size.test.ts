import { describe, expect, it } from 'vitest';
import { inferPaperDpi } from '../../../src/image/paper-size.ts';

describe('inferPaperDpi', () => {
  it('takes an A4-shaped image for A4 and snaps to the scanner resolution it is near', () => {
    expect(inferPaperDpi(2480, 3508)).toEqual({ paper: 'A4', orientation: 'portrait', dpi: 300 });
    expect(inferPaperDpi(3508, 2480)).toEqual({ paper: 'A4', orientation: 'landscape', dpi: 300 });
    expect(inferPaperDpi(1240, 1754)).toMatchObject({ paper: 'A4', dpi: 150 });
    // A scanner crop a few percent off the sheet still reads as it.
    expect(inferPaperDpi(2400, 3508)).toMatchObject({ paper: 'A4', dpi: 300 });
  });

  it('tells Letter and Legal from A4, and gives an unrounded estimate between scanner resolutions', () => {
    expect(inferPaperDpi(2550, 3300)).toEqual({ paper: 'Letter', orientation: 'portrait', dpi: 300 });
    expect(inferPaperDpi(1700, 2800)).toMatchObject({ paper: 'Legal', dpi: 200 });
    expect(inferPaperDpi(1100, 1556)).toEqual({ paper: 'A4', orientation: 'portrait', dpi: 133 });
  });

  it('refuses shapes that are no sheet: a square, a strip', () => {
    expect(inferPaperDpi(1000, 1000)).toBeUndefined();
    expect(inferPaperDpi(3000, 800)).toBeUndefined();
    expect(inferPaperDpi(0, 100)).toBeUndefined();
  });
});
