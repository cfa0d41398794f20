// What the commands share: pipelines loaded up front, a batch opened from a folder or a bucket, S3 options, the OCR pool.
import path from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { softwareVersion, storeOptions, type RunConfig } from '../config.ts';
import { Metrics } from '../metrics/metrics.ts';
import { readinessChecks, startMetricsServer, type MetricsServer, type ReadinessCheck } from '../metrics/metrics-server.ts';
import { toSafeId } from '../domain/batch.ts';
import type { Logger } from '../log.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { startOcrEngine } from '../ocr/select-engine.ts';
import { loadPipeline, type Pipeline } from '../pipeline/pipeline-file.ts';
import { splitOptions, type SplitOptions } from '../stages/split-stacks.ts';
import { stageBatch } from '../stages/stage-batch.ts';
import { openObjectStore, parseStoreLocation } from '../storage/store-location.ts';

/** Loads every pipeline the batch may need before any page is touched. */
export async function pipelinesFor(config: RunConfig): Promise<(kind: 'component' | 'result') => Pipeline> {
  if (config.pipeline) {
    const only = await loadPipeline(config.pipeline);
    return () => only;
  }
  const [dossier, result] = await Promise.all([loadPipeline('dossier'), loadPipeline('result')]);
  return (kind) => (kind === 'result' ? result : dossier);
}

/**
 * Whether, and how, stacks are split: the pipeline's split stage, turned on with its defaults by `--split`;
 * `--keep-separator` keeps generic separator sheets. Undefined: off (files a manifest marks as stacks are still cut).
 */
export function splitOptionsFor(pipeline: Pipeline, flags: Record<string, unknown>): SplitOptions | undefined {
  const base = pipeline.stages.split ?? (flags['split'] ? splitOptions.parse({}) : undefined);
  if (!base) return undefined;
  return flags['keepSeparator'] ? { ...base, keepSeparator: true } : base;
}

/** `--split` and `--keep-separator`, on every command that plans batches. */
export function withSplitOptions(command: Command): Command {
  return command
    .option('--split', "cut each scanned stack of a batch without a manifest into dossiers and documents on cover sheets (sohoa cover-sheets), separator sheets (PATCHT) and dossier QR codes; the pipeline's split stage sets the rest")
    .option('--keep-separator', 'with --split, keep separator sheets (PATCHT) in the documents');
}

/** A batch in an object store is copied to the work folder first; a local batch is read where it is. */
export async function openBatch(config: Pick<RunConfig, 'batch' | 's3Endpoint' | 's3Region' | 's3PathStyle' | 'sse' | 'sseKmsKeyId'>, workDir: string, log: Logger): Promise<{ root: string; batchId?: string }> {
  const location = parseStoreLocation(config.batch);
  if (location.kind === 'local') return { root: path.resolve(location.path) };
  const inbox = openObjectStore(location, storeOptions(config));
  try {
    const root = path.join(workDir, 'input');
    await stageBatch(inbox, root, log);
    const lastSegment = location.prefix.split('/').filter(Boolean).at(-1);
    return { root, ...(lastSegment ? { batchId: toSafeId(lastSegment) } : {}) };
  } finally {
    await inbox.close();
  }
}

/** S3 settings shared by every command that opens a store; the standard AWS environment fills the rest. */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--s3-endpoint <url>', 'S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3, else AWS)')
    .option('--s3-region <region>', 'region (default: AWS_REGION)')
    .option('--s3-path-style', 'path-style URLs (/bucket/key), as MinIO and Ceph usually need')
    .option('--sse <kind>', 'server-side encryption: AES256 or aws:kms')
    .option('--sse-kms-key-id <id>', 'KMS key for --sse aws:kms');
}


/** The process's OCR pool, made once: the languages and segmentation of the pipelines it serves. */
export function createOcrEngine(config: Pick<RunConfig, 'poolSize' | 'recyclePages' | 'langData' | 'engine'>, pipeline: Pipeline, log: Logger): Promise<OcrEngine> {
  sharp.cache(false);
  // One libvips thread per image operation: the pages in flight already run side by side (pool + 1), and the
  // engine's processes or threads take every core, so more image threads would only fight them for the cores.
  sharp.concurrency(1);
  return startOcrEngine(config.engine, {
    languages: pipeline.stages.recognize.languages,
    poolSize: config.poolSize,
    recyclePages: config.recyclePages,
    ...(config.langData ? { langDataDir: config.langData } : {}),
    pageSegMode: pipeline.stages.recognize.pageSegMode,
    logger: log,
  });
}

/** The OCR engine and its models, on every command that recognizes pages. */
export function withEngineOptions(command: Command): Command {
  return command
    .option('--engine <name>', 'OCR engine: auto (the tesseract command when Tesseract 5 is installed, else tesseract.js), tesseract.js or tesseract (env SOHOA_ENGINE; default auto)')
    .option('--lang-data <folder>', 'Tesseract language-data folder to use instead of the bundled models (env SOHOA_LANG_DATA)');
}

/** Options every long-running command shares for its metrics endpoint. */
export function withMetricsOptions(command: Command, defaultPort: string): Command {
  return command
    .option('--metrics-port <port>', `serve /metrics, /healthz and /readyz on this port (${defaultPort}; 0: any free port; env SOHOA_METRICS_PORT)`, (v) => Number(v))
    .option('--metrics-host <host>', 'interface for the metrics port (default 0.0.0.0; env SOHOA_METRICS_HOST)');
}

/**
 * Starts the metrics endpoint on `port` (logged as `metrics.listening`). `/readyz` runs the checks given, each
 * bounded, so an unreachable store or queue makes the process unready by name.
 */
/** How many ports after the default a worker tries when the default is taken (9464–9479), before any free one. */
export const metricsPortFallbacks = 15;

/**
 * Serves the metrics endpoint. With `fallback` (the port is the default, not one the operator chose) a busy port
 * is no reason to stop: several workers on one machine take the next free ports in turn, and each says which
 * one it got. A port the operator named stays a start-up error, since a scrape configured for it would
 * otherwise read another process's numbers or nothing, silently.
 */
export async function serveMetrics(
  port: number,
  host: string,
  checks: Record<string, ReadinessCheck>,
  log: Logger,
  options: { fallback?: boolean } = {},
): Promise<{ metrics: Metrics; server: MetricsServer }> {
  const metrics = new Metrics({ version: softwareVersion });
  const last = options.fallback && port > 0 ? Math.min(65_535, port + metricsPortFallbacks) : port;
  // After the range, any free port the system gives (0): with the default settings the endpoint never stops a worker.
  for (let candidate = port; ; candidate = candidate >= last ? 0 : candidate + 1) {
    try {
      const server = await startMetricsServer({ port: candidate, host, metrics, readiness: readinessChecks(checks) });
      if (candidate !== port) {
        log.warn({ event: 'metrics.port_taken', wanted: port, port: server.port }, `metrics.port_taken: port ${port} is in use (another worker on this machine?); serving on ${server.port}: scrape that one, or give each worker its own --metrics-port`);
      }
      log.info({ event: 'metrics.listening', url: server.url }, `metrics.listening: ${server.url}/metrics`);
      return { metrics, server };
    } catch (err) {
      const inUse = (err as { cause?: { code?: unknown } }).cause?.code === 'EADDRINUSE';
      if (!inUse || !options.fallback || candidate === 0) throw err;
    }
  }
}
