import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeThumbnail } from '../../../src/report/thumbnails.ts';
import { sampleBatchDir } from '../../fixtures/index.ts';

function decode(dataUri: string): Buffer {
  const [, base64] = /^data:image\/jpeg;base64,(.+)$/.exec(dataUri) ?? [];
  if (!base64) throw new Error(`not a JPEG data URI: ${dataUri.slice(0, 40)}`);
  return Buffer.from(base64, 'base64');
}

/** A white A4-ish page with a dark text-like band at the top and, optionally, a red seal at the bottom right. */
async function page(options: { seal?: boolean; widthPx?: number; heightPx?: number } = {}): Promise<Buffer> {
  const widthPx = options.widthPx ?? 1240;
  const heightPx = options.heightPx ?? 1754;
  const band = await sharp({ create: { width: Math.round(widthPx * 0.8), height: Math.round(heightPx * 0.05), channels: 3, background: '#111111' } }).png().toBuffer();
  const seal = await sharp({ create: { width: 160, height: 160, channels: 3, background: '#d01010' } }).png().toBuffer();
  return sharp({ create: { width: widthPx, height: heightPx, channels: 3, background: '#ffffff' } })
    .composite([{ input: band, left: Math.round(widthPx * 0.1), top: Math.round(heightPx * 0.05) }, ...(options.seal ? [{ input: seal, left: widthPx - 300, top: heightPx - 300 }] : [])])
    .png()
    .toBuffer();
}

describe('makeThumbnail', () => {
  it('makes a 160 px wide gray JPEG of a few KB from each sample page', async () => {
    const files = ['HS-001/ttr-08-p1.png', 'HS-001/cv-125.jpg', 'HS-001/bc-21-p1.png', 'HS-002/qd-12-2024.png'];
    for (const file of files) {
      const thumbnail = await makeThumbnail(path.join(sampleBatchDir, file));
      const bytes = decode(thumbnail.dataUri);
      const meta = await sharp(bytes).metadata();
      expect([meta.format, meta.width, meta.channels], file).toEqual(['jpeg', 160, 1]);
      expect(thumbnail.widthPx).toBe(160);
      expect(thumbnail.heightPx).toBe(meta.height);
      expect(thumbnail.sizeBytes).toBe(bytes.byteLength);
      expect(thumbnail.colour).toBe(false);
      expect(thumbnail.sizeBytes, file).toBeLessThan(6 * 1024);
      expect(thumbnail.sizeBytes, file).toBeGreaterThan(500);
    }
  });

  it('takes the asked page of a multi-page TIFF', async () => {
    const tiff = path.join(sampleBatchDir, 'HS-002/tb-02.tif');
    const [first, third] = await Promise.all([makeThumbnail(tiff, { page: 0 }), makeThumbnail(tiff, { page: 2 })]);
    expect(first.dataUri).not.toBe(third.dataUri);
    await expect(makeThumbnail(tiff, { page: 9 })).rejects.toThrow();
  });

  it('turns the picture as the page was turned, keeping it 160 px wide', async () => {
    const landscape = await page({ widthPx: 1754, heightPx: 1240 });
    const kept = await makeThumbnail(landscape);
    const turned = await makeThumbnail(landscape, { rotateDeg: 90 });
    expect([kept.widthPx, kept.heightPx]).toEqual([160, 113]);
    expect([turned.widthPx, turned.heightPx]).toEqual([160, 226]);
    // The dark band ran along the top edge (5–10 % down); turned clockwise it runs down the right edge (90–95 % across).
    const { data, info } = await sharp(decode(turned.dataUri)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const column = (x: number) => {
      let sum = 0;
      for (let y = 0; y < info.height; y++) sum += data[y * info.width + x] as number;
      return sum / info.height;
    };
    expect(column(Math.round(info.width * 0.925))).toBeLessThan(column(Math.round(info.width * 0.075)) - 40);
  });

  it('keeps colour when the page has a red seal and makes plain text pages gray', async () => {
    const sealed = await makeThumbnail(await page({ seal: true }));
    const plain = await makeThumbnail(await page());
    expect(sealed.colour).toBe(true);
    expect((await sharp(decode(sealed.dataUri)).metadata()).channels).toBe(3);
    expect(plain.colour).toBe(false);
    expect((await sharp(decode(plain.dataUri)).metadata()).channels).toBe(1);
    expect((await makeThumbnail(await page({ seal: true }), { colour: 'gray' })).colour).toBe(false);
  });

  it('refuses a truncated scan and bad options with a message naming the option', async () => {
    const bytes = await readFile(path.join(sampleBatchDir, 'HS-001/ttr-08-p1.png'));
    await expect(makeThumbnail(bytes.subarray(0, Math.floor(bytes.byteLength / 3)))).rejects.toThrow();
    await expect(makeThumbnail(bytes, { widthPx: 0 })).rejects.toThrow('Expected an integer 8–1024 for widthPx but received 0');
    await expect(makeThumbnail(bytes, { rotateDeg: 45 })).rejects.toThrow('Expected 0, 90, 180 or 270 for rotateDeg but received 45');
  });
});
