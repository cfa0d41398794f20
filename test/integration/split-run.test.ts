// sohoa run --split and sohoa watch --split on scanned stacks (the samples' pages behind printed cover sheets and
// PATCHT separators, in one PDF): the same dossiers and documents as the manifest gives, every cut in the report.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBatch } from '../../src/stages/ingest.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { startCli } from '../support/cli.ts';
import { samplePage, scannedSheet, separatorSheet, stackPdf } from '../../scripts/lib/stack-pages.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sohoa-split-run-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sohoa run --split', () => {
  it('cuts one stack into the dossiers and documents the manifest names, with every cut reported', async () => {
    const patchT = () => separatorSheet('PATCHT', 'Code128');
    const pages = await Promise.all([
      scannedSheet({ dossierCode: 'HS-001', dossierKind: 'component', title: 'Hồ sơ đề nghị tặng danh hiệu' }),
      scannedSheet({ dossierCode: 'HS-001', documentId: 'TTR-08', documentType: 'Tờ trình' }),
      samplePage('HS-001/ttr-08-p1.png'), samplePage('HS-001/ttr-08-p2.png'),
      scannedSheet({ dossierCode: 'HS-001', documentId: 'CV-125' }),
      samplePage('HS-001/cv-125.jpg'),
      scannedSheet({ dossierCode: 'HS-001', documentId: 'BC-21' }),
      samplePage('HS-001/bc-21-p1.png'), samplePage('HS-001/bc-21-p2.png'),
      scannedSheet({ dossierCode: 'HS-002', dossierKind: 'result' }),
      scannedSheet({ dossierCode: 'HS-002', documentId: 'QD-15' }),
      samplePage('HS-002/qd-15-p1.png'), samplePage('HS-002/qd-15-p2.png'),
      patchT(), samplePage('HS-002/tb-02.tif', 0), samplePage('HS-002/tb-02.tif', 1), samplePage('HS-002/tb-02.tif', 2),
      patchT(), samplePage('HS-002/qd-12-2024.png'),
    ]);
    const batchDir = path.join(work, 'stack-batch');
    mkdirSync(batchDir, { recursive: true });
    writeFileSync(path.join(batchDir, 'stack.pdf'), await stackPdf(pages));
    const out = path.join(work, 'out');

    const run = await startCli(['run', batchDir, '--out', out, '--split', '--no-progress', '--log-level', 'info']).done;
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'stack-batch', 'report.json'), 'utf8'));
    const shape = report.dossiers.map((d: { dossierId: string; documents: Array<{ documentId: string; pages: unknown[] }> }) => [d.dossierId, d.documents.map((doc) => [doc.documentId, doc.pages.length])]);
    const { batch } = await loadBatch(sampleBatchDir);
    const pagesOf = (sources: Array<{ pages?: number[] }>) => sources.reduce((n, s) => n + (s.pages?.length ?? 1), 0);
    const manifestShape = batch.dossiers.map((d) => [d.id, d.documents.map((doc) => [doc.id, pagesOf(doc.sources)])]);
    // The separators name no document: those documents are numbered, the rest match the manifest by id.
    expect(shape).toEqual(manifestShape.map(([id, documents]) => [id, (documents as Array<[string, number]>).map(([docId, pages], i) => [id === 'HS-002' && i > 0 ? `D-00${i + 1}` : docId, pages])]));
    expect(report.totals).toMatchObject({ pagesFailed: 0, documentsFailed: 0 });
    const cuts = report.warnings.filter((w: string) => w.includes(': split: new '));
    expect(cuts).toHaveLength(8);
    expect(cuts[0]).toBe('stack.pdf page 1: split: new dossier (cover sheet "HS-001"), sheet left out');
    expect(cuts).toContain('stack.pdf page 14: split: new document (separator "PATCHT"), sheet left out');
    expect(report.warnings.filter((w: string) => w.includes('to review'))).toEqual([]);
    // The report says how the stack was cut, page by page, for the clerk (report.html) and for tools (report.json).
    expect(report.split.stacks).toHaveLength(1);
    expect(report.split.stacks[0]).toMatchObject({ file: 'stack.pdf', pages: 19, review: [] });
    expect(report.split.stacks[0].cuts.map((c: { page: number; rule: string }) => [c.page, c.rule])).toEqual([
      [1, 'cover-sheet'], [2, 'cover-sheet'], [5, 'cover-sheet'], [7, 'cover-sheet'], [10, 'cover-sheet'], [11, 'cover-sheet'], [14, 'separator'], [18, 'separator'],
    ]);
    const html = readFileSync(path.join(out, 'stack-batch', 'report.html'), 'utf8');
    expect(html).toContain('id="split"');
    expect(html).toContain('stack.pdf');
    // What the split costs against the OCR of the same run (a figure for the log; the bench measures it).
    const splitMs = run.events.filter((e) => e['event'] === 'stack.split').reduce((n, e) => n + Number(e['durationMs']), 0);
    const pagesDone = run.events.filter((e) => e['event'] === 'page.done');
    const recognizeMs = pagesDone.reduce((n, e) => n + Number(e['recognizeMs']), 0);
    expect(splitMs).toBeGreaterThan(0);
    console.log(`split: ${splitMs} ms for 19 stack pages (${(splitMs / 19).toFixed(0)} ms a page); OCR ${(recognizeMs / pagesDone.length).toFixed(0)} ms a page`);
    const verified = await startCli(['verify', out, '--json']).done;
    expect(verified.code, verified.stdout).toBe(0);
  }, 600_000);

  it('refuses a stack with no separator at all, with SPLIT_NO_SEPARATOR, instead of one silent dossier', async () => {
    const batchDir = path.join(work, 'no-separator');
    mkdirSync(batchDir, { recursive: true });
    writeFileSync(path.join(batchDir, 'p1.png'), (await samplePage('HS-001/ttr-08-p1.png')).png);
    const out = path.join(work, 'out-none');
    const run = await startCli(['run', batchDir, '--out', out, '--split', '--no-progress', '--json']).done;
    expect(run.code).toBe(3);
    expect(run.stderr + run.stdout).toMatch(/SPLIT_NO_SEPARATOR/);
    // Its only stack failed, and still the clerk gets the report saying which file and why; scripts get the count.
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ ok: false, exitCode: 3, counts: { dossiers: 0, stacks: 1, stacksFailed: 1 } });
    expect(summary.failures).toEqual([expect.objectContaining({ code: 'SPLIT_NO_SEPARATOR', kind: 'input', file: 'p1.png' })]);
    const report = JSON.parse(readFileSync(path.join(out, 'no-separator', 'report.json'), 'utf8'));
    expect(report.split.stacks[0]).toMatchObject({ file: 'p1.png', error: { code: 'SPLIT_NO_SEPARATOR' } });
    expect(readFileSync(path.join(out, 'no-separator', 'report.html'), 'utf8')).toContain('SPLIT_NO_SEPARATOR');
  }, 120_000);
});

describe('sohoa watch --split', () => {
  it('takes a stack dropped in the hot folder and cuts it before the run', async () => {
    const inbox = path.join(work, 'inbox');
    const out = path.join(work, 'watch-out');
    mkdirSync(path.join(inbox, 'scan-0412'), { recursive: true });
    const pages = await Promise.all([
      scannedSheet({ dossierCode: 'HS-777', dossierKind: 'component' }), samplePage('HS-001/cv-125.jpg'),
      scannedSheet({ dossierCode: 'HS-778', dossierKind: 'result' }), samplePage('HS-002/qd-12-2024.png'),
    ]);
    writeFileSync(path.join(inbox, 'scan-0412', 'stack.pdf'), await stackPdf(pages));

    const run = await startCli(['watch', inbox, '--out', out, '--once', '--settle', '0', '--split', '--log-level', 'info']).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.filter((e) => e['event'] === 'watch.taken').map((e) => e['batch'])).toEqual(['scan-0412']);
    expect(run.events.filter((e) => e['event'] === 'stack.split')).toHaveLength(1);
    const report = JSON.parse(readFileSync(path.join(out, 'scan-0412', 'report.json'), 'utf8'));
    expect(report.dossiers.map((d: { dossierId: string; documents: unknown[] }) => [d.dossierId, d.documents.length])).toEqual([['HS-777', 1], ['HS-778', 1]]);
    expect(report.split.stacks[0]).toMatchObject({ pages: 4, review: [] });
    expect(report.split.stacks[0].cuts.map((c: { page: number; value: string }) => [c.page, c.value])).toEqual([[1, 'HS-777'], [3, 'HS-778']]);
    expect(existsSync(path.join(out, 'scan-0412', 'HS-777', 'dossier.json'))).toBe(true);
  }, 600_000);
});
