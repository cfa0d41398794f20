// Checks how page images become XObjects: bit packing, and refusing inconsistent input.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeImageXObject, packBitonalRows } from '../../../src/pdf/page-image-xobject.ts';

describe('describeImageXObject', () => {
  it('makes a colour JPEG DeviceRGB and keeps its bytes', async () => {
    const bytes = new Uint8Array(await sharp({ create: { width: 8, height: 4, channels: 3, background: '#0a0' } }).jpeg().toBuffer());
    const xobject = describeImageXObject({ kind: 'jpeg', bytes, widthPx: 8, heightPx: 4 });
    expect(xobject.dict).toMatchObject({ ColorSpace: 'DeviceRGB', Filter: 'DCTDecode', BitsPerComponent: 8, Width: 8, Height: 4 });
    expect(xobject.data).toBe(bytes);
  });

  it('writes a G4 stream as it is, CCITTFaxDecode with K -1, its size and polarity', () => {
    const bytes = new Uint8Array([0x26, 0xa0, 0x00, 0x10, 0x01]);
    const xobject = describeImageXObject({ kind: 'ccitt-g4', bytes, widthPx: 2480, heightPx: 3508, blackIs1: false });
    expect(xobject.data).toBe(bytes);
    expect(xobject.dict).toEqual({
      Type: 'XObject',
      Subtype: 'Image',
      Width: 2480,
      Height: 3508,
      ColorSpace: 'DeviceGray',
      BitsPerComponent: 1,
      Filter: 'CCITTFaxDecode',
      DecodeParms: { K: -1, Columns: 2480, Rows: 3508, BlackIs1: false },
    });
    expect(() => describeImageXObject({ kind: 'ccitt-g4', bytes: new Uint8Array(), widthPx: 1, heightPx: 1, blackIs1: true })).toThrow(/G4 stream is empty/);
  });

  it('refuses a bitonal page whose pixel count does not match its size', () => {
    expect(() => describeImageXObject({ kind: 'bitonal', pixels: new Uint8Array(11), widthPx: 3, heightPx: 4 })).toThrow(
      /Expected 12 bytes.*received 11/,
    );
  });
});

describe('packBitonalRows', () => {
  it('packs most significant bit first, white as 1, and starts each row on a byte', () => {
    // 10 px wide: B W B W B W B W | W B, then an all-black row.
    const row1 = [0, 255, 0, 255, 0, 255, 0, 255, 255, 0];
    const row2 = new Array<number>(10).fill(0);
    expect([...packBitonalRows(new Uint8Array([...row1, ...row2]), 10, 2)]).toEqual([0b01010101, 0b10000000, 0, 0]);
  });

  it('thresholds gray values at 128', () => {
    expect([...packBitonalRows(new Uint8Array([127, 128, 0, 255, 1, 200, 90, 130]), 8, 1)]).toEqual([0b01010101]);
  });
});
