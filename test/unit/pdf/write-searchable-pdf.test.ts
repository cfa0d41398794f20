// Writes real PDFs from generated scans and checks them the way a reader and a PDF/A validator would.
import fontkit from '@pdf-lib/fontkit';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFString,
} from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import type { Word } from '../../../src/domain/page.ts';
import { readSingleG4Strip } from '../../../src/image/tiff.ts';
import { extractPdfText } from '../../../src/pdf/extract-text.ts';
import { documentIdHex, writeSearchablePdf } from '../../../src/pdf/write-searchable-pdf.ts';
import type { PdfDocumentInput } from '../../../src/pdf/write-searchable-pdf.ts';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const page1Lines = [
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'Số: 15/QĐ-UBND',
  'Quyết định về việc công nhận kết quả',
];
const page2Lines = ['Người ở phường Bến Nghé, thằng bé, mỗi lẫn', 'kiểm tra đủ hồ sơ: ơ ư ằ ẫ ệ ỹ đ', 'Lưu: VT, TP.'];

/** Words laid out left to right as an OCR engine would report them, boxes in pixels of a page at `dpi`. */
function wordsFor(lines: string[], dpi: number): Word[] {
  const px = (mm: number): number => Math.round((mm / 25.4) * dpi);
  return lines.flatMap((line, lineIndex) => {
    let x = px(20);
    const y0 = px(20 + lineIndex * 9);
    return line.split(' ').map((text) => {
      const widthPx = px(2.6) * [...text].length;
      const word: Word = { text, box: { x0: x, y0, x1: x + widthPx, y1: y0 + px(5) }, confidence: 91, lineIndex };
      x += widthPx + px(1.8);
      return word;
    });
  });
}

interface Fixture {
  input: PdfDocumentInput;
  jpeg: Uint8Array;
  bitonalPixels: Uint8Array;
}

async function makeFixture(): Promise<Fixture> {
  const grayWidthPx = 1240;
  const grayHeightPx = 1754; // A4 at 150 dpi
  const jpeg = new Uint8Array(
    await sharp({ create: { width: grayWidthPx, height: grayHeightPx, channels: 3, background: '#eeeeee' } })
      .composite([{ input: Buffer.from(svgRects(grayWidthPx, grayHeightPx)), top: 0, left: 0 }])
      .toColourspace('b-w')
      .jpeg({ quality: 80 })
      .toBuffer(),
  );
  const bitonalWidthPx = 1653; // not a multiple of 8, so row padding is exercised
  const bitonalHeightPx = 1170; // A5 landscape at 200 dpi
  const { data } = await sharp(Buffer.from(svgRects(bitonalWidthPx, bitonalHeightPx)))
    .threshold(128)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const bitonalPixels = new Uint8Array(data);
  const input: PdfDocumentInput = {
    pages: [
      { image: { kind: 'jpeg', bytes: jpeg, widthPx: grayWidthPx, heightPx: grayHeightPx }, dpi: 150, words: wordsFor(page1Lines, 150) },
      {
        image: { kind: 'bitonal', pixels: bitonalPixels, widthPx: bitonalWidthPx, heightPx: bitonalHeightPx },
        dpi: 200,
        words: wordsFor(page2Lines, 200),
      },
    ],
    info: {
      title: 'Quyết định công nhận kết quả',
      identifier: 'HS-000123/VB-01',
      language: 'vi',
      createdAt: new Date('2024-05-01T08:30:15.250Z'),
      producer: 'sohoa 0.1.0',
      subject: 'Hồ sơ thủ tục hành chính',
      keywords: ['quyết định', 'UBND phường'],
    },
  };
  return { input, jpeg, bitonalPixels };
}

function svgRects(widthPx: number, heightPx: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">
    <rect width="100%" height="100%" fill="white"/>
    <rect x="100" y="120" width="${widthPx - 200}" height="40" fill="black"/>
    <rect x="103" y="300" width="17" height="${heightPx - 400}" fill="black"/>
  </svg>`;
}

function lookup(doc: PDFDocument, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? doc.context.lookup(obj) : obj;
}

function dictAt(doc: PDFDocument, dict: PDFDict, key: string): PDFDict {
  const value = lookup(doc, dict.get(PDFName.of(key)));
  if (!(value instanceof PDFDict)) throw new Error(`expected a dictionary at /${key}`);
  return value;
}

function streamAt(doc: PDFDocument, dict: PDFDict, key: string): PDFRawStream {
  const value = lookup(doc, dict.get(PDFName.of(key)));
  if (!(value instanceof PDFRawStream)) throw new Error(`expected a stream at /${key}`);
  return value;
}

function nameAt(dict: PDFDict, key: string): string | undefined {
  return dict.get(PDFName.of(key))?.toString();
}

function numberAt(dict: PDFDict, key: string): number | undefined {
  const value = dict.get(PDFName.of(key));
  return value instanceof PDFNumber ? value.asNumber() : undefined;
}

function decoded(stream: PDFRawStream): Uint8Array {
  return decodePDFRawStream(stream).decode();
}

function pageImage(doc: PDFDocument, pageIndex: number): PDFRawStream {
  const resources = dictAt(doc, doc.getPage(pageIndex).node, 'Resources');
  return streamAt(doc, dictAt(doc, resources, 'XObject'), 'Im0');
}

function pageContent(doc: PDFDocument, pageIndex: number): string {
  return new TextDecoder().decode(decoded(streamAt(doc, doc.getPage(pageIndex).node, 'Contents')));
}

describe('writeSearchablePdf', () => {
  let fixture: Fixture;
  let bytes: Uint8Array;
  let warnings: string[];
  let doc: PDFDocument;

  beforeAll(async () => {
    fixture = await makeFixture();
    ({ bytes, warnings } = await writeSearchablePdf(fixture.input));
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  });

  it('extracts exactly the OCR text per page: lines by newline, words by one space', async () => {
    expect(await extractPdfText(bytes)).toEqual([page1Lines.join('\n'), page2Lines.join('\n')]);
    expect(warnings).toEqual([]);
  });

  it('places each line where its words are on the image', async () => {
    const task = getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false });
    const pdf = await task.promise;
    const content = await (await pdf.getPage(1)).getTextContent({ disableNormalization: true });
    const first = content.items[0];
    const words = fixture.input.pages[0]!.words.filter((w) => w.lineIndex === 0);
    const ptPerPx = 72 / 150;
    if (!first || !('str' in first)) throw new Error('no text item');
    expect(first.transform[4]).toBeCloseTo(words[0]!.box.x0 * ptPerPx, 1);
    expect(first.width).toBeCloseTo((words.at(-1)!.box.x1 - words[0]!.box.x0) * ptPerPx, 0);
    await task.destroy();
  });

  it('makes each page the image size at its dpi', () => {
    expect(doc.getPage(0).getSize()).toEqual({ width: 595.2, height: 841.92 }); // 1240×1754 px at 150 dpi
    expect(doc.getPage(1).getSize()).toEqual({ width: 595.08, height: 421.2 }); // 1653×1170 px at 200 dpi
    expect(pageContent(doc, 0)).toMatch(/^q 595\.2 0 0 841\.92 0 0 cm \/Im0 Do Q/);
  });

  it('passes the gray JPEG through untouched as DeviceGray DCTDecode', () => {
    const image = pageImage(doc, 0);
    expect(nameAt(image.dict, 'Filter')).toBe('/DCTDecode');
    expect(nameAt(image.dict, 'ColorSpace')).toBe('/DeviceGray');
    expect(numberAt(image.dict, 'BitsPerComponent')).toBe(8);
    expect(Buffer.from(image.getContents()).equals(Buffer.from(fixture.jpeg))).toBe(true);
  });

  it('keeps the bitonal page 1 bit per pixel, DeviceGray, Flate, with the same pixels', () => {
    const image = pageImage(doc, 1);
    expect(numberAt(image.dict, 'BitsPerComponent')).toBe(1);
    expect(nameAt(image.dict, 'ColorSpace')).toBe('/DeviceGray');
    expect(nameAt(image.dict, 'Filter')).toBe('/FlateDecode');
    const widthPx = 1653;
    const packed = inflateSync(image.getContents());
    const bytesPerRow = Math.ceil(widthPx / 8);
    expect(packed.length).toBe(bytesPerRow * 1170);
    const { bitonalPixels } = fixture;
    let mismatches = 0;
    for (let i = 0; i < bitonalPixels.length; i++) {
      const x = i % widthPx;
      const y = Math.floor(i / widthPx);
      const white = (packed[y * bytesPerRow + (x >> 3)]! >> (7 - (x & 7))) & 1;
      if (white !== (bitonalPixels[i]! >= 128 ? 1 : 0)) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(bitonalPixels.some((p) => p === 0)).toBe(true);
  });

  it('embeds a one-glyph TrueType font whose width matches the PDF widths, with a ToUnicode map, and draws text invisibly', () => {
    const resources = dictAt(doc, doc.getPage(0).node, 'Resources');
    const font = dictAt(doc, dictAt(doc, resources, 'Font'), 'F0');
    expect(nameAt(font, 'Subtype')).toBe('/Type0');
    expect(nameAt(font, 'BaseFont')).toMatch(/^\/[A-Z]{6}\+DejaVuSans$/);
    const toUnicode = new TextDecoder().decode(decoded(streamAt(doc, font, 'ToUnicode')));
    expect(toUnicode).toContain('<1ED8>'); // Ộ
    const descendants = lookup(doc, font.get(PDFName.of('DescendantFonts')));
    if (!(descendants instanceof PDFArray)) throw new Error('no DescendantFonts');
    const cidFont = lookup(doc, descendants.get(0)) as PDFDict;
    expect(nameAt(cidFont, 'Subtype')).toBe('/CIDFontType2');
    const fontFile = streamAt(doc, dictAt(doc, cidFont, 'FontDescriptor'), 'FontFile2');
    const program = decoded(fontFile);
    expect(program.length).toBe(numberAt(fontFile.dict, 'Length1'));
    expect(program.length).toBeLessThan(4_000); // .notdef and one blank glyph, not the 740 kB font
    const embedded = fontkit.create(program);
    expect(embedded.numGlyphs).toBe(2);
    const blankGlyph = embedded.getGlyph(1);
    expect(blankGlyph.path.toSVG()).toBe('');
    // PDF/A: the widths in the PDF agree with the font program's.
    expect(numberAt(cidFont, 'DW')).toBeCloseTo((blankGlyph.advanceWidth * 1000) / embedded.unitsPerEm, 0);
    expect(cidFont.get(PDFName.of('W'))).toBeUndefined();
    const cidToGid = decoded(streamAt(doc, cidFont, 'CIDToGIDMap'));
    const glyphIds = Array.from({ length: cidToGid.length / 2 }, (_, cid) => (cidToGid[cid * 2]! << 8) | cidToGid[cid * 2 + 1]!);
    expect(glyphIds[0]).toBe(0);
    expect(new Set(glyphIds.slice(1))).toEqual(new Set([1]));

    for (const pageIndex of [0, 1]) {
      const content = pageContent(doc, pageIndex);
      expect(content).toContain('3 Tr');
      expect([...content.matchAll(/(\d+) Tr/g)].map((m) => m[1])).toEqual(['3']);
    }
  });

  it('carries PDF/A-2b metadata consistent with the Info dictionary', () => {
    const xmp = new TextDecoder().decode(streamAt(doc, doc.catalog, 'Metadata').getContents());
    const metadata = streamAt(doc, doc.catalog, 'Metadata');
    expect(metadata.dict.get(PDFName.of('Filter'))).toBeUndefined();
    expect(xmp).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(xmp).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(xmp).toContain('<rdf:li xml:lang="x-default">Quyết định công nhận kết quả</rdf:li>');
    expect(xmp).toContain('<dc:identifier>HS-000123/VB-01</dc:identifier>');
    expect(xmp).toContain('<rdf:li>vi</rdf:li>');
    expect(xmp).toContain('<xmp:CreateDate>2024-05-01T08:30:15Z</xmp:CreateDate>');
    expect(xmp).toContain('<pdf:Producer>sohoa 0.1.0</pdf:Producer>');
    expect(xmp).toContain('<pdf:Keywords>quyết định; UBND phường</pdf:Keywords>');

    expect(doc.getTitle()).toBe('Quyết định công nhận kết quả');
    expect(doc.getSubject()).toBe('Hồ sơ thủ tục hành chính');
    expect(doc.getKeywords()).toBe('quyết định; UBND phường');
    expect(doc.getProducer()).toBe('sohoa 0.1.0');
    expect(doc.getCreationDate()?.toISOString()).toBe('2024-05-01T08:30:15.000Z');
    expect(doc.getModificationDate()?.toISOString()).toBe('2024-05-01T08:30:15.000Z');
    expect((doc.catalog.get(PDFName.of('Lang')) as PDFString).decodeText()).toBe('vi');
  });

  it('has an sRGB output intent with an embedded ICC profile', () => {
    const intents = lookup(doc, doc.catalog.get(PDFName.of('OutputIntents')));
    if (!(intents instanceof PDFArray)) throw new Error('no OutputIntents');
    const intent = lookup(doc, intents.get(0)) as PDFDict;
    expect(nameAt(intent, 'S')).toBe('/GTS_PDFA1');
    const profile = streamAt(doc, intent, 'DestOutputProfile');
    expect(numberAt(profile.dict, 'N')).toBe(3);
    const icc = decoded(profile);
    expect(String.fromCharCode(...icc.subarray(36, 40))).toBe('acsp');
    expect(String.fromCharCode(...icc.subarray(16, 20))).toBe('RGB ');
  });

  it('has no encryption and no JavaScript anywhere', () => {
    expect(doc.context.trailerInfo.Encrypt).toBeUndefined();
    const names = new Set<string>();
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      const dict = object instanceof PDFDict ? object : object instanceof PDFRawStream ? object.dict : undefined;
      for (const [key, value] of dict?.entries() ?? []) {
        names.add(key.toString());
        if (value instanceof PDFName) names.add(value.toString());
      }
    }
    for (const forbidden of ['/JavaScript', '/JS', '/OpenAction', '/AA', '/Encrypt']) {
      expect(names.has(forbidden), forbidden).toBe(false);
    }
    expect(doc.isEncrypted).toBe(false);
  });

  it('writes the same bytes for the same input, with a trailer ID from the identifier', async () => {
    const again = await writeSearchablePdf((await makeFixture()).input);
    expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
    const id = doc.context.trailerInfo.ID;
    if (!(id instanceof PDFArray)) throw new Error('no trailer ID');
    expect((id.get(0) as PDFHexString).asString()).toBe(documentIdHex('HS-000123/VB-01'));
  });
});

describe('writeSearchablePdf on unusual input', () => {
  const info = { title: 'T', identifier: 'x', language: 'vi', createdAt: new Date(0), producer: 'sohoa test' };
  const blank = (widthPx: number, heightPx: number): Uint8Array => new Uint8Array(widthPx * heightPx).fill(255);

  it('extracts characters of any script exactly, with nothing to warn about', async () => {
    const words: Word[] = [
      { text: 'Mã', box: { x0: 10, y0: 10, x1: 60, y1: 40 }, confidence: 90, lineIndex: 0 },
      { text: '中文', box: { x0: 70, y0: 10, x1: 130, y1: 40 }, confidence: 40, lineIndex: 0 },
      { text: '𝄞x', box: { x0: 10, y0: 60, x1: 60, y1: 90 }, confidence: 40, lineIndex: 1 },
    ];
    const out = await writeSearchablePdf({
      pages: [{ image: { kind: 'bitonal', pixels: blank(200, 120), widthPx: 200, heightPx: 120 }, dpi: 100, words }],
      info,
    });
    expect(await extractPdfText(out.bytes)).toEqual(['Mã 中文\n𝄞x']);
    expect(out.warnings).toEqual([]);
  });

  it('keeps two columns that share a baseline as separate lines, as OCR reports them', async () => {
    const dpi = 300;
    const line = (text: string, lineIndex: number, x0: number, y0: number): Word[] => {
      let x = x0;
      return text.split(' ').map((t) => {
        const widthPx = 26 * [...t].length;
        const word: Word = { text: t, box: { x0: x, y0, x1: x + widthPx, y1: y0 + 42 }, confidence: 90, lineIndex };
        x += widthPx + 18;
        return word;
      });
    };
    const lines = ['ỦY BAN NHÂN DÂN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'PHƯỜNG BẾN NGHÉ', 'Độc lập - Tự do - Hạnh phúc'];
    const words = [line(lines[0]!, 0, 150, 200), line(lines[1]!, 1, 1000, 200), line(lines[2]!, 2, 170, 260), line(lines[3]!, 3, 1150, 262)].flat();
    const out = await writeSearchablePdf({
      pages: [{ image: { kind: 'bitonal', pixels: blank(2480, 600), widthPx: 2480, heightPx: 600 }, dpi, words }],
      info,
    });
    expect(await extractPdfText(out.bytes)).toEqual([lines.join('\n')]);
  });

  it('writes a page without words as the image alone, with no font', async () => {
    const out = await writeSearchablePdf({
      pages: [{ image: { kind: 'bitonal', pixels: blank(80, 80), widthPx: 80, heightPx: 80 }, dpi: 300, words: [] }],
      info,
    });
    const doc = await PDFDocument.load(out.bytes);
    const fonts = doc.getPage(0).node.Resources()?.get(PDFName.of('Font'));
    expect(fonts === undefined || (fonts instanceof PDFDict && fonts.keys().length === 0)).toBe(true);
    expect(pageContent(doc, 0)).not.toContain('BT');
    expect(await extractPdfText(out.bytes)).toEqual(['']);
  });

  it('rejects a JPEG whose size differs from the page size it comes with', async () => {
    const jpeg = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#fff' } }).jpeg().toBuffer());
    await expect(
      writeSearchablePdf({ pages: [{ image: { kind: 'jpeg', bytes: jpeg, widthPx: 30, heightPx: 40 }, dpi: 300, words: [] }], info }),
    ).rejects.toThrow(/40×30 px but the page says 30×40 px/);
  });

  it('fails an unreadable JPEG page as an input error that names the page', async () => {
    const notJpeg = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    const error = await writeSearchablePdf({
      pages: [{ image: { kind: 'jpeg', bytes: notJpeg, widthPx: 1, heightPx: 1 }, dpi: 300, words: [] }],
      info,
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^page 1: The page image is not a readable JPEG/);
  });

  it('rejects a document without pages', async () => {
    await expect(writeSearchablePdf({ pages: [], info })).rejects.toThrow(/at least one page/);
  });
});

/** Renders page 1 with pdf.js (its own CCITT decoder, loaded as WebAssembly) and returns the gray levels. */
async function renderGray(pdf: Uint8Array): Promise<{ gray: Uint8Array; widthPx: number; heightPx: number }> {
  const wasmUrl = `${path.resolve('node_modules/pdfjs-dist/wasm')}/`;
  const task = getDocument({ data: pdf.slice(), wasmUrl, verbosity: 0 });
  const doc = await task.promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale: 1 });
  // pdf.js in Node makes its canvases with @napi-rs/canvas; its factory is not in the public types.
  type Context = { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
  const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: unknown; context: Context } } }).canvasFactory;
  const { canvas, context } = factory.create(viewport.width, viewport.height);
  await page.render({ canvasContext: context as never, viewport, canvas: canvas as never }).promise;
  const rgba = context.getImageData(0, 0, viewport.width, viewport.height).data;
  const gray = new Uint8Array(viewport.width * viewport.height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4]!;
  await task.destroy();
  return { gray, widthPx: viewport.width, heightPx: viewport.height };
}

describe('writeSearchablePdf with a CCITT G4 page', () => {
  const info = { title: 'T', identifier: 'g4', language: 'vi', createdAt: new Date(0), producer: 'sohoa test' };
  const widthPx = 300;
  const heightPx = 200;

  async function g4Page(miniswhite: boolean): Promise<{ tiff: Buffer; pixels: Buffer }> {
    // A black bar on white, drawn at 72 dpi so one PDF point is one pixel when rendered at scale 1.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}"><rect width="100%" height="100%" fill="white"/><rect x="20" y="30" width="120" height="40" fill="black"/></svg>`;
    const pixels = await sharp(Buffer.from(svg)).threshold(128).toColourspace('b-w').raw().toBuffer();
    const tiff = await sharp(pixels, { raw: { width: widthPx, height: heightPx, channels: 1 } })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite, tileHeight: heightPx })
      .toBuffer();
    return { tiff, pixels };
  }

  for (const miniswhite of [true, false]) {
    it(`embeds the TIFF strip as it is and renders black on white (${miniswhite ? 'min-is-white' : 'min-is-black'})`, async () => {
      const { tiff, pixels } = await g4Page(miniswhite);
      const g4 = readSingleG4Strip(tiff);
      const out = await writeSearchablePdf({ pages: [{ image: { kind: 'ccitt-g4', ...g4 }, dpi: 72, words: [] }], info });
      const doc = await PDFDocument.load(out.bytes);
      const image = pageImage(doc, 0);
      expect(nameAt(image.dict, 'Filter')).toBe('/CCITTFaxDecode');
      const parms = image.dict.get(PDFName.of('DecodeParms'));
      expect(String(parms)).toContain('/K -1');
      expect(String(parms)).toContain(`/BlackIs1 ${!miniswhite}`);
      expect(Buffer.from(image.getContents()).equals(Buffer.from(g4.bytes))).toBe(true);
      expect(out.pages[0]!.imageBytes).toBe(g4.bytes.length);

      const rendered = await renderGray(out.bytes);
      expect([rendered.widthPx, rendered.heightPx]).toEqual([widthPx, heightPx]);
      let differing = 0;
      for (let i = 0; i < pixels.length; i++) if ((rendered.gray[i]! < 128) !== (pixels[i]! < 128)) differing++;
      expect(differing).toBe(0);
      expect(rendered.gray[50 * widthPx + 60]).toBeLessThan(64); // inside the bar
      expect(rendered.gray[150 * widthPx + 200]).toBeGreaterThan(192); // paper
    });
  }

  it('reports each page\'s image and content stream bytes as stored', async () => {
    const { tiff } = await g4Page(true);
    const g4 = readSingleG4Strip(tiff);
    const word: Word = { text: 'Hạnh', box: { x0: 20, y0: 30, x1: 140, y1: 70 }, confidence: 90, lineIndex: 0 };
    const out = await writeSearchablePdf({ pages: [{ image: { kind: 'ccitt-g4', ...g4 }, dpi: 72, words: [word] }], info });
    const doc = await PDFDocument.load(out.bytes);
    const content = streamAt(doc, doc.getPage(0).node, 'Contents');
    expect(out.pages).toEqual([{ imageBytes: pageImage(doc, 0).getContents().length, contentBytes: content.getContents().length }]);
  });
});
