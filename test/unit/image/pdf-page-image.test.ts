// Which input JPEGs may be a page's PDF image as they are: only those whose pixels normalize left untouched.
import { describe, expect, it } from 'vitest';
import { canPassJpegThrough } from '../../../src/image/pdf-page-image.ts';

describe('canPassJpegThrough', () => {
  const header = { format: 'jpeg' as const, orientation: 1, space: 'b-w' as const, channels: 1 as const, width: 100, height: 200, icc: undefined };
  const change = { widthPx: 100, heightPx: 200, mode: 'gray' as const, rotated: false };

  it('passes an unchanged gray or sRGB JPEG', () => {
    expect(canPassJpegThrough(header, change)).toBe(true);
    expect(canPassJpegThrough({ ...header, space: 'srgb', channels: 3 }, { ...change, mode: 'colour' })).toBe(true);
  });

  it('refuses any pixel change: turn, EXIF, resampling, colour mode, CMYK, a non-sRGB profile, not a JPEG', () => {
    expect(canPassJpegThrough(header, { ...change, rotated: true })).toBe(false);
    expect(canPassJpegThrough({ ...header, orientation: 2 }, change)).toBe(false);
    expect(canPassJpegThrough(header, { ...change, widthPx: 99 })).toBe(false);
    expect(canPassJpegThrough(header, { ...change, mode: 'bitonal' })).toBe(false);
    expect(canPassJpegThrough({ ...header, space: 'srgb', channels: 3 }, change)).toBe(false);
    expect(canPassJpegThrough({ ...header, space: 'cmyk', channels: 4 }, { ...change, mode: 'colour' })).toBe(false);
    expect(canPassJpegThrough({ ...header, space: 'srgb', channels: 3, icc: Buffer.from('Adobe RGB (1998)') }, { ...change, mode: 'colour' })).toBe(false);
    expect(canPassJpegThrough({ ...header, format: 'png' }, change)).toBe(false);
  });
});
