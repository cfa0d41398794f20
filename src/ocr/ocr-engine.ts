// The OCR port: what the pipeline needs from an OCR engine, whatever the technology behind it.
import type { Word } from '../domain/page.ts';

export interface OcrResult {
  words: Word[];
  /** Page text, lines joined with \n, Unicode NFC. */
  text: string;
  /** Mean word confidence 0–100, 0 when no word was found. */
  meanConfidence: number;
  /** Time the engine worked on the page, without the wait for a free worker. */
  durationMs?: number;
}

export interface OrientationResult {
  /** Clockwise rotation that makes the page upright. */
  rotateDeg: 0 | 90 | 180 | 270;
  /** Engine confidence in the detected orientation (Tesseract OSD scale, roughly 0–30+). */
  confidence: number;
}

export interface OcrEngineInfo {
  engine: string;
  engineVersion: string;
  languages: string[];
  /** Which language-data set was loaded, e.g. "4.0.0_best_int". */
  model: string;
  /** Folder the language data was read from. */
  langPath: string;
}

export interface RecognizeOptions {
  /** Resolution of the image, so the engine need not guess. */
  dpi: number;
}

export interface OcrEngine {
  readonly info: OcrEngineInfo;
  /** Recognizes one upright page image (PNG/JPEG bytes or a file path). */
  recognize(image: Buffer | string, options: RecognizeOptions): Promise<OcrResult>;
  /** Detects the page's orientation from a (possibly downscaled) image. */
  detectOrientation(image: Buffer | string): Promise<OrientationResult>;
  /** Waits for running jobs and frees every worker. */
  close(): Promise<void>;
}
