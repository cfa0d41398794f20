// Blank-page detection flags scanned blank sheets (speckle, scanner edges, punch holes) and keeps pages with any text.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { measureBlankPage } from '../../../src/image/blank-page.ts';
import { fontFile, renderTextPage } from '../../support/synthetic-page.ts';

const SCAN_DPI = 300;
const ANALYSIS_DPI = 170;
/** A4 at 300 dpi. */
const PAGE = { widthPx: 2480, heightPx: 3508 };
const mm = (value: number): number => Math.round((value * SCAN_DPI) / 25.4);

/** A deterministic generator, so a failing page can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A blank sheet as a flatbed returns it: slightly gray paper with sensor noise, 1–2 px dark specks all over,
 * a black band along the left edge where the lid did not cover, and two punch holes 12 mm in from that edge.
 */
function scannedBlankSheet(seed = 1): Buffer {
  const next = random(seed);
  const { widthPx, heightPx } = PAGE;
  const page = Buffer.alloc(widthPx * heightPx);
  for (let i = 0; i < page.length; i++) page[i] = 232 + Math.floor(next() * 16);
  for (let speck = 0; speck < 1500; speck++) {
    const x = Math.floor(next() * (widthPx - 2));
    const y = Math.floor(next() * (heightPx - 2));
    const sizePx = next() < 0.5 ? 1 : 2;
    for (let dy = 0; dy < sizePx; dy++) for (let dx = 0; dx < sizePx; dx++) page[(y + dy) * widthPx + x + dx] = Math.floor(next() * 80);
  }
  for (let y = 0; y < heightPx; y++) page.fill(20, y * widthPx, y * widthPx + mm(4));
  for (const centreY of [heightPx / 2 - mm(40), heightPx / 2 + mm(40)]) {
    const r = mm(3);
    for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y <= r * r) page[Math.round(centreY + y) * widthPx + mm(12) + x] = 30;
  }
  return page;
}

/** The copy normalize measures: the scan downscaled to ~170 dpi. */
async function analysisCopy(page: Buffer): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const widthPx = Math.round((PAGE.widthPx * ANALYSIS_DPI) / SCAN_DPI);
  const { data, info } = await sharp(page, { raw: { width: PAGE.widthPx, height: PAGE.heightPx, channels: 1 } })
    .resize({ width: widthPx })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, widthPx: info.width, heightPx: info.height };
}

async function withOneLine(page: Buffer, text: string): Promise<Buffer> {
  const line = await sharp({ text: { text, fontfile: fontFile, font: 'DejaVu Serif 11', dpi: SCAN_DPI } }).png().toBuffer();
  // sharp renders text white on black: the level is the ink.
  const { data, info } = await sharp(line).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.from(page);
  const left = mm(35);
  const top = mm(60);
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const at = (top + y) * PAGE.widthPx + left + x;
      out[at] = Math.min(out[at]!, 255 - data[y * info.width + x]!);
    }
  }
  return out;
}

describe('measureBlankPage', () => {
  it('flags a scanned blank sheet with speckle, a dark scanner edge and punch holes as blank', async () => {
    for (const seed of [1, 2, 3]) {
      const copy = await analysisCopy(scannedBlankSheet(seed));
      const measure = measureBlankPage(copy.data, copy.widthPx, copy.heightPx, ANALYSIS_DPI);
      expect(measure.blank, JSON.stringify(measure)).toBe(true);
      console.info(`blank sheet ${seed}: ${JSON.stringify(measure)}`);
    }
  });

  it('keeps a page with one short line of text', async () => {
    const copy = await analysisCopy(await withOneLine(scannedBlankSheet(4), 'Trang này để trống.'));
    const measure = measureBlankPage(copy.data, copy.widthPx, copy.heightPx, ANALYSIS_DPI);
    expect(measure.blank, JSON.stringify(measure)).toBe(false);
    expect(measure.blobs).toBeGreaterThanOrEqual(10);
    console.info(`one line of text: ${JSON.stringify(measure)}`);
  });

  it('keeps a full text page and flags a pure white one', async () => {
    const text = await renderTextPage({ widthPx: 1405, heightPx: 1988, dpi: ANALYSIS_DPI });
    const full = measureBlankPage(text.data, text.widthPx, text.heightPx, ANALYSIS_DPI);
    expect(full.blank).toBe(false);
    expect(full.inkFraction).toBeGreaterThan(0.01);
    const white = new Uint8Array(1405 * 1988).fill(255);
    expect(measureBlankPage(white, 1405, 1988, ANALYSIS_DPI)).toMatchObject({ blank: true, blobs: 0, inkFraction: 0 });
  });

  it('ignores the margin band: a page number at the very edge does not make a page', () => {
    const widthPx = 1405;
    const heightPx = 1988;
    const page = new Uint8Array(widthPx * heightPx).fill(240);
    // Ten 6×6 px blobs (above the size that counts) within 10 mm of the bottom edge.
    for (let k = 0; k < 10; k++) {
      for (let y = heightPx - 40; y < heightPx - 34; y++) page.fill(0, y * widthPx + 600 + k * 12, y * widthPx + 606 + k * 12);
    }
    expect(measureBlankPage(page, widthPx, heightPx, ANALYSIS_DPI).blank).toBe(true);
    expect(measureBlankPage(page, widthPx, heightPx, ANALYSIS_DPI, { marginMm: 2 })).toMatchObject({ blank: false, blobs: 10 });
  });
});
