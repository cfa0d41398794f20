// The OcrEngine adapter over the tesseract command (Tesseract 5): one single-threaded process per page, at most one per pool slot.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createLimiter, type Limiter } from '../common/limiter.ts';
import { ConfigError, InputError, InternalError, SohoaError } from '../domain/errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { dpiError, TINY_PNG } from './engine-checks.ts';
import { resolveNativeLangData, type NativeLangData } from './native-lang-data.ts';
import type { OcrEngine, OcrEngineInfo, OcrResult, OrientationResult, RecognizeOptions } from './ocr-engine.ts';
import { resolveEngineOptions, type TesseractEngineOptions } from './tesseract-engine-options.ts';
import { checkImage, isUnreadableImage, lastLine, runTesseract } from './tesseract-process.ts';
import { ocrResultFromTsv, orientationFromOsd, tessdataDirFrom, tesseractVersionFrom } from './tesseract-tsv.ts';

/** The oldest Tesseract whose LSTM engine reads the same models and prints the same TSV. */
const MIN_MAJOR_VERSION = 5;


export interface NativeTesseractEngineOptions extends Omit<TesseractEngineOptions, 'createWorker' | 'recyclePages'> {
  /** The tesseract command: a path, or a name looked up on PATH. */
  binary?: string;
  /** The command as `findTesseract` already found it, so that it is not asked again. */
  found?: TesseractBinary;
  /**
   * Without `langDataDir`: read the models installed with the binary when they hold every language (the default),
   * or always the npm packages' models, the ones tesseract.js reads (false: both engines on the same models).
   */
  systemModels?: boolean;
}

/** A Tesseract binary that answered `--version`. */
export interface TesseractBinary {
  binary: string;
  version: string;
}

/** The tesseract command named by SOHOA_TESSERACT or found on PATH, if it is Tesseract 5 or later; undefined otherwise. */
export async function findTesseract(binary = process.env['SOHOA_TESSERACT'] || 'tesseract'): Promise<TesseractBinary | undefined> {
  const version = tesseractVersionFrom((await ask(binary, ['--version'])) ?? '');
  if (version === undefined || Number(version.split('.')[0]) < MIN_MAJOR_VERSION) return undefined;
  return { binary, version };
}

/** What the command prints (both streams) for a question such as `--version`; undefined when it does not answer. */
async function ask(binary: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await promisify(execFile)(binary, args, { timeout: 10_000 });
    return `${stdout}\n${stderr}`;
  } catch {
    return undefined;
  }
}

/** The folder the binary reads models from when given none, from `--list-langs`; undefined if it does not say. */
async function systemTessdata(binary: string): Promise<string | undefined> {
  return tessdataDirFrom((await ask(binary, ['--list-langs'])) ?? '');
}

export class NativeTesseractEngine implements OcrEngine {
  readonly info: OcrEngineInfo;
  readonly #binary: string;
  readonly #langData: NativeLangData;
  readonly #pageSegMode: number;
  readonly #pageTimeoutMs: number;
  readonly #log: Logger;
  /** Recognition and orientation alike: never more tesseract processes than slots, so they never outnumber the cores. */
  readonly #pool: Limiter;
  readonly #running = new Set<Promise<unknown>>();
  #closed = false;

  private constructor(binary: TesseractBinary, langData: NativeLangData, options: ReturnType<typeof resolveEngineOptions>, log: Logger) {
    this.#binary = binary.binary;
    this.#langData = langData;
    this.#pageSegMode = options.pageSegMode;
    this.#pageTimeoutMs = options.pageTimeoutMs;
    this.#log = log;
    this.#pool = createLimiter(options.poolSize);
    this.info = {
      engine: 'tesseract',
      engineVersion: binary.version,
      languages: [...langData.languages],
      model: langData.model,
      langPath: langData.tessdataDir,
    };
  }

  /** Finds the binary, prepares the models and reads one tiny page; throws ConfigError when any of it fails. */
  static async create(options: NativeTesseractEngineOptions = {}): Promise<NativeTesseractEngine> {
    const startedAt = performance.now();
    const log = options.logger ?? silentLogger;
    const resolved = resolveEngineOptions(options);
    const binary = options.found ?? (await findTesseract(options.binary));
    if (binary === undefined) {
      throw new ConfigError('OCR_START_FAILED',
        `No Tesseract ${MIN_MAJOR_VERSION} command was found (${options.binary ?? (process.env['SOHOA_TESSERACT'] || 'tesseract on PATH')}): ` +
          'install it (apt install tesseract-ocr tesseract-ocr-vie), set SOHOA_TESSERACT to its path, or choose --engine tesseract.js.',
        { field: 'engine' },
      );
    }
    const systemDir = options.systemModels === false ? undefined : await systemTessdata(binary.binary);
    const langData = await resolveNativeLangData(resolved.languages, { langDataDir: options.langDataDir, cacheDir: options.cacheDir, systemDir });
    const engine = new NativeTesseractEngine(binary, langData, resolved, log);
    await engine.#read(TINY_PNG, 300, resolved.workerStartTimeoutMs).catch((err: unknown) => {
      throw new ConfigError('OCR_START_FAILED',
        `The tesseract command (${binary.binary}, ${binary.version}) could not read a test page with the models in ` +
          `${langData.tessdataDir} (${err instanceof Error ? err.message : String(err)}): check the language files.`,
        { field: 'languages' },
        { cause: err },
      );
    });
    log.info({ ...engine.info, binary: binary.binary, poolSize: resolved.poolSize, pageSegMode: resolved.pageSegMode, durationMs: Math.round(performance.now() - startedAt) }, 'OCR engine ready');
    return engine;
  }

  /** Recognizes one upright page; pages wait in FIFO order for a free slot. */
  recognize(image: Buffer | string, options: RecognizeOptions): Promise<OcrResult> {
    if (this.#closed) return Promise.reject(closedError());
    const badDpi = dpiError(options.dpi);
    if (badDpi) return Promise.reject(badDpi);
    return this.#track(this.#pool(async () => {
      const startedAt = performance.now();
      const result = await this.#read(image, options.dpi, this.#pageTimeoutMs);
      const durationMs = performance.now() - startedAt;
      this.#log.debug({ words: result.words.length, durationMs: Math.round(durationMs) }, 'page recognized');
      return { ...result, durationMs };
    }));
  }

  /** Detects the page's orientation with Tesseract's OSD (legacy engine, osd model). */
  detectOrientation(image: Buffer | string): Promise<OrientationResult> {
    if (this.#closed) return Promise.reject(closedError());
    return this.#track(this.#pool(async () => {
      await checkImage(image);
      // No debug_file here: Tesseract prints "Too few characters" through it, and that line is what tells a page
      // with too little text from a failure. The first page only, as tesseract.js reads a multi-page TIFF.
      const args = [imageArg(image), 'stdout', '--tessdata-dir', this.#langData.osdDir, '-l', 'osd', '--psm', '0', '-c', 'tessedit_page_number=0'];
      const out = await runTesseract({ binary: this.#binary, args, input: imageInput(image), timeoutMs: this.#pageTimeoutMs }).catch(asPageFailure('orientation detection'));
      // Too little text to tell is an answer (upright, confidence 0), as tesseract.js gives it.
      if (out.code !== 0 && !/Too few characters/u.test(out.stderr)) failWith(out.stderr, 'orientation detection', image);
      return orientationFromOsd(out.stdout);
    }));
  }

  /** Waits for every accepted page, then refuses new ones; no process outlives it. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#running]);
    this.#log.info({ engine: this.info.engine }, 'OCR engine stopped');
  }

  async #read(image: Buffer | string, dpi: number, timeoutMs: number): Promise<OcrResult> {
    await checkImage(image);
    const { tessdataDir, languages } = this.#langData;
    const args = [
      imageArg(image), 'stdout', '--tessdata-dir', tessdataDir, '-l', languages.join('+'), '--oem', '1',
      '--psm', String(this.#pageSegMode), '--dpi', String(dpi), '-c', 'tessedit_create_tsv=1', '-c', 'debug_file=/dev/null',
      // One page, the first, as tesseract.js reads a multi-page TIFF; the command would read them all into one TSV.
      '-c', 'tessedit_page_number=0',
    ];
    const out = await runTesseract({ binary: this.#binary, args, input: imageInput(image), timeoutMs }).catch(asPageFailure('recognition'));
    if (out.code !== 0) failWith(out.stderr, 'recognition', image);
    return ocrResultFromTsv(out.stdout);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#running.add(work);
    const forget = () => this.#running.delete(work);
    work.then(forget, forget);
    return work;
  }
}

/** A path goes to the command as it is; bytes go through standard input. */
function imageArg(image: Buffer | string): string {
  return typeof image === 'string' ? image : 'stdin';
}

function imageInput(image: Buffer | string): Buffer | undefined {
  return typeof image === 'string' ? undefined : image;
}

/** Exit code 1: an image Tesseract could not decode is the input's fault; anything else is the engine's. */
function failWith(stderr: string, what: string, image: Buffer | string): never {
  if (isUnreadableImage(stderr)) {
    throw new InputError('IMAGE_UNREADABLE',
      `Tesseract could not decode the page image${typeof image === 'string' ? ` ${image}` : ''}${lastLine(stderr)}: pass a PNG, JPEG, TIFF, BMP or PNM image.`,
      typeof image === 'string' ? { file: image } : {},
    );
  }
  throw new Error(`Tesseract failed on this page (${what})${lastLine(stderr)}`);
}

function asPageFailure(what: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof SohoaError) throw err;
    throw new Error(`Tesseract failed on this page (${what}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  };
}

function closedError(): InternalError {
  return new InternalError('INTERNAL', 'The OCR engine is closed: create a new engine before recognizing more pages.');
}
