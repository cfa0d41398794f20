// Recognize stage: reads the text of one normalized page through the OCR port.
import type { NormalizedPage, RecognizedPage } from '../domain/page.ts';
import type { OcrEngine } from '../ocr/ocr-engine.ts';

export async function recognizePage(page: NormalizedPage, ocr: OcrEngine): Promise<RecognizedPage> {
  const started = performance.now();
  // The OCR copy may have been upscaled for low-resolution scans; tell the engine its real resolution.
  const ocrDpi = (page as NormalizedPage & { ocrDpi?: number }).ocrDpi ?? page.dpi;
  const result = await ocr.recognize(page.ocrImagePath, { dpi: ocrDpi });
  return {
    ...page,
    words: result.words,
    text: result.text.normalize('NFC'),
    meanConfidence: result.meanConfidence,
    ocrDurationMs: performance.now() - started,
  };
}
