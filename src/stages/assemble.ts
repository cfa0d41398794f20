// Assemble stage: one document's recognized pages become a searchable PDF, a text sidecar and a record draft.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { DocumentPlan, DossierPlan } from '../domain/batch.ts';
import type { FieldValue } from '../domain/metadata/model.ts';
import type { RecognizedPage, Word } from '../domain/page.ts';
import { mean, outputSizeWarning, pageFlags, type PageRecord, type PageWarning } from '../domain/record.ts';
import { readTiffStrips, singleG4Strip } from '../image/tiff.ts';
import { writeSearchablePdf, type PdfPageImage, type PdfPageInput, type WrittenPdfPage } from '../pdf/write-searchable-pdf.ts';
import { z } from 'zod';
import { numberBetween } from '../common/validation.ts';
import type { Stage } from './stage.ts';

export const assembleOptions = z
  .object({
    lowConfidence: numberBetween(0, 100).default(60).describe('Pages whose mean word confidence is below this are flagged for review'),
  })
  .strict();

export type AssembleOptions = z.output<typeof assembleOptions>;

export interface AssembledDocument {
  pdf: Uint8Array;
  text: string;
  pages: PageRecord[];
  /** Per page, in page order: the warnings with a code, for the batch report (their messages are in `pages` too). */
  pageWarnings: PageWarning[][];
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
  /** The document's settled metadata, for the PDF's Info dictionary and XMP. */
  metadata?: Readonly<Record<string, FieldValue>>;
}

/** Metadata keys and the sohoa XMP properties they are written as (see `sohoaProperties` in pdf/xmp.ts). */
const xmpPropertyOf: Readonly<Record<string, string>> = {
  number: 'documentNumber',
  symbol: 'documentSymbol',
  documentType: 'documentType',
  issueDate: 'issueDate',
  place: 'issuePlace',
  issuer: 'issuer',
  issuerParent: 'issuerParent',
  issuerCode: 'issuerCode',
  subject: 'subject',
  signer: 'signer',
  signerTitle: 'signerTitle',
  signingCapacity: 'signingCapacity',
  reliability: 'reliability',
  secrecy: 'secrecy',
  urgency: 'urgency',
  validFrom: 'validFrom',
  validTo: 'validTo',
  scope: 'scope',
  code: 'dossierCode',
  procedureCode: 'procedureCode',
  agencyCode: 'agencyCode',
  ownerId: 'ownerId',
  ownerIdKind: 'ownerIdKind',
  issuingSystem: 'issuingSystem',
  documentName: 'documentName',
};

/** The sohoa XMP properties of a document's metadata. */
export function xmpRecordsFields(metadata: Readonly<Record<string, FieldValue>>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, property] of Object.entries(xmpPropertyOf)) {
    const value = metadata[key]?.value;
    if (value) fields[property] = value;
  }
  return fields;
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

/**
 * `written`: what the page costs in the PDF, as the writer reports it. A page larger than its input by more than
 * `maxOutputToInputRatio` carries PAGE_OUTPUT_LARGER's message among its warnings.
 */
export function pageRecord(page: RecognizedPage, lowConfidence: number, written: WrittenPdfPage): PageRecord {
  const summary = {
    meanConfidence: page.meanConfidence,
    wordCount: page.words.length,
    dpi: page.dpi,
    dpiAssumed: page.dpiAssumed,
    ...(page.dpiInferredFrom ? { dpiInferredFrom: page.dpiInferredFrom } : {}),
    rotationDeg: page.rotationDeg,
    skewDeg: page.skewDeg,
    ...(page.blank ? { blank: true } : {}),
  };
  const record: PageRecord = {
    pageNumber: page.ref.pageNumber,
    file: page.ref.file,
    filePageNumber: page.ref.filePageNumber,
    widthPx: page.widthPx,
    heightPx: page.heightPx,
    dpi: page.dpi,
    dpiAssumed: page.dpiAssumed,
    ...(page.dpiInferredFrom ? { dpiInferredFrom: page.dpiInferredFrom } : {}),
    colourMode: page.colourMode,
    rotationDeg: page.rotationDeg,
    orientation: page.orientation,
    skewDeg: Math.round(page.skewDeg * 100) / 100,
    meanConfidence: Math.round(page.meanConfidence * 10) / 10,
    wordCount: page.words.length,
    inputBytes: page.inputBytes,
    outputBytes: written.imageBytes,
    textLayerBytes: written.contentBytes,
    flags: pageFlags(summary, lowConfidence),
    warnings: page.warnings,
  };
  const larger = outputSizeWarning(record);
  return larger ? { ...record, warnings: [...record.warnings, larger.message] } : record;
}

/** Reads the PDF image normalize wrote (or the input's JBIG2 it kept); its encoded bytes go into the PDF as they are, never decoded. */
async function pdfImageOf(page: RecognizedPage): Promise<PdfPageImage> {
  const jbig2 = page.pdfImageJbig2;
  if (jbig2 && jbig2.widthPx === page.widthPx && jbig2.heightPx === page.heightPx) {
    const [bytes, globals] = await Promise.all([readFile(jbig2.streamPath), jbig2.globalsPath === undefined ? undefined : readFile(jbig2.globalsPath)]);
    return { kind: 'jbig2', bytes, globals, widthPx: jbig2.widthPx, heightPx: jbig2.heightPx, decode: jbig2.decode };
  }
  const bytes = await readFile(page.pdfImagePath);
  if (page.pdfImageFormat === 'jpeg') return { kind: 'jpeg', bytes, widthPx: page.widthPx, heightPx: page.heightPx };
  const tiff = readTiffStrips(bytes);
  const image: PdfPageImage =
    tiff.strips.length === 1
      ? { kind: 'ccitt-g4', ...singleG4Strip(tiff) }
      : await bitonalPixels(bytes); // a page too tall for one strip: still 1-bit, packed from pixels
  if (image.widthPx !== page.widthPx || image.heightPx !== page.heightPx) {
    // Word boxes are in the page's pixels: an image of another size would misplace the text layer. A bug, not input.
    throw new Error(
      `page ${page.ref.pageNumber}: the bitonal image is ${image.widthPx}×${image.heightPx} px but the page is ${page.widthPx}×${page.heightPx} px`,
    );
  }
  return image;
}

async function bitonalPixels(file: Uint8Array): Promise<PdfPageImage> {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { kind: 'bitonal', pixels: data, widthPx: info.width, heightPx: info.height };
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
    const scaleX = page.widthPx / page.ocrWidthPx;
    const scaleY = page.heightPx / page.ocrHeightPx;
    pdfPages.push({ image, dpi: page.dpi, words: scaleWords(page.words, scaleX, scaleY) });
  }
  const field = (key: string): string | undefined => ctx.metadata?.[key]?.value ?? document.metadata[key];
  const title = document.title ?? field('documentName') ?? dossier.title ?? document.id;
  const numberAndSymbol = [field('number'), field('symbol')].filter(Boolean).join('/');
  const subject = field('subject') ?? dossier.title;
  const author = field('issuer');
  const type = field('documentType');
  const date = field('issueDate');
  const written = await writeSearchablePdf({
    pages: pdfPages,
    info: {
      title,
      identifier: `${ctx.batchId}/${dossier.id}/${document.id}`,
      language: ctx.language,
      createdAt: ctx.createdAt,
      producer: ctx.producer,
      ...(subject ? { subject } : {}),
      keywords: [dossier.code, type, numberAndSymbol].filter((v): v is string => Boolean(v)),
      ...(author ? { author } : {}),
      ...(type ? { type } : {}),
      ...(date ? { date } : {}),
      ...(ctx.metadata ? { records: xmpRecordsFields(ctx.metadata) } : {}),
    },
  });
  const records = pages.map((page, index) => pageRecord(page, ctx.lowConfidence, written.pages[index] ?? { imageBytes: 0, contentBytes: 0 }));
  return {
    pdf: written.bytes,
    text: documentText(pages),
    pages: records,
    pageWarnings: records.map((record) => [outputSizeWarning(record)].filter((w): w is PageWarning => w !== undefined)),
    meanConfidence: mean(pages.map((page) => page.meanConfidence)),
    warnings: written.warnings,
    durationMs: performance.now() - started,
  };
}

/** What the assemble stage puts together: one document of a dossier, its recognized pages and settled metadata. */
export interface AssembleInput extends Omit<AssembleContext, 'lowConfidence'> {
  dossier: DossierPlan;
  document: DocumentPlan;
  pages: readonly RecognizedPage[];
}

export const assembleStage: Stage<'assemble', typeof assembleOptions, AssembleInput, AssembledDocument> = {
  name: 'assemble',
  description: "Writes a document's searchable PDF/A-2b and its text, and measures each page for the record",
  options: assembleOptions,
  run: ({ dossier, document, pages, ...context }, ctx) => assembleDocument(dossier, document, pages, { ...context, lowConfidence: ctx.options.lowConfidence }),
};
