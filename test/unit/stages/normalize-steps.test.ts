// Normalize says where a page's time went and hands the page it decoded to the QR search, which then reads no file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPageCodes } from '../../../src/stages/extract.ts';
import { defaultNormalizeOptions, normalizePage } from '../../../src/stages/normalize.ts';
import { makeQrScan, sampleContents } from '../../../samples/render/qr-scan.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-normalize-steps-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('normalizePage: step times and the decoded page', () => {
  it('times its steps and gives the upright page it decoded, which the QR search reads as it would the PDF image', async () => {
    const scan = await makeQrScan({ text: sampleContents[0]!, dpi: 300, rotationDeg: 1.5, seed: 3 });
    const file = path.join(dir, 'qr-page.png');
    await writeFile(file, await sharp(scan.page.data, { raw: { width: scan.page.widthPx, height: scan.page.heightPx, channels: 1 } }).withDensity(300).png().toBuffer());
    const page = await normalizePage(
      { ref: { dossierId: 'HS-1', documentId: 'TL-1', pageNumber: 1, file: 'qr-page.png', filePageNumber: 1 }, path: file, pageIndex: 0, inputBytes: 1 },
      { workDir: dir, orientation: { detectOrientation: async () => ({ rotateDeg: 0, confidence: 0 }) }, options: { ...defaultNormalizeOptions, orientation: false } },
    );
    expect(Object.keys(page.stepsMs ?? {}).sort()).toEqual(['analyse', 'decode', 'deskew', 'rotate', 'write']);
    for (const ms of Object.values(page.stepsMs ?? {})) expect(ms).toBeGreaterThanOrEqual(0);
    expect(Math.abs(page.skewDeg)).toBeGreaterThan(1);
    expect(page.upright).toMatchObject({ widthPx: page.widthPx, heightPx: page.heightPx, channels: 1 });

    const fromMemory = await findPageCodes(page, page.upright);
    const fromFile = await findPageCodes(page);
    expect(fromMemory.map((c) => c.text)).toEqual([sampleContents[0]]);
    expect(fromFile.map((c) => c.text)).toEqual(fromMemory.map((c) => c.text));
    // The same place on the page, whichever copy was read (the PDF image is the same pixels, encoded).
    for (const key of ['x0', 'y0', 'x1', 'y1'] as const) expect(Math.abs(fromMemory[0]!.box[key] - fromFile[0]!.box[key])).toBeLessThan(6);
  });
});
