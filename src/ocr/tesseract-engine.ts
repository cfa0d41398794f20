// The OcrEngine adapter over tesseract.js 7: a fixed pool of recognition workers fed from a FIFO queue, and one OSD worker.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { createWorker, OEM } from 'tesseract.js';
import type { RecognizeOptions as TesseractRecognizeOptions, Worker as TesseractWorker } from 'tesseract.js';
import { ConfigError, InputError } from '../domain/errors.ts';
import type { OcrEngine, OcrEngineInfo, OcrResult, OrientationResult, RecognizeOptions } from './ocr-engine.ts';
import { npmOsdLangPath, resolveLangData, tesseractJsVersion } from './lang-data.ts';
import type { LangData } from './lang-data.ts';
import { ocrResultFromBlocks, orientationFromDetect } from './tesseract-result.ts';

/** The subset of a pino logger the engine uses, so tests can pass a plain object. */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface TesseractEngineOptions {
  /** Tesseract language codes, in priority order. */
  languages?: string[];
  /** Number of recognition workers (threads); each holds its own copy of the models. */
  poolSize?: number;
  /** Restart a worker after this many pages, because wasm memory only grows; 0 never restarts. */
  recyclePages?: number;
  /** A tessdata folder to use instead of the npm packages (e.g. Debian's fast models). */
  langDataDir?: string;
  /** Where the folder linking the npm language files is built; the OS temp folder by default. */
  cacheDir?: string;
  /** Tesseract page segmentation mode; 3 (automatic) reads multi-column national-layout pages. */
  pageSegMode?: number;
  /** A page that takes longer is abandoned and its worker restarted; 0 waits forever. */
  pageTimeoutMs?: number;
  /** Longest wait for a worker to load its models before start-up fails. */
  workerStartTimeoutMs?: number;
  logger?: EngineLogger;
  /** Replaces tesseract.js's `createWorker`, for fault-injection tests only. */
  createWorker?: CreateWorker;
}

export type CreateWorker = typeof createWorker;

const DEFAULTS = {
  languages: ['vie'],
  recyclePages: 200,
  pageSegMode: 3,
  pageTimeoutMs: 300_000,
  workerStartTimeoutMs: 60_000,
} as const;

/**
 * Tesseract prints progress notes ("Detected 680 diacritics", "Invalid resolution") straight to the process's
 * stderr; sending its debug output to the wasm file system's /dev/null keeps stderr for real errors.
 */
const QUIET_DEBUG_FILE = '/dev/null';

/** Modes that need no OSD data in the recognition folder (0, 1 and 12 do, 2 recognizes nothing). */
const SUPPORTED_PAGE_SEG_MODES = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
const RESTART_BACKOFF_MS = 500;
const MIN_DPI = 70;
const MAX_DPI = 2400;
/** A 1×1 white PNG: recognizing it with every output off returns the core's version and nothing else. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAACklEQVQImWP4DwABAQEADeY2wwAAAABJRU5ErkJggg==',
  'base64',
);

const silentLogger: EngineLogger = { debug() {}, info() {}, warn() {} };

/** A started tesseract.js worker and a promise that rejects if its thread dies on its own. */
interface LiveWorker {
  id: number;
  tess: TesseractWorker;
  death: Promise<never>;
  stopping: boolean;
}

interface Slot {
  index: number;
  live: LiveWorker | undefined;
  /** True while running a page or being replaced: not available for dispatch. */
  busy: boolean;
  pagesDone: number;
  /** True when no replacement worker could be started. */
  broken: boolean;
}

interface Job {
  image: Buffer | string;
  dpi: number;
  resolve(result: OcrResult): void;
  reject(err: unknown): void;
}

interface StartSpec {
  languages: string[];
  oem: number;
  options: { langPath: string; gzip: boolean; legacyCore?: boolean; legacyLang?: boolean };
  parameters: Record<string, string>;
  create: CreateWorker;
}

let nextWorkerId = 1;

export class TesseractEngine implements OcrEngine {
  readonly info: OcrEngineInfo;
  readonly #log: EngineLogger;
  readonly #spec: StartSpec;
  readonly #recyclePages: number;
  readonly #pageTimeoutMs: number;
  readonly #workerStartTimeoutMs: number;
  readonly #slots: Slot[];
  readonly #queue: Job[] = [];
  readonly #replacing = new Set<Promise<void>>();
  #idleWaiters: Array<() => void> = [];
  #closed = false;
  #closing: Promise<void> | undefined;
  #osd: Promise<LiveWorker> | undefined;
  #osdTail: Promise<unknown> = Promise.resolve();

  // Private: `create` starts the workers, which a constructor cannot await.
  private constructor(init: {
    info: OcrEngineInfo;
    log: EngineLogger;
    spec: StartSpec;
    recyclePages: number;
    pageTimeoutMs: number;
    workerStartTimeoutMs: number;
    workers: LiveWorker[];
  }) {
    this.info = init.info;
    this.#log = init.log;
    this.#spec = init.spec;
    this.#recyclePages = init.recyclePages;
    this.#pageTimeoutMs = init.pageTimeoutMs;
    this.#workerStartTimeoutMs = init.workerStartTimeoutMs;
    this.#slots = init.workers.map((live, index) => ({ index, live, busy: false, pagesDone: 0, broken: false }));
  }

  /** Checks the language data and starts every recognition worker; throws ConfigError on bad options or data. */
  static async create(options: TesseractEngineOptions = {}): Promise<TesseractEngine> {
    const startedAt = performance.now();
    const log = options.logger ?? silentLogger;
    const languages = options.languages ?? [...DEFAULTS.languages];
    const poolSize = options.poolSize ?? availableParallelism();
    const recyclePages = options.recyclePages ?? DEFAULTS.recyclePages;
    const pageSegMode = options.pageSegMode ?? DEFAULTS.pageSegMode;
    const pageTimeoutMs = options.pageTimeoutMs ?? DEFAULTS.pageTimeoutMs;
    const workerStartTimeoutMs = options.workerStartTimeoutMs ?? DEFAULTS.workerStartTimeoutMs;
    checkInteger('poolSize', poolSize, 1, 256);
    checkInteger('recyclePages', recyclePages, 0, Number.MAX_SAFE_INTEGER);
    checkInteger('pageTimeoutMs', pageTimeoutMs, 0, Number.MAX_SAFE_INTEGER);
    checkInteger('workerStartTimeoutMs', workerStartTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
    if (!SUPPORTED_PAGE_SEG_MODES.has(pageSegMode)) {
      throw new ConfigError('OCR_CONFIG_INVALID',
        `Expected a page segmentation mode among ${[...SUPPORTED_PAGE_SEG_MODES].join(', ')} for pageSegMode ` +
          `but received ${JSON.stringify(pageSegMode)}: use 3 (automatic) for whole pages.`,
        { field: 'pageSegMode' },
      );
    }

    const langData: LangData = await resolveLangData(languages, {
      langDataDir: options.langDataDir,
      cacheDir: options.cacheDir,
    });
    const spec: StartSpec = {
      languages: langData.languages,
      oem: OEM.LSTM_ONLY,
      options: { langPath: langData.langPath, gzip: langData.gzip },
      parameters: { tessedit_pageseg_mode: String(pageSegMode), debug_file: QUIET_DEBUG_FILE },
      create: options.createWorker ?? createWorker,
    };

    const started = await Promise.allSettled(
      Array.from({ length: poolSize }, () => startWorker(spec, workerStartTimeoutMs)),
    );
    const workers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(workers.map(stopWorker));
      throw new ConfigError('OCR_START_FAILED',
        `Tesseract workers did not start with language data from ${langData.langPath} ` +
          `(${describe(failure.reason)}): check the language files and the memory available.`,
        { field: 'languages' },
        { cause: failure.reason },
      );
    }
    const first = workers[0] as LiveWorker; // poolSize >= 1 was checked above
    const coreVersion = await readCoreVersion(first.tess);
    const info: OcrEngineInfo = {
      engine: 'tesseract.js',
      engineVersion: coreVersion === undefined ? tesseractJsVersion() : `${tesseractJsVersion()} (Tesseract ${coreVersion})`,
      languages: [...langData.languages],
      model: langData.model,
      langPath: langData.langPath,
    };
    log.info(
      { ...info, poolSize, recyclePages, pageSegMode, durationMs: Math.round(performance.now() - startedAt) },
      'OCR workers started',
    );
    return new TesseractEngine({ info, log, spec, recyclePages, pageTimeoutMs, workerStartTimeoutMs, workers });
  }

  /** Recognizes one upright page; pages wait in FIFO order for a free worker. */
  recognize(image: Buffer | string, options: RecognizeOptions): Promise<OcrResult> {
    if (this.#closed) return Promise.reject(closedError());
    if (!Number.isInteger(options.dpi) || options.dpi < MIN_DPI || options.dpi > MAX_DPI) {
      return Promise.reject(
        new RangeError(
          `Expected an integer ${MIN_DPI}–${MAX_DPI} for dpi but received ${JSON.stringify(options.dpi)}: ` +
            'pass the resolution of the normalized page image.',
        ),
      );
    }
    if (this.#slots.every((slot) => slot.broken)) return Promise.reject(brokenPoolError());
    return new Promise<OcrResult>((resolve, reject) => {
      this.#queue.push({ image, dpi: options.dpi, resolve, reject });
      this.#dispatch();
    });
  }

  /** Detects orientation with the legacy-engine OSD worker; calls run one at a time (one worker is enough). */
  detectOrientation(image: Buffer | string): Promise<OrientationResult> {
    if (this.#closed) return Promise.reject(closedError());
    const run = this.#osdTail.then(() => this.#detectNow(image));
    this.#osdTail = run.catch(() => undefined);
    return run;
  }

  /** Finishes every accepted page (queued or running), then stops all workers; later calls are rejected. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#notifyIfIdle();
    });
    await this.#osdTail;
    while (this.#replacing.size > 0) await Promise.allSettled([...this.#replacing]);
    const osd = this.#osd;
    this.#osd = undefined;
    const osdWorker = osd === undefined ? undefined : await osd.catch(() => undefined);
    await Promise.all([
      ...this.#slots.map((slot) => {
        const live = slot.live;
        slot.live = undefined;
        return live === undefined ? undefined : stopWorker(live);
      }),
      osdWorker === undefined ? undefined : stopWorker(osdWorker),
    ]);
    this.#log.info({ engine: this.info.engine }, 'OCR workers stopped');
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) break;
      if (slot.busy || slot.broken || slot.live === undefined) continue;
      const job = this.#queue.shift() as Job; // length checked above
      slot.busy = true;
      void this.#runJob(slot, slot.live, job);
    }
  }

  async #runJob(slot: Slot, live: LiveWorker, job: Job): Promise<void> {
    const startedAt = performance.now();
    let failure: unknown;
    try {
      const image = await loadImage(job.image);
      // tesseract.js passes unknown recognize options to Tesseract as parameters for this page only,
      // but its types list only its own options.
      const pageParameters = { user_defined_dpi: String(job.dpi) } as Partial<TesseractRecognizeOptions>;
      const { data } = await guard(
        live,
        live.tess.recognize(image, pageParameters, { blocks: true, text: false }).catch(asInputError),
        this.#pageTimeoutMs,
      );
      const result = ocrResultFromBlocks(data.blocks);
      job.resolve(result);
      this.#log.debug(
        { workerId: live.id, words: result.words.length, durationMs: Math.round(performance.now() - startedAt) },
        'page recognized',
      );
    } catch (err) {
      // An unreadable file is the input's fault and leaves the worker sound; anything else may have broken it.
      if (err instanceof InputError) {
        job.reject(err);
      } else {
        failure = err;
        job.reject(new Error(`Tesseract failed on this page: ${describe(err)}`, { cause: err }));
      }
    }
    slot.pagesDone++;
    if (failure !== undefined) {
      this.#log.warn({ workerId: live.id, err: failure }, 'OCR worker failed on a page: replacing it');
      this.#replace(slot, live, 'failed on a page');
    } else if (this.#recyclePages > 0 && slot.pagesDone >= this.#recyclePages) {
      this.#replace(slot, live, `recycled after ${slot.pagesDone} pages`);
    } else {
      slot.busy = false;
      this.#dispatch();
      this.#notifyIfIdle();
    }
  }

  #replace(slot: Slot, old: LiveWorker, reason: string): void {
    slot.live = undefined;
    const replacing = (async () => {
      await stopWorker(old);
      if (this.#closed && this.#queue.length === 0) return;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          slot.live = await startWorker(this.#spec, this.#workerStartTimeoutMs);
          slot.pagesDone = 0;
          this.#log.info({ slot: slot.index, oldWorkerId: old.id, workerId: slot.live.id, reason }, 'OCR worker replaced');
          return;
        } catch (err) {
          this.#log.warn({ slot: slot.index, attempt, err }, 'OCR worker did not restart');
          // A start that failed for lack of memory may succeed once other work has let go of some.
          await sleep(RESTART_BACKOFF_MS * attempt);
        }
      }
      slot.broken = true;
    })();
    this.#replacing.add(replacing);
    void replacing.finally(() => {
      this.#replacing.delete(replacing);
      slot.busy = false;
      if (this.#slots.every((s) => s.broken)) {
        for (const job of this.#queue.splice(0)) job.reject(brokenPoolError());
      }
      this.#dispatch();
      this.#notifyIfIdle();
    });
  }

  #notifyIfIdle(): void {
    if (this.#queue.length > 0 || this.#slots.some((slot) => slot.busy)) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async #detectNow(image: Buffer | string): Promise<OrientationResult> {
    this.#osd ??= npmOsdLangPath().then((langPath) =>
      startWorker(
        {
          languages: ['osd'],
          oem: OEM.TESSERACT_ONLY,
          options: { langPath, gzip: true, legacyCore: true, legacyLang: true },
          parameters: { debug_file: QUIET_DEBUG_FILE },
          create: this.#spec.create,
        },
        this.#workerStartTimeoutMs,
      ),
    );
    let live: LiveWorker;
    try {
      live = await this.#osd;
    } catch (err) {
      this.#osd = undefined;
      throw new Error(`The Tesseract OSD worker did not start: ${describe(err)}`, { cause: err });
    }
    const startedAt = performance.now();
    try {
      const bytes = await loadImage(image);
      const { data } = await guard(live, live.tess.detect(bytes).catch(asInputError), this.#pageTimeoutMs);
      const result = orientationFromDetect(data);
      this.#log.debug({ ...result, durationMs: Math.round(performance.now() - startedAt) }, 'orientation detected');
      return result;
    } catch (err) {
      if (err instanceof InputError) throw err;
      this.#osd = undefined;
      await stopWorker(live);
      throw new Error(`Tesseract orientation detection failed on this page: ${describe(err)}`, { cause: err });
    }
  }
}

/** Starts one tesseract.js worker with its models loaded and parameters set, or rejects within `timeoutMs`. */
async function startWorker(spec: StartSpec, timeoutMs: number): Promise<LiveWorker> {
  let failStart: (reason: unknown) => void = () => {};
  const startFailed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`a worker did not load its models within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  let started = false;
  const creating = spec.create(spec.languages, spec.oem, {
    ...spec.options,
    // Reading the cache would let a stray ./vie.traineddata in the working folder win over langPath.
    cacheMethod: 'none',
    // Without a handler tesseract.js rethrows every worker-side rejection in the main thread (uncatchable);
    // during start-up it is the only signal, because the createWorker promise never settles on failure.
    errorHandler: (reason: unknown) => {
      if (!started) failStart(new Error(String(reason)));
    },
  });
  try {
    const tess = await Promise.race([creating, startFailed, timedOut]);
    started = true;
    const live = watch(tess);
    if (Object.keys(spec.parameters).length > 0) {
      await guard(live, tess.setParameters(spec.parameters), timeoutMs);
    }
    return live;
  } catch (err) {
    // A worker that finishes loading after we gave up would otherwise keep the process alive.
    creating.then((late) => late.terminate(), () => undefined).catch(() => undefined);
    throw err;
  } finally {
    started = true;
    clearTimeout(timer);
    startFailed.catch(() => undefined);
    timedOut.catch(() => undefined);
  }
}

/** Wraps a worker with a promise that rejects when its thread errors or exits without being asked to. */
function watch(tess: TesseractWorker): LiveWorker {
  const state = { id: nextWorkerId++, tess, stopping: false };
  // tesseract.js keeps the Node thread on `.worker` but does not type it, and listens with `onerror`, which
  // Node's Worker ignores: without our listener a crashing thread would throw in the main thread.
  const thread = (tess as unknown as { worker?: ThreadWorker | null }).worker;
  const death = new Promise<never>((_, reject) => {
    thread?.on('error', (err: Error) => reject(new Error(`worker thread crashed: ${err.message}`, { cause: err })));
    thread?.on('exit', (code: number) => {
      if (!state.stopping) reject(new Error(`worker thread exited with code ${code}`));
    });
  });
  death.catch(() => undefined);
  return Object.assign(state, { death });
}

async function stopWorker(live: LiveWorker): Promise<void> {
  live.stopping = true;
  try {
    await live.tess.terminate();
  } catch {
    // Already dead: nothing left to free.
  }
}

/** Races a worker call against the worker's death and a time limit, so a dead or stuck worker cannot hang a page. */
async function guard<T>(live: LiveWorker, call: Promise<T>, timeoutMs: number): Promise<T> {
  if (timeoutMs === 0) return Promise.race([call, live.death]);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call, live.death, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a path into bytes here, because tesseract.js would fetch a string that looks like a URL. */
async function loadImage(image: Buffer | string): Promise<Buffer> {
  if (typeof image !== 'string') return image;
  try {
    return await readFile(image);
  } catch (err) {
    throw new InputError('FILE_MISSING',
      `Cannot read the page image ${image} (${(err as NodeJS.ErrnoException).code ?? describe(err)}): check that the file exists.`,
      { file: image },
      { cause: err },
    );
  }
}

async function readCoreVersion(tess: TesseractWorker): Promise<string | undefined> {
  try {
    const { data } = await tess.recognize(TINY_PNG, {}, { text: false });
    return typeof data.version === 'string' ? data.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tesseract.js rejects with bare strings; the one for an undecodable image is the input's fault, leaves the
 * worker sound, and is worth its own class so the page fails as bad input rather than as a bug.
 */
function asInputError(reason: unknown): never {
  const message = describe(reason);
  if (/attempting to read image/iu.test(message)) {
    throw new InputError('IMAGE_UNREADABLE',
      `Tesseract could not decode the page image (${message}): pass a PNG, JPEG, TIFF, BMP or PNM image.`,
      {},
      { cause: reason },
    );
  }
  throw reason instanceof Error ? reason : new Error(message);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}–${max}`;
    throw new ConfigError('OCR_CONFIG_INVALID',
      `Expected an integer ${range} for ${name} but received ${JSON.stringify(value)} (${typeof value}).`,
      { field: name },
    );
  }
}

function closedError(): Error {
  return new Error('The OCR engine is closed: create a new TesseractEngine before recognizing more pages.');
}

function brokenPoolError(): Error {
  return new Error('No OCR worker could be restarted: check the memory available and the logs, then restart the process.');
}

function describe(err: unknown): string {
  // tesseract.js stringifies worker-side errors, so their text arrives as "Error: ...".
  return (err instanceof Error ? err.message : String(err)).replace(/^Error: /u, '');
}
