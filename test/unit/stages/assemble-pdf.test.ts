import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentPlan, DossierPlan } from '../../../src/domain/batch.ts';
import type { RecognizedPage, Word } from '../../../src/domain/page.ts';
import { extractPdfText } from '../../../src/pdf/extract-text.ts';
import { assembleDocument, documentText, pageRecord, scaleWords } from '../../../src/stages/assemble-pdf.ts';

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
    const low = pageRecord(page({ pdfImagePath: 'a', pdfImageFormat: 'jpeg', words: [word('x', 0, 0, 0)], text: 'x', meanConfidence: 40, dpi: 150, rotationDeg: 180, skewDeg: 2.5 }), 60);
    expect(low.flags).toEqual(['low-confidence', 'under-200-dpi', 'rotated', 'deskewed']);
    const blank = pageRecord(page({ pdfImagePath: 'a', pdfImageFormat: 'jpeg', words: [], text: '', meanConfidence: 0, dpiAssumed: true }), 60);
    expect(blank.flags).toEqual(['no-text', 'under-200-dpi', 'dpi-assumed']);
  });

  it('writes a PDF whose extracted text is the OCR text, gray and bitonal pages alike', async () => {
    const jpeg = path.join(dir, 'p1.jpg');
    const png = path.join(dir, 'p2.png');
    await sharp({ create: { width: 600, height: 800, channels: 3, background: '#fff' } }).toColourspace('b-w').jpeg().toFile(jpeg);
    await sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#fff' } }).toColourspace('b-w').png({ colours: 2, palette: false }).toFile(png);
    const dossier: DossierPlan = { id: 'HS-001', kind: 'component', metadata: {}, documents: [] };
    const document: DocumentPlan = { id: 'QD-15', title: 'Quyết định 15', metadata: { number: '15/QĐ-UBND' }, sources: [] };
    const gray = page({ pdfImagePath: jpeg, pdfImageFormat: 'jpeg', words: [word('Độc', 50, 50, 0), word('lập', 150, 50, 0)], text: 'Độc lập' });
    // The bitonal page was OCRed at twice the PDF image's size: boxes must be halved.
    const bitonal = {
      ...page({ pdfImagePath: png, pdfImageFormat: 'png', colourMode: 'bitonal', widthPx: 1200, heightPx: 1600, dpi: 200, words: [word('Hạnh', 100, 100, 0), word('phúc', 220, 100, 0)], text: 'Hạnh phúc' }),
      ocrWidthPx: 2400,
      ocrHeightPx: 3200,
    };
    const assembled = await assembleDocument(dossier, document, [gray, bitonal], { batchId: 'b', language: 'vi', producer: 'sohoa test', lowConfidence: 60, createdAt: new Date('2024-03-05T00:00:00Z') });
    expect(await extractPdfText(assembled.pdf)).toEqual(['Độc lập', 'Hạnh phúc']);
    expect(assembled.pages.map((p) => p.pageNumber)).toEqual([1, 1]);
    expect(assembled.text).toBe('Độc lập\n\fHạnh phúc\n');
  });
});
