// An OcrEngine that returns given words instead of reading the image: runner tests without the engine's seconds a page.
import type { Word } from '../../src/domain/page.ts';
import type { OcrEngine, OcrEngineInfo, OcrResult, OrientationResult } from '../../src/ocr/ocr-engine.ts';

/** Words of one line each, stacked down the page, with the given confidence. */
export function wordsOf(lines: readonly string[], confidence = 95): Word[] {
  return lines.flatMap((line, lineIndex) => {
    let x = 100;
    return line.split(' ').map((text) => {
      const box = { x0: x, y0: 100 + 60 * lineIndex, x1: x + 20 * text.length, y1: 140 + 60 * lineIndex };
      x = box.x1 + 20;
      return { text, box, confidence, lineIndex };
    });
  });
}

export class ScriptedOcrEngine implements OcrEngine {
  readonly info: OcrEngineInfo = { engine: 'scripted', engineVersion: '0', languages: ['vie'], model: 'none', langPath: '' };
  calls = 0;

  private readonly read: (image: string) => Word[];

  /** `read` gives a page's words from the image's path (normalize names it after the page). */
  constructor(read: (image: string) => Word[] = () => wordsOf(['Trang văn bản'])) {
    this.read = read;
  }

  async recognize(image: Buffer | string): Promise<OcrResult> {
    this.calls++;
    const words = this.read(typeof image === 'string' ? image : '');
    const lines = new Map<number, string[]>();
    for (const w of words) lines.set(w.lineIndex, [...(lines.get(w.lineIndex) ?? []), w.text]);
    const text = [...lines.values()].map((l) => l.join(' ')).join('\n').normalize('NFC');
    const meanConfidence = words.length === 0 ? 0 : words.reduce((n, w) => n + w.confidence, 0) / words.length;
    return { words, text, meanConfidence };
  }

  async detectOrientation(): Promise<OrientationResult> {
    return { rotateDeg: 0, confidence: 20 };
  }

  async close(): Promise<void> {}
}
