// Which OCR engine a process runs: the tesseract command when asked or found (auto), else the embedded tesseract.js.
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { findTesseract, NativeTesseractEngine } from './native-tesseract-engine.ts';
import type { OcrEngine } from './ocr-engine.ts';
import type { TesseractEngineOptions } from './tesseract-engine-options.ts';

export const engineChoices = ['auto', 'tesseract.js', 'tesseract'] as const;
export type EngineChoice = (typeof engineChoices)[number];

/**
 * Starts the engine chosen. `auto` takes the tesseract command when a Tesseract 5 binary answers (it reads a page
 * in about half the CPU time), else tesseract.js, which needs nothing but npm; the start-up line says which and why.
 */
export async function startOcrEngine(choice: EngineChoice, options: TesseractEngineOptions & { binary?: string }): Promise<OcrEngine> {
  const log: Logger = options.logger ?? silentLogger;
  // tesseract.js is loaded only when it is the engine.
  const embedded = async () => (await import('./tesseract-engine.ts')).TesseractEngine.create(options);
  if (choice === 'tesseract.js') return embedded();
  if (choice === 'tesseract') return NativeTesseractEngine.create(options);
  const found = await findTesseract(options.binary);
  if (found === undefined) {
    log.info({ event: 'ocr.engine', engine: 'tesseract.js', choice }, 'ocr.engine: tesseract.js (embedded): no Tesseract 5 command on PATH or in SOHOA_TESSERACT; install tesseract-ocr for a faster engine');
    return embedded();
  }
  log.info({ event: 'ocr.engine', engine: 'tesseract', choice, binary: found.binary, version: found.version }, `ocr.engine: tesseract ${found.version} (native, ${found.binary}); --engine tesseract.js for the embedded engine`);
  return NativeTesseractEngine.create({ ...options, found });
}
