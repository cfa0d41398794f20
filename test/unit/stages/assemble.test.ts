import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentPlan, DossierPlan } from '../../../src/domain/batch.ts';
import type { RecognizedPage, Word } from '../../../src/domain/page.ts';
import { readSingleG4Strip } from '../../../src/image/tiff.ts';
import { extractPdfText } from '../../../src/pdf/extract-text.ts';
import { assembleDocument, documentText, pageRecord, scaleWords } from '../../../src/stages/assemble.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-assemble-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const word = (text: string, x0: number, y0: number, lineIndex: number): Word => ({ text, box: { x0, y0, x1: x0 + 20 * text.length, y1: y0 + 40 }, confidence: 90, lineIndex });

function page(overrides: Partial<RecognizedPage> & Pick<RecognizedPage, 'pdfImagePath' | 'pdfImageFormat' | 'words' | 'text'>): RecognizedPage {
  return {
    ref: { dossierId: 'HS-001', documentId: 'QD-15', pageNumber: 1, file: 'HS-001/a.png', filePageNumber: 1 },
    ocrImagePath: overrides.pdfImagePath,
    colourMode: 'gray',
    widthPx: 600,
    heightPx: 800,
    dpi: 100,
    ocrWidthPx: 600,
    ocrHeightPx: 800,
    ocrDpi: 100,
    dpiAssumed: false,
    rotationDeg: 0,
    orientation: { source: 'none' },
    skewDeg: 0,
    inputBytes: 1000,
    warnings: [],
    durationMs: 10,
    meanConfidence: 90,
    ocrDurationMs: 20,
    ...overrides,
  };
}

describe('assemble stage', () => {
  it('scales word boxes from the upscaled OCR image back to the PDF image', () => {
    const [scaled] = scaleWords([word('Số', 300, 150, 0)], 0.5, 2 / 3);
    expect(scaled!.box).toEqual({ x0: 150, y0: 100, x1: 170, y1: 40 * (2 / 3) + 100 });
  });

  it('separates pages of the text sidecar with form feeds', () => {
    const a = page({ pdfImagePath: 'a', pdfImageFormat: 'jpeg', words: [], text: 'trang một' });
    const b = page({ pdfImagePath: 'b', pdfImageFormat: 'jpeg', words: [], text: 'trang hai' });
    expect(documentText([a, b])).toBe('trang một\n\ftrang hai\n');
  });

  it('flags pages for review without failing them', () => {
    const low = pageRecord(page({ pdfImagePath: 'a', pdfImageFormat: 'jpeg', words: [word('x', 0, 0, 0)], text: 'x', meanConfidence: 40, dpi: 150, rotationDeg: 180, skewDeg: 2.5 }), 60, { imageBytes: 4321, contentBytes: 120 });
    expect(low.flags).toEqual(['low-confidence', 'under-200-dpi', 'rotated', 'deskewed']);
    expect([low.inputBytes, low.outputBytes, low.textLayerBytes]).toEqual([1000, 4321, 120]);
    // 4441 bytes stored for 1000 in: the page is kept, and its record says why someone may want to look.
    expect(low.warnings).toEqual(['the page takes 4441 bytes in the PDF (image 4321, text layer 120), 4.4 times its 1000 input bytes; it is stored as a gray page at 150 dpi: if its scan is black and white or gray, or coarser, send the input file to the operators']);
    const blank = pageRecord(page({ pdfImagePath: 'a', pdfImageFormat: 'jpeg', words: [], text: '', meanConfidence: 0, dpiAssumed: true }), 60, { imageBytes: 0, contentBytes: 0 });
    expect(blank.flags).toEqual(['no-text', 'under-200-dpi', 'dpi-assumed']);
  });

  it('writes a PDF whose extracted text is the OCR text, gray and bitonal pages alike', async () => {
    const jpeg = path.join(dir, 'p1.jpg');
    const tif = path.join(dir, 'p2.tif');
    await sharp({ create: { width: 600, height: 800, channels: 3, background: '#fff' } }).toColourspace('b-w').jpeg().toFile(jpeg);
    await sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#fff' } })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, tileHeight: 1600 })
      .toFile(tif);
    const dossier: DossierPlan = { id: 'HS-001', kind: 'component', metadata: {}, documents: [] };
    const document: DocumentPlan = { id: 'QD-15', title: 'Quyết định 15', metadata: { number: '15/QĐ-UBND' }, sources: [] };
    const gray = page({ pdfImagePath: jpeg, pdfImageFormat: 'jpeg', words: [word('Độc', 50, 50, 0), word('lập', 150, 50, 0)], text: 'Độc lập' });
    // The bitonal page was OCRed at twice the PDF image's size: boxes must be halved.
    const bitonal = {
      ...page({ pdfImagePath: tif, pdfImageFormat: 'ccitt-g4', colourMode: 'bitonal', widthPx: 1200, heightPx: 1600, dpi: 200, words: [word('Hạnh', 100, 100, 0), word('phúc', 220, 100, 0)], text: 'Hạnh phúc' }),
      ocrWidthPx: 2400,
      ocrHeightPx: 3200,
    };
    const assembled = await assembleDocument(dossier, document, [gray, bitonal], { batchId: 'b', language: 'vi', producer: 'sohoa test', lowConfidence: 60, createdAt: new Date('2024-03-05T00:00:00Z') });
    expect(await extractPdfText(assembled.pdf)).toEqual(['Độc lập', 'Hạnh phúc']);
    expect(assembled.pages.map((p) => p.pageNumber)).toEqual([1, 1]);
    expect(assembled.text).toBe('Độc lập\n\fHạnh phúc\n');
  });

  it('puts the JPEG and the G4 strip into the PDF byte for byte and records their sizes per page', async () => {
    const jpegPath = path.join(dir, 'pass.jpg');
    const tifPath = path.join(dir, 'page.tif');
    const jpeg = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#ddd' } }).toColourspace('b-w').jpeg({ quality: 60 }).toBuffer();
    await writeFile(jpegPath, jpeg);
    const tiff = await sharp(Buffer.from('<svg width="300" height="400"><rect width="300" height="400" fill="#fff"/><rect x="30" y="40" width="200" height="20"/></svg>'))
      .flatten({ background: '#fff' })
      .toColourspace('b-w')
      .tiff({ compression: 'ccittfax4', bitdepth: 1, miniswhite: true, tileHeight: 400 })
      .toBuffer();
    await writeFile(tifPath, tiff);
    const pages = [
      page({ pdfImagePath: jpegPath, pdfImageFormat: 'jpeg', pdfImagePassthrough: true, widthPx: 300, heightPx: 400, words: [], text: '', inputBytes: jpeg.length }),
      page({ pdfImagePath: tifPath, pdfImageFormat: 'ccitt-g4', colourMode: 'bitonal', widthPx: 300, heightPx: 400, words: [], text: '', inputBytes: tiff.length }),
    ];
    const dossier: DossierPlan = { id: 'HS-001', kind: 'component', metadata: {}, documents: [] };
    const document: DocumentPlan = { id: 'CV-1', metadata: {}, sources: [] };
    const assembled = await assembleDocument(dossier, document, pages, { batchId: 'b', language: 'vi', producer: 'sohoa test', lowConfidence: 60, createdAt: new Date(0) });
    const doc = await PDFDocument.load(assembled.pdf);
    const images = [0, 1].map((index) => {
      const resources = doc.getPage(index).node.Resources()!;
      const xobjects = resources.lookup(PDFName.of('XObject'), PDFDict);
      const image = xobjects.lookup(PDFName.of('Im0'));
      if (!(image instanceof PDFRawStream)) throw new Error(`page ${index + 1} has no image stream`);
      return image;
    });
    expect(images.map((image) => image.dict.get(PDFName.of('Filter'))?.toString())).toEqual(['/DCTDecode', '/CCITTFaxDecode']);
    expect(Buffer.from(images[0]!.getContents()).equals(jpeg)).toBe(true);
    const strip = readSingleG4Strip(tiff).bytes;
    expect(Buffer.from(images[1]!.getContents()).equals(Buffer.from(strip))).toBe(true);
    expect(assembled.pages.map((p) => p.outputBytes)).toEqual([jpeg.length, strip.length]);
    // A bitonal page costs no more than its G4 TIFF: the strip is the file minus its header and directory.
    expect(assembled.pages[1]!.outputBytes).toBeLessThanOrEqual(assembled.pages[1]!.inputBytes);
  });
});
