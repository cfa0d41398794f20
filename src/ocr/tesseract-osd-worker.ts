// The orientation (OSD) worker: one legacy-engine tesseract.js worker, started on first use, one page at a time, restarted after a failure.
import { OEM } from 'tesseract.js';
import { InputError } from '../domain/errors.ts';
import type { Logger } from '../log.ts';
import { npmOsdLangPath } from './lang-data.ts';
import type { OrientationResult } from './ocr-engine.ts';
import { TesseractWorker, tesseractReason, type CreateWorker } from './tesseract-worker.ts';

export interface TesseractOsdWorkerOptions {
  create: CreateWorker;
  startTimeoutMs: number;
  pageTimeoutMs: number;
  log: Logger;
}

/** Calls run one at a time: orientation is asked once per page, so one worker is enough. */
export class TesseractOsdWorker {
  readonly #options: TesseractOsdWorkerOptions;
  #worker: Promise<TesseractWorker> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: TesseractOsdWorkerOptions) {
    this.#options = options;
  }

  detect(image: Buffer | string): Promise<OrientationResult> {
    const run = this.#tail.then(() => this.#detectNow(image));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for the calls already made, then stops the worker if it was started. */
  async close(): Promise<void> {
    await this.#tail;
    const starting = this.#worker;
    this.#worker = undefined;
    const worker = starting === undefined ? undefined : await starting.catch(() => undefined);
    await worker?.stop();
  }

  async #detectNow(image: Buffer | string): Promise<OrientationResult> {
    const { create, startTimeoutMs, pageTimeoutMs, log } = this.#options;
    this.#worker ??= npmOsdLangPath().then((langPath) =>
      TesseractWorker.start({
        languages: ['osd'],
        oem: OEM.TESSERACT_ONLY,
        options: { langPath, gzip: true, legacyCore: true, legacyLang: true },
        parameters: {},
        create,
        startTimeoutMs,
        pageTimeoutMs,
      }),
    );
    let worker: TesseractWorker;
    try {
      worker = await this.#worker;
    } catch (err) {
      this.#worker = undefined;
      throw new Error(`The Tesseract OSD worker did not start: ${tesseractReason(err)}`, { cause: err });
    }
    const startedAt = performance.now();
    try {
      const result = await worker.detect(image);
      log.debug({ ...result, durationMs: Math.round(performance.now() - startedAt) }, 'orientation detected');
      return result;
    } catch (err) {
      if (err instanceof InputError) throw err;
      this.#worker = undefined;
      await worker.stop();
      throw new Error(`Tesseract orientation detection failed on this page: ${tesseractReason(err)}`, { cause: err });
    }
  }
}
