// The cost of looking for separators: a stack made from the sample batch (a cover sheet before each dossier and
// each document, every page of the manifest after its sheet) through `sohoa run --split`, the split's time per
// stack page set against the OCR time per page of the same run, and against the tesseract command on those pages.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBatch } from '../../src/stages/ingest.ts';
import { samplePage, scannedSheet, stackPdf, type StackPage } from '../lib/stack-pages.ts';
import { median } from './bench-operations.ts';
import { runCommand } from './run-command.ts';

const cli = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

interface SplitRun {
  stackPages: number;
  splitMs: number;
  ocrPages: number;
  /** normalize + recognize of each page the run digitized. */
  ocrMs: number;
}

/** The sample batch as one stack: sheets at 200 dpi, the pages at their own resolution, in manifest order. */
async function sampleStack(sampleBatch: string): Promise<{ pages: StackPage[]; files: string[] }> {
  const { batch } = await loadBatch(sampleBatch);
  const pages: Array<Promise<StackPage>> = [];
  const files: string[] = [];
  for (const dossier of batch.dossiers) {
    pages.push(scannedSheet({ dossierCode: dossier.code ?? dossier.id, dossierKind: dossier.kind, ...(dossier.title ? { title: dossier.title } : {}) }));
    for (const document of dossier.documents) {
      pages.push(scannedSheet({ dossierCode: dossier.code ?? dossier.id, documentId: document.id }));
      for (const source of document.sources) {
        files.push(path.join(sampleBatch, source.file));
        const count = source.pages ?? [undefined];
        for (const page of count) pages.push(samplePage(source.file, page === undefined ? undefined : page - 1));
      }
    }
  }
  return { pages: await Promise.all(pages), files: [...new Set(files)] };
}

async function runSplit(batchDir: string, poolSize: number): Promise<SplitRun> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-split-out-'));
  try {
    const result = await runCommand(process.execPath, [cli, 'run', batchDir, '--out', out, '--split', '--no-progress', '--log-level', 'info', '--pool-size', String(poolSize)]);
    if (result.code !== 0) throw new Error(`sohoa run --split exited ${result.code}: ${result.stderr.slice(0, 2000)}`);
    const events = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const stacks = events.filter((e) => e['event'] === 'stack.split');
    const done = events.filter((e) => e['event'] === 'page.done');
    return {
      stackPages: stacks.reduce((n, e) => n + Number(e['pages']), 0),
      splitMs: stacks.reduce((n, e) => n + Number(e['durationMs']), 0),
      ocrPages: done.length,
      ocrMs: done.reduce((n, e) => n + Number(e['normalizeMs']) + Number(e['recognizeMs']), 0),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** The anchor: the tesseract command on each sample file, one at a time, one thread: its time per page. */
async function tesseractPageMs(files: readonly string[], pages: number, languages: readonly string[]): Promise<number> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-split-tess-'));
  try {
    const started = performance.now();
    for (const [i, file] of files.entries()) {
      const result = await runCommand('tesseract', [file, path.join(out, String(i)), '-l', languages.join('+'), 'txt'], { OMP_THREAD_LIMIT: '1' });
      if (result.code !== 0) throw new Error(`tesseract failed on ${file}: ${result.stderr}`);
    }
    return (performance.now() - started) / pages;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function benchSplit(options: { runs: number; sampleBatch: string; poolSize: number; languages: readonly string[] }): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-split-'));
  try {
    const { pages, files } = await sampleStack(options.sampleBatch);
    await mkdir(path.join(dir, 'stack'), { recursive: true });
    await writeFile(path.join(dir, 'stack', 'stack.pdf'), await stackPdf(pages));
    const anchor = spawnSync('tesseract', ['--version']).status === 0;
    console.log(`\nsplit: one ${pages.length}-page stack (the sample batch behind its cover sheets), pool ${options.poolSize}${anchor ? '; anchor: tesseract CLI, 1 thread, page by page' : '; no tesseract CLI installed'}`);
    const ratios: number[] = [];
    const splitPerPage: number[] = [];
    const ocrPerPage: number[] = [];
    const anchorRatios: number[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const r = await runSplit(path.join(dir, 'stack'), options.poolSize);
      const split = r.splitMs / r.stackPages;
      const ocr = r.ocrMs / r.ocrPages;
      splitPerPage.push(split);
      ocrPerPage.push(ocr);
      ratios.push(split / ocr);
      let line = `  run ${run}: split ${r.splitMs} ms for ${r.stackPages} pages (${split.toFixed(0)} ms a page); OCR ${ocr.toFixed(0)} ms a page over ${r.ocrPages} pages; split/OCR ${(100 * split / ocr).toFixed(1)} %`;
      if (anchor) {
        const tess = await tesseractPageMs(files, r.ocrPages, options.languages);
        anchorRatios.push(split / tess);
        line += `; tesseract ${tess.toFixed(0)} ms a page, split/tesseract ${(100 * split / tess).toFixed(1)} %`;
      }
      console.log(line);
    }
    console.log(`  medians: split ${median(splitPerPage).toFixed(0)} ms a page, OCR ${median(ocrPerPage).toFixed(0)} ms a page, split/OCR ${(100 * median(ratios)).toFixed(1)} % (target ≤ 10 %)${anchor ? `, split/tesseract ${(100 * median(anchorRatios)).toFixed(1)} %` : ''}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
