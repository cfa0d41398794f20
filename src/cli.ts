// The sohoa command line: `sohoa run <batch>` digitizes one batch in this process; `enqueue`, `worker`, `status`
// and `retry` share the work of many batches among workers through PostgreSQL (see cli/queue-commands.ts).
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { resolveRunConfig, softwareVersion, storeOptions } from './config.ts';
import { failedStacks } from './domain/batch.ts';
import { ConfigError, ExitCode, SohoaError } from './domain/errors.ts';
import type { BatchReport } from './domain/record.ts';
import { createLogger, type Logger } from './log.ts';
import type { OcrEngine } from './ocr/ocr-engine.ts';
import { runBatch } from './pipeline/run-batch.ts';
import { loadBatch } from './stages/ingest.ts';
import { splitStacks } from './stages/split-stacks.ts';
import { openObjectStore, parseStoreLocation } from './storage/store-location.ts';
import { verifyRecords } from './verify/verify-records.ts';
import { createProgressBar } from './cli/progress-bar.ts';
import { createOcrEngine, openBatch, pipelinesFor, serveMetrics, splitOptionsFor, withEngineOptions, withMetricsOptions, withSplitOptions, withStoreOptions } from './cli/common.ts';
import { MeteredObjectStore } from './metrics/metered-object-store.ts';
import { storeCheck } from './metrics/metrics-server.ts';
import { addQueueCommands } from './cli/queue-commands.ts';
import { addWatchCommand } from './cli/watch-command.ts';
import { addCoverSheetsCommand } from './cli/cover-sheets-command.ts';
import { interruptOnSignals } from './cli/interrupt.ts';
import { answering, exitCodeOfError, jsonOffTerminal, reportError, runSummary, verifySummary, writeSummary } from './cli/summary.ts';
import { verifyProblemCodes } from './domain/error-codes.ts';

/** A stream that hands each written chunk to a function, so log lines can be printed above the progress line. */
function lineWriter(print: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      print(chunk.toString());
      done();
    },
  });
}

export function exitCodeOf(report: BatchReport): number {
  return report.totals.pagesFailed > 0 || report.totals.documentsFailed > 0 || failedStacks(report.split).length > 0 ? ExitCode.someFailed : ExitCode.ok;
}

async function runCommand(batchArgument: string, flags: Record<string, unknown>): Promise<number> {
  const config = resolveRunConfig({ ...flags, batch: batchArgument });
  const json = Boolean(flags['json']);
  const interactive = Boolean(process.stderr.isTTY) && config.progress && !json;
  const bar = interactive ? createProgressBar() : undefined;
  // On a terminal the progress line owns the screen and warnings print above it; elsewhere JSON lines on stdout,
  // or on stderr with --json, which keeps stdout for the one summary object.
  const log = bar
    ? createLogger({ level: flags['logLevel'] ? config.logLevel : 'warn', pretty: true, destination: lineWriter((line) => bar.print(line)) })
    : createLogger({ level: config.logLevel, pretty: false, ...(json ? { destination: process.stderr } : {}) });
  // Everything that can be wrong with the configuration is found before any page is touched.
  const pipelineFor = await pipelinesFor(config);
  if (config.objectLock && parseStoreLocation(config.out).kind === 'local') {
    throw new ConfigError('OBJECT_LOCK_UNSUPPORTED', `--object-lock needs an S3 bucket with object lock enabled; ${config.out} is a folder, which cannot lock files`);
  }
  const output = openObjectStore(config.out, { ...storeOptions(config), logger: log });
  const observed = config.metricsPort >= 0 ? await serveMetrics(config.metricsPort, config.metricsHost, { store: storeCheck(output) }, log) : undefined;
  const store = observed ? new MeteredObjectStore(output, observed.metrics) : output;
  const workDir = path.join(config.workDir, `run-${randomUUID().slice(0, 8)}`);
  await mkdir(workDir, { recursive: true });
  const interruption = interruptOnSignals(log);
  let ocr: OcrEngine | undefined;
  try {
    const input = await openBatch(config, workDir, log);
    const loaded = await loadBatch(input.root, input.batchId ? { batchId: input.batchId } : {});
    const { batch, warnings } = await splitStacks(loaded, splitOptionsFor(pipelineFor('component'), flags), log);
    for (const warning of warnings) log.warn({ event: 'batch.warning', batchId: batch.id }, warning);

    ocr = await createOcrEngine(config, pipelineFor('component'), log);
    const report = await runBatch(
      batch,
      {
        store,
        ocr,
        workDir: path.join(workDir, 'pages'),
        log,
        pipelineFor: (dossier) => pipelineFor(dossier.kind),
        softwareVersion,
        pageConcurrency: config.poolSize + 1,
        force: config.force,
        ...(config.objectLock ? { objectLock: config.objectLock } : {}),
        pdfText: config.pdfText,
        ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
        ...(observed ? { metrics: observed.metrics } : {}),
        htmlReport: { batchRoot: input.root, lowConfidence: pipelineFor('component').stages.assemble.lowConfidence },
        signal: interruption.signal,
      },
      warnings,
    );
    bar?.stop();
    const exitCode = interruption.exitCode() ?? exitCodeOf(report);
    if (json) writeSummary(runSummary(report, store.location, exitCode));
    else printSummary(report, store.location, log);
    return exitCode;
  } finally {
    interruption.dispose();
    bar?.stop();
    await ocr?.close();
    await observed?.server.close();
    await store.close();
    if (!config.keepWork) await rm(workDir, { recursive: true, force: true });
  }
}

async function verifyCommand(location: string, flags: Record<string, unknown>): Promise<number> {
  const config = resolveRunConfig({ ...flags, batch: location });
  const store = openObjectStore(location, storeOptions(config));
  try {
    const result = await verifyRecords(store);
    const exitCode = result.problems.length === 0 && result.dossiers > 0 ? ExitCode.ok : ExitCode.someFailed;
    if (flags['json']) {
      writeSummary(verifySummary(result, store.location, exitCode));
    } else {
      for (const problem of result.problems) process.stdout.write(`${verifyProblemCodes[problem.kind].padEnd(22)} ${problem.key}: ${problem.detail}\n`);
      process.stdout.write(`${store.location}: ${result.dossiers} dossiers, ${result.objectsChecked} objects (${result.bytesChecked} bytes) re-read, ${result.problems.length} problems\n`);
    }
    if (result.dossiers === 0) {
      process.stderr.write(`sohoa verify: no dossier.json found under ${store.location}; point it at an output folder, a batch or a dossier\n`);
    }
    return exitCode;
  } finally {
    await store.close();
  }
}

function printSummary(report: BatchReport, location: string, log: Logger): void {
  const t = report.totals;
  const stopped = report.interrupted
    ? `; stopped by ${report.interrupted.signal}: ${t.dossiersNotStarted} dossiers (${t.pagesNotStarted} pages) not started, run the same command again to finish`
    : '';
  const line = `${report.batchId}: ${t.pagesDone}/${t.pages} pages done, ${t.pagesFailed} failed, ${t.documents - t.documentsFailed - t.documentsNotStarted}/${t.documents} documents stored, ${t.dossiersSkipped} dossiers already complete${stopped} → ${location}/${report.batchId}/ (${(report.durationMs / 1000).toFixed(1)} s)`;
  if (process.stderr.isTTY) {
    process.stderr.write(`${line}\n`);
    for (const dossier of report.dossiers)
      for (const doc of dossier.documents)
        for (const error of doc.errors) process.stderr.write(`  ✗ ${dossier.dossierId}/${doc.documentId}: [${error.code}] ${error.message}\n`);
  } else {
    log.info({ event: 'batch.summary', batchId: report.batchId, ...t }, line);
  }
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('sohoa')
    .description('Digitize scanned Vietnamese administrative records: OCR to searchable PDF, text and metadata records')
    .version(softwareVersion)
    .exitOverride();
  const run = program
    .command('run')
    .description('process one scan batch folder in this process and write the records to a folder')
    .argument('<batch>', 'batch folder or s3://bucket/prefix: page files plus manifest.json or manifest.csv (or one sub-folder per dossier)')
    .option('-o, --out <location>', 'output folder or s3://bucket/prefix', './out')
    .option('-p, --pipeline <name>', 'pipeline name (dossier, result) or path to a .yaml file; default: by dossier kind')
    .option('--pool-size <n>', 'OCR workers (default: one per core)', (v) => Number(v))
    .option('--recycle-pages <n>', 'restart an OCR worker after this many pages', (v) => Number(v))
    .option('--work-dir <folder>', 'scratch folder for page intermediates')
    .option('--keep-work', 'keep page intermediates (for debugging)')
    .option('--force', 'redo dossiers that are already complete')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .option('--no-progress', 'no progress bar even on a terminal')
    .option('--pdf-text <mode>', 'PDF pages that already have text: skip (keep their text, default), redo or force (OCR them again)')
    .option('--object-lock <mode>', 'lock every object for its dossier\'s retention: GOVERNANCE or COMPLIANCE (S3 buckets with object lock)');
  run.option('--json', 'print one JSON summary object on stdout at the end (logs go to stderr); schema: pipelines/schema/summary.schema.json');
  withMetricsOptions(withSplitOptions(withStoreOptions(withEngineOptions(run))), 'default: off').action(async (batch: string, options: Record<string, unknown>) => {
    setExit(await answering('run', options, () => runCommand(batch, options)));
  });
  const verify = program
    .command('verify')
    .description('re-read every object of an output folder, batch or dossier and check it against the records')
    .argument('<location>', 'output folder or s3://bucket/prefix (the store root, a batch or one dossier)')
    .option('--json', 'print the result as one JSON object (the default when stdout is not a terminal)');
  withStoreOptions(verify).action(async (location: string, options: Record<string, unknown>) => {
    const flags = jsonOffTerminal(options);
    setExit(await answering('verify', flags, () => verifyCommand(location, flags)));
  });
  addQueueCommands(program, setExit);
  addWatchCommand(program, setExit);
  addCoverSheetsCommand(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    await buildProgram((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    reportError(err);
    return exitCodeOfError(err);
  }
}

