// Reads scanned PDFs: refuses unsafe or broken files, takes each page's scan out as an image file, and reads any text layer.
// The work lives in `./scanned/`, one file per concern; this file opens the PDF and keeps the exports importers use.
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { readPdfSignatures, type PdfSignature } from './pdf-signatures.ts';
import { extractPage, type ExtractedPdfPage, type ExtractOptions } from './scanned/extract-page.ts';
import { loadPdf, openWithPdfjs, readPdfBytes } from './scanned/open-pdf.ts';
import { bytesBesideImages } from './scanned/page-plan.ts';

export { lexContentOps, type Operand } from './scanned/content-lexer.ts';
export { applyMatrix, multiply, summarizeContent, type ContentSummary, type Matrix, type PdfRect } from './scanned/content-summary.ts';
export { buildCcittTiff, type CcittParams } from './scanned/ccitt-tiff.ts';
export { decodeFlateImage, type FlateImage, type FlateImageParams } from './scanned/flate-image.ts';
export type { ExtractedPdfPage, ExtractOptions } from './scanned/extract-page.ts';
export { findJavaScript } from './scanned/open-pdf.ts';
export { coversBox, dominantImage, drawnPageBasis, pageInputBytes, type DominantImage } from './scanned/page-plan.ts';
export { imageColourMode } from './scanned/pdf-dict.ts';
export { keepColourFromShare, renderedMode } from './scanned/render-page.ts';
export type { PdfTextItem } from './pdfjs-document.ts';
export { isTextOfTheScan, wordsFromTextItems } from './scanned/text-words.ts';
export type { ExtractMethod } from './scanned/written-image.ts';

/**
 * Counts the pages of a PDF, refusing files sohoa must not or cannot read: damaged, carrying JavaScript, or
 * needing a password to open. Throws InputError naming the file and saying what to do. A PDF encrypted with an
 * empty user password (owner permissions only, as e-office systems sign them) opens as every reader opens it.
 */
export async function inspectPdf(filePath: string, options: { name?: string } = {}): Promise<{ pageCount: number }> {
  const name = options.name ?? filePath;
  const bytes = await readPdfBytes(filePath, name);
  const doc = await loadPdf(bytes, name);
  if (doc.isEncrypted) await (await openWithPdfjs(bytes, name)).destroy();
  return { pageCount: doc.getPageCount() };
}

/**
 * Takes one page (0-based `pageIndex`) out of a PDF into `outDir`. Opens the file for this page only; to read
 * many pages of one file, use `openScannedPdf` and close it after.
 */
export async function extractPdfPage(filePath: string, pageIndex: number, outDir: string, options: ExtractOptions = {}): Promise<ExtractedPdfPage> {
  const pdf = await openScannedPdf(filePath, options.name === undefined ? {} : { name: options.name });
  try {
    return await pdf.extractPage(pageIndex, outDir, options);
  } finally {
    await pdf.close();
  }
}

export interface ScannedPdf {
  /** The file as errors and records name it. */
  readonly name: string;
  readonly pageCount: number;
  /** Its digital signatures, read once when the file is opened. */
  readonly signatures: PdfSignature[];
  extractPage(pageIndex: number, outDir: string, options?: ExtractOptions): Promise<ExtractedPdfPage>;
  /** Frees pdf.js's copy of the document. */
  close(): Promise<void>;
}

/**
 * Opens a PDF once for several pages: pdf-lib for its objects, pdf.js (loaded on first need) for text and rendering.
 * `checked`: this file, unchanged, already passed `inspectPdf` in this run (see `PdfCache`); it is parsed, not checked again.
 */
export async function openScannedPdf(filePath: string, options: { name?: string; checked?: boolean } = {}): Promise<ScannedPdf> {
  const name = options.name ?? filePath;
  const bytes = await readPdfBytes(filePath, name);
  const doc = await loadPdf(bytes, name, { checked: options.checked === true });
  const pageCount = doc.getPageCount();
  let pdfjs: ReturnType<typeof openWithPdfjs> | undefined;
  const pdfjsDocument = async (): Promise<PDFDocumentProxy> => (await (pdfjs ??= openWithPdfjs(bytes, name))).pdf;
  // An encrypted file that opens without a password: its streams are encrypted, so only pdf.js (which decrypts
  // them) reads its images, by rendering. A file that needs a password is refused here, before any page; pdf.js is
  // needed for its pages anyway, so a checked file opens it here too.
  const encrypted = doc.isEncrypted;
  if (encrypted) await pdfjsDocument();
  let sharedBytes: number | undefined;
  const opened = { name, doc, pageCount, fileSizeBytes: bytes.length, encrypted, pdfjsDocument, sharedBytes: () => (sharedBytes ??= bytesBesideImages(doc, bytes.length)) };
  return {
    name,
    pageCount,
    signatures: readPdfSignatures(doc, bytes),
    extractPage: (pageIndex, outDir, pageOptions = {}) => extractPage(opened, pageIndex, outDir, pageOptions),
    close: async () => {
      if (pdfjs !== undefined) await (await pdfjs.catch(() => undefined))?.destroy();
      pdfjs = undefined;
    },
  };
}
