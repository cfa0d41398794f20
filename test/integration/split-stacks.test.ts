// The split stage on stacks the suite makes from the sample pages, read as a scanner gives them (no OCR): cover
// sheets at 200 and 300 dpi, turned and degraded; Circular 01/2023 receipts; PATCHT in Code 128, Code 39 and QR;
// two separators in a row; separators first and last; a torn separator; a two-pass duplex stack with blank backs.
// Each stack must give the same dossiers and documents as the same pages named by a manifest.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../src/domain/batch.ts';
import { loadBatch } from '../../src/stages/ingest.ts';
import { splitOptions, splitStacks } from '../../src/stages/split-stacks.ts';
import type { QrContent } from '../../samples/documents/qr-content.ts';
import { blankBack, receiptPage, samplePage, scannedSheet, separatorSheet, stackPdf, tornSeparatorSheet, type StackPage } from '../../scripts/lib/stack-pages.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sohoa-split-stacks-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const codeA = '000.00.16.H05-240305-0001';
const codeB = '000.00.16.H05-240305-0002';
const receipt = (code: string, form: 'json' | 'lines'): QrContent => ({
  form,
  code,
  procedureCode: '1.000466',
  ownerId: '001085012345',
  documentName: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  issuingSystem: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai',
  issuedAt: '2024-03-05T15:42:00+07:00',
});

/** A document of the equivalent manifest: its id, its type, and the stack pages (0-based) it holds. */
type Expected = Array<{ code: string; kind: 'component' | 'result'; documents: Array<{ id: string; type?: string; pages: number[] }> }>;

/** Writes each stack page as its own file and names them in a manifest: what an office would do by hand. */
async function manifestBatch(name: string, pages: readonly StackPage[], expected: Expected): Promise<Batch> {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  const file = (i: number) => `p${String(i).padStart(2, '0')}.png`;
  await Promise.all(pages.map((page, i) => sharp(page.png).withMetadata({ density: page.dpi }).png().toFile(path.join(dir, file(i)))));
  const manifest = {
    dossiers: expected.map((d) => ({ code: d.code, kind: d.kind, documents: d.documents.map((doc) => ({ id: doc.id, ...(doc.type ? { metadata: { documentType: doc.type } } : {}), files: doc.pages.map(file) })) })),
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return (await loadBatch(dir)).batch;
}

/** Dossier, kind and documents with their pages as stack positions, from either plan. */
function shape(batch: Batch, pageOf: (file: string, page: number | undefined) => number) {
  return batch.dossiers.map((d) => ({
    id: d.id,
    code: d.code,
    kind: d.kind,
    documents: d.documents.map((doc) => ({ id: doc.id, type: doc.metadata['documentType'], pages: doc.sources.flatMap((s) => (s.pages ?? [undefined]).map((p) => pageOf(s.file, p))) })),
  }));
}

async function splitBatch(name: string, files: Record<string, Uint8Array | Buffer>, options = splitOptions.parse({})) {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes);
  return splitStacks(await loadBatch(dir), options);
}

describe('the split stage on stacks made from the samples', () => {
  it('cuts a 23-page stack into the dossiers and documents the manifest gives, and reports every cut and doubt', async () => {
    const fax = (page: Sharp) => page.rotate(90).blur(0.7).threshold(150);
    const pages = await Promise.all([
      separatorSheet('PATCHT', 'Code39'), // 1: a separator on the first page
      receiptPage(receipt(codeA, 'json')), // 2: the receipt names dossier A
      samplePage('HS-001/ttr-08-p1.png'),
      samplePage('HS-001/ttr-08-p2.png'),
      separatorSheet('PATCHT', 'QRCode'), // 5
      samplePage('HS-001/cv-125.jpg'),
      separatorSheet('PATCHT', 'Code128'), // 7: two separators in a row
      separatorSheet('PATCHT', 'Code128', (p) => p.rotate(180)),
      samplePage('HS-001/bc-21-p1.png'),
      tornSeparatorSheet(), // 10: torn, kept as a page, never cut on
      samplePage('HS-001/bc-21-p2.png'),
      scannedSheet({ dossierCode: codeB, dossierKind: 'result', title: 'Hồ sơ kết quả' }, 200, fax), // 12: a 1-bit fax, turned
      scannedSheet({ dossierCode: codeB, documentId: 'QD-15', documentType: 'Quyết định' }, 300, (p) => p.rotate(180)),
      samplePage('HS-002/qd-15-p1.png'),
      samplePage('HS-002/qd-15-p2.png'),
      scannedSheet({ dossierCode: codeB, documentId: 'TB-02', documentType: 'Thông báo' }, 200, (p) => p.rotate(1.5, { background: '#ffffff' })),
      receiptPage(receipt(codeB, 'lines')), // 17: the result's QR agrees with its sheet: kept, no cut
      samplePage('HS-002/tb-02.tif', 0),
      samplePage('HS-002/tb-02.tif', 1),
      samplePage('HS-002/tb-02.tif', 2),
      separatorSheet('PATCHT', 'Code128', (p) => p.rotate(270)),
      samplePage('HS-002/qd-12-2024.png'),
      separatorSheet('PATCHT', 'Code39'), // 23: a separator on the last page
    ]);
    const expected: Expected = [
      { code: codeA, kind: 'component', documents: [{ id: 'D-001', pages: [1, 2, 3] }, { id: 'D-002', pages: [5] }, { id: 'D-003', pages: [8, 9, 10] }] },
      { code: codeB, kind: 'result', documents: [{ id: 'QD-15', type: 'Quyết định', pages: [13, 14] }, { id: 'TB-02', type: 'Thông báo', pages: [16, 17, 18, 19] }, { id: 'D-003', pages: [21] }] },
    ];
    const fromManifest = shape(await manifestBatch('manifest-23', pages, expected), (file) => Number(/p(\d+)\.png$/.exec(file)![1]));
    const { batch, warnings } = await splitBatch('stack-23', { 'stack.pdf': await stackPdf(pages) });
    expect(shape(batch, (_file, page) => page! - 1)).toEqual(fromManifest);

    const stack = batch.split!.stacks[0]!;
    expect(stack.cuts.map((c) => [c.page, c.rule, c.starts, c.value, c.dossierId ?? null, c.documentId ?? null])).toEqual([
      [1, 'separator', 'document', 'PATCHT', codeA, 'D-001'],
      [2, 'circular-01-2023', 'dossier', codeA, codeA, null],
      [5, 'separator', 'document', 'PATCHT', codeA, 'D-002'],
      [7, 'separator', 'document', 'PATCHT', codeA, null],
      [8, 'separator', 'document', 'PATCHT', codeA, 'D-003'],
      [12, 'cover-sheet', 'dossier', codeB, codeB, null],
      [13, 'cover-sheet', 'document', `${codeB} QD-15`, codeB, 'QD-15'],
      [16, 'cover-sheet', 'document', `${codeB} TB-02`, codeB, 'TB-02'],
      [21, 'separator', 'document', 'PATCHT', codeB, 'D-003'],
      [23, 'separator', 'document', 'PATCHT', codeB, null],
    ]);
    expect(stack.review.map((d) => [d.page, d.kind])).toEqual([
      [7, 'sheet-followed-by-no-page'],
      [10, 'code-unreadable'],
      [23, 'sheet-last-page'],
    ]);
    expect(warnings).toContain('stack.pdf page 12: split: new dossier (cover sheet "000.00.16.H05-240305-0002"), sheet left out');
    console.log(`split: 23-page stack in ${stack.durationMs} ms (${Math.round(stack.durationMs / 23)} ms a page), ${stack.cuts.length} cuts, ${stack.review.length} doubts`);
  }, 600_000);

  it('collates a two-pass duplex stack and leaves its blank backs out, listed', async () => {
    // Four sheets: the fronts in one pass, then the pile turned over, the backs last sheet first.
    const fronts = await Promise.all([scannedSheet({ dossierCode: codeA }), samplePage('HS-001/ttr-08-p1.png'), scannedSheet({ dossierCode: codeB }), samplePage('HS-002/qd-12-2024.png')]);
    const backs = await Promise.all([blankBack(1), samplePage('HS-001/ttr-08-p2.png'), blankBack(2), blankBack(3)]);
    const file = [...fronts, ...[...backs].reverse()];
    const options = splitOptions.parse({ duplex: 'odd-then-reversed-even', dropBlankPages: true });
    const { batch } = await splitBatch('duplex', { 'duplex.pdf': await stackPdf(file) }, options);
    expect(batch.dossiers.map((d) => [d.id, d.documents.map((doc) => doc.sources[0]!.pages)])).toEqual([
      [codeA, [[2, 7]]],
      [codeB, [[4]]],
    ]);
    const stack = batch.split!.stacks[0]!;
    expect(stack).toMatchObject({ collated: 'odd-then-reversed-even', blankPagesLeftOut: [8, 6, 5], review: [] });
    // Without dropBlankPages the blank backs stay in their documents; an odd pass is refused.
    const kept = await splitBatch('duplex-kept', { 'duplex.pdf': await stackPdf(file) }, splitOptions.parse({ duplex: 'odd-then-reversed-even' }));
    expect(kept.batch.dossiers.map((d) => d.documents.map((doc) => doc.sources[0]!.pages))).toEqual([[[8, 2, 7]], [[6, 4, 5]]]);
    // The only stack failing still gives a batch (of no dossier), whose report says why.
    const odd = await splitBatch('duplex-odd', { 'odd.pdf': await stackPdf(file.slice(0, 7)) }, options);
    expect(odd.batch.dossiers).toEqual([]);
    expect(odd.batch.split!.stacks[0]!.error).toMatchObject({ code: 'SPLIT_DUPLEX_UNEVEN' });
  }, 600_000);

  it('fails alone a stack with no separator, names it, and goes on with the others', async () => {
    const good = await stackPdf(await Promise.all([scannedSheet({ dossierCode: codeA }), samplePage('HS-001/cv-125.jpg')]));
    const { readFileSync } = await import('node:fs');
    const tiff = readFileSync(path.join(import.meta.dirname, '../../samples/batch/HS-002/tb-02.tif'));
    // A PNG cut short in its pixels: its header reads, its pixels do not. It fails alone too, with its page named.
    const png = (await samplePage('HS-001/cv-125.jpg')).png;
    const { batch, warnings } = await splitBatch('two-stacks', { 'a.pdf': good, 'b.tif': tiff, 'c.png': png.subarray(0, Math.floor(png.length / 3)) });
    expect(batch.dossiers.map((d) => d.id)).toEqual([codeA]);
    const damaged = batch.split!.stacks.find((s) => s.file === 'c.png')!;
    expect(damaged.error).toMatchObject({ code: 'IMAGE_UNDECODABLE' });
    expect(damaged.error!.message).toMatch(/^c\.png page 1: cannot be decoded to look for its separators/);
    const failed = batch.split!.stacks.find((s) => s.file === 'b.tif')!;
    expect(failed.error).toMatchObject({ code: 'SPLIT_NO_SEPARATOR' });
    expect(failed.error!.message).toMatch(/^b\.tif: no cover sheet, separator or dossier QR code on any of its 3 pages/);
    expect(warnings.some((w) => w.startsWith('b.tif: split: SPLIT_NO_SEPARATOR'))).toBe(true);
  }, 600_000);

  it('cuts the files a manifest marks as stacks and keeps the dossiers the manifest names', async () => {
    const dir = path.join(work, 'manifest-and-stack');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'qd-12.png'), (await samplePage('HS-002/qd-12-2024.png')).png);
    writeFileSync(path.join(dir, 'stack.pdf'), await stackPdf(await Promise.all([scannedSheet({ dossierCode: codeA }), samplePage('HS-001/cv-125.jpg')])));
    const manifest = { dossiers: [{ id: 'HS-100', documents: [{ id: 'QD-12', files: ['qd-12.png'] }] }], stacks: ['stack.pdf'] };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    // Marked stacks are cut even without --split (the manifest asked); the options only set how.
    const { batch } = await splitStacks(await loadBatch(dir), undefined);
    expect(batch.dossiers.map((d) => [d.id, d.documents.map((doc) => doc.sources)])).toEqual([
      ['HS-100', [[{ file: 'qd-12.png' }]]],
      [codeA, [[{ file: 'stack.pdf', pages: [2] }]]],
    ]);
    expect(batch.stacks).toBeUndefined();
    // A manifest without stacks is not split, and says so when splitting was asked for.
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ dossiers: manifest.dossiers }));
    const plain = await splitStacks(await loadBatch(dir), splitOptions.parse({}));
    expect(plain.batch.dossiers.map((d) => d.id)).toEqual(['HS-100']);
    expect(plain.warnings.some((w) => /manifest/.test(w) && /split/.test(w))).toBe(true);
  }, 600_000);
});
