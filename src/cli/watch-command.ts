// `sohoa watch <inbox> --out <location>`: takes every batch a scanner station drops into a hot folder or an S3 inbox, once.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { resolveRunConfig, storeOptions, type RunConfig } from '../config.ts';
import { ConfigError, ExitCode } from '../domain/errors.ts';
import type { WatchLedger } from '../domain/watch-ledger.ts';
import { createLogger, type Logger } from '../log.ts';
import { storeCheck, type ReadinessCheck } from '../metrics/metrics-server.ts';
import { WatchMetrics } from '../metrics/watch-metrics.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { openObjectStore, parseStoreLocation, type StoreLocation } from '../storage/store-location.ts';
import { FolderInbox } from '../watch/folder-inbox.ts';
import type { Inbox } from '../watch/inbox.ts';
import { parseOnDone, resolveOnDone, type OnDone } from '../watch/on-done.ts';
import type { WatchActions } from '../watch/watch-pass.ts';
import { WatchState } from '../watch/watch-state.ts';
import { Watcher, type WatchObserver } from '../watch/watcher.ts';
import { createOcrEngine, pipelinesFor, serveMetrics, splitOptionsFor, withEngineOptions, withMetricsOptions, withSplitOptions, withStoreOptions } from './common.ts';
import { distributedActions, embeddedActions, type ActionDeps } from './watch-actions.ts';
import { stopOnSignals } from './watch-signals.ts';

/** The watcher's own metrics port, next to the workers' 9464, so both can run on one machine. */
export const watchMetricsPort = 9463;

interface WatchSettings {
  settleMs: number;
  pollMs: number;
  rescanMs: number;
  giveUpMs: number;
  readyMarker?: string;
  once: boolean;
  onDone: OnDone;
}

async function watchCommand(inboxArgument: string, flags: Record<string, unknown>): Promise<number> {
  const config = resolveRunConfig({ ...flags, batch: inboxArgument });
  const settings = watchSettings(flags);
  const log = createLogger({ level: config.logLevel, pretty: Boolean(process.stdout.isTTY) });
  const inboxLocation = parseStoreLocation(inboxArgument);
  refuseOverlap(inboxLocation, parseStoreLocation(config.out));
  settings.onDone = resolveOnDone(settings.onDone, inboxLocation);
  if (inboxLocation.kind === 'local' && !(await stat(inboxLocation.path).catch(() => undefined))?.isDirectory()) {
    throw new ConfigError('WATCH_CONFIG_INVALID', `the inbox ${path.resolve(inboxLocation.path)} is not a folder: create it (or mount the share) before starting the watcher`);
  }
  if (config.queue && settings.onDone.kind !== 'keep') {
    throw new ConfigError('WATCH_CONFIG_INVALID', '--on-done moves or deletes a batch once it is done, but with --queue the workers finish it later: keep the originals (the default), or run the watcher without --queue');
  }
  const pipelineFor = await pipelinesFor(config);
  // The AWS SDK is loaded only for a bucket inbox.
  const inbox: Inbox = inboxLocation.kind === 'local'
    ? new FolderInbox(inboxLocation.path)
    : new (await import('../watch/s3-inbox.ts')).S3Inbox({ ...storeOptions(config), bucket: inboxLocation.bucket, prefix: inboxLocation.prefix });
  const store = openObjectStore(config.out, { ...storeOptions(config), logger: log });
  const workDir = path.join(config.workDir, `watch-${randomUUID().slice(0, 8)}`);
  await mkdir(workDir, { recursive: true });
  const stopping = stopOnSignals(log, config.drainTimeout * 1000);
  const closing: Array<() => Promise<unknown>> = [() => inbox.close(), () => store.close(), () => rm(workDir, { recursive: true, force: true })];
  try {
    const split = splitOptionsFor(pipelineFor('component'), flags);
    const deps: ActionDeps = { config, inbox, store, pipelineFor, workDir, log, ...(split ? { split } : {}) };
    const { ledger, actions, mode, ping } = await modeOf(config, deps, settings, stopping.run, closing, log);
    const metrics = settings.once ? undefined : await serveWatchMetrics(config, { store: storeCheck(store), ...(ping ? { queue: ping } : {}) }, log, closing);
    const watcher = new Watcher({
      inbox,
      ledger,
      actions,
      rules: { settleMs: settings.settleMs, source: inbox.source, giveUpMs: settings.giveUpMs, ...(settings.readyMarker ? { readyMarker: settings.readyMarker } : {}) },
      pollMs: settings.pollMs,
      rescanMs: settings.rescanMs,
      log,
      ...(metrics ? { observer: metrics } : {}),
    });
    log.info({ event: 'watch.started', inbox: inbox.location, store: store.location, mode, settleMs: settings.settleMs, pollMs: settings.pollMs, rescanMs: settings.rescanMs, onDone: settings.onDone.kind }, 'watch.started');
    const outcome = await watcher.run(stopping.looking, { once: settings.once });
    log.info({ event: 'watch.stopped', ...outcome }, 'watch.stopped');
    // For cron: an inbox it could not list, or a batch left to the next run, is not a clean exit.
    const unfinished = settings.once && (outcome.looksFailed > 0 || outcome.batchesFailed > 0);
    return stopping.exitCode() ?? (unfinished ? ExitCode.unavailable : ExitCode.ok);
  } finally {
    stopping.dispose();
    for (const close of closing.reverse()) await close().catch(() => {});
  }
}

/** Embedded (the OCR pool here, the ledger in the store) or distributed (jobs and the ledger in PostgreSQL). */
async function modeOf(
  config: RunConfig,
  deps: ActionDeps,
  settings: WatchSettings,
  runSignal: AbortSignal,
  closing: Array<() => Promise<unknown>>,
  log: Logger,
): Promise<{ ledger: WatchLedger; actions: WatchActions; mode: 'embedded' | 'distributed'; ping?: () => Promise<void> }> {
  if (config.queue) {
    const { PgBossQueue } = await import('../queue/pg-boss-queue.ts');
    const queue = new PgBossQueue({ connectionString: config.queue, log });
    closing.push(() => queue.close());
    await queue.start();
    const ledger = await queue.watchLedger(deps.inbox.location);
    const outUri = parseStoreLocation(config.out).kind === 'local' ? path.resolve(config.out) : config.out;
    return { ledger, actions: distributedActions({ ...deps, queue, outUri }), mode: 'distributed', ping: () => queue.ping() };
  }
  const ocr: OcrEngine = await createOcrEngine(config, deps.pipelineFor('component'), log);
  closing.push(() => ocr.close());
  return { ledger: new WatchState(deps.store), actions: embeddedActions({ ...deps, ocr, signal: runSignal, onDone: settings.onDone }), mode: 'embedded' };
}

/**
 * /readyz names what a watcher needs: the output store, the queue in distributed mode, and an inbox it could list
 * at its last look (an unmounted share or an unreachable bucket makes it unready, by name).
 */
async function serveWatchMetrics(config: RunConfig, checks: Record<string, ReadinessCheck>, log: Logger, closing: Array<() => Promise<unknown>>): Promise<WatchObserver> {
  let lastLook: { ok: true } | { ok: false; at: string } = { ok: true };
  const inbox: ReadinessCheck = async () => {
    if (!lastLook.ok) throw new Error(`the inbox could not be listed at ${lastLook.at}; see watch.look_failed in the log`);
  };
  const port = config.metricsPort >= 0 ? config.metricsPort : watchMetricsPort;
  const served = await serveMetrics(port, config.metricsHost, { ...checks, inbox }, log, { fallback: config.metricsPort < 0 });
  closing.push(() => served.server.close());
  const metrics = new WatchMetrics(served.metrics.registry);
  return {
    looked: (summary) => {
      lastLook = { ok: true };
      metrics.looked(summary);
    },
    lookFailed: () => {
      lastLook = { ok: false, at: new Date().toISOString() };
      metrics.lookFailed();
    },
  };
}

function watchSettings(flags: Record<string, unknown>): WatchSettings {
  const seconds = (name: string, fallback: number): number => {
    const value = flags[name] === undefined ? fallback : Number(flags[name]);
    if (!Number.isFinite(value) || value < 0) throw new ConfigError('WATCH_CONFIG_INVALID', `--${name} expects seconds ≥ 0 but received ${JSON.stringify(flags[name])}`);
    return value * 1000;
  };
  return {
    settleMs: seconds('settle', 5),
    pollMs: Math.max(100, seconds('poll', 10)),
    rescanMs: seconds('rescan', 300),
    giveUpMs: seconds('giveUp', 3600),
    once: Boolean(flags['once']),
    onDone: parseOnDone(typeof flags['onDone'] === 'string' ? flags['onDone'] : undefined),
    ...(typeof flags['readyMarker'] === 'string' ? { readyMarker: flags['readyMarker'] } : {}),
  };
}

/** The watcher must never read its own outputs as new batches, nor write into what it watches. */
function refuseOverlap(inbox: StoreLocation, out: StoreLocation): void {
  const inside = (a: string, b: string, sep: string) => a === b || b === '' || a.startsWith(`${b}${sep}`);
  const overlap = (a: string, b: string, sep: string) => inside(a, b, sep) || inside(b, a, sep);
  let clash: string | undefined;
  if (inbox.kind === 'local' && out.kind === 'local') {
    const [i, o] = [path.resolve(inbox.path), path.resolve(out.path)];
    if (overlap(i, o, path.sep)) clash = `the output ${o} and the inbox ${i} overlap`;
  } else if (inbox.kind === 's3' && out.kind === 's3' && inbox.bucket === out.bucket) {
    const [i, o] = [inbox.prefix.replace(/\/+$/, ''), out.prefix.replace(/\/+$/, '')];
    if (overlap(i, o, '/')) clash = `the output s3://${out.bucket}/${o} and the inbox s3://${inbox.bucket}/${i} overlap`;
  }
  if (clash) throw new ConfigError('WATCH_CONFIG_INVALID', `${clash}: the watcher would take its own outputs for batches; give --out a location outside the inbox`);
}

export function addWatchCommand(program: Command, setExit: (code: number) => void): void {
  const watch = program
    .command('watch')
    .description('take every batch dropped into a hot folder or an S3 inbox (one sub-folder or prefix per batch), once it is complete, exactly once')
    .argument('<inbox>', 'folder or s3://bucket/prefix whose children are batches')
    .option('-o, --out <location>', 'output folder or s3://bucket/prefix', './out')
    .option('--queue <url>', 'enqueue the batches for workers (postgres://…) instead of running them here (env SOHOA_QUEUE_URL)')
    .option('--settle <seconds>', 'a file is complete once its size and time have not changed for this long', '5')
    .option('--poll <seconds>', 'time between cheap looks at the inbox (S3, and folders on SMB/NFS mounts without events)', '10')
    .option('--rescan <seconds>', 'time between full rescans, which also see a finished batch that changed', '300')
    .option('--give-up <seconds>', 'report a batch whose manifest names files that have not arrived after this long', '3600')
    .option('--ready-marker <name>', 'take a batch only once this file exists in it (written by the upload after the last file)')
    .option('--on-done <what>', 'once a batch is done with no failed page: keep, move:<folder or prefix>, or delete its originals', 'keep')
    .option('--once', 'take what is ready and exit (for cron and tests)')
    .option('-p, --pipeline <name>', 'pipeline name or .yaml path; default: by dossier kind')
    .option('--pool-size <n>', 'OCR workers (default: one per core)', (v) => Number(v))
    .option('--drain-timeout <seconds>', 'on SIGTERM, time the running batch has to finish before it is stopped (env SOHOA_DRAIN_TIMEOUT)', (v) => Number(v))
    .option('--work-dir <folder>', 'scratch folder for page intermediates')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');
  withMetricsOptions(withSplitOptions(withStoreOptions(withEngineOptions(watch))), String(watchMetricsPort)).action(async (inbox: string, options: Record<string, unknown>) => {
    setExit(await watchCommand(inbox, options));
  });
}
