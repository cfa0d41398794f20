// `sohoa watch <inbox> --out <location>`: takes every batch a scanner station drops into a hot folder, exactly once.
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { resolveRunConfig, softwareVersion, storeOptions, type RunConfig } from '../config.ts';
import { toSafeId } from '../domain/batch.ts';
import { ConfigError, ExitCode } from '../domain/errors.ts';
import { createLogger, type Logger } from '../log.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import type { Pipeline } from '../pipeline/pipeline-file.ts';
import { runBatch } from '../pipeline/run-batch.ts';
import { buildBatchReport, writeBatchReport } from '../report/batch-report.ts';
import { loadBatch } from '../stages/ingest.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { openObjectStore, parseStoreLocation } from '../storage/store-location.ts';
import { listFolderInbox, readInboxText } from '../watch/folder-inbox.ts';
import type { SettleMemory } from '../watch/readiness.ts';
import { watchPass, type WatchActions } from '../watch/watch-pass.ts';
import { WatchState } from '../watch/watch-state.ts';
import { createOcrEngine, pipelinesFor, withStoreOptions } from './common.ts';
import { interruptOnSignals } from './interrupt.ts';

interface WatchSettings {
  inbox: string;
  settleMs: number;
  pollMs: number;
  readyMarker?: string;
  once: boolean;
}

async function watchCommand(inboxArgument: string, flags: Record<string, unknown>): Promise<number> {
  const config = resolveRunConfig({ ...flags, batch: inboxArgument });
  const settings = watchSettings(inboxArgument, flags);
  const log = createLogger({ level: config.logLevel, pretty: Boolean(process.stdout.isTTY) });
  refuseOverlap(settings.inbox, config.out);
  const pipelineFor = await pipelinesFor(config);
  const store = openObjectStore(config.out, { ...storeOptions(config), logger: log });
  const workDir = path.join(config.workDir, `watch-${randomUUID().slice(0, 8)}`);
  await mkdir(workDir, { recursive: true });
  const interruption = interruptOnSignals(log);
  let ocr: OcrEngine | undefined;
  try {
    ocr = await createOcrEngine(config, pipelineFor('component'), log);
    const actions = embeddedActions({ config, store, ocr, pipelineFor, workDir, log, signal: interruption.signal, inbox: settings.inbox });
    log.info({ event: 'watch.started', inbox: settings.inbox, store: store.location, settleMs: settings.settleMs, pollMs: settings.pollMs, mode: 'embedded' }, 'watch.started');
    await lookUntilStopped(settings, new WatchState(store), actions, log, interruption.signal);
    return interruption.exitCode() ?? ExitCode.ok;
  } finally {
    interruption.dispose();
    await ocr?.close();
    await store.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Looks at the inbox every poll until stopped; with --once, looks twice, the settle time apart, and stops. */
async function lookUntilStopped(settings: WatchSettings, state: WatchState, actions: WatchActions, log: Logger, signal: AbortSignal): Promise<void> {
  const inbox = { list: () => listFolderInbox(settings.inbox), readText: (batch: string, file: string) => readInboxText(settings.inbox, batch, file) };
  const rules = { settleMs: settings.settleMs, source: 'folder' as const, ...(settings.readyMarker ? { readyMarker: settings.readyMarker } : {}) };
  let memory: ReadonlyMap<string, SettleMemory> = new Map();
  for (let look = 1; !signal.aborted; look++) {
    const started = performance.now();
    const result = await watchPass(inbox, state, actions, rules, memory, log, Date.now());
    memory = result.memory;
    log.info({ event: 'watch.looked', batches: memory.size, taken: result.taken.length, waiting: result.waiting.length, bad: result.bad.length, failed: result.failed.length, durationMs: Math.round(performance.now() - started) }, 'watch.looked');
    if (settings.once && (look >= 2 || result.waiting.length === 0)) return;
    await pause(settings.once ? settings.settleMs : settings.pollMs, signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Embedded mode: each ready batch goes through today's runner, into the output store, with its report. */
function embeddedActions(deps: {
  config: RunConfig;
  store: ObjectStore;
  ocr: OcrEngine;
  pipelineFor: (kind: 'component' | 'result') => Pipeline;
  workDir: string;
  log: Logger;
  signal: AbortSignal;
  inbox: string;
}): WatchActions {
  const { config, store, ocr, pipelineFor, log } = deps;
  const lowConfidence = pipelineFor('component').stages.assemble.lowConfidence;
  return {
    take: async (name) => {
      const root = path.join(deps.inbox, name);
      const { batch, warnings } = await loadBatch(root);
      await runBatch(
        batch,
        {
          store,
          ocr,
          workDir: path.join(deps.workDir, 'pages'),
          log,
          pipelineFor: (dossier) => pipelineFor(dossier.kind),
          softwareVersion,
          pageConcurrency: config.poolSize + 1,
          force: false,
          pdfText: config.pdfText,
          htmlReport: { batchRoot: root, lowConfidence },
          signal: deps.signal,
        },
        warnings,
      );
      // Stopped part-way (SIGTERM): the batch must stay taken, so the next start runs it to the end.
      if (deps.signal.aborted) throw new Error(`the watcher was stopped while ${name} was running; it finishes the batch when it starts again`);
    },
    reportBad: async (name, reasons) => {
      const now = new Date();
      const report = { ...buildBatchReport(toSafeId(name), [], [], now, now), warnings: reasons };
      await writeBatchReport(store, report, { batchRoot: path.join(deps.inbox, name), lowConfidence, softwareVersion, log });
    },
  };
}

function watchSettings(inbox: string, flags: Record<string, unknown>): WatchSettings {
  if (parseStoreLocation(inbox).kind !== 'local') {
    throw new ConfigError('WATCH_CONFIG_INVALID', `sohoa watch reads a folder inbox for now; ${inbox} is a bucket: sync it to a folder, or use sohoa enqueue per batch`);
  }
  const seconds = (name: string, fallback: number): number => {
    const value = flags[name] === undefined ? fallback : Number(flags[name]);
    if (!Number.isFinite(value) || value < 0) throw new ConfigError('WATCH_CONFIG_INVALID', `--${name} expects seconds ≥ 0 but received ${JSON.stringify(flags[name])}`);
    return value * 1000;
  };
  return {
    inbox: path.resolve(inbox),
    settleMs: seconds('settle', 5),
    pollMs: seconds('poll', 10),
    once: Boolean(flags['once']),
    ...(typeof flags['readyMarker'] === 'string' ? { readyMarker: flags['readyMarker'] } : {}),
  };
}

/** The watcher must never read its own outputs as new batches, nor write into what it watches. */
function refuseOverlap(inbox: string, out: string): void {
  const location = parseStoreLocation(out);
  if (location.kind !== 'local') return;
  const output = path.resolve(location.path);
  const inside = (a: string, b: string) => a === b || a.startsWith(`${b}${path.sep}`);
  if (inside(output, inbox) || inside(inbox, output)) {
    throw new ConfigError('WATCH_CONFIG_INVALID', `the output ${output} and the inbox ${inbox} overlap: the watcher would take its own outputs for batches; give --out a folder outside the inbox`);
  }
}

export function addWatchCommand(program: Command, setExit: (code: number) => void): void {
  const watch = program
    .command('watch')
    .description('take every batch dropped into a hot folder (one sub-folder per batch), once it is complete, exactly once')
    .argument('<inbox>', 'folder whose sub-folders are batches')
    .option('-o, --out <location>', 'output folder or s3://bucket/prefix', './out')
    .option('--settle <seconds>', 'a file is complete once its size and time have not changed for this long', '5')
    .option('--poll <seconds>', 'time between looks at the inbox', '10')
    .option('--ready-marker <name>', 'take a batch only once this file exists in it (written by the upload after the last file)')
    .option('--once', 'take what is ready and exit (for cron and tests)')
    .option('-p, --pipeline <name>', 'pipeline name or .yaml path; default: by dossier kind')
    .option('--pool-size <n>', 'OCR workers (default: one per core)', (v) => Number(v))
    .option('--work-dir <folder>', 'scratch folder for page intermediates')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');
  withStoreOptions(watch).action(async (inbox: string, options: Record<string, unknown>) => {
    setExit(await watchCommand(inbox, options));
  });
}
