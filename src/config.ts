// Process configuration: environment and flags resolved into one validated Config, all defaults in one object.
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './domain/errors.ts';
import { formatIssues, intBetween } from './common/validation.ts';
import { jobQueueDefaults } from './queue/job-queue.ts';
import { tesseractEngineDefaults } from './ocr/tesseract-engine-options.ts';
import { engineChoices } from './ocr/select-engine.ts';
import type { OpenObjectStoreOptions } from './storage/store-location.ts';

export const defaults = {
  out: './out',
  /** Empty: dossier.yaml for dossier components, result.yaml for procedure results. */
  pipeline: '',
  /** One OCR worker per core: Tesseract is single-threaded per page. */
  poolSize: os.availableParallelism(),
  /** Recycle an OCR worker after this many pages to bound the wasm heap. */
  recyclePages: tesseractEngineDefaults.recyclePages,
  langData: '',
  /** auto: the tesseract command when a Tesseract 5 binary is installed, else the embedded tesseract.js. */
  engine: 'auto',
  workDir: path.join(os.tmpdir(), 'sohoa-work'),
  logLevel: 'info',
  force: false,
  keepWork: false,
  progress: true,
  /** S3-compatible endpoint; empty: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL as the AWS SDK reads them, else AWS. */
  s3Endpoint: '',
  s3Region: '',
  s3PathStyle: false,
  sse: '',
  sseKmsKeyId: '',
  objectLock: '',
  /** Pages of PDF inputs that already carry text: keep it (skip OCR), OCR them again (redo), or OCR everything (force). */
  pdfText: 'skip',
  /** PostgreSQL URL of the job queue shared by workers; empty: none (sohoa run works alone). */
  queue: '',
  /** Dossiers a worker runs at once; two keep its OCR pool fed across the end of one dossier and the start of the next. */
  concurrency: 2,
  /** SIGTERM: seconds active dossiers may run on before they are released to other workers (the queue's default). */
  drainTimeout: jobQueueDefaults.drainTimeoutMs / 1000,
  /** Port of /metrics, /healthz and /readyz; -1: off (run), the worker's default (9464); 0: any free port. */
  metricsPort: -1,
  metricsHost: '0.0.0.0',
} as const;

/** Where `sohoa worker` serves metrics unless told otherwise: the port Prometheus exporters of this kind use. */
export const workerMetricsPort = 9464;

const configSchema = z.object({
  /** Empty for the commands that take no batch (worker, status, retry). */
  batch: z.string({ error: 'expected a batch folder' }),
  out: z.string().min(1, { error: 'expected an output folder' }),
  pipeline: z.string(),
  poolSize: intBetween(1, 64),
  recyclePages: intBetween(1, 100_000),
  langData: z.string(),
  engine: z.enum(engineChoices, { error: 'expected auto, tesseract.js or tesseract' }),
  workDir: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected one of fatal, error, warn, info, debug, trace, silent' }),
  force: z.boolean(),
  keepWork: z.boolean(),
  progress: z.boolean(),
  s3Endpoint: z.union([z.literal(''), z.url({ error: 'expected a URL such as http://127.0.0.1:9000' })]),
  s3Region: z.string(),
  s3PathStyle: z.boolean(),
  sse: z.enum(['', 'AES256', 'aws:kms'], { error: 'expected AES256 or aws:kms' }),
  sseKmsKeyId: z.string(),
  objectLock: z.enum(['', 'GOVERNANCE', 'COMPLIANCE'], { error: 'expected GOVERNANCE or COMPLIANCE' }),
  pdfText: z.enum(['skip', 'redo', 'force'], { error: 'expected skip, redo or force' }),
  queue: z.union([z.literal(''), z.string().regex(/^postgres(ql)?:\/\//u, { error: 'expected a PostgreSQL URL such as postgres://user:password@host:5432/sohoa' })]),
  concurrency: intBetween(1, 64),
  drainTimeout: intBetween(0, 86_400),
  metricsPort: intBetween(-1, 65_535),
  metricsHost: z.string().min(1),
});

export type RunConfig = z.infer<typeof configSchema>;

/** Environment variables that may set an option; flags win over them. */
const environment: Partial<Record<keyof RunConfig, string>> = {
  poolSize: 'SOHOA_POOL_SIZE',
  recyclePages: 'SOHOA_RECYCLE_PAGES',
  langData: 'SOHOA_LANG_DATA',
  engine: 'SOHOA_ENGINE',
  workDir: 'SOHOA_WORK_DIR',
  logLevel: 'SOHOA_LOG_LEVEL',
  s3PathStyle: 'SOHOA_S3_PATH_STYLE',
  sse: 'SOHOA_SSE',
  sseKmsKeyId: 'SOHOA_SSE_KMS_KEY_ID',
  objectLock: 'SOHOA_OBJECT_LOCK',
  pdfText: 'SOHOA_PDF_TEXT',
  queue: 'SOHOA_QUEUE_URL',
  concurrency: 'SOHOA_CONCURRENCY',
  drainTimeout: 'SOHOA_DRAIN_TIMEOUT',
  metricsPort: 'SOHOA_METRICS_PORT',
  metricsHost: 'SOHOA_METRICS_HOST',
};

function fromEnvironment(env: NodeJS.ProcessEnv): Partial<Record<keyof RunConfig, unknown>> {
  const values: Partial<Record<keyof RunConfig, unknown>> = {};
  for (const [key, name] of Object.entries(environment) as Array<[keyof RunConfig, string]>) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    values[key] = key === 'poolSize' || key === 'recyclePages' || key === 'concurrency' || key === 'drainTimeout' || key === 'metricsPort' ? Number(raw) : key === 's3PathStyle' ? raw === '1' || raw === 'true' : raw;
  }
  return values;
}

/** Merges defaults, environment and flags (in that order of precedence, lowest first) and validates once. */
export function resolveRunConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): RunConfig {
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged = { ...defaults, ...fromEnvironment(env), ...defined };
  const parsed = configSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) throw new ConfigError('CONFIG_INVALID', formatIssues('options', parsed.error.issues).join('\n'));
  return parsed.data;
}

/** The store options of a run, for `openObjectStore`: only what was set, so the AWS SDK's own chain fills the rest. */
export function storeOptions(config: Pick<RunConfig, 's3Endpoint' | 's3Region' | 's3PathStyle' | 'sse' | 'sseKmsKeyId'>): OpenObjectStoreOptions {
  return {
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
    ...(config.s3Region ? { region: config.s3Region } : {}),
    ...(config.s3PathStyle ? { forcePathStyle: true } : {}),
    ...(config.sse === 'AES256' ? { sse: { kind: 'AES256' as const } } : {}),
    ...(config.sse === 'aws:kms' ? { sse: { kind: 'aws:kms' as const, ...(config.sseKmsKeyId ? { keyId: config.sseKmsKeyId } : {}) } } : {}),
  };
}

export const softwareVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
