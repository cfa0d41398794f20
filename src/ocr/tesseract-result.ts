// Pure conversions from tesseract.js answers to the OcrEngine port's results.
import type { Box, Word } from '../domain/page.ts';
import type { OcrResult, OrientationResult } from './ocr-engine.ts';

/** The part of tesseract.js's `blocks` output the engine reads; tesseract.js's own types are wider. */
export interface TesseractBlock {
  paragraphs: Array<{
    lines: Array<{
      words: Array<{ text: string; confidence: number; bbox: Box }>;
    }>;
  }>;
}

export interface TesseractDetectData {
  orientation_degrees: number | null;
  orientation_confidence: number | null;
}

/**
 * Flattens blocks → paragraphs → lines → words into the page's words and text. The text is built from the
 * kept words (not Tesseract's own text, which adds blank lines between paragraphs) so that the text, the word
 * list and the PDF text layer agree exactly: one line per `lineIndex`, words joined by one space.
 */
export function ocrResultFromBlocks(blocks: readonly TesseractBlock[] | null): OcrResult {
  const words: Word[] = [];
  const lines: string[] = [];
  for (const block of blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const lineIndex = lines.length;
        const texts: string[] = [];
        for (const word of line.words) {
          // Tesseract can return a "word" of spaces for noise; it would make an empty token in the text.
          const text = word.text.normalize('NFC').replace(/\s+/gu, '');
          if (text === '') continue;
          words.push({
            text,
            box: { x0: word.bbox.x0, y0: word.bbox.y0, x1: word.bbox.x1, y1: word.bbox.y1 },
            confidence: word.confidence,
            lineIndex,
          });
          texts.push(text);
        }
        if (texts.length > 0) lines.push(texts.join(' '));
      }
    }
  }
  const meanConfidence = words.length === 0 ? 0 : words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
  return { words, text: lines.join('\n'), meanConfidence };
}

/**
 * tesseract.js's `orientation_degrees` is already the clockwise rotation that makes the page upright
 * (measured: a page turned 90° clockwise reads 270, and sharp's `.rotate(270)` rights it). A page without
 * enough text for OSD gives null, reported as upright with confidence 0 so callers leave it alone.
 */
export function orientationFromDetect(data: TesseractDetectData): OrientationResult {
  const degrees = data.orientation_degrees;
  if (degrees === null || data.orientation_confidence === null) return { rotateDeg: 0, confidence: 0 };
  const normalized = ((Math.round(degrees / 90) * 90) % 360 + 360) % 360;
  return { rotateDeg: normalized as OrientationResult['rotateDeg'], confidence: data.orientation_confidence };
}
