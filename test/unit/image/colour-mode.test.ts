// Colour detection keeps red seals and blue ink in colour and turns gray scans in RGB files into gray pages.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { colourMode, measureChroma } from '../../../src/image/colour-mode.ts';
import { renderTextPage } from '../../support/synthetic-page.ts';

const seal = Buffer.from(
  '<svg width="300" height="300"><circle cx="150" cy="150" r="130" fill="none" stroke="#d01818" stroke-width="6"/>' +
    '<text x="150" y="160" font-size="28" text-anchor="middle" fill="#d01818">UBND XÃ</text></svg>',
);
const signature = Buffer.from('<svg width="300" height="120"><path d="M10 80 C 60 10, 90 110, 140 50 S 220 20, 290 70" fill="none" stroke="#1b2a9a" stroke-width="2"/></svg>');

describe('measureChroma and colourMode', () => {
  let rgbPage: { data: Buffer; widthPx: number; heightPx: number };
  beforeAll(async () => {
    const page = await renderTextPage({ widthPx: 1240, heightPx: 1754, dpi: 150 });
    const data = await sharp(page.data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } }).toColourspace('srgb').raw().toBuffer();
    rgbPage = { data, widthPx: page.widthPx, heightPx: page.heightPx };
  });

  /** Saves the page as an RGB JPEG and measures chroma on a 600 px copy, as the normalize stage does. */
  async function modeOf(edit: (image: Sharp) => Sharp): Promise<{ mode: string; fraction: number }> {
    const jpeg = await edit(sharp(rgbPage.data, { raw: { width: rgbPage.widthPx, height: rgbPage.heightPx, channels: 3 } })).jpeg({ quality: 75 }).toBuffer();
    const small = await sharp(jpeg).resize({ width: 600, height: 600, fit: 'inside' }).toColourspace('srgb').raw().toBuffer();
    const chroma = measureChroma(small, 3);
    return { mode: colourMode({ bitsPerSample: 8, channels: 3, chroma }), fraction: chroma.colouredFraction };
  }

  it('calls black text on white, stored as RGB JPEG, gray', async () => {
    expect(await modeOf((image) => image)).toEqual({ mode: 'gray', fraction: 0 });
  });

  it('calls black text on yellowed paper gray (white balance on the paper colour)', async () => {
    expect((await modeOf((image) => image.linear([0.94, 0.89, 0.75], [0, 0, 0]))).mode).toBe('gray');
  });

  it('calls a page with a red seal colour', async () => {
    expect((await modeOf((image) => image.composite([{ input: seal, left: 800, top: 1300 }]))).mode).toBe('colour');
  });

  it('calls a page signed in blue ink colour', async () => {
    expect((await modeOf((image) => image.composite([{ input: signature, left: 800, top: 1300 }]))).mode).toBe('colour');
  });

  it('keeps a 1-bit input bitonal and a 1-channel input gray whatever the chroma', () => {
    expect(colourMode({ bitsPerSample: 1, channels: 3, chroma: { colouredFraction: 1, paperRgb: [255, 255, 255] } })).toBe('bitonal');
    expect(colourMode({ bitsPerSample: 8, channels: 1 })).toBe('gray');
  });

  it('finds the paper colour at the 90th percentile of each channel', () => {
    const rgb = new Uint8Array(300);
    for (let i = 0; i < 300; i += 3) rgb.set(i < 30 ? [0, 0, 0] : [240, 230, 200], i);
    expect(measureChroma(rgb, 3).paperRgb).toEqual([240, 230, 200]);
  });
});
