// Recognize stage: reads the text of one normalized page through the OCR port.
import { z } from 'zod';
import type { NormalizedPage, RecognizedPage } from '../domain/page.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';
import { readingPageSegModes } from '../ocr/page-seg-modes.ts';
import type { Stage } from './stage.ts';

const languageCode = z.string().regex(/^[a-z_]{3,16}$/, { error: 'expected a Tesseract language code such as "vie"' });

export const recognizeOptions = z
  .object({
    languages: z.array(languageCode, { error: 'expected a list of language codes' }).min(1, { error: 'expected at least one language' }).default(['vie']).describe('Tesseract language models, by code, loaded at start-up; add eng for batches with English pages'),
    pageSegMode: z
      .literal([...readingPageSegModes], { error: `expected a page segmentation mode among ${readingPageSegModes.join(', ')} (3, automatic, for whole pages)` })
      .default(3)
      .describe("Tesseract's page segmentation mode; 3 (automatic) reads whole pages, 4 a single column, 6 a single block"),
  })
  .strict();

export type RecognizeOptions = z.output<typeof recognizeOptions>;

export async function recognizePage(page: NormalizedPage, ocr: OcrEngine): Promise<RecognizedPage> {
  const started = performance.now();
  // The OCR copy may have been upscaled for low-resolution scans; the engine is told its real resolution.
  const result = await ocr.recognize(page.ocrImagePath, { dpi: page.ocrDpi });
  const ocrDurationMs = performance.now() - started;
  // The engine's own time on the page, and the rest: the wait for a free engine slot.
  const engineMs = result.durationMs ?? ocrDurationMs;
  return {
    ...page,
    words: result.words,
    text: result.text.normalize('NFC'),
    meanConfidence: result.meanConfidence,
    ocrDurationMs,
    stepsMs: { ...page.stepsMs, ocr: engineMs, ocrWait: Math.max(0, ocrDurationMs - engineMs) },
  };
}

/** The engine is set up with the stage's options once, at start-up (see cli/common.ts); `run` only reads. */
export const recognizeStage: Stage<'recognize', typeof recognizeOptions, NormalizedPage, RecognizedPage> = {
  name: 'recognize',
  description: 'Reads the words of a normalized page, with their boxes and confidences, through the OCR engine',
  options: recognizeOptions,
  run: (page, ctx) => recognizePage(page, ctx.ocr),
};
