// `sohoa enqueue | worker | status | retry`: many workers on many machines share batches through PostgreSQL (pg-boss).
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { resolveRunConfig, softwareVersion, storeOptions, workerMetricsPort, type RunConfig } from '../config.ts';
import { MeteredObjectStore } from '../metrics/metered-object-store.ts';
import { storeCheck } from '../metrics/metrics-server.ts';
import { failedStacks, type Batch } from '../domain/batch.ts';
import { ConfigError, ExitCode } from '../domain/errors.ts';
import { createLogger, type Logger } from '../log.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { createLimiter } from '../common/limiter.ts';
import { loadPipeline, type Pipeline } from '../pipeline/pipeline-file.ts';
import { dossierJobHandler, writeQueuedBatchReport } from '../pipeline/run-dossier-job.ts';
import { checkQueuedPipelines, jobPipelineLoader } from './job-pipelines.ts';
import type { BatchStatus, DossierJob } from '../queue/job-queue.ts';
import type { PgBossQueue } from '../queue/pg-boss-queue.ts';
import { installSignalHandlers, runWorker } from '../queue/worker-loop.ts';
import { loadBatch } from '../stages/ingest.ts';
import { splitStacks, type SplitOptions } from '../stages/split-stacks.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { openObjectStore, parseStoreLocation } from '../storage/store-location.ts';
import { createOcrEngine, openBatch, pipelinesFor, serveMetrics, splitOptionsFor, withEngineOptions, withMetricsOptions, withSplitOptions, withStoreOptions } from './common.ts';
import { answering, enqueueSummary, jsonOffTerminal, queueShown, statusSummary, writeSummary } from './summary.ts';

type SetExit = (code: number) => void;

function queueConfig(flags: Record<string, unknown>, batch = ''): RunConfig & { queue: string } {
  const config = resolveRunConfig({ ...flags, batch });
  if (!config.queue) throw new ConfigError('QUEUE_MISSING', 'no job queue given: pass --queue postgres://user:password@host:5432/database or set SOHOA_QUEUE_URL');
  return config;
}

/** pg-boss and the PostgreSQL driver are loaded only by the commands that use the queue. */
async function openQueue(config: { queue: string }, log: Logger, onError?: (err: Error) => void): Promise<PgBossQueue> {
  const { PgBossQueue } = await import('../queue/pg-boss-queue.ts');
  return new PgBossQueue({ connectionString: config.queue, log, ...(onError ? { onError } : {}) });
}

/** A location as every worker on every machine must read it: a bucket URI as it is, a folder as an absolute path. */
function sharedLocation(location: string): string {
  const parsed = parseStoreLocation(location);
  return parsed.kind === 'local' ? path.resolve(parsed.path) : location;
}

async function enqueueCommand(batchArgument: string, flags: Record<string, unknown>): Promise<number> {
  const config = queueConfig(flags, batchArgument);
  const json = Boolean(flags['json']);
  const log = createLogger({ level: config.logLevel, pretty: false, ...(json ? { destination: process.stderr } : {}) });
  // Every mistake in the batch (manifest, ids, missing files) is found here, before any job exists.
  const split = splitOptionsFor(config.pipeline ? await loadPipeline(config.pipeline) : await loadPipeline('dossier'), flags);
  const workDir = path.join(config.workDir, `enqueue-${randomUUID().slice(0, 8)}`);
  const queue = await openQueue(config, log);
  try {
    const input = await openBatch(config, workDir, log);
    const { batch, warnings } = await splitStacks(await loadBatch(input.root, input.batchId ? { batchId: input.batchId } : {}), split, log);
    for (const warning of warnings) log.warn({ event: 'batch.warning', batchId: batch.id }, warning);
    // The workers cut the stacks again as the job says (the same reading gives the same plan) to find their dossier.
    const jobs: DossierJob[] = batch.dossiers.map((dossier) => ({
      batchId: batch.id,
      dossierId: dossier.id,
      batchUri: sharedLocation(config.batch),
      outUri: sharedLocation(config.out),
      ...(config.pipeline ? { pipeline: config.pipeline } : {}),
      ...(config.force ? { force: true } : {}),
      ...(split ? { split } : {}),
    }));
    const result = await queue.enqueueDossiers(jobs);
    const line = { event: 'batch.enqueued', batchId: batch.id, dossiers: jobs.length, ...result };
    log.info(line, `batch.enqueued: ${batch.id}: ${result.created} new jobs, ${result.existing} already queued`);
    // A stack that could not be cut has no job: the command says so and exits 3, like `run`.
    const stacksFailed = failedStacks(batch.split).length;
    if (stacksFailed > 0) log.error({ event: 'batch.stacks-failed', batchId: batch.id, stacksFailed }, `batch.stacks-failed: ${stacksFailed} of ${batch.split!.stacks.length} stacks could not be split; their pages were not enqueued`);
    const summary = enqueueSummary(batch.id, { dossiers: jobs.length, created: result.created, existing: result.existing }, { store: sharedLocation(config.out), queue: queueShown(config.queue) }, batch.split);
    if (json) writeSummary(summary);
    else if (process.stdout.isTTY) process.stdout.write(`${batch.id}: ${result.created} dossiers enqueued, ${result.existing} were already in the queue${stacksFailed > 0 ? `; ${stacksFailed} stacks could not be split (see the log)` : ''}\n`);
    return summary.exitCode;
  } finally {
    await queue.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function workerCommand(flags: Record<string, unknown>): Promise<number> {
  const config = queueConfig(flags);
  const log = createLogger({ level: config.logLevel, pretty: Boolean(process.stdout.isTTY) });
  const defaultPipelines = await pipelinesFor(config);
  const workDir = path.join(config.workDir, `worker-${process.pid}-${randomUUID().slice(0, 8)}`);
  await mkdir(workDir, { recursive: true });
  // Served from the start, so an orchestrator sees the worker alive (and not ready) while the OCR pool loads.
  const stores = new Map<string, ObjectStore>();
  let queue: PgBossQueue | undefined;
  const observed = await serveMetrics(
    config.metricsPort >= 0 ? config.metricsPort : workerMetricsPort,
    config.metricsHost,
    {
      queue: () => (queue ? queue.ping() : Promise.reject(new Error('not connected yet'))),
      stores: () => Promise.all([...stores.values()].map((store) => storeCheck(store)())),
    },
    log,
    { fallback: config.metricsPort < 0 },
  );
  const { metrics } = observed;
  const storeFor = meteredStoreOpener(stores, config, log, metrics);
  const openQueuedBatch = queuedBatchOpener(config, workDir, log);
  // The built-in pipelines are loaded (and checked) above, those named by queued jobs once connected, below.
  const loadNamed = jobPipelineLoader();
  const pipelineOf = (job: DossierJob): Promise<Pipeline> | undefined => (job.pipeline ? loadNamed(job.pipeline) : undefined);

  let ocr: OcrEngine | undefined;
  try {
    queue = await openQueue(config, log, () => metrics.queueError());
    const jobs = queue;
    metrics.observeJobs(() => jobs.jobCounts());
    await queue.start();
    await checkQueuedPipelines(queue, loadNamed, log);
    ocr = await createOcrEngine(config, defaultPipelines('component'), log);
    const engine = ocr;
    const pages = createLimiter(config.poolSize + 1);
    const jobPipelines = new WeakMap<DossierJob, Pipeline>();
    const handle = dossierJobHandler({
      ocr: engine,
      log,
      workDir,
      softwareVersion,
      pages,
      pageConcurrency: config.poolSize + 1,
      openBatch: openQueuedBatch,
      storeFor,
      pipelineFor: (job, dossier) => jobPipelines.get(job) ?? defaultPipelines(dossier.kind),
      pdfText: config.pdfText,
      metrics,
    });
    const worker = runWorker({
      queue,
      log,
      concurrency: config.concurrency,
      drainTimeoutMs: config.drainTimeout * 1000,
      handler: async (job, signal) => {
        const pipeline = await pipelineOf(job);
        if (pipeline) jobPipelines.set(job, pipeline);
        return handle(job, signal);
      },
      onBatchComplete: async (batchId, signal) => {
        const settings = { batchRootOf: async (uri: string) => (await openQueuedBatch(uri)).root, lowConfidence: defaultPipelines('component').stages.assemble.lowConfidence, softwareVersion, log };
        const report = await writeQueuedBatchReport(jobs, batchId, storeFor, settings, signal);
        log.info({ event: 'batch.finished', batchId, durationMs: report.durationMs, ...report.totals }, 'batch.finished');
      },
      ...(flags['exitWhenIdle'] ? { stopWhenIdle: true } : {}),
    });
    await untilStopped(worker, queue, log);
    return ExitCode.ok;
  } finally {
    await queue?.close();
    await ocr?.close();
    await observed.server.close();
    await Promise.all([...stores.values()].map((store) => store.close()));
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Opens each object store the jobs name once, metered; `stores` holds them for the readiness check and the close. */
function meteredStoreOpener(stores: Map<string, ObjectStore>, config: ReturnType<typeof queueConfig>, log: Logger, metrics: Metrics): (uri: string) => ObjectStore {
  return (uri) => {
    let store = stores.get(uri);
    if (!store) stores.set(uri, (store = new MeteredObjectStore(openObjectStore(uri, { ...storeOptions(config), logger: log }), metrics)));
    return store;
  };
}

/** Runs the worker until it stops (idle, or a signal), then logs its summary. */
async function untilStopped(worker: ReturnType<typeof runWorker>, queue: PgBossQueue, log: Logger): Promise<void> {
  const removeSignalHandlers = installSignalHandlers(worker, log);
  try {
    const summary = await worker.done;
    const { takeoverBoundMs } = await import('../queue/pg-boss-queue.ts');
    log.info({ event: 'worker.summary', ...summary, takeoverBoundMs: takeoverBoundMs(queue.options) }, 'worker.summary');
  } finally {
    removeSignalHandlers();
  }
}

/** Opens each batch the jobs name once per worker process; a failed open is tried afresh by the next job. */
function queuedBatchOpener(config: ReturnType<typeof queueConfig>, workDir: string, log: Logger): (uri: string, split?: SplitOptions) => Promise<Batch> {
  const batches = new Map<string, Promise<Batch>>();
  return (uri: string, split?: SplitOptions): Promise<Batch> => {
    const key = `${uri}\u0000${JSON.stringify(split ?? null)}`;
    let batch = batches.get(key);
    if (!batch) {
      // A bucket's batch is copied once per worker process into a folder of its own, then read like a local one.
      batch = openBatch({ ...config, batch: uri }, path.join(workDir, `batch-${batches.size + 1}`), log).then(async (input) => (await splitStacks(await loadBatch(input.root, input.batchId ? { batchId: input.batchId } : {}), split, log)).batch);
      // A failed open (a fault of the moment) is tried afresh by the next job rather than remembered.
      batch.catch(() => batches.delete(key));
      batches.set(key, batch);
    }
    return batch;
  };
}

/** Counts by state and the failed dossiers with their reasons; JSON when stdout is not a terminal or with --json. */
export function formatStatus(status: BatchStatus): string {
  const c = status.counts;
  const lines = [
    `${status.batchId}: ${status.total} dossiers — ${c.done} done, ${c.failed} failed, ${c.active} active, ${c.waiting} waiting, ${c.retrying} retrying${status.complete ? ` (complete${status.reported ? ', report written' : ''})` : ''}`,
    ...status.failed.map((f) => `  ✗ ${f.dossierId} [${f.code ?? f.kind}, ${f.attempts} attempt(s)]: ${f.message}`),
  ];
  if (status.failed.length > 0) lines.push(`  after fixing the cause: sohoa retry ${status.batchId} [--dossier <id>]`);
  return `${lines.join('\n')}\n`;
}

async function statusCommand(batchId: string, flags: Record<string, unknown>): Promise<number> {
  const config = queueConfig(flags);
  const log = createLogger({ level: 'warn', pretty: false });
  const queue = await openQueue(config, log);
  try {
    const status = await queue.status(batchId);
    const exitCode = status.total === 0 || status.failed.length > 0 ? ExitCode.someFailed : ExitCode.ok;
    if (flags['json']) writeSummary(statusSummary(status, exitCode, queueShown(config.queue)));
    else process.stdout.write(formatStatus(status));
    if (status.total === 0) process.stderr.write(`sohoa status: the queue holds no dossier of batch ${batchId}\n`);
    return exitCode;
  } finally {
    await queue.close();
  }
}

async function retryCommand(batchId: string, flags: Record<string, unknown>): Promise<number> {
  const config = queueConfig(flags);
  const log = createLogger({ level: config.logLevel, pretty: false });
  const queue = await openQueue(config, log);
  try {
    const dossierId = typeof flags['dossier'] === 'string' ? flags['dossier'] : undefined;
    const count = await queue.retryFailed(batchId, dossierId);
    log.info({ event: 'batch.retried', batchId, ...(dossierId ? { dossierId } : {}), dossiers: count }, `batch.retried: ${count} failed dossiers back in the queue`);
    if (process.stdout.isTTY) process.stdout.write(`${batchId}: ${count} failed dossiers back in the queue\n`);
    return count > 0 ? ExitCode.ok : ExitCode.someFailed;
  } finally {
    await queue.close();
  }
}

const queueOption = ['--queue <url>', 'PostgreSQL URL of the job queue (env SOHOA_QUEUE_URL)'] as const;

export function addQueueCommands(program: Command, setExit: SetExit): void {
  const enqueue = program
    .command('enqueue')
    .description('put one job per dossier of a batch in the queue (enqueueing the same batch again adds nothing)')
    .argument('<batch>', 'batch folder every worker can read, or s3://bucket/prefix')
    .option(...queueOption)
    .option('-o, --out <location>', 'output folder every worker can write, or s3://bucket/prefix', './out')
    .option('-p, --pipeline <name>', 'pipeline name or .yaml path (every worker must be able to read it); default: by dossier kind')
    .option('--force', 'redo dossiers that are already complete')
    .option('--work-dir <folder>', 'scratch folder (a bucket batch is copied there to read its manifest)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');
  enqueue.option('--json', 'print one JSON summary object on stdout at the end (logs go to stderr)');
  withSplitOptions(withStoreOptions(enqueue)).action(async (batch: string, options: Record<string, unknown>) => setExit(await answering('enqueue', options, () => enqueueCommand(batch, options))));

  const worker = program
    .command('worker')
    .description('take dossier jobs from the queue and run them until SIGTERM (drains, then exits 0)')
    .option(...queueOption)
    .option('--concurrency <n>', `dossiers at once in this process (default ${2}, env SOHOA_CONCURRENCY)`, (v) => Number(v))
    .option('--pool-size <n>', `OCR workers (default: one per core, ${os.availableParallelism()} here)`, (v) => Number(v))
    .option('--recycle-pages <n>', 'restart an OCR worker after this many pages', (v) => Number(v))
    .option('--drain-timeout <seconds>', 'on SIGTERM, how long active dossiers may run on before they are released (default 30)', (v) => Number(v))
    .option('--exit-when-idle', 'exit once the queue has nothing waiting, retrying or active')
    .option('--work-dir <folder>', 'scratch folder for page intermediates')
    .option('--pdf-text <mode>', 'PDF pages that already have text: skip (default), redo or force')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent');
  withMetricsOptions(withStoreOptions(withEngineOptions(worker)), `default ${workerMetricsPort}`).action(async (options: Record<string, unknown>) => setExit(await workerCommand(options)));

  program
    .command('status')
    .description('dossiers of a batch by state, and the failed ones with their reasons (exit 3 when any failed)')
    .argument('<batchId>', 'the batch id (printed by enqueue)')
    .option(...queueOption)
    .option('--json', 'print one JSON summary object (the default when stdout is not a terminal); schema: pipelines/schema/summary.schema.json')
    .action(async (batchId: string, options: Record<string, unknown>) => {
      const flags = jsonOffTerminal(options);
      setExit(await answering('status', flags, () => statusCommand(batchId, flags)));
    });

  program
    .command('retry')
    .description('put the failed dossiers of a batch (or one of them) back in the queue, after fixing the cause')
    .argument('<batchId>', 'the batch id')
    .option(...queueOption)
    .option('--dossier <id>', 'only this dossier')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .action(async (batchId: string, options: Record<string, unknown>) => setExit(await retryCommand(batchId, options)));
}
