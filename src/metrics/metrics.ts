// The Prometheus metrics of one runner or worker: its own registry, and small methods called where events happen.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorKind } from '../domain/errors.ts';

/** Stages timed by `sohoa_stage_duration_seconds`; normalize and recognize per page, the rest per document. */
export const stageNames = ['normalize', 'recognize', 'extract', 'assemble', 'store'] as const;
export type StageName = (typeof stageNames)[number];

/** The `reason` label of failures: the error's kind, a fixed set so the series stay few. */
export const failureReasons = ['input', 'transient', 'config', 'internal'] as const satisfies readonly ErrorKind[];

/** Operations of the object store, the `operation` label of `sohoa_storage_errors_total`. */
export const storageOperations = ['put', 'get', 'head', 'exists', 'list', 'delete'] as const;
export type StorageOperation = (typeof storageOperations)[number];

export const dossierOutcomes = ['done', 'failed', 'skipped'] as const;
export type DossierOutcome = (typeof dossierOutcomes)[number];

/** What the runner knows when a page is recognized. */
export interface PageDoneMeasures {
  normalizeMs: number;
  recognizeMs: number;
  /** Tesseract's mean word confidence, 0–100 (exported as a 0–1 ratio). */
  meanConfidence: number;
  /** The page's share of its input file (PageSource.inputBytes). */
  inputBytes: number;
}

/** What the runner knows when a document is published; each duration is optional and observed when given. */
export interface DocumentStoredMeasures {
  extractMs?: number;
  assembleMs?: number;
  storeMs?: number;
}

export interface JobCounts {
  active: number;
  waiting: number;
}

export interface MetricsOptions {
  /** Process metrics (memory, CPU, event loop, GC) under their standard names `process_*` and `nodejs_*`; default on. */
  defaultMetrics?: boolean;
  /** Software version, exported as `sohoa_build_info{version}` = 1. */
  version?: string;
  /** How long a scrape waits for `observeJobs`' source before keeping the last counts. */
  jobsTimeoutMs?: number;
}

const metricsDefaults = { defaultMetrics: true, version: 'unknown', jobsTimeoutMs: 1000 } as const;

/** Seconds: a normalize step takes ~0.5–1 s, OCR 1–6 s, storing a document to S3 up to tens of seconds. */
const stageBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128];
/** Finer where it matters: pages below ~0.8 are the ones that need a person. */
const confidenceBuckets = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1];

type Child<T> = Record<string, T>;

/**
 * Every metric sohoa exports. Each instance owns its registry (never prom-client's global one), so tests and
 * several runners in one process do not collide. Label values come from fixed sets and are bound once here, so
 * the hot path builds no label objects: `pageDone` costs about 0.7 µs, against seconds of OCR per page.
 */
export class Metrics {
  readonly registry: Registry;
  private readonly pagesProcessed: Counter;
  private readonly pagesFailed: Child<Counter.Internal>;
  private readonly documentsProcessed: Counter;
  private readonly documentsFailed: Child<Counter.Internal>;
  private readonly dossiers: Child<Counter.Internal>;
  private readonly stageSeconds: Child<Histogram.Internal<string>>;
  private readonly ocrConfidence: Histogram;
  private readonly inputBytes: Counter;
  private readonly outputBytes: Counter;
  private readonly storageErrors: Child<Counter.Internal>;
  private readonly queueErrors: Counter;
  private readonly jobsActive: Gauge;
  private readonly jobsWaiting: Gauge;
  private jobsSource: (() => JobCounts | Promise<JobCounts>) | undefined;
  /** One read of the source per scrape, shared by both gauges (the registry collects them concurrently). */
  private jobsRefresh: Promise<void> | undefined;
  private readonly jobsTimeoutMs: number;

  constructor(options: MetricsOptions = {}) {
    const settings = { ...metricsDefaults, ...withoutUndefined(options) };
    this.jobsTimeoutMs = settings.jobsTimeoutMs;
    const registers = [(this.registry = new Registry())];

    this.pagesProcessed = new Counter({ name: 'sohoa_pages_processed_total', help: 'Pages normalized and recognized.', registers });
    const pagesFailed = new Counter({ name: 'sohoa_pages_failed_total', help: 'Pages that failed, by error kind (input, transient, config, internal).', labelNames: ['reason'], registers });
    this.pagesFailed = bind(failureReasons, (reason) => zeroCounter(pagesFailed.labels(reason)));
    this.documentsProcessed = new Counter({ name: 'sohoa_documents_processed_total', help: 'Documents published to the store (PDF, text and record).', registers });
    const documentsFailed = new Counter({ name: 'sohoa_documents_failed_total', help: 'Documents not published, by error kind.', labelNames: ['reason'], registers });
    this.documentsFailed = bind(failureReasons, (reason) => zeroCounter(documentsFailed.labels(reason)));
    const dossiers = new Counter({ name: 'sohoa_dossiers_total', help: 'Dossiers finished, by outcome (done, failed, skipped as already complete).', labelNames: ['outcome'], registers });
    this.dossiers = bind(dossierOutcomes, (outcome) => zeroCounter(dossiers.labels(outcome)));
    const stageSeconds = new Histogram({ name: 'sohoa_stage_duration_seconds', help: 'Time spent in each stage: per page (normalize, recognize) or per document (extract, assemble, store).', labelNames: ['stage'], buckets: stageBuckets, registers });
    this.stageSeconds = bind(stageNames, (stage) => {
      stageSeconds.zero({ stage });
      return stageSeconds.labels(stage);
    });
    this.ocrConfidence = new Histogram({ name: 'sohoa_page_ocr_confidence_ratio', help: 'Mean OCR word confidence of each recognized page, 0–1.', buckets: confidenceBuckets, registers });
    this.inputBytes = new Counter({ name: 'sohoa_input_bytes_total', help: 'Bytes of input scans processed (each page counts its share of its file).', registers });
    this.outputBytes = new Counter({ name: 'sohoa_output_bytes_total', help: 'Bytes written to the object store.', registers });
    const storageErrors = new Counter({ name: 'sohoa_storage_errors_total', help: 'Object store operations that failed after the client\'s own retries, by operation.', labelNames: ['operation'], registers });
    this.storageErrors = bind(storageOperations, (operation) => zeroCounter(storageErrors.labels(operation)));
    this.queueErrors = new Counter({ name: 'sohoa_queue_errors_total', help: 'Errors reported by the job queue (PostgreSQL).', registers });

    // Read at scrape time when the worker registered a source, so the gauges are never older than the scrape.
    const metrics = this;
    this.jobsActive = new Gauge({ name: 'sohoa_jobs_active', help: 'Jobs (dossiers) this worker is processing.', registers, collect: () => metrics.refreshJobs() });
    this.jobsWaiting = new Gauge({ name: 'sohoa_jobs_waiting', help: 'Jobs (dossiers) waiting in the queue.', registers, collect: () => metrics.refreshJobs() });
    new Gauge({ name: 'sohoa_build_info', help: 'Always 1; the label carries the software version.', labelNames: ['version'], registers }).labels(settings.version).set(1);

    if (settings.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Content type of `text()`: the Prometheus text exposition format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text a scrape returns. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  pageDone(page: PageDoneMeasures): void {
    this.pagesProcessed.inc();
    this.stageDuration('normalize', page.normalizeMs);
    this.stageDuration('recognize', page.recognizeMs);
    this.ocrConfidence.observe(clamp(page.meanConfidence / 100, 0, 1));
    if (page.inputBytes > 0) this.inputBytes.inc(page.inputBytes);
  }

  pageFailed(reason: ErrorKind): void {
    (this.pagesFailed[reason] ?? this.pagesFailed['internal'])?.inc();
  }

  documentStored(document: DocumentStoredMeasures = {}): void {
    this.documentsProcessed.inc();
    if (document.extractMs !== undefined) this.stageDuration('extract', document.extractMs);
    if (document.assembleMs !== undefined) this.stageDuration('assemble', document.assembleMs);
    if (document.storeMs !== undefined) this.stageDuration('store', document.storeMs);
  }

  /** A document not published; failed pages make it fail with their kind (usually `input`). */
  documentFailed(reason: ErrorKind = 'input'): void {
    (this.documentsFailed[reason] ?? this.documentsFailed['internal'])?.inc();
  }

  dossierFinished(outcome: DossierOutcome): void {
    this.dossiers[outcome]?.inc();
  }

  stageDuration(stage: StageName, durationMs: number): void {
    if (durationMs >= 0) this.stageSeconds[stage]?.observe(durationMs / 1000);
  }

  /** Starts a timer for a stage; call the returned function when the stage ends. */
  startStage(stage: StageName): () => void {
    const started = performance.now();
    return () => this.stageDuration(stage, performance.now() - started);
  }

  /** Bytes written to the store (MeteredObjectStore counts them for you). */
  bytesOut(sizeBytes: number): void {
    if (sizeBytes > 0) this.outputBytes.inc(sizeBytes);
  }

  storageError(operation: StorageOperation): void {
    this.storageErrors[operation]?.inc();
  }

  queueError(): void {
    this.queueErrors.inc();
  }

  /** Sets the job gauges directly (e.g. when the worker takes or finishes a job). */
  setJobs(counts: Partial<JobCounts>): void {
    if (counts.active !== undefined) this.jobsActive.set(counts.active);
    if (counts.waiting !== undefined) this.jobsWaiting.set(counts.waiting);
  }

  /**
   * Reads the job counts at each scrape instead. A source that fails or takes longer than `jobsTimeoutMs` leaves
   * the last counts in place: a slow queue shows in /readyz and `sohoa_queue_errors_total`, not as a failed scrape.
   */
  observeJobs(source: () => JobCounts | Promise<JobCounts>): void {
    this.jobsSource = source;
  }

  private refreshJobs(): Promise<void> {
    this.jobsRefresh ??= this.readJobs().finally(() => (this.jobsRefresh = undefined));
    return this.jobsRefresh;
  }

  private async readJobs(): Promise<void> {
    const source = this.jobsSource;
    if (!source) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const counts = await Promise.race([
        Promise.resolve().then(source),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.jobsTimeoutMs))),
      ]);
      if (counts) this.setJobs(counts);
    } catch {
      // Keep the last counts; see observeJobs.
    } finally {
      clearTimeout(timer);
    }
  }
}

/** One child per label value; the callers start each at zero, since `rate()` over a reason needs the series before its first failure. */
function bind<K extends string, T>(keys: readonly K[], make: (key: K) => T): Record<string, T> {
  // A null-prototype object, so a reason like "constructor" from a bad caller finds nothing instead of a function.
  const children: Record<string, T> = Object.create(null);
  for (const key of keys) children[key] = make(key);
  return children;
}

function zeroCounter(child: Counter.Internal): Counter.Internal {
  child.inc(0);
  return child;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
