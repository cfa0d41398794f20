// pdf.js in one place: the one getDocument setup (reading scans, or reading text back) and the text item both readers read.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * What pdf.js opens a document for. `scan`: a scanned input, drawn and read as a reader shows it, so the fonts a
 * PDF names without embedding (Helvetica…) and the JBIG2/JPEG 2000 decoders come from the package. `text`: a PDF
 * sohoa wrote, read back only for its text, stopping at the first error and loading no font faces.
 */
export type PdfjsUse = 'scan' | 'text';

export interface PdfjsDocument {
  pdf: PDFDocumentProxy;
  /** Frees pdf.js's copy of the document. */
  destroy(): Promise<void>;
}

/** pdf.js (~45 MiB once loaded) is loaded by the first PDF a process opens, not by every run. */
export function loadPdfjs(): Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> {
  return import('pdfjs-dist/legacy/build/pdf.mjs');
}

function pdfjsAssetUrl(folder: string): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), folder) + path.sep;
}

/**
 * Opens `bytes` with pdf.js in-process (its "fake worker"): it fetches nothing, and draws only with the canvas it
 * brings for Node. Rejects with pdf.js's own error (a PasswordException, a parse error) after freeing the task.
 */
export async function openPdfjsDocument(bytes: Uint8Array, use: PdfjsUse): Promise<PdfjsDocument> {
  const { getDocument, VerbosityLevel } = await loadPdfjs();
  const task = getDocument({
    // pdf.js may take ownership of the buffer it is given; the caller (and pdf-lib) keeps reading theirs.
    data: new Uint8Array(bytes),
    useWorkerFetch: false,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    verbosity: VerbosityLevel.ERRORS,
    ...(use === 'scan' ? { standardFontDataUrl: pdfjsAssetUrl('standard_fonts'), wasmUrl: pdfjsAssetUrl('wasm') } : { disableFontFace: true, stopAtErrors: true }),
  });
  try {
    return { pdf: await task.promise, destroy: () => task.destroy() };
  } catch (err) {
    await task.destroy();
    throw err;
  }
}

/** The fields of a pdf.js text item sohoa reads. */
export interface PdfTextItem {
  str: string;
  hasEOL: boolean;
  /** Text space → user space: [a b c d e f], e and f the origin on the baseline. */
  transform: number[];
  /** Advance along the baseline, user space units. */
  width: number;
  /** Font size along the up direction, user space units. */
  height: number;
  fontName: string;
}

/** A font's vertical metrics as pdf.js states them (either may be missing). */
export type PdfFontStyle = { ascent?: number; descent?: number } | undefined;

/** A page's text items in content order, characters kept as written (no ligature folding), and its fonts' metrics. */
export async function readTextItems(page: PDFPageProxy): Promise<{ items: PdfTextItem[]; styles: Record<string, PdfFontStyle> }> {
  const content = await page.getTextContent({ disableNormalization: true });
  const items = content.items.filter((item): item is typeof item & PdfTextItem => 'str' in item);
  return { items, styles: content.styles as Record<string, PdfFontStyle> };
}
