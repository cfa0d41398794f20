// Reads TIFF strips without decoding them: one G4 strip per page passes into a PDF, anything else is refused; each page's share of the file.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import { readSingleG4Strip, readTiffStrips, tiffPageBytes } from '../../../src/image/tiff.ts';
import { renderTextPage } from '../../support/synthetic-page.ts';

async function g4Tiff(options: { tileHeight?: number; miniswhite?: boolean } = {}): Promise<{ tiff: Buffer; widthPx: number; heightPx: number }> {
  const page = await renderTextPage({ widthPx: 620, heightPx: 877, dpi: 75 });
  const tiff = await sharp(page.data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } })
    .toColourspace('b-w')
    .tiff({ compression: 'ccittfax4', bitdepth: 1, ...options })
    .toBuffer();
  return { tiff, widthPx: page.widthPx, heightPx: page.heightPx };
}

describe('readTiffStrips', () => {
  it('lists every strip of a TIFF written with 256 rows per strip, in order and covering the file', async () => {
    const { tiff, heightPx } = await g4Tiff();
    const strips = readTiffStrips(tiff);
    expect(strips).toMatchObject({ widthPx: 620, heightPx, compression: 4, bitsPerSample: 1, fillOrder: 1, rowsPerStrip: 256, photometric: 1 });
    expect(strips.strips).toHaveLength(Math.ceil(heightPx / 256));
    expect(strips.strips.every((s) => s.length > 0 && s.byteOffset >= 8)).toBe(true);
  });

  it('refuses what is not a classic TIFF', () => {
    expect(() => readTiffStrips(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))).toThrow(InputError);
    expect(() => readTiffStrips(new Uint8Array([0x49, 0x49, 43, 0, 8, 0, 0, 0]))).toThrow(/BigTIFF/);
  });
});

describe('readSingleG4Strip', () => {
  it('returns the one strip of a page written with rows per strip ≥ height, min-is-white as BlackIs1 false', async () => {
    const { tiff, heightPx } = await g4Tiff({ tileHeight: 877, miniswhite: true });
    const g4 = readSingleG4Strip(tiff);
    expect([g4.widthPx, g4.heightPx, g4.blackIs1]).toEqual([620, heightPx, false]);
    // The strip is most of the file: only the header and directory are left out.
    expect(tiff.length - g4.bytes.length).toBeLessThan(400);
    expect(g4.bytes.buffer).toBe(tiff.buffer);
  });

  it('marks min-is-black data BlackIs1, since its "white" G4 runs are the ink', async () => {
    expect(readSingleG4Strip((await g4Tiff({ tileHeight: 877 })).tiff).blackIs1).toBe(true);
  });

  it('refuses several strips, which cannot be joined into one G4 stream, and other compressions', async () => {
    const { tiff } = await g4Tiff();
    expect(() => readSingleG4Strip(tiff)).toThrow(/4 strips; one strip for the whole page/);
    const lzw = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).tiff({ compression: 'lzw' }).toBuffer();
    expect(() => readSingleG4Strip(lzw)).toThrow(/compression 5, not CCITT G4/);
  });
});

describe('tiffPageBytes', () => {
  const reader = (file: Uint8Array) => async (offset: number, length: number) => file.subarray(offset, offset + length);

  it('gives each page of a multi-page G4 TIFF its own strips plus a share of the rest, adding up to the file', async () => {
    const text = await renderTextPage({ widthPx: 620, heightPx: 877, dpi: 75 });
    const blank = { ...text, data: new Uint8Array(text.data.length).fill(255) };
    const pngs = await Promise.all([text, blank, text].map((p) => sharp(p.data, { raw: { width: p.widthPx, height: p.heightPx, channels: 1 } }).png().toBuffer()));
    const tiff = await sharp(pngs, { join: { animated: true } }).removeAlpha().toColourspace('b-w').tiff({ compression: 'ccittfax4', bitdepth: 1 }).toBuffer();

    const pages = await tiffPageBytes(reader(tiff), tiff.length);
    expect(pages).toHaveLength(3);
    expect(pages!.reduce((a, b) => a + b, 0)).toBe(tiff.length);
    const firstStrips = readTiffStrips(tiff).strips.reduce((n, strip) => n + strip.length, 0);
    // The first page is its strips plus a third of the header and directories, which are a few hundred bytes.
    const share = pages![0]! - firstStrips;
    expect(share).toBeGreaterThan(0);
    expect(share * 3).toBeLessThan(2000);
    expect(pages![1]!).toBeLessThan(pages![0]! / 5); // the blank page costs next to nothing
    expect(Math.abs(pages![0]! - pages![2]!)).toBeLessThanOrEqual(1); // the same page twice
  });

  it('gives up on a directory chain that loops, a BigTIFF or a file that is not a TIFF', async () => {
    const { tiff } = await g4Tiff();
    const looped = Uint8Array.from(tiff);
    const view = new DataView(looped.buffer);
    const first = view.getUint32(4, true);
    const entries = view.getUint16(first, true);
    view.setUint32(first + 2 + entries * 12, first, true); // next directory: itself
    expect(await tiffPageBytes(reader(looped), looped.length)).toBeUndefined();
    expect(await tiffPageBytes(reader(tiff), tiff.length)).toEqual([tiff.length]);
    const big = new Uint8Array([0x49, 0x49, 43, 0, 8, 0, 0, 0]);
    expect(await tiffPageBytes(reader(big), big.length)).toBeUndefined();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    expect(await tiffPageBytes(reader(png), png.length)).toBeUndefined();
  });
});
