// The sohoa command line: `sohoa run <batch>` digitizes one batch in-process into a folder.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Command, CommanderError } from 'commander';
import sharp from 'sharp';
import { resolveRunConfig, softwareVersion, type RunConfig } from './config.ts';
import { ExitCode, SohoaError } from './domain/errors.ts';
import type { BatchReport } from './domain/record.ts';
import { createLogger, type Logger } from './log.ts';
import { TesseractEngine } from './ocr/tesseract-engine.ts';
import { loadPipeline, type Pipeline } from './pipeline/pipeline-file.ts';
import { runBatch } from './pipeline/run-batch.ts';
import { loadBatch } from './stages/ingest.ts';
import { LocalObjectStore } from './storage/local-object-store.ts';
import { createProgressBar } from './cli/progress-bar.ts';
import { Writable } from 'node:stream';

/** A stream that hands each written chunk to a function, so log lines can be printed above the progress line. */
function lineWriter(print: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      print(chunk.toString());
      done();
    },
  });
}

/** Loads every pipeline the batch may need before any page is touched. */
async function pipelinesFor(config: RunConfig): Promise<(kind: 'component' | 'result') => Pipeline> {
  if (config.pipeline) {
    const only = await loadPipeline(config.pipeline);
    return () => only;
  }
  const [dossier, result] = await Promise.all([loadPipeline('dossier'), loadPipeline('result')]);
  return (kind) => (kind === 'result' ? result : dossier);
}

export function exitCodeOf(report: BatchReport): number {
  return report.totals.pagesFailed > 0 || report.totals.documentsFailed > 0 ? ExitCode.someFailed : ExitCode.ok;
}

async function runCommand(batchDir: string, flags: Record<string, unknown>): Promise<number> {
  const config = resolveRunConfig({ ...flags, batch: batchDir });
  const interactive = Boolean(process.stderr.isTTY) && config.progress;
  const bar = interactive ? createProgressBar() : undefined;
  // On a terminal the progress line owns the screen and warnings print above it; elsewhere JSON lines on stdout.
  const log = bar
    ? createLogger({ level: flags['logLevel'] ? config.logLevel : 'warn', pretty: true, destination: lineWriter((line) => bar.print(line)) })
    : createLogger({ level: config.logLevel, pretty: false });
  const pipelineFor = await pipelinesFor(config);
  const { batch, warnings } = await loadBatch(path.resolve(config.batch));
  for (const warning of warnings) log.warn({ event: 'batch.warning', batchId: batch.id }, warning);

  sharp.cache(false);
  const languages = pipelineFor('component').stages.recognize.languages;
  const ocr = await TesseractEngine.create({
    languages,
    poolSize: config.poolSize,
    recyclePages: config.recyclePages,
    ...(config.langData ? { langDataDir: config.langData } : {}),
    pageSegMode: pipelineFor('component').stages.recognize.pageSegMode,
    logger: log,
  });
  const workDir = path.join(config.workDir, `${batch.id}-${randomUUID().slice(0, 8)}`);
  await mkdir(workDir, { recursive: true });
  try {
    const report = await runBatch(
      batch,
      {
        store: new LocalObjectStore(config.out),
        ocr,
        workDir,
        log,
        pipelineFor: (dossier) => pipelineFor(dossier.kind),
        softwareVersion,
        pageConcurrency: config.poolSize + 1,
        force: config.force,
        ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
      },
      warnings,
    );
    bar?.stop();
    printSummary(report, config, log);
    return exitCodeOf(report);
  } finally {
    bar?.stop();
    await ocr.close();
    if (!config.keepWork) await rm(workDir, { recursive: true, force: true });
  }
}

function printSummary(report: BatchReport, config: RunConfig, log: Logger): void {
  const t = report.totals;
  const line = `${report.batchId}: ${t.pagesDone}/${t.pages} pages done, ${t.pagesFailed} failed, ${t.documents - t.documentsFailed}/${t.documents} documents stored, ${t.dossiersSkipped} dossiers already complete → ${path.resolve(config.out)}/${report.batchId}/ (${(report.durationMs / 1000).toFixed(1)} s)`;
  if (process.stderr.isTTY) {
    process.stderr.write(`${line}\n`);
    for (const dossier of report.dossiers)
      for (const doc of dossier.documents)
        for (const error of doc.errors) process.stderr.write(`  ✗ ${dossier.dossierId}/${doc.documentId}: ${error}\n`);
  } else {
    log.info({ event: 'batch.summary', batchId: report.batchId, ...t }, line);
  }
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('sohoa')
    .description('Digitize scanned Vietnamese administrative records: OCR to searchable PDF, text and metadata records')
    .version(softwareVersion)
    .exitOverride();
  program
    .command('run')
    .description('process one scan batch folder in this process and write the records to a folder')
    .argument('<batch>', 'batch folder: page files plus manifest.json or manifest.csv (or one sub-folder per dossier)')
    .option('-o, --out <folder>', 'output folder (the local object store)', './out')
    .option('-p, --pipeline <name>', 'pipeline name (dossier, result) or path to a .yaml file; default: by dossier kind')
    .option('--pool-size <n>', 'OCR workers (default: one per core)', (v) => Number(v))
    .option('--recycle-pages <n>', 'restart an OCR worker after this many pages', (v) => Number(v))
    .option('--lang-data <folder>', 'Tesseract language-data folder to use instead of the bundled models')
    .option('--work-dir <folder>', 'scratch folder for page intermediates')
    .option('--keep-work', 'keep page intermediates (for debugging)')
    .option('--force', 'redo dossiers that are already complete')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action(async (batch: string, options: Record<string, unknown>) => {
      setExit(await runCommand(batch, options));
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (err instanceof SohoaError) {
      process.stderr.write(`sohoa: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`sohoa: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return ExitCode.internal;
  }
}

