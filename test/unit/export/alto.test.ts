// The ALTO 4.4 writer: the XSD's element order and IDs, whole-pixel boxes, WC, SP, Processing per text source.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Word } from '../../../src/domain/page.ts';
import { buildAlto } from '../../../src/export/alto.ts';
import type { TextDocument, TextPage } from '../../../src/export/text-layout.ts';
import { expectSchemaValid } from '../../support/xml-schema.ts';

function word(text: string, lineIndex: number, x0: number, y0: number, confidence = 90): Word {
  return { text, box: { x0, y0, x1: x0 + 30 * [...text].length, y1: y0 + 40 }, confidence, lineIndex };
}

function page(pageNumber: number, words: Word[], more: Partial<TextPage> = {}): TextPage {
  return { pageNumber, widthPx: 2480, heightPx: 3508, dpi: 300, words, file: 'ho-so/qd-15.pdf', filePageNumber: pageNumber, textSource: 'ocr', ...more };
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

const firstPage = page(1, [
  word('QUYẾT', 0, 1000.4, 300.6, 96.4),
  word('ĐỊNH', 0, 1200, 301, 91),
  word('Về', 1, 800, 350, 88),
  word('việc', 1, 900, 351, 77.5),
  // A paragraph gap: 160 px of blank above, 4 line heights.
  word('Điều', 2, 300, 550, 99),
  word('1.', 2, 450, 550, 100),
]);

/** Lines of 10 five-letter words of 1–4 digit positions, as on an A4 page at 300 dpi. */
function typicalWords(lineCount: number): Word[] {
  return Array.from({ length: lineCount * 10 }, (_, i) => word('những', Math.floor(i / 10), 200 + (i % 10) * 200, 300 + Math.floor(i / 10) * 50, 80 + (i % 20)));
}

const strings = (alto: string) => [...alto.matchAll(/<String ([^>]*)\/>/g)].map((m) => attributes(m[1]!));

function attributes(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('buildAlto', () => {
  it('writes a well-formed ALTO 4.4 file in the order the XSD sets', () => {
    const alto = buildAlto(document([firstPage]));
    expect(XMLValidator.validate(alto)).toBe(true);
    expect(alto).toContain('<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.loc.gov/standards/alto/ns-v4# http://www.loc.gov/standards/alto/v4/alto-4-4.xsd" SCHEMAVERSION="4.4">');
    const order = ['<Description>', '<MeasurementUnit>pixel</MeasurementUnit>', '<sourceImageInformation>', '<Processing ID="OCR">', '</Description>', '<Layout>', '<Page ', '<PrintSpace ', '<TextBlock ', '<TextLine ', '<String '];
    const at = order.map((tag) => alto.indexOf(tag));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const step = ['<processingCategory>', '<processingDateTime>', '<processingStepDescription>', '<processingStepSettings>', '<processingSoftware>', '<softwareName>', '<softwareVersion>', '<applicationDescription>'].map((tag) => alto.indexOf(tag));
    expect([...step].sort((a, b) => a - b)).toEqual(step);
  });

  it('is valid against the ALTO 4.4 XSD: several files, both text sources, an empty page, text to escape', async () => {
    const kept = page(2, [word('Căn', 0, 100, 100, 100), word('"cứ"&<', 0, 250, 100, 100)], { textSource: 'pdf-text', file: 'hồ sơ/a"b.pdf', filePageNumber: 4 });
    const dot = { text: 'chấm', box: { x0: 2480, y0: 3508, x1: 2480, y1: 3508 }, confidence: -1, lineIndex: 9 };
    await expectSchemaValid(buildAlto(document([page(1, [...firstPage.words, dot]), kept, page(3, [])])), 'alto');
  });

  it('writes pages, blocks, lines and words with whole-pixel boxes inside the page', () => {
    const alto = buildAlto(document([firstPage]));
    expect(alto).toContain('<Page ID="P1" PHYSICAL_IMG_NR="1" WIDTH="2480" HEIGHT="3508" PROCESSING="OCR">');
    expect(alto).toContain('<PrintSpace HPOS="0" VPOS="0" WIDTH="2480" HEIGHT="3508">');
    expect([...alto.matchAll(/<TextBlock ID="(P1_B\d+)"[^>]* LANG="vi">/g)].map((m) => m[1])).toEqual(['P1_B1', 'P1_B2']);
    expect(alto).toContain('<TextBlock ID="P1_B1" HPOS="800" VPOS="300" WIDTH="520" HEIGHT="91" LANG="vi">');
    expect(alto).toContain('<TextLine ID="P1_L1" HPOS="1000" VPOS="300" WIDTH="320" HEIGHT="41">');
    expect(strings(alto)[0]).toEqual({ CONTENT: 'QUYẾT', HPOS: '1000', VPOS: '300', WIDTH: '151', HEIGHT: '41', WC: '0.96' });
    for (const s of strings(alto)) {
      expect(Number(s['HPOS']) + Number(s['WIDTH'])).toBeLessThanOrEqual(2480);
      expect(Number(s['WIDTH'])).toBeGreaterThanOrEqual(1);
      expect(s['HPOS']).toMatch(/^\d+$/);
    }
  });

  it('clamps a word that runs off the page and keeps a zero-size one as 1 pixel inside it', () => {
    const edge = page(1, [word('lề', 0, 2470.2, 3490), { text: 'chấm', box: { x0: 2480, y0: 100, x1: 2480, y1: 100 }, confidence: 50, lineIndex: 1 }]);
    const [offPage, dot] = strings(buildAlto(document([edge])));
    expect(offPage).toMatchObject({ HPOS: '2470', WIDTH: '10', VPOS: '3490', HEIGHT: '18' });
    expect(dot).toMatchObject({ HPOS: '2479', WIDTH: '1', VPOS: '100', HEIGHT: '1' });
  });

  it('gives each word its confidence as WC with 2 decimals', () => {
    expect(strings(buildAlto(document([firstPage]))).map((s) => s['WC'])).toEqual(['0.96', '0.91', '0.88', '0.78', '0.99', '1']);
  });

  it('puts an SP between the Strings of a line and none after the last', () => {
    const alto = buildAlto(document([firstPage]));
    expect(alto).toContain('WC="0.96"/><SP/>\n<String CONTENT="ĐỊNH"');
    expect(alto).toContain('WC="0.91"/>\n</TextLine>');
    expect(alto.match(/<SP\/>/g)).toHaveLength(3);
  });

  it('escapes & < > " in text and attributes and keeps Vietnamese text in NFC', () => {
    const odd = page(1, [word('A&B', 0, 100, 100), word('<x>', 0, 300, 100), word('"trích"', 0, 500, 100), word('Nghị'.normalize('NFD'), 1, 100, 150)], { file: 'hồ sơ/"a"&b.pdf' });
    const alto = buildAlto({ ...document([odd]), documentId: 'QĐ<1>' });
    expect(XMLValidator.validate(alto)).toBe(true);
    expect(strings(alto).map((s) => s['CONTENT'])).toEqual(['A&amp;B', '&lt;x&gt;', '&quot;trích&quot;', 'Nghị'.normalize('NFC')]);
    expect(alto).toContain('<fileName>hồ sơ/&quot;a&quot;&amp;b.pdf</fileName>');
    expect(alto).toContain('<documentIdentifier>B1/HS-001/QĐ&lt;1&gt;</documentIdentifier>');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(alto);
    const line = parsed.alto.Layout.Page.PrintSpace.TextBlock.TextLine[0];
    expect(line.String.map((s: { CONTENT: string }) => s.CONTENT)).toEqual(['A&B', '<x>', '"trích"']);
  });

  it('describes OCR and kept PDF text in a Processing each, and points every Page at its own', () => {
    const kept = page(2, [word('Căn', 0, 100, 100, 100)], { textSource: 'pdf-text', file: 'ho-so/cong-van.pdf', filePageNumber: 1 });
    const alto = buildAlto(document([firstPage, kept]));
    expect(alto.match(/<Processing ID="(\w+)">/g)).toEqual(['<Processing ID="OCR">', '<Processing ID="PDFTEXT">']);
    expect(alto).toContain('<processingDateTime>2024-03-05T08:30:00.000Z</processingDateTime>');
    expect(alto).toContain('<processingStepDescription>OCR: tesseract.js 7, model best_int, languages vie+eng</processingStepDescription>');
    expect(alto).toContain(`<processingStepSettings>pipeline dossier (sha256 ${'ab'.repeat(32)})</processingStepSettings>`);
    expect(alto).toContain("<processingStepDescription>text kept from the input PDF's own text layer, not OCR</processingStepDescription>");
    expect([...alto.matchAll(/<Page ID="(P\d)"[^>]* PROCESSING="(\w+)">/g)].map((m) => [m[1], m[2]])).toEqual([['P1', 'OCR'], ['P2', 'PDFTEXT']]);
    // Kept text was not recognized, so it has no word confidence.
    expect(strings(alto).find((s) => s['CONTENT'] === 'Căn')).not.toHaveProperty('WC');
    // Two files: the first is the fileName, and each is named as a fileIdentifier of the batch.
    expect(alto).toContain('<fileName>ho-so/qd-15.pdf</fileName>\n<fileIdentifier fileIdentifierLocation="B1">ho-so/qd-15.pdf</fileIdentifier>\n<fileIdentifier fileIdentifierLocation="B1">ho-so/cong-van.pdf</fileIdentifier>');
  });

  it('has only the OCR Processing and no fileIdentifier for a document of one file read by OCR', () => {
    const alto = buildAlto(document([firstPage, page(2, [word('hai', 0, 100, 100)])]));
    expect(alto.match(/<Processing /g)).toHaveLength(1);
    expect(alto).not.toContain('<fileIdentifier');
    expect(alto).not.toContain('PDFTEXT');
  });

  it('keeps a page with no words as a Page with an empty PrintSpace', () => {
    const alto = buildAlto(document([firstPage, page(2, [], { widthPx: 1654, heightPx: 2339 })]));
    expect(alto).toContain('<Page ID="P2" PHYSICAL_IMG_NR="2" WIDTH="1654" HEIGHT="2339" PROCESSING="OCR">\n<PrintSpace HPOS="0" VPOS="0" WIDTH="1654" HEIGHT="2339"/>\n</Page>');
    expect(XMLValidator.validate(alto)).toBe(true);
  });

  it('gives unique IDs that are XML names, and every PROCESSING names a Processing', () => {
    const alto = buildAlto(document([firstPage, page(2, [word('Căn', 0, 100, 100)], { textSource: 'pdf-text' })]));
    const ids = [...alto.matchAll(/ ID="([^"]*)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][\w.-]*$/);
    for (const [, ref] of alto.matchAll(/PROCESSING="([^"]*)"/g)) expect(ids).toContain(ref);
  });

  it('gives the same bytes for the same document', () => {
    const doc = document([firstPage, page(2, [])]);
    expect(buildAlto(doc)).toBe(buildAlto(structuredClone(doc)));
  });

  it('stays compact: no indentation, and under 100 bytes a word on a page of lines of 10 words', () => {
    const alto = (lineCount: number) => buildAlto(document([page(1, typicalWords(lineCount))]));
    expect(alto(30).split('\n').filter((line) => line.startsWith(' '))).toEqual([]);
    const bytesPerWord = (Buffer.byteLength(alto(60)) - Buffer.byteLength(alto(30))) / 300;
    expect(bytesPerWord).toBeLessThan(100);
  });

  it('says what to do for a document with no pages or a date that is not one', () => {
    expect(() => buildAlto(document([]))).toThrow(/QD-15.*no pages.*only for a document with pages/);
    expect(() => buildAlto({ ...document([firstPage]), processing: { ...document([]).processing, date: new Date('nope') } })).toThrow(/processing\.date is not a valid date; pass the records' date/);
  });
});
