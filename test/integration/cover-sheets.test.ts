// sohoa cover-sheets prints sheets that the QR reader gets back from a scan: the printed PDF rendered at 200 and
// 300 dpi, turned 90/180/270°, and degraded to a 150 dpi 1-bit fax-like page, each gives back its sheet exactly.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractPdfPage } from '../../src/pdf/read-scanned-pdf.ts';
import { decodeQrCodes } from '../../src/qr/decode-qr.ts';
import { parseCoverSheet, type CoverSheet } from '../../src/split/cover-sheet.ts';
import { startCli } from '../support/cli.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sohoa-cover-sheets-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const list = {
  dossiers: [
    { code: '000.00.16.H05-240305-0001', title: 'Hồ sơ đề nghị tặng danh hiệu Lao động tiên tiến năm 2023 của huyện Bảo Thắng', kind: 'component', documents: [{ id: 'TTR-08', title: 'Tờ trình đề nghị tặng danh hiệu', type: 'Tờ trình' }] },
    { code: 'H05.22-240305-0002', title: 'Quyết định công nhận', kind: 'result' },
  ],
};
const expected: CoverSheet[] = [
  { dossierCode: '000.00.16.H05-240305-0001', dossierKind: 'component', title: list.dossiers[0]!.title },
  { dossierCode: '000.00.16.H05-240305-0001', documentId: 'TTR-08', documentType: 'Tờ trình', title: 'Tờ trình đề nghị tặng danh hiệu' },
  { dossierCode: 'H05.22-240305-0002', dossierKind: 'result', title: 'Quyết định công nhận' },
];

/** The sheets a page's QR codes carry (the large code and the spare one give the same sheet). */
async function sheetsOn(image: Sharp): Promise<CoverSheet[]> {
  const { data, info } = await image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const codes = await decodeQrCodes({ data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height });
  const sheets = codes.map((code) => parseCoverSheet(code.text)).map((parsed) => (parsed && 'sheet' in parsed ? parsed.sheet : undefined));
  return [...new Map(sheets.filter((s): s is CoverSheet => s !== undefined).map((s) => [JSON.stringify(s), s])).values()];
}

describe('sohoa cover-sheets', () => {
  it('prints one A4 page per dossier and per document, read back at 200 and 300 dpi, turned, and as a fax', async () => {
    const listFile = path.join(work, 'list.json');
    const pdfFile = path.join(work, 'sheets.pdf');
    writeFileSync(listFile, JSON.stringify(list));
    const run = await startCli(['cover-sheets', listFile, '--out', pdfFile]).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/3 cover sheets \(2 dossiers, 1 documents\)/);
    // The same list prints the same bytes.
    const again = await startCli(['cover-sheets', listFile, '--out', path.join(work, 'again.pdf')]).done;
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(work, 'again.pdf')).equals(readFileSync(pdfFile))).toBe(true);

    for (const [index, sheet] of expected.entries()) {
      for (const dpi of [200, 300]) {
        const pageDir = path.join(work, `p${index}-${dpi}`);
        mkdirSync(pageDir, { recursive: true });
        const page = await extractPdfPage(pdfFile, index, pageDir, { render: 'always', renderDpi: dpi });
        expect(await sheetsOn(sharp(page.imagePath)), `sheet ${index} at ${dpi} dpi`).toEqual([sheet]);
        if (dpi !== 200) continue;
        for (const angle of [90, 180, 270]) expect(await sheetsOn(sharp(page.imagePath).rotate(angle)), `sheet ${index} turned ${angle}°`).toEqual([sheet]);
        // A fax: 150 dpi, blurred, then cut to 1 bit, slightly skewed.
        const { width } = await sharp(page.imagePath).metadata();
        const fax = sharp(await sharp(page.imagePath).resize(Math.round((width * 150) / 200)).blur(0.8).rotate(1.5, { background: '#ffffff' }).threshold(150).png().toBuffer());
        expect(await sheetsOn(fax), `sheet ${index} as a fax`).toEqual([sheet]);
      }
    }
  }, 300_000);

  it('refuses a list with mistakes, naming each, and writes no PDF', async () => {
    const listFile = path.join(work, 'bad.csv');
    writeFileSync(listFile, 'code,title,kind\n,Không mã,component\nHS-2,Hai,other\n');
    const run = await startCli(['cover-sheets', listFile, '--out', path.join(work, 'bad.pdf')]).done;
    expect(run.code).toBe(3);
    expect(run.stderr + run.stdout).toMatch(/COVER_SHEET_LIST_INVALID/);
    expect(run.stderr + run.stdout).toMatch(/row 2: no dossier code/);
    expect(run.stderr + run.stdout).toMatch(/row 3: kind "other"/);
    expect(() => readFileSync(path.join(work, 'bad.pdf'))).toThrow();
  });
});
