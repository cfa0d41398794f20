// Assemble stage: one document's recognized pages become a searchable PDF, a text sidecar and a record draft.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { DocumentPlan, DossierPlan } from '../domain/batch.ts';
import type { RecognizedPage, Word } from '../domain/page.ts';
import { mean, pageFlags, type PageRecord } from '../domain/record.ts';
import { writeSearchablePdf, type PdfPageImage, type PdfPageInput } from '../pdf/write-searchable-pdf.ts';

export interface AssembledDocument {
  pdf: Uint8Array;
  text: string;
  pages: PageRecord[];
  meanConfidence: number;
  warnings: string[];
  durationMs: number;
}

export interface AssembleContext {
  batchId: string;
  language: string;
  producer: string;
  lowConfidence: number;
  createdAt: Date;
}

/** Page texts separated by form feeds, as Tesseract's own text output does, so page boundaries survive. */
export function documentText(pages: readonly RecognizedPage[]): string {
  return pages.map((page) => `${page.text}\n`).join('\f');
}

/** Word boxes come in OCR-image pixels; the PDF image may be smaller when the OCR copy was upscaled. */
export function scaleWords(words: readonly Word[], scaleX: number, scaleY: number): Word[] {
  if (scaleX === 1 && scaleY === 1) return [...words];
  return words.map((word) => ({
    ...word,
    box: { x0: word.box.x0 * scaleX, y0: word.box.y0 * scaleY, x1: word.box.x1 * scaleX, y1: word.box.y1 * scaleY },
  }));
}

export function pageRecord(page: RecognizedPage, lowConfidence: number): PageRecord {
  const summary = {
    meanConfidence: page.meanConfidence,
    wordCount: page.words.length,
    dpi: page.dpi,
    dpiAssumed: page.dpiAssumed,
    rotationDeg: page.rotationDeg,
    skewDeg: page.skewDeg,
  };
  return {
    pageNumber: page.ref.pageNumber,
    file: page.ref.file,
    filePageNumber: page.ref.filePageNumber,
    widthPx: page.widthPx,
    heightPx: page.heightPx,
    dpi: page.dpi,
    dpiAssumed: page.dpiAssumed,
    colourMode: page.colourMode,
    rotationDeg: page.rotationDeg,
    orientation: page.orientation,
    skewDeg: Math.round(page.skewDeg * 100) / 100,
    meanConfidence: Math.round(page.meanConfidence * 10) / 10,
    wordCount: page.words.length,
    inputBytes: page.inputBytes,
    flags: pageFlags(summary, lowConfidence),
    warnings: page.warnings,
    timings: { normalizeMs: Math.round(page.durationMs), recognizeMs: Math.round(page.ocrDurationMs) },
  };
}

async function pdfImageOf(page: RecognizedPage): Promise<PdfPageImage> {
  if (page.pdfImageFormat === 'jpeg') {
    return { kind: 'jpeg', bytes: await readFile(page.pdfImagePath), widthPx: page.widthPx, heightPx: page.heightPx };
  }
  const { data, info } = await sharp(page.pdfImagePath).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  // Bitonal pages stay bitonal: threshold the decoded 1-bit PNG back to pure black and white.
  const pixels = new Uint8Array(info.width * info.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (data[i] as number) < 128 ? 0 : 255;
  return { kind: 'bitonal', pixels, widthPx: info.width, heightPx: info.height };
}

export async function assembleDocument(
  dossier: DossierPlan,
  document: DocumentPlan,
  pages: readonly RecognizedPage[],
  ctx: AssembleContext,
): Promise<AssembledDocument> {
  const started = performance.now();
  const pdfPages: PdfPageInput[] = [];
  for (const page of pages) {
    const image = await pdfImageOf(page);
    const ocrSize = page as RecognizedPage & { ocrWidthPx?: number; ocrHeightPx?: number };
    const scaleX = ocrSize.ocrWidthPx ? page.widthPx / ocrSize.ocrWidthPx : 1;
    const scaleY = ocrSize.ocrHeightPx ? page.heightPx / ocrSize.ocrHeightPx : 1;
    pdfPages.push({ image, dpi: page.dpi, words: scaleWords(page.words, scaleX, scaleY) });
  }
  const title = document.title ?? dossier.title ?? document.id;
  const { bytes, warnings } = await writeSearchablePdf({
    pages: pdfPages,
    info: {
      title,
      identifier: `${ctx.batchId}/${dossier.id}/${document.id}`,
      language: ctx.language,
      createdAt: ctx.createdAt,
      producer: ctx.producer,
      subject: document.metadata['subject'] ?? dossier.title,
      keywords: [dossier.code, document.metadata['documentType'], document.metadata['number']].filter((v): v is string => Boolean(v)),
    },
  });
  return {
    pdf: bytes,
    text: documentText(pages),
    pages: pages.map((page) => pageRecord(page, ctx.lowConfidence)),
    meanConfidence: mean(pages.map((page) => page.meanConfidence)),
    warnings,
    durationMs: performance.now() - started,
  };
}
