// Reads JPEG frame headers: size, components and coding, and which JPEGs every PDF reader decodes.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isPdfSafeJpeg, readJpegFrameInfo } from '../../../src/image/jpeg-frame.ts';

describe('readJpegFrameInfo', () => {
  it('reads size and components of gray and colour JPEGs, also from a view into a larger buffer', async () => {
    const gray = await sharp({ create: { width: 37, height: 21, channels: 3, background: '#888' } }).toColourspace('b-w').jpeg().toBuffer();
    const colour = await sharp({ create: { width: 5, height: 9, channels: 3, background: '#f00' } }).jpeg({ progressive: true }).toBuffer();
    // pdf-lib's own parser ignores byteOffset; a view at an offset must still read right.
    const padded = new Uint8Array(gray.length + 7);
    padded.set(gray, 7);
    expect(readJpegFrameInfo(padded.subarray(7))).toEqual({ widthPx: 37, heightPx: 21, bitsPerComponent: 8, components: 1, adobe: false, sofMarker: 0xc0 });
    expect(readJpegFrameInfo(colour)).toMatchObject({ widthPx: 5, heightPx: 9, components: 3, sofMarker: 0xc2 });
    expect(isPdfSafeJpeg(readJpegFrameInfo(colour))).toBe(true);
    expect(isPdfSafeJpeg({ ...readJpegFrameInfo(colour), sofMarker: 0xc9 })).toBe(false); // arithmetic coding
  });

  it('says what to do with bytes that are not a JPEG', () => {
    expect(() => readJpegFrameInfo(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toThrow(/not a readable JPEG.*re-encode/);
    expect(() => readJpegFrameInfo(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toThrow(/no frame header/);
  });
});
