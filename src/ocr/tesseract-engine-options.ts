// TesseractEngine's options: what each means, their defaults, and the checks that refuse a bad one before any worker starts.
import { availableParallelism } from 'node:os';
import { ConfigError } from '../domain/errors.ts';
import type { Logger } from '../log.ts';
import type { CreateWorker } from './tesseract-worker.ts';
import { readingPageSegModes } from './page-seg-modes.ts';

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
  logger?: Logger;
  /** Replaces tesseract.js's `createWorker`, for fault-injection tests only. */
  createWorker?: CreateWorker;
}

/** The engine's defaults; the CLI's configuration takes `recyclePages` from here. */
export const tesseractEngineDefaults = {
  languages: ['vie'],
  recyclePages: 200,
  pageSegMode: 3,
  pageTimeoutMs: 300_000,
  workerStartTimeoutMs: 60_000,
} as const;

/** Modes that need no OSD data in the recognition folder (0, 1 and 12 do, 2 recognizes nothing): the list the pipeline file is checked against. */
const SUPPORTED_PAGE_SEG_MODES: ReadonlySet<number> = new Set(readingPageSegModes);

/** The options that have defaults, resolved. */
export type ResolvedEngineOptions = Required<Pick<TesseractEngineOptions, 'languages' | 'poolSize' | 'recyclePages' | 'pageSegMode' | 'pageTimeoutMs' | 'workerStartTimeoutMs'>>;

/** The options with their defaults, each checked; a bad one is a ConfigError naming it. */
export function resolveEngineOptions(options: TesseractEngineOptions): ResolvedEngineOptions {
  const checked: ResolvedEngineOptions = {
    languages: options.languages ?? [...tesseractEngineDefaults.languages],
    poolSize: options.poolSize ?? availableParallelism(),
    recyclePages: options.recyclePages ?? tesseractEngineDefaults.recyclePages,
    pageSegMode: options.pageSegMode ?? tesseractEngineDefaults.pageSegMode,
    pageTimeoutMs: options.pageTimeoutMs ?? tesseractEngineDefaults.pageTimeoutMs,
    workerStartTimeoutMs: options.workerStartTimeoutMs ?? tesseractEngineDefaults.workerStartTimeoutMs,
  };
  checkInteger('poolSize', checked.poolSize, 1, 256);
  checkInteger('recyclePages', checked.recyclePages, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('pageTimeoutMs', checked.pageTimeoutMs, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('workerStartTimeoutMs', checked.workerStartTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
  if (!SUPPORTED_PAGE_SEG_MODES.has(checked.pageSegMode)) {
    throw new ConfigError('OCR_CONFIG_INVALID',
      `Expected a page segmentation mode among ${[...SUPPORTED_PAGE_SEG_MODES].join(', ')} for pageSegMode ` +
        `but received ${JSON.stringify(checked.pageSegMode)}: use 3 (automatic) for whole pages.`,
      { field: 'pageSegMode' },
    );
  }
  return checked;
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
