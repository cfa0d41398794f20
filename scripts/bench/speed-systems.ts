// The systems the default bench sets side by side on the same pages, pool size and models: sohoa with each OCR
// engine, the tesseract command alone, and OCRmyPDF; each one run measured (wall, CPU, peak tree RSS) and scored.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { characterErrorRate, pooledCer } from '../../src/domain/text-metrics.ts';
import { resolveNativeLangData } from '../../src/ocr/native-lang-data.ts';
import type { GroundTruth, GroundTruthPage } from '../../samples/ground-truth.ts';
import { scoreOutput } from '../eval/score-output.ts';
import { measureCommand, runCommand, type MeasuredCommand } from './run-command.ts';

const cli = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

export interface SpeedSetup {
  batch: string;
  truth: GroundTruth;
  poolSize: number;
  languages: readonly string[];
  /** Plain `<lang>.traineddata` and `osd.traineddata`: the models sohoa reads by default, or the folder given. */
  tessdataDir: string;
  /** Handed to sohoa as --lang-data (the same folder as `tessdataDir`), so every system reads the same models. */
  langData: string | undefined;
}

export interface PageCer {
  label: string;
  cer: number;
}

export interface SystemRun {
  pages: number;
  wallMs: number;
  cpuSeconds: number;
  peakTreeRssMiB: number;
  cer: number;
  /** sohoa only, from its PDFs: the CER of the clean pages and of each page. */
  cleanCer?: number;
  perPage?: PageCer[];
}

export interface SpeedSystem {
  name: string;
  run(): Promise<SystemRun>;
}

/** The two reference systems, by the names the ratio columns look them up under. */
export const tesseractCliName = 'tesseract CLI';
export const ocrmypdfName = 'OCRmyPDF';

export const pageLabel = (p: GroundTruthPage): string => `${p.file}#${p.filePageNumber} [${p.conditions.join(',')}]`;

function measured(result: MeasuredCommand, pages: number, cer: number): SystemRun {
  return { pages, wallMs: result.wallMs, cpuSeconds: result.cpuSeconds, peakTreeRssMiB: result.peakTreeRssMiB, cer };
}

function mustSucceed(result: MeasuredCommand, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr.slice(-2000)}`);
}

/** Pooled CER of the truth pages against the text each one got, `textOf` picking it from the system's output. */
function truthCer(truth: GroundTruth, textOf: (page: GroundTruthPage, index: number) => string): number {
  return pooledCer(truth.pages.map((p, i) => characterErrorRate(p.text, textOf(p, i))));
}

/** The arguments of `sohoa run` on `batch`; `engine` undefined for a build without --engine. */
export function sohoaRunArgv(batch: string, out: string, options: { poolSize: number; engine: string | undefined; langData: string | undefined }): string[] {
  const argv = [cli, 'run', batch, '--out', out, '--no-progress', '--force', '--pool-size', String(options.poolSize)];
  if (options.engine) argv.push('--engine', options.engine);
  if (options.langData) argv.push('--lang-data', options.langData);
  return argv;
}

export function sohoaSystem(setup: SpeedSetup, engine: string | undefined): SpeedSystem {
  return {
    name: `sohoa ${engine ?? '(its engine)'}`,
    async run() {
      const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-'));
      try {
        const result = await measureCommand(process.execPath, sohoaRunArgv(setup.batch, out, { poolSize: setup.poolSize, engine, langData: setup.langData }));
        mustSucceed(result, 'sohoa run');
        const events = logEvents(result.stdout);
        const batchId = String(events.find((e) => e['event'] === 'batch.finished')?.['batchId']);
        const scores = await scoreOutput(out, batchId, setup.truth);
        const pages = events.filter((e) => e['event'] === 'page.done').length;
        return {
          ...measured(result, pages, scores.cer),
          cleanCer: scores.cleanCer,
          perPage: scores.pages.map((s) => ({ label: pageLabel(s.page), cer: s.cer })),
        };
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
  };
}

/** The JSON lines of a sohoa log on stdout. */
export function logEvents(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Tesseract's own command line: one process per input file, `poolSize` at a time through xargs, one thread each,
 * text output only (no configfile after the output base means `txt`). xargs waits for every tesseract, so GNU time
 * counts their CPU and the tree holds them all.
 */
export function tesseractCliSystem(setup: SpeedSetup): SpeedSystem {
  return {
    name: tesseractCliName,
    async run() {
      const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-tess-'));
      try {
        const files = [...new Set(setup.truth.pages.map((p) => p.file))];
        const list = path.join(out, 'inputs');
        await writeFile(list, files.map((file, i) => `${path.join(setup.batch, file)}\0${path.join(out, String(i))}\0`).join(''));
        const argv = ['-0', '-a', list, '-n', '2', '-P', String(setup.poolSize), 'tesseract', '--tessdata-dir', setup.tessdataDir, '-l', setup.languages.join('+'), '--psm', '3'];
        const result = await measureCommand('xargs', argv, { OMP_THREAD_LIMIT: '1' });
        mustSucceed(result, 'tesseract (through xargs)');
        // One text file per input file; the pages of a multi-page file are separated by form feeds.
        const texts = new Map(files.map((file, i) => [file, readFileSync(path.join(out, `${i}.txt`), 'utf8').split('\f')]));
        return measured(result, setup.truth.pages.length, truthCer(setup.truth, (p) => texts.get(p.file)?.[p.filePageNumber - 1] ?? ''));
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
  };
}

/**
 * OCRmyPDF on one PDF of all truth pages in truth order (see `truthPdf`), so page k of its sidecar text is the
 * k-th truth page. The PDF has no text layer, so --force-ocr is not needed.
 */
export function ocrmypdfSystem(setup: SpeedSetup, inputPdf: string): SpeedSystem {
  return {
    name: ocrmypdfName,
    async run() {
      const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-ocrmypdf-'));
      try {
        const sidecar = path.join(out, 'sidecar.txt');
        const argv = ['--rotate-pages', '--deskew', '--output-type', 'pdfa', '--jobs', String(setup.poolSize), '-l', setup.languages.join('+'), '--sidecar', sidecar, inputPdf, path.join(out, 'out.pdf')];
        const result = await measureCommand('ocrmypdf', argv, { TESSDATA_PREFIX: setup.tessdataDir, OMP_THREAD_LIMIT: '1' });
        mustSucceed(result, 'ocrmypdf');
        const texts = (await readFile(sidecar, 'utf8')).split('\f');
        if (texts.length < setup.truth.pages.length) throw new Error(`OCRmyPDF's sidecar has ${texts.length} pages, the truth ${setup.truth.pages.length}`);
        return measured(result, setup.truth.pages.length, truthCer(setup.truth, (_, i) => texts[i] ?? ''));
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    },
  };
}

/** True when the command runs and exits 0 (a missing command is no error here). */
export async function answers(command: string, args: string[]): Promise<boolean> {
  return (await runCommand(command, args).catch(() => undefined))?.code === 0;
}

/**
 * The command that makes a PDF of images without re-encoding them: `img2pdf`, else the img2pdf module in the
 * Python that runs ocrmypdf (Debian ships the module with ocrmypdf and the command in a package of its own).
 */
export async function findImg2pdf(): Promise<string[] | undefined> {
  if (await answers('img2pdf', ['--version'])) return ['img2pdf'];
  const python = await ocrmypdfPython();
  if (python && (await answers(python, ['-m', 'img2pdf', '--version']))) return [python, '-m', 'img2pdf'];
  return undefined;
}

/** The interpreter on the first line of the ocrmypdf script on PATH. */
async function ocrmypdfPython(): Promise<string | undefined> {
  const which = await runCommand('which', ['ocrmypdf']);
  if (which.code !== 0) return undefined;
  const firstLine = (await readFile(which.stdout.trim(), 'utf8')).split('\n', 1)[0] ?? '';
  return /^#!\s*(\S+)/.exec(firstLine)?.[1];
}

/** One PDF of the truth's files in truth order, each file once (a multi-page TIFF brings all its pages). */
export async function truthPdf(img2pdf: readonly string[], setup: Pick<SpeedSetup, 'batch' | 'truth'>, dir: string): Promise<string> {
  const file = path.join(dir, 'truth-pages.pdf');
  const inputs = [...new Set(setup.truth.pages.map((p) => path.join(setup.batch, p.file)))];
  const [command, ...prefix] = img2pdf;
  const result = await runCommand(command!, [...prefix, '-o', file, ...inputs]);
  if (result.code !== 0) throw new Error(`img2pdf exited ${result.code}: ${result.stderr.slice(-2000)}`);
  return file;
}

/**
 * One folder for the tesseract command and OCRmyPDF (TESSDATA_PREFIX names a single folder) holding the models
 * sohoa itself resolves: the languages, and osd for OCRmyPDF's --rotate-pages, linked from wherever sohoa keeps them.
 */
export async function benchTessdata(languages: readonly string[], langDataDir: string | undefined, dir: string): Promise<string> {
  const models = await resolveNativeLangData(languages, { langDataDir });
  for (const lang of languages) await symlink(path.join(models.tessdataDir, `${lang}.traineddata`), path.join(dir, `${lang}.traineddata`));
  await symlink(path.join(models.osdDir, 'osd.traineddata'), path.join(dir, 'osd.traineddata'));
  return dir;
}
