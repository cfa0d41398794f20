// The OcrEngine adapter over tesseract.js 7: a pool of recognition workers fed in FIFO order, and one OSD worker.
import { createWorker, OEM } from 'tesseract.js';
import { ConfigError, InputError, InternalError, SohoaError } from '../domain/errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { OcrEngine, OcrEngineInfo, OcrResult, OrientationResult, RecognizeOptions } from './ocr-engine.ts';
import { dpiError } from './engine-checks.ts';
import { resolveLangData, tesseractJsVersion } from './lang-data.ts';
import { resolveEngineOptions, type TesseractEngineOptions } from './tesseract-engine-options.ts';
import { TesseractOsdWorker } from './tesseract-osd-worker.ts';
import { TesseractWorker, tesseractReason, type TesseractWorkerSpec } from './tesseract-worker.ts';
import { startWorkers, WorkerPool, type WorkerPoolEvents } from './worker-pool.ts';

export class TesseractEngine implements OcrEngine {
  readonly info: OcrEngineInfo;
  readonly #log: Logger;
  readonly #pool: WorkerPool<TesseractWorker>;
  readonly #osd: TesseractOsdWorker;
  #closed = false;
  #closing: Promise<void> | undefined;

  // Private: `create` starts the workers, which a constructor cannot await.
  private constructor(info: OcrEngineInfo, log: Logger, pool: WorkerPool<TesseractWorker>, osd: TesseractOsdWorker) {
    this.info = info;
    this.#log = log;
    this.#pool = pool;
    this.#osd = osd;
  }

  /** Checks the language data and starts every recognition worker; throws ConfigError on bad options or data. */
  static async create(options: TesseractEngineOptions = {}): Promise<TesseractEngine> {
    const startedAt = performance.now();
    const log = options.logger ?? silentLogger;
    const { languages, poolSize, recyclePages, pageSegMode, pageTimeoutMs, workerStartTimeoutMs } = resolveEngineOptions(options);
    const langData = await resolveLangData(languages, { langDataDir: options.langDataDir, cacheDir: options.cacheDir });
    const spec: TesseractWorkerSpec = {
      languages: langData.languages,
      oem: OEM.LSTM_ONLY,
      options: { langPath: langData.langPath, gzip: langData.gzip },
      parameters: { tessedit_pageseg_mode: String(pageSegMode) },
      create: options.createWorker ?? createWorker,
      startTimeoutMs: workerStartTimeoutMs,
      pageTimeoutMs,
    };
    const start = () => TesseractWorker.start(spec);
    const workers = await startWorkers(poolSize, start).catch((err: unknown) => {
      throw new ConfigError('OCR_START_FAILED',
        `Tesseract workers did not start with language data from ${langData.langPath} ` +
          `(${tesseractReason(err)}): check the language files and the memory available.`,
        { field: 'languages' },
        { cause: err },
      );
    });
    const coreVersion = await (workers[0] as TesseractWorker).coreVersion(); // poolSize >= 1 was checked
    const version = tesseractJsVersion();
    const info: OcrEngineInfo = {
      engine: 'tesseract.js',
      engineVersion: coreVersion === undefined ? version : `${version} (Tesseract ${coreVersion})`,
      languages: [...langData.languages],
      model: langData.model,
      langPath: langData.langPath,
    };
    log.info({ ...info, poolSize, recyclePages, pageSegMode, durationMs: Math.round(performance.now() - startedAt) }, 'OCR workers started');
    const pool = new WorkerPool({
      workers,
      start,
      recycleAfterJobs: recyclePages,
      keepsWorker: (err) => err instanceof InputError, // an unreadable file is the input's fault
      closedError,
      brokenError: brokenPoolError,
      events: poolEvents(log),
    });
    const osd = new TesseractOsdWorker({ create: spec.create, startTimeoutMs: workerStartTimeoutMs, pageTimeoutMs, log });
    return new TesseractEngine(info, log, pool, osd);
  }

  /** Recognizes one upright page; pages wait in FIFO order for a free worker. */
  recognize(image: Buffer | string, options: RecognizeOptions): Promise<OcrResult> {
    if (this.#closed) return Promise.reject(closedError());
    const badDpi = dpiError(options.dpi);
    if (badDpi) return Promise.reject(badDpi);
    return this.#pool.run((worker) => this.#recognizeOn(worker, image, options.dpi)).catch(asPageFailure);
  }

  /** Detects orientation with the legacy-engine OSD worker; calls run one at a time. */
  detectOrientation(image: Buffer | string): Promise<OrientationResult> {
    if (this.#closed) return Promise.reject(closedError());
    return this.#osd.detect(image);
  }

  /** Finishes every accepted page (queued or running), then stops all workers; later calls are rejected. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= Promise.all([this.#pool.close(), this.#osd.close()]).then(() => {
      this.#log.info({ engine: this.info.engine }, 'OCR workers stopped');
    });
    return this.#closing;
  }

  async #recognizeOn(worker: TesseractWorker, image: Buffer | string, dpi: number): Promise<OcrResult> {
    const startedAt = performance.now();
    const result = await worker.recognize(image, dpi);
    const durationMs = performance.now() - startedAt;
    this.#log.debug({ workerId: worker.id, words: result.words.length, durationMs: Math.round(durationMs) }, 'page recognized');
    return { ...result, durationMs };
  }
}

/** The pool's events as the engine's log lines. */
function poolEvents(log: Logger): WorkerPoolEvents<TesseractWorker> {
  return {
    workerFailed: ({ worker, err }) => log.warn({ workerId: worker.id, err }, 'OCR worker failed on a page: replacing it'),
    workerReplaced: ({ slot, old, worker, reason, jobsDone }) => {
      const why = reason === 'recycled' ? `recycled after ${jobsDone} pages` : 'failed on a page';
      log.info({ slot, oldWorkerId: old.id, workerId: worker.id, reason: why }, 'OCR worker replaced');
    },
    restartFailed: ({ slot, attempt, err }) => log.warn({ slot, attempt, err }, 'OCR worker did not restart'),
  };
}

/** Bad input and the pool's own refusals pass as they are; any other failure is Tesseract's on this page. */
function asPageFailure(err: unknown): never {
  if (err instanceof SohoaError) throw err;
  throw new Error(`Tesseract failed on this page: ${tesseractReason(err)}`, { cause: err });
}

function closedError(): InternalError {
  return new InternalError('INTERNAL', 'The OCR engine is closed: create a new TesseractEngine before recognizing more pages.');
}

function brokenPoolError(): InternalError {
  return new InternalError('INTERNAL', 'No OCR worker could be restarted: check the memory available and the logs, then restart the process.');
}
