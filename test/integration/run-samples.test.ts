// End to end: the real CLI digitizes the committed samples; outputs are checked against the ground truth.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog } from '../../src/domain/error-codes.ts';
import { maxOutputToInputRatio } from '../../src/domain/record.ts';
import { escapeHtml } from '../../src/report/report-html.ts';
import type { BatchReport, DocumentRecord, DossierRecord } from '../../src/domain/record.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { scoreOutput } from '../../scripts/eval/score-output.ts';
import { loadGroundTruth, sampleBatchDir, type GroundTruth } from '../fixtures/index.ts';


const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let out: string;
let first: CliRun;
let truth: GroundTruth;
let batchId: string;

beforeAll(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-e2e-'));
  truth = loadGroundTruth();
  batchId = (JSON.parse(await readFile(path.join(sampleBatchDir, 'manifest.json'), 'utf8')) as { batchId: string }).batchId;
  first = await runCli(['run', sampleBatchDir, '--out', out, '--no-progress']);
}, 600_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('sohoa run on the samples', () => {
  it('exits 0 and logs JSON events with batch, dossier, document and page context', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const pageDone = first.events.filter((e) => e['event'] === 'page.done');
    expect(pageDone).toHaveLength(truth.pages.length);
    for (const e of pageDone) {
      expect(e).toMatchObject({ batchId, dossierId: expect.any(String), documentId: expect.any(String), pageNumber: expect.any(Number) });
    }
    const noDpi = truth.pages.filter((p) => p.conditions.includes('no-dpi'));
    expect(first.events.filter((e) => e['event'] === 'page.warning' && String(e['msg']).includes('300 dpi'))).toHaveLength(noDpi.length);
  });

  it('stores every document with a dossier record listing it, and every checksum matches', async () => {
    const byDossier = new Map<string, Set<string>>();
    for (const page of truth.pages) byDossier.set(page.dossierId, (byDossier.get(page.dossierId) ?? new Set()).add(page.documentId));
    for (const [dossierId, documentIds] of byDossier) {
      const dossier = JSON.parse(await readFile(path.join(out, batchId, dossierId, 'dossier.json'), 'utf8')) as DossierRecord;
      expect(dossier.documents.map((d) => d.documentId).sort()).toEqual([...documentIds].sort());
      for (const entry of dossier.documents) {
        expect(entry.status).toBe('done');
        for (const output of [...entry.outputs, entry.record!]) {
          const bytes = await readFile(path.join(out, ...output.key.split('/')));
          expect(sha256(bytes), output.key).toBe(output.sha256);
          expect(bytes.byteLength).toBe(output.sizeBytes);
        }
        const record = JSON.parse(await readFile(path.join(out, ...entry.record!.key.split('/')), 'utf8')) as DocumentRecord;
        expect(record.sources.length).toBeGreaterThan(0);
        for (const source of record.sources) {
          const input = await readFile(path.join(sampleBatchDir, source.file));
          expect(sha256(input)).toBe(source.sha256);
          // Each input is kept unchanged beside its document, byte for byte, and listed among the outputs.
          expect(source.storedAs, source.file).toMatch(new RegExp(`^${batchId}/${dossierId}/${entry.documentId}\\.original(-\\d+)?\\.[a-z]+$`));
          expect(Buffer.compare(await readFile(path.join(out, ...source.storedAs!.split('/'))), input)).toBe(0);
          expect(entry.outputs.find((o) => o.key === source.storedAs)?.sha256).toBe(source.sha256);
        }
        expect(record.provenance.ocr.languages).toEqual(['vie']);
        expect(record.provenance.pipeline.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(record.pages.every((p) => p.dpi > 0 && p.widthPx > 0)).toBe(true);
        // No sample page is stored much bigger than its scan (PAGE_OUTPUT_LARGER).
        for (const p of record.pages) {
          console.log(`${p.file} p${p.filePageNumber} ${p.colourMode}: input ${p.inputBytes} B, output ${p.outputBytes + p.textLayerBytes} B (${((p.outputBytes + p.textLayerBytes) / p.inputBytes).toFixed(2)}×)`);
          expect(p.outputBytes + p.textLayerBytes, p.file).toBeLessThanOrEqual(maxOutputToInputRatio * p.inputBytes);
        }
      }
    }
  });

  it('reads every page close to the ground truth, rotated and degraded ones included', async () => {
    const scores = await scoreOutput(out, batchId, truth);
    const lines = scores.pages.map((s) => `${s.page.file}#${s.page.filePageNumber} [${s.page.conditions.join(',')}] CER ${(s.cer * 100).toFixed(2)}%`);
    console.log(`${lines.join('\n')}\noverall CER ${(scores.cer * 100).toFixed(2)}%, clean ${(scores.cleanCer * 100).toFixed(2)}%`);
    expect(scores.cer).toBeLessThanOrEqual(0.05);
    expect(scores.cleanCer).toBeLessThanOrEqual(0.03);
    for (const s of scores.pages) expect(s.cer, `${s.page.file} page ${s.page.filePageNumber}`).toBeLessThan(0.12);
  });

  it('turns sideways and upside-down pages upright and records the rotation', async () => {
    const scores = await scoreOutput(out, batchId, truth);
    const expected: Record<string, number> = { 'rotated-90': 270, 'rotated-180': 180 };
    for (const s of scores.pages) {
      const condition = s.page.conditions.find((c) => c in expected);
      if (!condition) continue;
      // The sample page was turned 90° clockwise, so 270° clockwise (90° back) makes it upright.
      expect(s.rotationDeg, `${s.page.file}`).toBe(expected[condition]);
      expect(s.cer).toBeLessThan(0.05);
    }
    const skewed = scores.pages.find((s) => s.page.conditions.includes('skew-3'));
    expect(Math.abs(Math.abs(skewed?.skewDeg ?? 0) - 3)).toBeLessThanOrEqual(0.3);
  });

  it('makes no new outputs on a second run with the same inputs and pipeline', async () => {
    const dossierFile = path.join(out, batchId, truth.pages[0]!.dossierId, 'dossier.json');
    const reportFile = path.join(out, batchId, 'report.json');
    const before = { dossier: await readFile(dossierFile), report: await readFile(reportFile) };
    const second = await runCli(['run', sampleBatchDir, '--out', out, '--no-progress']);
    expect(second.code).toBe(0);
    expect(second.events.filter((e) => e['event'] === 'page.done')).toHaveLength(0);
    const report = JSON.parse(before.report.toString()) as BatchReport;
    expect(second.events.filter((e) => e['event'] === 'dossier.skipped')).toHaveLength(report.totals.dossiers);
    // Nothing is rewritten, not even the report: it still describes the run that did the work.
    expect(await readFile(dossierFile)).toEqual(before.dossier);
    expect(await readFile(reportFile)).toEqual(before.report);
  });
});

describe('sohoa run on a batch with bad pages', () => {
  it('fails only the documents with bad pages, names file and reason, and exits 3', async () => {
    const batch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bad-'));
    const badOut = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bad-out-'));
    try {
      const dossierDir = path.join(batch, 'HS-BAD');
      await cp(path.join(sampleBatchDir, truth.pages[0]!.file), path.join(dossierDir, 'good.png'), { recursive: true });
      await writeFile(path.join(dossierDir, 'broken.png'), Buffer.from('not really a png'));
      await writeFile(path.join(dossierDir, 'scan.pdf'), Buffer.from('%PDF-1.4\n%%EOF\n'));
      const run = await runCli(['run', batch, '--out', badOut, '--no-progress', '--json']);
      expect(run.code, run.stderr).toBe(3);
      const batchIdBad = path.basename(batch);
      const report = JSON.parse(await readFile(path.join(badOut, batchIdBad, 'report.json'), 'utf8')) as BatchReport;
      const docs = report.dossiers[0]!.documents;
      expect(docs.find((d) => d.documentId === 'good')?.status).toBe('done');
      const broken = docs.find((d) => d.documentId === 'broken');
      expect(broken?.status).toBe('failed');
      expect(broken?.errors).toEqual([expect.objectContaining({ code: 'IMAGE_UNREADABLE', kind: 'input', message: expect.stringMatching(/broken\.png/) })]);
      expect(broken?.pages[0]?.error?.code).toBe('IMAGE_UNREADABLE');
      const pdf = docs.find((d) => d.documentId === 'scan');
      expect(pdf?.errors).toEqual([expect.objectContaining({ code: 'PDF_DAMAGED', message: expect.stringMatching(/scan\.pdf.*damaged/i) })]);
      // The log lines carry the codes (on stderr with --json).
      const failedEvents = run.events.filter((e) => e['event'] === 'page.failed');
      expect(failedEvents.map((e) => e['code']).sort()).toEqual(['IMAGE_UNREADABLE', 'PDF_DAMAGED']);
      // The summary: counts, each failure with its code and place, where the outputs are.
      const summary = run.summary!;
      expect(summary).toMatchObject({ command: 'run', ok: false, exitCode: 3, batchId: batchIdBad, counts: { pages: 3, pagesDone: 1, pagesFailed: 2, documentsFailed: 2, documentsStored: 1 } });
      expect(summary.failures.map((f) => [f.code, f.dossierId, f.documentId, f.file])).toEqual([
        ['IMAGE_UNREADABLE', 'HS-BAD', 'broken', 'HS-BAD/broken.png'],
        ['PDF_DAMAGED', 'HS-BAD', 'scan', 'HS-BAD/scan.pdf'],
      ]);
      expect(summary.outputs.report).toBe(path.join(badOut, batchIdBad, 'report.json'));
      // A Vietnamese reader of report.html gets the reason and what to do in Vietnamese, the code beside it.
      const html = await readFile(path.join(badOut, batchIdBad, 'report.html'), 'utf8');
      for (const code of ['IMAGE_UNREADABLE', 'PDF_DAMAGED'] as const) {
        expect(html).toContain(`>${code}</code>`);
        expect(html).toContain(`<span lang="vi">${escapeHtml(`${errorCatalog[code].vi.reason} ${errorCatalog[code].vi.action}`)}</span>`);
      }
      expect(await readFile(path.join(badOut, batchIdBad, 'HS-BAD', 'good.pdf'))).toBeTruthy();
    } finally {
      await rm(batch, { recursive: true, force: true });
      await rm(badOut, { recursive: true, force: true });
    }
  });
});
