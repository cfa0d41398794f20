// Takes one page of an opened PDF out into the work folder: its scan as stored or rendered, and its text layer.
import type { PDFDocument } from 'pdf-lib';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Jbig2Original, Word } from '../../domain/page.ts';
import { writeEmbeddedImage, writeJbig2 } from './embedded-image.ts';
import { loadPdfjsPage } from './open-pdf.ts';
import type { PageContext } from './page-context.ts';
import { planEncryptedPage, planPage, renderedInputBytes, type PagePlan } from './page-plan.ts';
import { defaultRenderDpi, renderPage } from './render-page.ts';
import { isTextOfTheScan, readTextLayer } from './text-words.ts';
import type { WrittenImage } from './written-image.ts';

/** A page taken out: its written image (see `WrittenImage`), its text layer, and what a person should know. */
export interface ExtractedPdfPage extends Omit<WrittenImage, 'toPixels' | 'notes'> {
  text: {
    /** The page already has text (an earlier OCR layer or a born-digital page). */
    hasText: boolean;
    /** Words with boxes in pixels of `imagePath`'s image, origin top-left, NFC. */
    words: Word[];
  };
  /** Why the page was rendered rather than taken out, or what was dropped (a mask); each names the page. */
  warnings: string[];
  /** The page's scan as the PDF coded it, JBIG2, of `imagePath`'s size: the output can carry it as it was. */
  jbig2?: Jbig2Original;
}

export interface ExtractOptions {
  /** Used only when rendering; default: the resolution of the image that covers most of the page, else 300. */
  renderDpi?: number;
  /** 'always' renders even a page whose scan could be taken out (to compare, or to work around a bad stream). */
  render?: 'auto' | 'always';
  /** Name used in errors, e.g. the path relative to the batch root; default: the path. */
  name?: string;
}

/** A PDF as `openScannedPdf` opened it, once for all its pages. */
export interface OpenedPdf {
  name: string;
  doc: PDFDocument;
  pageCount: number;
  fileSizeBytes: number;
  /** Encrypted with an empty user password: only pdf.js, which decrypts, reads its streams. */
  encrypted: boolean;
  /** pdf.js's copy of the document, opened on first need. */
  pdfjsDocument(): Promise<PDFDocumentProxy>;
  /** The file's bytes beside its images, counted when a page first needs them. */
  sharedBytes(): number;
}

/** Takes page `pageIndex` (0-based) of `source` out into `outDir`. */
export async function extractPage(source: OpenedPdf, pageIndex: number, outDir: string, pageOptions: ExtractOptions): Promise<ExtractedPdfPage> {
  const { name, pageCount } = source;
  if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= pageCount) {
    throw new Error(`Expected a page index 0–${pageCount - 1} for ${name} but received ${pageIndex}`);
  }
  const context: PageContext = { name, pageNumber: pageIndex + 1, fileSizeBytes: source.fileSizeBytes, pageCount, sharedBytes: source.sharedBytes() };
  const page = source.doc.getPage(pageIndex);
  const plan: PagePlan = source.encrypted ? planEncryptedPage(page.node) : planPage(page.node, context);
  const pdf = await source.pdfjsDocument();
  const proxy = await loadPdfjsPage(pdf, context);
  try {
    const notes: string[] = plan.kind === 'render' ? [plan.reason] : [...plan.warnings];
    const { written, jbig2 } = await writePageImage(pdf, proxy, plan, outDir, context, pageOptions, notes);
    notes.push(...written.notes);
    const text = await pageText(proxy, plan, written, notes);
    const warnings = notes.map((w) => `page ${context.pageNumber}: ${w}`);
    return {
      imagePath: written.imagePath,
      method: written.method,
      dpi: written.dpi,
      widthPx: written.widthPx,
      heightPx: written.heightPx,
      inputBytes: written.inputBytes,
      text,
      warnings,
      ...(written.storeAs ? { storeAs: written.storeAs } : {}),
      ...(jbig2 ? { jbig2 } : {}),
    };
  } finally {
    proxy.cleanup();
  }
}

/**
 * The page image: the embedded scan when the plan allows it, a render otherwise. A JBIG2 scan is rendered at its own
 * pixel grid, so its stream can stand for the pixels the engine reads. Why a planned scan was rendered after all
 * goes into `notes`.
 */
async function writePageImage(
  pdf: PDFDocumentProxy,
  proxy: PDFPageProxy,
  plan: PagePlan,
  outDir: string,
  context: PageContext,
  pageOptions: ExtractOptions,
  notes: string[],
): Promise<{ written: WrittenImage; jbig2?: Jbig2Original }> {
  if (plan.kind === 'embedded' && plan.image.kind === 'jbig2' && pageOptions.render !== 'always') {
    const rendered = await renderPage(pdf, proxy, outDir, context, { dpi: (plan.widthPx * 72) / (plan.box.x1 - plan.box.x0), mode: 'bitonal', inputBytes: plan.inputBytes });
    const written = { ...rendered, dpi: plan.dpi };
    const jbig2 = await writeJbig2(plan.image, plan, written, outDir, context);
    return jbig2 ? { written, jbig2 } : { written };
  }
  if (plan.kind === 'embedded' && pageOptions.render !== 'always') {
    const taken = await writeEmbeddedImage(plan, outDir, context);
    if (!('renderBecause' in taken)) return { written: taken };
    notes.push(`rendered: ${taken.renderBecause}`);
  }
  const written = await renderPage(pdf, proxy, outDir, context, {
    dpi: pageOptions.renderDpi ?? (plan.kind === 'embedded' ? plan.dpi : (plan.dominant?.dpi ?? defaultRenderDpi)),
    mode: plan.dominant?.mode ?? 'colour',
    drawn: plan.dominant?.drawn === true,
    inputBytes: renderedInputBytes(plan, context),
  });
  return { written };
}

/** The page's text layer, kept only when it is the scan's own text (or the page is not a scan). */
async function pageText(proxy: PDFPageProxy, plan: PagePlan, written: WrittenImage, notes: string[]): Promise<{ hasText: boolean; words: Word[] }> {
  const layer = await readTextLayer(proxy, written.toPixels, written.widthPx, written.heightPx);
  const scanned = plan.kind === 'embedded' || (plan.dominant !== undefined && plan.dominant.drawn !== true);
  const text = { ...layer, hasText: layer.hasText && (!scanned || isTextOfTheScan(layer.words, written.widthPx, written.heightPx)) };
  if (layer.hasText && !text.hasText) {
    notes.push(`its only text is a small overlay on the scan (${layer.words.length} words, such as an e-signature box): the scan is read by OCR`);
  }
  return text;
}
