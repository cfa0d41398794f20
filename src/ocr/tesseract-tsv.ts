// Pure conversions from the tesseract command's TSV and OSD answers to the OcrEngine port's results.
import type { Word } from '../domain/page.ts';
import type { OcrResult, OrientationResult } from './ocr-engine.ts';

/** TSV `level` of a word row (1 page, 2 block, 3 paragraph, 4 line, 5 word). */
const WORD_LEVEL = 5;
const COLUMNS = ['level', 'page_num', 'block_num', 'par_num', 'line_num', 'word_num', 'left', 'top', 'width', 'height', 'conf', 'text'] as const;

/**
 * Reads `tesseract … -c tessedit_create_tsv=1` output into the same result the tesseract.js adapter gives: one
 * line per (block, paragraph, line), words joined by one space, NFC text, boxes as corners. Confidences are cut
 * to whole numbers, as tesseract.js gives them, so that both engines' records and thresholds compare alike.
 * Throws on a header it does not know, since a changed format would otherwise read as an empty page.
 */
export function ocrResultFromTsv(tsv: string): OcrResult {
  const rows = tsv.split(/\r?\n/u);
  const header = rows[0]?.split('\t') ?? [];
  if (header.length < COLUMNS.length || COLUMNS.some((name, i) => header[i] !== name)) {
    throw new Error(`unexpected TSV header from tesseract: ${JSON.stringify(rows[0]?.slice(0, 120) ?? '')}`);
  }
  const words: Word[] = [];
  const lines: string[][] = [];
  let lineKey = '';
  for (const row of rows.slice(1)) {
    const cells = row.split('\t');
    if (Number(cells[0]) !== WORD_LEVEL || cells.length < COLUMNS.length) continue;
    // The text is the last column and may itself hold a tab only if Tesseract read one; keep it whole.
    const text = cells.slice(11).join('\t').normalize('NFC').replace(/\s+/gu, '');
    const confidence = Number(cells[10]);
    if (text === '' || !Number.isFinite(confidence) || confidence < 0) continue;
    const key = `${cells[1]}/${cells[2]}/${cells[3]}/${cells[4]}`;
    if (key !== lineKey || lines.length === 0) {
      lines.push([]);
      lineKey = key;
    }
    const [left, top, width, height] = [cells[6], cells[7], cells[8], cells[9]].map(Number) as [number, number, number, number];
    words.push({
      text,
      box: { x0: left, y0: top, x1: left + width, y1: top + height },
      confidence: Math.trunc(confidence),
      lineIndex: lines.length - 1,
    });
    (lines.at(-1) as string[]).push(text);
  }
  const meanConfidence = words.length === 0 ? 0 : words.reduce((sum, w) => sum + w.confidence, 0) / words.length;
  return { words, text: lines.map((line) => line.join(' ')).join('\n'), meanConfidence };
}

/**
 * Reads `tesseract … --psm 0` output. Its `Rotate:` line is the clockwise rotation that makes the page upright
 * (what tesseract.js calls `orientation_degrees`); `Orientation in degrees:` is the page's own turn, the other
 * way round. An answer without both lines (too little text) is upright with confidence 0, as tesseract.js gives.
 */
export function orientationFromOsd(output: string): OrientationResult {
  const rotate = /^Rotate:\s*(-?\d+)/mu.exec(output);
  const confidence = /^Orientation confidence:\s*(-?[\d.]+)/mu.exec(output);
  if (rotate === null || confidence === null) return { rotateDeg: 0, confidence: 0 };
  const normalized = ((Math.round(Number(rotate[1]) / 90) * 90) % 360 + 360) % 360;
  return { rotateDeg: normalized as OrientationResult['rotateDeg'], confidence: Number(confidence[1]) };
}

/** `tesseract --version`'s first line ("tesseract 5.3.0") as the version, undefined when it is not Tesseract's. */
export function tesseractVersionFrom(output: string): string | undefined {
  return /^tesseract v?(\d+\.\d+(?:\.\d+)?\S*)/imu.exec(output)?.[1];
}

/** The folder `tesseract --list-langs` names ("List of available languages in "/usr/share/…/tessdata/" (3):"). */
export function tessdataDirFrom(listLangs: string): string | undefined {
  return /available languages in "([^"]+)"/u.exec(listLangs)?.[1]?.replace(/\/+$/u, '');
}
