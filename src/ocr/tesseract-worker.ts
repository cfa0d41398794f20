// One tesseract.js worker: started within a time limit, each call raced against its thread's death and a time limit, its errors mapped to sohoa's.
import { readFile } from 'node:fs/promises';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import type { createWorker, RecognizeOptions as TesseractRecognizeOptions, Worker as TesseractJsWorker } from 'tesseract.js';
import { describeError, InputError } from '../domain/errors.ts';
import { TINY_PNG } from './engine-checks.ts';
import type { OcrResult, OrientationResult } from './ocr-engine.ts';
import { ocrResultFromBlocks, orientationFromDetect } from './tesseract-result.ts';
import type { PoolWorker } from './worker-pool.ts';

export type CreateWorker = typeof createWorker;

/** How to start a worker: its models and engine mode, tesseract.js's options, Tesseract's parameters, time limits. */
export interface TesseractWorkerSpec {
  languages: string[];
  oem: number;
  options: { langPath: string; gzip: boolean; legacyCore?: boolean; legacyLang?: boolean };
  parameters: Record<string, string>;
  create: CreateWorker;
  /** Longest wait for the worker to load its models and take its parameters. */
  startTimeoutMs: number;
  /** A page that takes longer is abandoned (and the worker should be replaced); 0 waits forever. */
  pageTimeoutMs: number;
}

/**
 * Tesseract prints progress notes ("Detected 680 diacritics", "Invalid resolution") straight to the process's
 * stderr; sending its debug output to the wasm file system's /dev/null keeps stderr for real errors.
 */
const QUIET_DEBUG_FILE = '/dev/null';

let nextWorkerId = 1;

export class TesseractWorker implements PoolWorker {
  readonly id = nextWorkerId++;
  readonly #tess: TesseractJsWorker;
  readonly #pageTimeoutMs: number;
  /** Rejects when the thread errors or exits without being asked to. */
  readonly #death: Promise<never>;
  #stopping = false;

  private constructor(tess: TesseractJsWorker, pageTimeoutMs: number) {
    this.#tess = tess;
    this.#pageTimeoutMs = pageTimeoutMs;
    // tesseract.js keeps the Node thread on `.worker` but does not type it, and listens with `onerror`, which
    // Node's Worker ignores: without our listener a crashing thread would throw in the main thread.
    const thread = (tess as unknown as { worker?: ThreadWorker | null }).worker;
    this.#death = new Promise<never>((_, reject) => {
      thread?.on('error', (err: Error) => reject(new Error(`worker thread crashed: ${err.message}`, { cause: err })));
      thread?.on('exit', (code: number) => {
        if (!this.#stopping) reject(new Error(`worker thread exited with code ${code}`));
      });
    });
    this.#death.catch(() => undefined);
  }

  /** Starts a worker with its models loaded and parameters set, or rejects within `spec.startTimeoutMs`. */
  static async start(spec: TesseractWorkerSpec): Promise<TesseractWorker> {
    let failStart: (reason: unknown) => void = () => {};
    const startFailed = new Promise<never>((_, reject) => {
      failStart = reject;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`a worker did not load its models within ${spec.startTimeoutMs} ms`)),
        spec.startTimeoutMs,
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
      const worker = new TesseractWorker(tess, spec.pageTimeoutMs);
      const parameters = { ...spec.parameters, debug_file: QUIET_DEBUG_FILE };
      await worker.#guard(tess.setParameters(parameters), spec.startTimeoutMs);
      return worker;
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

  /** Recognizes one upright page; an unreadable image rejects with an InputError and leaves the worker sound. */
  async recognize(image: Buffer | string, dpi: number): Promise<OcrResult> {
    const bytes = await loadImage(image);
    // tesseract.js passes unknown recognize options to Tesseract as parameters for this page only,
    // but its types list only its own options.
    const pageParameters = { user_defined_dpi: String(dpi) } as Partial<TesseractRecognizeOptions>;
    const { data } = await this.#guard(
      this.#tess.recognize(bytes, pageParameters, { blocks: true, text: false }).catch(asInputError),
      this.#pageTimeoutMs,
    );
    return ocrResultFromBlocks(data.blocks);
  }

  /** Detects a page's orientation; needs a worker started on the legacy engine with the osd model. */
  async detect(image: Buffer | string): Promise<OrientationResult> {
    const bytes = await loadImage(image);
    const { data } = await this.#guard(this.#tess.detect(bytes).catch(asInputError), this.#pageTimeoutMs);
    return orientationFromDetect(data);
  }

  /** The Tesseract core's version, as the worker reports it; undefined if it does not say. */
  async coreVersion(): Promise<string | undefined> {
    try {
      const { data } = await this.#tess.recognize(TINY_PNG, {}, { text: false });
      return typeof data.version === 'string' ? data.version : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    try {
      await this.#tess.terminate();
    } catch {
      // Already dead: nothing left to free.
    }
  }

  /** Races a call against the worker's death and a time limit, so a dead or stuck worker cannot hang a page. */
  async #guard<T>(call: Promise<T>, timeoutMs: number): Promise<T> {
    if (timeoutMs === 0) return Promise.race([call, this.#death]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([call, this.#death, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** An error's message without the "Error: " that tesseract.js leaves when it stringifies a worker-side error. */
export function tesseractReason(err: unknown): string {
  return describeError(err).replace(/^Error: /u, '');
}

/** Reads a path into bytes here, because tesseract.js would fetch a string that looks like a URL. */
async function loadImage(image: Buffer | string): Promise<Buffer> {
  if (typeof image !== 'string') return image;
  try {
    return await readFile(image);
  } catch (err) {
    throw new InputError('FILE_MISSING',
      `Cannot read the page image ${image} (${(err as NodeJS.ErrnoException).code ?? tesseractReason(err)}): check that the file exists.`,
      { file: image },
      { cause: err },
    );
  }
}

/**
 * tesseract.js rejects with bare strings; the one for an undecodable image is the input's fault, leaves the
 * worker sound, and is worth its own class so the page fails as bad input rather than as a bug.
 */
function asInputError(reason: unknown): never {
  const message = tesseractReason(reason);
  if (/attempting to read image/iu.test(message)) {
    throw new InputError('IMAGE_UNREADABLE',
      `Tesseract could not decode the page image (${message}): pass a PNG, JPEG, TIFF, BMP or PNM image.`,
      {},
      { cause: reason },
    );
  }
  throw reason instanceof Error ? reason : new Error(message);
}
