// Conversions from the tesseract command's TSV, OSD and --version answers, on hand-made answers shaped like Tesseract 5.3's.
import { describe, expect, it } from 'vitest';
import { ocrResultFromTsv, orientationFromOsd, tessdataDirFrom, tesseractVersionFrom } from '../../../src/ocr/tesseract-tsv.ts';

const HEADER = 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext';

interface Row {
  level?: number;
  block?: number;
  par?: number;
  line?: number;
  word?: number;
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  conf?: number | string;
  text?: string;
}

/** One TSV row; the defaults are a word of the first line of the first paragraph of the first block. */
function row({ level = 5, block = 1, par = 1, line = 1, word = 1, left = 10, top = 20, width = 30, height = 40, conf = 90, text = '' }: Row): string {
  return [level, 1, block, par, line, word, left, top, width, height, conf, text].join('\t');
}

/** A TSV answer as Tesseract prints it: the header, the rows and a closing newline. */
function tsv(...rows: string[]): string {
  return `${[HEADER, ...rows].join('\n')}\n`;
}

describe('ocrResultFromTsv', () => {
  it('reads word rows into words with corner boxes, whole-number confidences and their line index', () => {
    const result = ocrResultFromTsv(tsv(
      row({ level: 1, block: 0, par: 0, line: 0, word: 0, left: 0, top: 0, width: 2480, height: 3508, conf: -1 }),
      row({ level: 2, word: 0, conf: -1 }),
      row({ level: 3, word: 0, conf: -1 }),
      row({ level: 4, word: 0, conf: -1 }),
      row({ word: 1, left: 436, top: 229, width: 78, height: 54, conf: 96.9, text: 'Số:' }),
      row({ word: 2, left: 533, top: 245, width: 123, height: 37, conf: 85.01, text: '15/QĐ-UBND' }),
    ));

    expect(result.words).toEqual([
      { text: 'Số:', box: { x0: 436, y0: 229, x1: 514, y1: 283 }, confidence: 96, lineIndex: 0 },
      { text: '15/QĐ-UBND', box: { x0: 533, y0: 245, x1: 656, y1: 282 }, confidence: 85, lineIndex: 0 },
    ]);
    expect(result.text).toBe('Số: 15/QĐ-UBND');
    expect(result.meanConfidence).toBe((96 + 85) / 2);
  });

  it('starts a new line for each page, block, paragraph and line number, and joins lines with \\n', () => {
    const result = ocrResultFromTsv(tsv(
      row({ block: 1, par: 1, line: 1, word: 1, text: 'CỘNG' }),
      row({ block: 1, par: 1, line: 1, word: 2, text: 'HÒA' }),
      row({ block: 1, par: 1, line: 2, word: 1, text: 'Độc' }),
      row({ block: 1, par: 2, line: 1, word: 1, text: 'QUYẾT' }),
      row({ block: 1, par: 2, line: 1, word: 2, text: 'ĐỊNH' }),
      // Line numbers restart in each paragraph and block: (2, 1, 1) is a line of its own.
      row({ block: 2, par: 1, line: 1, word: 1, text: 'Điều' }),
      row({ block: 2, par: 1, line: 1, word: 2, text: '1.' }),
    ));

    expect(result.text).toBe('CỘNG HÒA\nĐộc\nQUYẾT ĐỊNH\nĐiều 1.');
    expect(result.words.map((w) => [w.text, w.lineIndex])).toEqual([
      ['CỘNG', 0],
      ['HÒA', 0],
      ['Độc', 1],
      ['QUYẾT', 2],
      ['ĐỊNH', 2],
      ['Điều', 3],
      ['1.', 3],
    ]);
  });

  it('drops empty and blank words and words with confidence -1, keeping line indexes dense', () => {
    const result = ocrResultFromTsv(tsv(
      row({ line: 1, word: 1, text: '' }),
      row({ line: 1, word: 2, text: ' ' }),
      row({ line: 2, word: 1, conf: -1, text: 'ghost' }),
      row({ line: 3, word: 1, conf: 70, text: 'Hạnh' }),
      row({ line: 3, word: 2, conf: 80, text: '\u00a0' }),
      row({ line: 3, word: 3, conf: 90, text: 'phúc' }),
      row({ line: 4, word: 1, conf: 'nan', text: 'bad' }),
    ));

    expect(result.words.map((w) => [w.text, w.lineIndex])).toEqual([
      ['Hạnh', 0],
      ['phúc', 0],
    ]);
    expect(result.text).toBe('Hạnh phúc');
    expect(result.meanConfidence).toBe(80);
  });

  it('keeps confidence 0 words and cuts fractions towards zero', () => {
    const result = ocrResultFromTsv(tsv(
      row({ word: 1, conf: 0, text: 'a' }),
      row({ word: 2, conf: 0.99, text: 'b' }),
      row({ word: 3, conf: 99.999, text: 'c' }),
    ));
    expect(result.words.map((w) => w.confidence)).toEqual([0, 0, 99]);
    expect(result.meanConfidence).toBe(33);
  });

  it('composes decomposed Vietnamese into NFC', () => {
    const decomposed = 'Vie\u0302\u0323t'; // "Việt" as base letters plus combining marks
    const result = ocrResultFromTsv(tsv(
      row({ word: 1, text: decomposed }),
      row({ word: 2, text: 'Nam' }),
    ));

    expect(result.words[0]?.text).toBe('Việt');
    expect(result.words[0]?.text).toHaveLength(4);
    expect(result.text).toBe('Việt Nam');
    expect(result.text).toBe(result.text.normalize('NFC'));
  });

  it('reads Windows line endings and a text cell holding a tab', () => {
    const crlf = tsv(row({ word: 1, text: 'Số' }), row({ word: 2, text: 'a\tb' })).replace(/\n/gu, '\r\n');
    const result = ocrResultFromTsv(crlf);
    expect(result.words.map((w) => w.text)).toEqual(['Số', 'ab']);
  });

  it('gives an empty result for a page with no words', () => {
    const result = ocrResultFromTsv(tsv(row({ level: 1, block: 0, par: 0, line: 0, word: 0, conf: -1 })));
    expect(result).toEqual({ words: [], text: '', meanConfidence: 0 });
    expect(ocrResultFromTsv(`${HEADER}\n`)).toEqual({ words: [], text: '', meanConfidence: 0 });
  });

  it('ignores rows with too few cells', () => {
    const result = ocrResultFromTsv(tsv('5\t1\t1\t1\t1\t1\t10\t20\t30', row({ text: 'Nam' })));
    expect(result.words.map((w) => w.text)).toEqual(['Nam']);
  });

  it('throws on a header it does not know, rather than reading an empty page', () => {
    expect(() => ocrResultFromTsv('')).toThrow(/unexpected TSV header from tesseract/u);
    expect(() => ocrResultFromTsv('Tesseract Open Source OCR Engine v5.3.0\n')).toThrow(/unexpected TSV header.*Tesseract Open Source/u);
    const reordered = HEADER.replace('left\ttop', 'top\tleft');
    expect(() => ocrResultFromTsv(`${reordered}\n${row({ text: 'a' })}\n`)).toThrow(/unexpected TSV header/u);
    const short = HEADER.split('\t').slice(0, 11).join('\t');
    expect(() => ocrResultFromTsv(`${short}\n`)).toThrow(/unexpected TSV header/u);
  });
});

describe('orientationFromOsd', () => {
  it('takes the Rotate line as the clockwise turn that makes the page upright, with its confidence', () => {
    const osd = 'Page number: 0\nOrientation in degrees: 270\nRotate: 90\nOrientation confidence: 2.53\nScript: Latin\nScript confidence: 1.00\n';
    expect(orientationFromOsd(osd)).toEqual({ rotateDeg: 90, confidence: 2.53 });
  });

  it('reads each of the four turns', () => {
    for (const rotateDeg of [0, 90, 180, 270] as const) {
      const osd = `Orientation in degrees: ${(360 - rotateDeg) % 360}\nRotate: ${rotateDeg}\nOrientation confidence: 17.58\n`;
      expect(orientationFromOsd(osd)).toEqual({ rotateDeg, confidence: 17.58 });
    }
  });

  it('is upright with confidence 0 when a line is missing', () => {
    expect(orientationFromOsd('')).toEqual({ rotateDeg: 0, confidence: 0 });
    expect(orientationFromOsd('Rotate: 90\n')).toEqual({ rotateDeg: 0, confidence: 0 });
    expect(orientationFromOsd('Orientation confidence: 5.1\n')).toEqual({ rotateDeg: 0, confidence: 0 });
  });

  it('brings a turn into 0–270', () => {
    expect(orientationFromOsd('Rotate: 360\nOrientation confidence: 3\n').rotateDeg).toBe(0);
    expect(orientationFromOsd('Rotate: -90\nOrientation confidence: 3\n').rotateDeg).toBe(270);
  });
});

describe('tesseractVersionFrom', () => {
  it("reads the version from --version's first line", () => {
    const output = 'tesseract 5.3.0\n leptonica-1.82.0\n  libgif 5.2.1 : libjpeg 6b (libjpeg-turbo 2.1.2) : libpng 1.6.39\n';
    expect(tesseractVersionFrom(output)).toBe('5.3.0');
  });

  it('reads versions with a v, two parts or a suffix', () => {
    expect(tesseractVersionFrom('tesseract v5.4.1.20240606\n')).toBe('5.4.1.20240606');
    expect(tesseractVersionFrom('tesseract 4.1\n')).toBe('4.1');
    expect(tesseractVersionFrom('tesseract 5.0.0-alpha-20201231\n')).toBe('5.0.0-alpha-20201231');
  });

  it("is undefined for another program's answer", () => {
    expect(tesseractVersionFrom('')).toBeUndefined();
    expect(tesseractVersionFrom('bash: tesseract: command not found\n')).toBeUndefined();
    expect(tesseractVersionFrom('GNU bash, version 5.2.15\n')).toBeUndefined();
  });
});

describe('tessdataDirFrom', () => {
  it('reads the folder --list-langs names, without its trailing slash, and nothing from other text', () => {
    expect(tessdataDirFrom('List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):\neng\nosd\nvie\n')).toBe('/usr/share/tesseract-ocr/5/tessdata');
    expect(tessdataDirFrom('Error opening data file')).toBeUndefined();
  });
});
