// What is left of a torn 1-D separator is seen as bars; no page of the committed samples (typed records, tables,
// seals, signatures, the real scans) is.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { hasBarPattern } from '../../../src/image/bar-pattern.ts';
import { measureBlankPage } from '../../../src/image/blank-page.ts';
import { openScannedPdf } from '../../../src/pdf/read-scanned-pdf.ts';
import { separatorSheet, tornSeparatorSheet } from '../../../scripts/lib/stack-pages.ts';

const samples = path.resolve(import.meta.dirname, '../../../samples');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sohoa-bars-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** As the split stage looks: gray, about 150 dpi of A4 wide, Otsu's ink level from the blank measure. */
async function bars(image: Sharp): Promise<boolean> {
  const { data, info } = await image.flatten({ background: '#ffffff' }).toColourspace('b-w').resize(1240).raw().toBuffer({ resolveWithObject: true });
  const gray = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const dpi = info.width / (210 / 25.4);
  const ink = measureBlankPage(gray, info.width, info.height, dpi);
  return !ink.blank && hasBarPattern(gray, info.width, info.height, dpi, ink.inkBelow);
}

/** Every page of the committed samples: the sample batch, the generated documents, the real scans. */
async function samplePages(): Promise<Array<{ name: string; image: () => Promise<Sharp> }>> {
  const files = [
    ...readdirSync(path.join(samples, 'batch'), { recursive: true, encoding: 'utf8' }).map((f) => path.join(samples, 'batch', f)),
    ...['clean', 'degraded'].flatMap((dir) => readdirSync(path.join(samples, 'documents', dir)).map((f) => path.join(samples, 'documents', dir, f))),
    ...readdirSync(path.join(samples, 'real')).map((f) => path.join(samples, 'real', f)),
  ].filter((f) => /\.(png|jpe?g|tiff?|pdf)$/i.test(f));
  const pages: Array<{ name: string; image: () => Promise<Sharp> }> = [];
  for (const file of files) {
    if (file.toLowerCase().endsWith('.pdf')) {
      const pdf = await openScannedPdf(file);
      const count = pdf.pageCount;
      await pdf.close();
      for (let page = 0; page < count; page++) {
        pages.push({
          name: `${path.basename(file)} p${page + 1}`,
          image: async () => {
            const opened = await openScannedPdf(file);
            try {
              return sharp(await sharp((await opened.extractPage(page, scratch, { renderDpi: 150 })).imagePath).toBuffer());
            } finally {
              await opened.close();
            }
          },
        });
      }
    } else {
      const count = (await sharp(file).metadata()).pages ?? 1;
      for (let page = 0; page < count; page++) pages.push({ name: `${path.basename(file)} p${page + 1}`, image: async () => sharp(file, { page }) });
    }
  }
  return pages;
}

describe('hasBarPattern', () => {
  it('sees a torn Code 128 separator, upright or turned, and a whole one', async () => {
    const torn = await tornSeparatorSheet();
    expect(await bars(sharp(torn.png))).toBe(true);
    expect(await bars(sharp(torn.png).rotate(90))).toBe(true);
    expect(await bars(sharp((await separatorSheet('PATCHT', 'Code39')).png).rotate(270))).toBe(true);
  });

  it('sees no bars on any page of the committed samples', async () => {
    const pages = await samplePages();
    const seen: string[] = [];
    for (const page of pages) if (await bars(await page.image())) seen.push(page.name);
    console.log(`bar patterns: ${seen.length} of ${pages.length} sample pages`);
    expect(pages.length).toBeGreaterThan(80);
    expect(seen).toEqual([]);
  }, 300_000);
});
