// The orientation estimator turns text pages upright from all four orientations and stays unsure on near-empty pages.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateOrientation, minConfidentOrientation } from '../../../src/image/orientation.ts';
import type { OrientationEstimate } from '../../../src/image/orientation.ts';
import { loadGroundTruth, samplePath } from '../../fixtures/index.ts';
import { addSpecks } from '../../../samples/render/raster.ts';
import { documentText, renderDocumentPage, skewPage, turnPage } from '../../support/synthetic-page.ts';

type Page = { data: Uint8Array; widthPx: number; heightPx: number };
type Turn = 0 | 90 | 180 | 270;
const turns: Turn[] = [0, 90, 180, 270];

/** Long side of the copy the normalize stage analyses: an A4 page at 170 dpi. */
const ANALYSIS_LONG_SIDE_PX = 1988;

async function downscale(page: Page, longSidePx: number): Promise<Page> {
  const out = await sharp(page.data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } })
    .resize({ width: longSidePx, height: longSidePx, fit: 'inside' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, widthPx: out.info.width, heightPx: out.info.height };
}

/** A4 at 300 dpi, the common scan, as the normalize stage sees it: downscaled to `longSidePx`. */
async function a4Page(fontPt: number, family: 'serif' | 'sans', text = documentText(70), longSidePx = ANALYSIS_LONG_SIDE_PX): Promise<Page> {
  return downscale(await renderDocumentPage({ widthPx: 2480, heightPx: 3508, dpi: 300, fontPt, family, text }), longSidePx);
}

/** The clockwise turn that undoes `turnedDeg` applied to a page that needed `uprightDeg`. */
function expectedTurn(turnedDeg: Turn, uprightDeg: Turn = 0): Turn {
  return ((360 - turnedDeg + uprightDeg) % 360) as Turn;
}

function estimate(page: Page): OrientationEstimate {
  return estimateOrientation(page.data, page.widthPx, page.heightPx);
}

/** Estimates the page at all four turns; expects each right and confident; returns the confidences. */
async function expectUprightFromAllTurns(label: string, page: Page, uprightDeg: Turn = 0): Promise<number[]> {
  const confidences: number[] = [];
  for (const turnDeg of turns) {
    const result = estimate(await turnPage(page, turnDeg));
    expect(result.rotateDeg, `${label} turned ${turnDeg}°`).toBe(expectedTurn(turnDeg, uprightDeg));
    expect(result.confidence, `${label} turned ${turnDeg}°`).toBeGreaterThanOrEqual(minConfidentOrientation);
    confidences.push(result.confidence);
  }
  return confidences;
}

describe('estimateOrientation', () => {
  const fonts = [
    { family: 'serif', fontPt: 10 },
    { family: 'serif', fontPt: 12 },
    { family: 'serif', fontPt: 14 },
    { family: 'sans', fontPt: 10 },
    { family: 'sans', fontPt: 12 },
    { family: 'sans', fontPt: 14 },
  ] as const;
  const pages = new Map<string, Page>();
  beforeAll(async () => {
    for (const { family, fontPt } of fonts) pages.set(`${family} ${fontPt}`, await a4Page(fontPt, family));
  });

  it('answers with the clockwise turn of sharp.rotate: content turned 90° clockwise needs 270°', async () => {
    const page = pages.get('serif 12')!;
    expect(estimate(await turnPage(page, 90)).rotateDeg).toBe(270);
    expect(estimate(await turnPage(page, 270)).rotateDeg).toBe(90);
    expect(estimate(await turnPage(page, 180)).rotateDeg).toBe(180);
  });

  it('turns 10, 12 and 14 pt serif and sans pages with all-caps headings upright from all four orientations', async () => {
    const lowest: string[] = [];
    for (const { family, fontPt } of fonts) {
      const confidences = await expectUprightFromAllTurns(`${family} ${fontPt} pt`, pages.get(`${family} ${fontPt}`)!);
      lowest.push(`${family} ${fontPt} pt ${Math.min(...confidences).toFixed(1)}`);
    }
    console.info(`orientation, lowest confidence per font: ${lowest.join(', ')}`);
  });

  it('follows lines skewed ±3° and ignores specks', async () => {
    for (const key of ['serif 10', 'sans 12']) {
      const page = pages.get(key)!;
      for (const skewDeg of [-3, 3]) await expectUprightFromAllTurns(`${key} pt skewed ${skewDeg}°`, { ...page, data: await skewPage(page, skewDeg) });
      await expectUprightFromAllTurns(`${key} pt speckled`, addSpecks(page, 0.01));
    }
  });

  it('reads copies at 100 and 150 dpi', async () => {
    for (const key of ['serif 10', 'sans 10', 'sans 14']) {
      for (const longSidePx of [1170, 1754]) await expectUprightFromAllTurns(`${key} pt at ${longSidePx} px`, await downscale(pages.get(key)!, longSidePx));
    }
  });

  it('turns every committed sample page upright from all four orientations', async () => {
    const report: string[] = [];
    for (const truth of loadGroundTruth().pages) {
      const uprightDeg: Turn = truth.conditions.includes('rotated-90') ? 270 : truth.conditions.includes('rotated-180') ? 180 : 0;
      // As the normalize stage: the long side scaled to 170 dpi, the page's own resolution or 300 when it has none.
      const input = () => sharp(samplePath(truth.file), { page: truth.filePageNumber - 1 });
      const header = await input().metadata();
      const dpi = header.resolutionUnit === undefined || header.density === undefined ? 300 : header.density;
      const longSidePx = Math.round(Math.max(header.width, header.height) * Math.min(1, 170 / dpi));
      const { data, info } = await input()
        .flatten({ background: '#ffffff' })
        .toColourspace('b-w')
        .resize({ width: longSidePx, height: longSidePx, fit: 'inside' })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const confidences = await expectUprightFromAllTurns(`${truth.file}#${truth.filePageNumber}`, { data, widthPx: info.width, heightPx: info.height }, uprightDeg);
      report.push(`${truth.file}#${truth.filePageNumber} ${Math.min(...confidences).toFixed(1)}`);
    }
    console.info(`orientation, lowest confidence per sample: ${report.join(', ')}`);
  });

  it('is unsure of blank, speckled and near-empty pages', async () => {
    const widthPx = 1405;
    const heightPx = 1988;
    const blank = { data: Buffer.alloc(widthPx * heightPx, 250), widthPx, heightPx };
    const paperNoise = { data: Buffer.from(blank.data.map((_, i) => 235 + ((i * 2654435761) >>> 27))), widthPx, heightPx };
    const cases: [string, Page][] = [
      ['blank', blank],
      ['paper noise', paperNoise],
      ['scattered specks', addSpecks(blank, 0.005)],
      ['a few words', await a4Page(12, 'serif', 'Kính gửi: Ủy ban nhân dân')],
      ['one line', await a4Page(12, 'serif', 'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;')],
      ['a heading and three lines', await a4Page(12, 'serif', documentText(3, 9))],
    ];
    for (const [label, page] of cases) {
      for (const turnDeg of turns) {
        expect(estimate(await turnPage(page, turnDeg)).confidence, `${label} turned ${turnDeg}°`).toBeLessThan(minConfidentOrientation);
      }
    }
    expect(estimate(blank)).toMatchObject({ confidence: 0, lineCount: 0, inkPixels: 0 });
  });

  it('takes a few tens of milliseconds on a 170 dpi A4 copy', () => {
    const page = pages.get('serif 12')!;
    const durationsMs: number[] = [];
    for (let run = 0; run < 7; run++) {
      const startedMs = performance.now();
      estimate(page);
      durationsMs.push(performance.now() - startedMs);
    }
    const medianMs = durationsMs.sort((a, b) => a - b)[3]!;
    console.info(`orientation: ${medianMs.toFixed(1)} ms per ${page.widthPx}×${page.heightPx} page (median of 7)`);
    // Loose on purpose: the bound catches an accidental quadratic loop, not a busy test machine.
    expect(medianMs).toBeLessThan(250);
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => estimateOrientation(new Uint8Array(10), 4, 4)).toThrow(/expected 4×4 = 16 bytes but received 10/);
  });
});
