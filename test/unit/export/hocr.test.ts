// The hOCR writer: the metadata hOCR tools look for, page properties, and the very words and boxes of the ALTO.
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { buildAlto } from '../../../src/export/alto.ts';
import { buildHocr, propertyString } from '../../../src/export/hocr.ts';
import type { TextDocument, TextPage } from '../../../src/export/text-layout.ts';

function word(text: string, lineIndex: number, x0: number, y0: number, confidence = 90): Word {
  return { text, box: { x0, y0, x1: x0 + 30.5 * [...text].length, y1: y0 + 40.2 }, confidence, lineIndex };
}

function page(pageNumber: number, words: Word[], more: Partial<TextPage> = {}): TextPage {
  return { pageNumber, widthPx: 2480, heightPx: 3508, dpi: 300, words, file: 'qd-15.jpg', filePageNumber: 1, textSource: 'ocr', ...more };
}

function document(pages: TextPage[]): TextDocument {
  return {
    batchId: 'B1',
    dossierId: 'HS-001',
    documentId: 'QD-15',
    language: 'vi',
    pages,
    processing: {
      software: { name: 'sohoa', version: '0.1.0' },
      engine: { engine: 'tesseract.js', engineVersion: '7', model: 'best_int', languages: ['vie', 'eng'] },
      pipeline: { name: 'dossier', sha256: 'ab'.repeat(32) },
      date: new Date('2024-03-05T08:30:00Z'),
    },
  };
}

const heading = page(1, [
  word('UBND', 0, 200.7, 150.2, 93),
  word('TỈNH', 0, 360, 150, 92.6),
  word('CỘNG', 1, 1300, 150, 95),
  word('HÒA', 1, 1460, 151, 94),
  word('Số:', 2, 200, 220, 81),
  word('15/QĐ-UBND', 2, 320, 220, 64.4),
  word('QUYẾT', 3, 1000, 500, 99),
  word('ĐỊNH', 3, 1200, 500, 98),
]);
const kept = page(2, [word('Căn', 0, 100, 100, 100), word('cứ', 0, 220, 100, 100)], { textSource: 'pdf-text', file: 'cong-van.pdf', filePageNumber: 3 });

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

interface Found {
  page: number;
  text: string;
  box: [number, number, number, number];
  confidence?: number;
}

/** The words of an ALTO file, by page, with corner boxes (x1 = HPOS + WIDTH) and WC × 100. */
function altoWords(alto: string): Found[] {
  return alto.split(/<Page /).slice(1).flatMap((chunk, index) =>
    [...chunk.matchAll(/<String CONTENT="([^"]*)" HPOS="(\d+)" VPOS="(\d+)" WIDTH="(\d+)" HEIGHT="(\d+)"(?: WC="([\d.]+)")?\/>/g)].map((m) => {
      const [x, y, w, h] = [m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number];
      return { page: index + 1, text: unescape(m[1]!), box: [x, y, x + w, y + h], ...(m[6] === undefined ? {} : { confidence: Math.round(Number(m[6]) * 100) }) };
    }),
  );
}

/** The words of an hOCR file, by page, with their bbox and x_wconf. */
function hocrWords(hocr: string): Found[] {
  return hocr.split(/<div class="ocr_page" /).slice(1).flatMap((chunk, index) =>
    [...chunk.matchAll(/<span class="ocrx_word" id="word_\d+_\d+" title="bbox (\d+) (\d+) (\d+) (\d+)(?:; x_wconf (\d+))?">([^<]*)<\/span>/g)].map((m) => ({
      page: index + 1,
      text: unescape(m[6]!),
      box: [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number],
      ...(m[5] === undefined ? {} : { confidence: Number(m[5]) }),
    })),
  );
}

/** The boxes of one kind of element in reading order: TextLine/TextBlock in ALTO, ocr_line/ocr_carea in hOCR. */
const altoBoxes = (alto: string, element: string) =>
  [...alto.matchAll(new RegExp(`<${element} ID="\\w+" HPOS="(\\d+)" VPOS="(\\d+)" WIDTH="(\\d+)" HEIGHT="(\\d+)"`, 'g'))].map((m) => {
    const [x, y, w, h] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    return `${x} ${y} ${x + w} ${y + h}`;
  });
const hocrBoxes = (hocr: string, cls: string) => [...hocr.matchAll(new RegExp(`class="${cls}" id="\\w+" title="bbox ([\\d ]+)"`, 'g'))].map((m) => m[1]);

describe('buildHocr', () => {
  it('writes well-formed XHTML with the metadata hOCR asks for', () => {
    const hocr = buildHocr(document([heading, kept]));
    expect(XMLValidator.validate(hocr)).toBe(true);
    expect(hocr.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"')).toBe(true);
    expect(hocr).toContain('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi" lang="vi">');
    expect(hocr).toContain('<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>');
    expect(hocr).toContain('<meta name="ocr-system" content="sohoa 0.1.0 (tesseract.js 7, model best_int, languages vie+eng)"/>');
    expect(hocr).toContain('<meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang"/>');
    expect(hocr).toContain('<meta name="ocr-number-of-pages" content="2"/>');
    expect(hocr).toContain('<meta name="ocr-langs" content="vi en"/>');
    expect(hocr).toContain('<title>QD-15</title>');
  });

  it('gives each page its image, box, 0-based physical number and resolution, and a page of a PDF its place in it', () => {
    const hocr = buildHocr(document([heading, kept]));
    expect(hocr).toContain('<div class="ocr_page" id="page_1" title="image &quot;qd-15.jpg&quot;; bbox 0 0 2480 3508; ppageno 0; scan_res 300 300">');
    expect(hocr).toContain('<div class="ocr_page" id="page_2" title="image &quot;cong-van.pdf&quot;; x_source &quot;cong-van.pdf&quot; &quot;3&quot;; bbox 0 0 2480 3508; ppageno 1; scan_res 300 300">');
  });

  it('percent-encodes what a property string cannot hold, so the image is printable ASCII with no quote or ;', () => {
    expect(propertyString('hồ sơ/a"b;c%.jpg')).toBe('h%E1%BB%93 s%C6%A1/a%22b%3Bc%25.jpg');
    expect(decodeURIComponent(propertyString('hồ sơ/a"b;c%.jpg'))).toBe('hồ sơ/a"b;c%.jpg');
    const hocr = buildHocr(document([page(1, [], { file: 'Hồ sơ/Quyết định.jpg' })]));
    expect(hocr).toContain('title="image &quot;H%E1%BB%93 s%C6%A1/Quy%E1%BA%BFt %C4%91%E1%BB%8Bnh.jpg&quot;; bbox');
  });

  it('nests carea, par, line and word, one class each, the words of a line one space apart', () => {
    const hocr = buildHocr(document([heading]));
    expect(hocr).toContain('<div class="ocr_carea" id="block_1_1" title="bbox 200 150 482 191">\n<p class="ocr_par" lang="vi">\n<span class="ocr_line" id="line_1_1" title="bbox 200 150 482 191">');
    expect(hocr).toContain('<span class="ocrx_word" id="word_1_1" title="bbox 200 150 323 191; x_wconf 93">UBND</span> <span class="ocrx_word" id="word_1_2" title="bbox 360 150 482 191; x_wconf 93">TỈNH</span></span>');
    for (const [, cls] of hocr.matchAll(/class="([^"]*)"/g)) expect(cls).toMatch(/^ocr[x]?_\w+$/);
  });

  it('has the same words, boxes and confidences as the ALTO of the same document', () => {
    const doc = document([heading, kept, page(3, [])]);
    const [alto, hocr] = [buildAlto(doc), buildHocr(doc)];
    const words = altoWords(alto);
    expect(words).toHaveLength(10);
    expect(hocrWords(hocr)).toEqual(words);
    expect(hocrBoxes(hocr, 'ocr_line')).toEqual(altoBoxes(alto, 'TextLine'));
    expect(hocrBoxes(hocr, 'ocr_carea')).toEqual(altoBoxes(alto, 'TextBlock'));
    expect(altoBoxes(alto, 'TextBlock').length).toBeGreaterThan(2);
  });

  it('leaves x_wconf off words kept from a PDF, which were not recognized', () => {
    const words = hocrWords(buildHocr(document([heading, kept])));
    expect(words.filter((w) => w.page === 2).map((w) => w.confidence)).toEqual([undefined, undefined]);
    expect(words.filter((w) => w.page === 1).map((w) => w.confidence)).toEqual([93, 93, 95, 94, 81, 64, 99, 98]);
  });

  it('escapes & < > " and keeps Vietnamese text in NFC', () => {
    const odd = page(1, [word('A&B', 0, 100, 100), word('<i>', 0, 300, 100), word('"Luật"', 0, 500, 100), word('Nghị'.normalize('NFD'), 0, 800, 100)]);
    const hocr = buildHocr({ ...document([odd]), documentId: 'QĐ <1> & "2"' });
    expect(XMLValidator.validate(hocr)).toBe(true);
    expect(hocr).toContain('>A&amp;B</span> ');
    expect(hocr).toContain('>&lt;i&gt;</span> ');
    expect(hocr).toContain('>&quot;Luật&quot;</span> ');
    expect(hocr).toContain(`>${'Nghị'.normalize('NFC')}</span></span>`);
    expect(hocr).toContain('<title>QĐ &lt;1&gt; &amp; &quot;2&quot;</title>');
  });

  it('keeps a page with no words as an empty ocr_page', () => {
    const hocr = buildHocr(document([page(1, [], { dpi: 200.4 })]));
    expect(hocr).toContain('<div class="ocr_page" id="page_1" title="image &quot;qd-15.jpg&quot;; bbox 0 0 2480 3508; ppageno 0; scan_res 200 200">\n</div>');
    expect(hocr).not.toContain('class="ocr_carea"');
  });

  it('gives the same bytes for the same document', () => {
    const doc = document([heading, kept]);
    expect(buildHocr(doc)).toBe(buildHocr(structuredClone(doc)));
  });

  it('stays compact: no indentation, and under 110 bytes a word on a page of lines of 10 words', () => {
    const words = (lineCount: number) => Array.from({ length: lineCount * 10 }, (_, i) => word('những', Math.floor(i / 10), 200 + (i % 10) * 200, 300 + Math.floor(i / 10) * 50, 80 + (i % 20)));
    const hocr = (lineCount: number) => buildHocr(document([page(1, words(lineCount))]));
    expect(hocr(30).split('\n').filter((line) => line.startsWith(' '))).toEqual([]);
    expect((Buffer.byteLength(hocr(60)) - Buffer.byteLength(hocr(30))) / 300).toBeLessThan(110);
  });
});
