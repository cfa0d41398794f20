// Reads scanned PDFs: refuses unsafe or broken files, takes each page's scan out as an image file, and reads any text layer.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFStream,
  PDFString,
} from 'pdf-lib';
import type { PDFObject, PDFPageLeaf } from 'pdf-lib';
import { AnnotationMode, getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import type { ErrorCode } from '../domain/error-codes.ts';
import { InputError } from '../domain/errors.ts';
import type { ColourMode, Jbig2Original, Word } from '../domain/page.ts';
import { colourMode, measureChroma } from '../image/colour-mode.ts';
import { readJpegFrameInfo } from './page-image-xobject.ts';
import { readPdfSignatures, type PdfSignature } from './pdf-signatures.ts';

export type ExtractMethod = 'embedded-jpeg' | 'embedded-ccitt' | 'embedded-flate' | 'rendered';

export interface ExtractedPdfPage {
  /** The page image in `outDir`: `.jpg` (the embedded JPEG as is), `.tif` (CCITT, 1-bit) or `.png`. */
  imagePath: string;
  method: ExtractMethod;
  /**
   * Resolution of the image on the page. PNG and TIFF files carry it too; the JPEG keeps its own header
   * untouched (often 72 or no unit), so take the resolution from here, not from the file.
   */
  dpi: number;
  widthPx: number;
  heightPx: number;
  /** What the page holds in the input PDF, as `pageInputBytes` counts it; the output page is compared with it. */
  inputBytes: number;
  text: {
    /** The page already has text (an earlier OCR layer or a born-digital page). */
    hasText: boolean;
    /** Words with boxes in pixels of `imagePath`'s image, origin top-left, NFC. */
    words: Word[];
  };
  /** Why the page was rendered rather than taken out, or what was dropped (a mask); each names the page. */
  warnings: string[];
  /** Store the page bitonal although its image is gray (drawn type, rendered with its anti-aliasing for OCR). */
  storeAs?: 'bitonal';
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

/** A rendered page larger than this is refused: 600 dpi A3 is 70 Mpx, so this is a mis-sized page or a bomb. */
const maxRenderPixels = 150_000_000;
const defaultRenderDpi = 300;
/** A native resolution is used for rendering only within these bounds; outside, the default is safer for OCR. */
const nativeDpiRange = { min: 150, max: 600 } as const;

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

/** Opens a PDF once for several pages: pdf-lib for its objects, pdf.js (loaded on first need) for text and rendering. */
export async function openScannedPdf(filePath: string, options: { name?: string } = {}): Promise<ScannedPdf> {
  const name = options.name ?? filePath;
  const bytes = await readPdfBytes(filePath, name);
  const doc = await loadPdf(bytes, name);
  const pageCount = doc.getPageCount();
  let pdfjs: ReturnType<typeof openWithPdfjs> | undefined;
  const pdfjsDocument = async (): Promise<PDFDocumentProxy> => (await (pdfjs ??= openWithPdfjs(bytes, name))).pdf;
  // An encrypted file that opens without a password: its streams are encrypted, so only pdf.js (which decrypts
  // them) reads its images, by rendering. A file that needs a password is refused here, before any page.
  const encrypted = doc.isEncrypted;
  if (encrypted) await pdfjsDocument();
  let sharedBytes: number | undefined;
  return {
    name,
    pageCount,
    signatures: readPdfSignatures(doc, bytes),
    extractPage: async (pageIndex, outDir, pageOptions = {}) => {
      if (!Number.isInteger(pageIndex) || pageIndex < 0 || pageIndex >= pageCount) {
        throw new Error(`Expected a page index 0–${pageCount - 1} for ${name} but received ${pageIndex}`);
      }
      const context: PageContext = { name, pageNumber: pageIndex + 1, fileSizeBytes: bytes.length, pageCount, sharedBytes: (sharedBytes ??= bytesBesideImages(doc, bytes.length)) };
      const page = doc.getPage(pageIndex);
      const plan: PagePlan = encrypted ? planEncryptedPage(page.node) : planPage(page.node, context);
      const pdf = await pdfjsDocument();
      const proxy = await loadPdfjsPage(pdf, context);
      try {
        const notes: string[] = plan.kind === 'render' ? [plan.reason] : [...plan.warnings];
        let written: WrittenImage | undefined;
        let jbig2: Jbig2Original | undefined;
        if (plan.kind === 'embedded' && plan.image.kind === 'jbig2' && pageOptions.render !== 'always') {
          // Drawn at the scan's own pixel grid, so the JBIG2 stream can stand for the pixels the engine reads.
          const rendered = await renderPage(pdf, proxy, outDir, context, { dpi: (plan.widthPx * 72) / (plan.box.x1 - plan.box.x0), mode: 'bitonal', inputBytes: plan.inputBytes });
          written = { ...rendered, dpi: plan.dpi };
          jbig2 = await writeJbig2(plan.image, plan, written, outDir, context);
        } else if (plan.kind === 'embedded' && pageOptions.render !== 'always') {
          const taken = await writeEmbeddedImage(plan, outDir, context);
          if ('renderBecause' in taken) notes.push(`rendered: ${taken.renderBecause}`);
          else written = taken;
        }
        written ??= await renderPage(pdf, proxy, outDir, context, {
          dpi: pageOptions.renderDpi ?? (plan.kind === 'embedded' ? plan.dpi : (plan.dominant?.dpi ?? defaultRenderDpi)),
          mode: plan.dominant?.mode ?? 'colour',
          drawn: plan.dominant?.drawn === true,
          inputBytes: renderedInputBytes(plan, context),
        });
        notes.push(...written.notes);
        const layer = await readTextLayer(proxy, written.toPixels, written.widthPx, written.heightPx);
        const scanned = plan.kind === 'embedded' || (plan.dominant !== undefined && plan.dominant.drawn !== true);
        const text = { ...layer, hasText: layer.hasText && (!scanned || isTextOfTheScan(layer.words, written.widthPx, written.heightPx)) };
        if (layer.hasText && !text.hasText) {
          notes.push(`its only text is a small overlay on the scan (${layer.words.length} words, such as an e-signature box): the scan is read by OCR`);
        }
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
    },
    close: async () => {
      if (pdfjs !== undefined) await (await pdfjs.catch(() => undefined))?.destroy();
      pdfjs = undefined;
    },
  };
}

interface PageContext {
  /** File name as shown in errors. */
  name: string;
  /** 1-based. */
  pageNumber: number;
  fileSizeBytes: number;
  pageCount: number;
  /** The file's bytes less its image streams: fonts, content, structure (see `renderedInputBytes`). */
  sharedBytes: number;
}

/** The file's size less the stored bytes of its image XObjects. */
function bytesBesideImages(doc: PDFDocument, fileSizeBytes: number): number {
  let imageBytes = 0;
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype'))?.toString() === '/Image') imageBytes += object.getContents().length;
  }
  return Math.max(0, fileSizeBytes - imageBytes);
}

function pageError(code: ErrorCode, context: PageContext, reason: string, cause?: unknown): InputError {
  return new InputError(
    code,
    `"${context.name}" page ${context.pageNumber}: ${reason}`,
    { file: context.name, pageNumber: context.pageNumber },
    cause === undefined ? undefined : { cause },
  );
}

function fileError(code: ErrorCode, name: string, reason: string, cause?: unknown): InputError {
  return new InputError(code, `"${name}": ${reason}`, { file: name }, cause === undefined ? undefined : { cause });
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------------------
// Opening and refusing
// ---------------------------------------------------------------------------------------------------------

async function readPdfBytes(filePath: string, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(filePath));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') {
      throw fileError('FILE_MISSING', name, 'the file is no longer in the batch folder; put it back or remove it from the manifest', err);
    }
    throw err;
  }
}

const damagedFix = 'open it in a PDF reader to check it, then copy it again from its source or print it to a new PDF';

/**
 * pdf-lib parses the objects (it recovers what it can, like a reader). The checks that follow refuse what must
 * not go on: a file cut short, encryption (pdf-lib would hand out encrypted image bytes), JavaScript.
 */
async function loadPdf(bytes: Uint8Array, name: string): Promise<PDFDocument> {
  if (!startsLikePdf(bytes)) throw fileError('PDF_NOT_PDF', name, `is not a PDF (no %PDF header); ${damagedFix}`);
  // Readers require %%EOF near the end too; without it the file was cut short and its last pages or images are gone.
  if (!endsLikePdf(bytes)) throw fileError('PDF_TRUNCATED', name, `the PDF is damaged: it ends without %%EOF, so it was cut short; ${damagedFix}`);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, parseSpeed: Number.POSITIVE_INFINITY });
  } catch (err) {
    if (mentionsEncrypt(bytes)) throw encryptedError(name);
    throw fileError('PDF_DAMAGED', name, `the PDF is damaged and cannot be read (${reasonOf(err)}); ${damagedFix}`, err);
  }
  // An encrypted PDF's objects and page tree are readable; only its strings and streams are not (see openScannedPdf).
  let pageCount: number;
  try {
    pageCount = doc.getPageCount();
  } catch (err) {
    throw fileError('PDF_DAMAGED', name, `the PDF is damaged: its page list cannot be read (${reasonOf(err)}); ${damagedFix}`, err);
  }
  if (pageCount === 0) throw fileError('PDF_NO_PAGES', name, `the PDF has no pages; ${damagedFix}`);
  const script = findJavaScript(doc);
  if (script !== undefined) {
    throw fileError(
      'PDF_JAVASCRIPT',
      name,
      `the PDF contains JavaScript (${script}), which sohoa refuses to process; print it to a new PDF or export the pages as TIFF, and add that instead`,
    );
  }
  return doc;
}

function encryptedError(name: string, cause?: unknown): InputError {
  return fileError(
    'PDF_ENCRYPTED',
    name,
    'the PDF needs a password to open; ask the sender for a copy without one, or for the password and remove it (`qpdf --password=<password> --decrypt in.pdf out.pdf`), and add that copy',
    cause,
  );
}

const encryptedRenderReason = 'rendered: the PDF is encrypted with an empty user password (owner permissions only), so its images are read by rendering the page';

function startsLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).includes('%PDF-');
}

function endsLikePdf(bytes: Uint8Array): boolean {
  const tailStart = Math.max(0, bytes.length - 1024);
  return Buffer.from(bytes.buffer, bytes.byteOffset + tailStart, bytes.length - tailStart).includes('%%EOF');
}

/** Used only when pdf-lib failed: an encrypted file's object streams cannot be parsed, which is not damage. */
function mentionsEncrypt(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).includes('/Encrypt');
}

/** Where JavaScript hides in a PDF: the open action, the document's names tree, and any action (/S /JavaScript, /JS). */
export function findJavaScript(doc: PDFDocument): string | undefined {
  const context = doc.context;
  const openAction = context.lookup(doc.catalog.get(PDFName.of('OpenAction')));
  if (openAction instanceof PDFDict && isJavaScriptAction(openAction)) return 'a script that runs when the file is opened';
  const names = context.lookup(doc.catalog.get(PDFName.of('Names')));
  if (names instanceof PDFDict && names.has(PDFName.of('JavaScript'))) return 'document-level scripts';
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (containsJavaScript(object, 0)) return 'script actions';
  }
  return undefined;
}

function isJavaScriptAction(dict: PDFDict): boolean {
  const type = dict.get(PDFName.of('S'));
  return dict.has(PDFName.of('JS')) || (type instanceof PDFName && type.decodeText() === 'JavaScript');
}

function containsJavaScript(object: PDFObject, depth: number): boolean {
  // Direct objects nest only a few levels; indirect ones are visited by the caller's walk.
  if (depth > 32) return false;
  const dict = object instanceof PDFStream ? object.dict : object;
  if (dict instanceof PDFDict) {
    if (isJavaScriptAction(dict) || dict.has(PDFName.of('JavaScript'))) return true;
    return dict.values().some((value) => containsJavaScript(value, depth + 1));
  }
  if (object instanceof PDFArray) return object.asArray().some((value) => containsJavaScript(value, depth + 1));
  return false;
}

function pdfjsAssetUrl(folder: string): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), folder) + path.sep;
}

async function openWithPdfjs(bytes: Uint8Array, name: string): Promise<{ pdf: PDFDocumentProxy; destroy(): Promise<void> }> {
  const task = getDocument({
    // pdf.js may take ownership of the buffer it is given; pdf-lib keeps reading ours.
    data: new Uint8Array(bytes),
    useWorkerFetch: false,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    // Fonts a PDF names without embedding (Helvetica…) and the JBIG2/JPEG 2000 decoders, from the package.
    standardFontDataUrl: pdfjsAssetUrl('standard_fonts'),
    wasmUrl: pdfjsAssetUrl('wasm'),
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    return { pdf: await task.promise, destroy: () => task.destroy() };
  } catch (err) {
    await task.destroy();
    // pdf.js tries the empty user password itself; this one needs a real one.
    if ((err as { name?: unknown }).name === 'PasswordException') throw encryptedError(name, err);
    throw fileError('PDF_DAMAGED', name, `the PDF is damaged and cannot be read (${reasonOf(err)}); ${damagedFix}`, err);
  }
}

async function loadPdfjsPage(pdf: PDFDocumentProxy, context: PageContext): Promise<PDFPageProxy> {
  try {
    return await pdf.getPage(context.pageNumber);
  } catch (err) {
    throw pageError('PDF_PAGE_DAMAGED', context, `the page is damaged and cannot be read (${reasonOf(err)}); ${damagedFix}`, err);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Deciding: take the scan out, or render
// ---------------------------------------------------------------------------------------------------------

/** [a b c d e f] as in the PDF `cm` operator: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Matrix = readonly [number, number, number, number, number, number];
const identity: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 then m2 (the PDF order: `cm` sets CTM = m × CTM). */
export function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[1] * m2[2],
    m1[0] * m2[1] + m1[1] * m2[3],
    m1[2] * m2[0] + m1[3] * m2[2],
    m1[2] * m2[1] + m1[3] * m2[3],
    m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
    m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
  ];
}

export function applyMatrix(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A rectangle in PDF user space, x0 < x1 and y0 < y1. */
export interface PdfRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface ImageDraw {
  stream: PDFRawStream;
  ctm: Matrix;
}

type EmbeddedImage =
  | { kind: 'jpeg'; data: Uint8Array }
  | { kind: 'ccitt'; data: Uint8Array; params: CcittParams }
  | { kind: 'flate'; data: Uint8Array; image: FlateImageParams }
  /** Rendered for the engine (nothing here decodes JBIG2), and stored as it came when normalize changes no pixel. */
  | { kind: 'jbig2'; data: Uint8Array; globals: Uint8Array | undefined; decode: [number, number] | undefined };

/**
 * The image that covers most of a page, when it covers at least half of it: a rendered page is drawn at its
 * resolution and stored in its colour mode, so a 1-bit scan with a signature box drawn over it stays a 1-bit page.
 */
export interface DominantImage {
  /** Its pixels over its placed size, within `nativeDpiRange` and small enough to render. */
  dpi: number;
  /** What its pixels can show: 1-bit, gray, or colour (also for colour spaces this code does not know). */
  mode: ColourMode;
  /** Set for a page of drawn type with no scan on it: the "image" is the type itself, black on white. */
  drawn?: true;
}

/**
 * Images covering less than this share of a page leave it a page of drawn type (a born-digital page, an e-office
 * export with a seal image): it renders as black and white, as a typed page is, unless its colour covers
 * `keepColourFromShare`. Rendered in colour, such a page came out ten times its input (80 KB → 870 KB).
 */
const drawnPageImageShare = 0.2;

/** The render basis of a page without a dominant image, when it is drawn type rather than a collage of pictures. */
export function drawnPageBasis(images: readonly ImageDraw[], box: PdfRect): DominantImage | undefined {
  const pageAreaPt = (box.x1 - box.x0) * (box.y1 - box.y0);
  const imageAreaPt = images.reduce((sum, { ctm }) => sum + Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]), 0);
  return pageAreaPt > 0 && imageAreaPt < drawnPageImageShare * pageAreaPt ? { dpi: defaultRenderDpi, mode: 'bitonal', drawn: true } : undefined;
}

/** `inputBytes` (see `pageInputBytes`) is absent only when the page's content could not be read. */
type PagePlan =
  | { kind: 'embedded'; image: EmbeddedImage; widthPx: number; heightPx: number; dpi: number; box: PdfRect; warnings: string[]; dominant: DominantImage; inputBytes: number }
  | { kind: 'render'; reason: string; dominant?: DominantImage; inputBytes?: number };

/** What a page's content does, as far as deciding between taking the image out and rendering. */
export interface ContentSummary {
  images: ImageDraw[];
  /** Form XObjects drawn, for counting the page's bytes. */
  forms: PDFRawStream[];
  /** Painted paths, shadings, inline images or visible text: anything that is not the one scan. */
  otherMarks: string[];
}

function planPage(leaf: PDFPageLeaf, context: PageContext): PagePlan {
  const box = visibleBox(leaf, context);
  let summary: ContentSummary;
  try {
    summary = summarizeContent(pageContentBytes(leaf), leaf.Resources(), identity);
  } catch (err) {
    // pdf.js reads broken content more leniently than this walk: let it try, and say why.
    const why = err instanceof UnreadableContent ? err.message : `its content could not be analysed (${reasonOf(err)})`;
    return { kind: 'render', reason: `rendered: ${why}` };
  }
  const dominant = dominantImage(summary.images, box) ?? drawnPageBasis(summary.images, box);
  const inputBytes = pageInputBytes(contentStreams(leaf), [...summary.images.map((draw) => draw.stream), ...summary.forms, ...annotationStreams(leaf)]);
  const render = (why: string): PagePlan => ({ kind: 'render', reason: `rendered: ${why}`, ...(dominant ? { dominant } : {}), inputBytes });
  const rotate = leaf.Rotate()?.asNumber() ?? 0;
  if (rotate % 360 !== 0) return render(`the page is turned by /Rotate ${rotate}`);
  if (summary.otherMarks.length > 0) return render(`the page has more than a scan on it (${[...new Set(summary.otherMarks)].join(', ')})`);
  if (summary.images.length !== 1) return render(summary.images.length === 0 ? 'the page holds no image' : `the page holds ${summary.images.length} images`);
  if (hasVisibleAnnotations(leaf)) return render('the page has annotations with their own appearance (a stamp or signature)');
  const [draw] = summary.images as [ImageDraw];
  if (!coversBox(draw.ctm, box)) return render('the image does not exactly cover the page (placed, cropped, turned or mirrored)');
  const choice = chooseEmbeddedImage(draw.stream);
  if ('reason' in choice) return render(choice.reason);
  const dpiX = (choice.widthPx * 72) / (box.x1 - box.x0);
  const dpiY = (choice.heightPx * 72) / (box.y1 - box.y0);
  if (Math.abs(dpiX - dpiY) > 0.02 * Math.max(dpiX, dpiY)) {
    return render(`the scan has different horizontal and vertical resolutions (${Math.round(dpiX)}×${Math.round(dpiY)} dpi)`);
  }
  // Page sizes in points are rounded by writers (A4 = 595.28 pt), so the computed 299.96 dpi is 300.
  const dpi = Math.round((dpiX + dpiY) / 2);
  return {
    kind: 'embedded',
    image: choice.image,
    widthPx: choice.widthPx,
    heightPx: choice.heightPx,
    dpi,
    box,
    warnings: choice.warnings,
    dominant: { dpi, mode: imageColourMode(draw.stream.dict) },
    inputBytes,
  };
}

/**
 * An encrypted page's content stream (which places its images) cannot be read here, only its dictionaries: the
 * image with the most pixels is taken to cover the page when its shape is the page's, as a scanner writes it.
 */
function planEncryptedPage(leaf: PDFPageLeaf): PagePlan {
  const plan: PagePlan = { kind: 'render', reason: encryptedRenderReason };
  const box = rectOf(leaf.MediaBox());
  const resources = leaf.Resources();
  if (box === undefined || resources === undefined) return plan;
  const images = resourceImages(resources);
  // Encrypted streams keep their length (RC4) or grow by at most 32 bytes (AES): near enough for a measure.
  const withBytes = { ...plan, inputBytes: pageInputBytes(contentStreams(leaf), images) };
  const boxAspect = (box.x1 - box.x0) / (box.y1 - box.y0);
  const fitting = images
    .filter((image) => {
      const widthPx = numberIn(image.dict, 'Width') ?? 0;
      const heightPx = numberIn(image.dict, 'Height') ?? 0;
      return widthPx > 0 && heightPx > 0 && Math.abs(widthPx / heightPx / boxAspect - 1) <= 0.02;
    })
    .sort((a, b) => pixelsOf(b) - pixelsOf(a));
  const [largest] = fitting;
  if (largest === undefined) return withBytes;
  const fills: Matrix = [box.x1 - box.x0, 0, 0, box.y1 - box.y0, box.x0, box.y0];
  const dominant = dominantImage([{ stream: largest, ctm: fills }], box);
  return dominant ? { ...withBytes, dominant } : withBytes;
}

function pixelsOf(image: PDFRawStream): number {
  return (numberIn(image.dict, 'Width') ?? 0) * (numberIn(image.dict, 'Height') ?? 0);
}

/** The image XObjects a page's resources name (not those of its forms). */
function resourceImages(resources: PDFDict): PDFRawStream[] {
  const xobjects = resources.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return [];
  return xobjects.values().flatMap((ref) => {
    const xobject = resources.context.lookup(ref);
    return xobject instanceof PDFRawStream && nameIn(xobject.dict, 'Subtype') === 'Image' ? [xobject] : [];
  });
}

function contentStreams(leaf: PDFPageLeaf): (PDFObject | undefined)[] {
  const contents = leaf.Contents();
  return contents instanceof PDFArray ? contents.asArray().map((ref) => leaf.context.lookup(ref)) : contents === undefined ? [] : [contents];
}

/**
 * The input bytes of a PDF page: the stored (encoded) bytes of its content streams and of every image and form
 * XObject it draws, and of the visible annotations' appearances (see `annotationStreams`), each counted once. Fonts
 * and objects the file's pages share otherwise are left out: the page's image is made from its images, drawing and
 * annotations, and the output page is compared with that. For a page that
 * is one scan this is the scan's own stream plus a few dozen bytes of placement.
 */
export function pageInputBytes(contents: readonly (PDFObject | undefined)[], xobjects: readonly PDFRawStream[]): number {
  const counted = new Set<PDFObject>();
  let total = 0;
  for (const stream of [...contents, ...xobjects]) {
    if (!(stream instanceof PDFRawStream) || counted.has(stream)) continue;
    counted.add(stream);
    total += stream.getContents().length;
  }
  return total;
}

/** CropBox within MediaBox: what a reader shows. */
function visibleBox(leaf: PDFPageLeaf, context: PageContext): PdfRect {
  const media = rectOf(leaf.MediaBox());
  if (media === undefined) throw pageError('PDF_PAGE_DAMAGED', context, `the page has no valid MediaBox, so its size is unknown; ${damagedFix}`);
  const crop = rectOf(leaf.CropBox());
  if (crop === undefined) return media;
  const clipped = { x0: Math.max(media.x0, crop.x0), y0: Math.max(media.y0, crop.y0), x1: Math.min(media.x1, crop.x1), y1: Math.min(media.y1, crop.y1) };
  return clipped.x1 > clipped.x0 && clipped.y1 > clipped.y0 ? clipped : media;
}

function rectOf(array: PDFArray | undefined): PdfRect | undefined {
  if (!(array instanceof PDFArray) || array.size() !== 4) return undefined;
  const values = array.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : Number.NaN));
  if (values.some((v) => !Number.isFinite(v))) return undefined;
  const [a, b, c, d] = values as [number, number, number, number];
  const rect = { x0: Math.min(a, c), y0: Math.min(b, d), x1: Math.max(a, c), y1: Math.max(b, d) };
  return rect.x1 > rect.x0 && rect.y1 > rect.y0 ? rect : undefined;
}

/** The unit square under the image's CTM, unrotated and unflipped, matching the box to within 0.5% (min 1 pt). */
export function coversBox(ctm: Matrix, box: PdfRect): boolean {
  const [a, b, c, d, e, f] = ctm;
  if (a <= 0 || d <= 0 || Math.abs(b) > 1e-3 * a || Math.abs(c) > 1e-3 * d) return false;
  const tolX = Math.max(1, 0.005 * (box.x1 - box.x0));
  const tolY = Math.max(1, 0.005 * (box.y1 - box.y0));
  return Math.abs(e - box.x0) <= tolX && Math.abs(e + a - box.x1) <= tolX && Math.abs(f - box.y0) <= tolY && Math.abs(f + d - box.y1) <= tolY;
}

/**
 * The image placed over the largest area, when that is at least half the visible page (a smaller one, such as a
 * photo on a typed page, says nothing about the rest of it). Its resolution is the finer of its two axes, kept
 * within `nativeDpiRange` and lowered, if need be, until the page fits in `maxRenderPixels`.
 */
export function dominantImage(images: readonly ImageDraw[], box: PdfRect): DominantImage | undefined {
  let best: { draw: ImageDraw; dpi: number; areaPt: number } | undefined;
  for (const draw of images) {
    const { stream, ctm } = draw;
    const widthPx = numberIn(stream.dict, 'Width') ?? 0;
    const heightPx = numberIn(stream.dict, 'Height') ?? 0;
    const widthPt = Math.hypot(ctm[0], ctm[1]);
    const heightPt = Math.hypot(ctm[2], ctm[3]);
    // The unit square's area under the CTM: a turned or sheared image covers what its parallelogram covers.
    const areaPt = Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]);
    if (widthPx <= 0 || heightPx <= 0 || widthPt <= 0 || heightPt <= 0 || areaPt <= 0) continue;
    if (best === undefined || areaPt > best.areaPt) {
      best = { draw, dpi: Math.max((widthPx * 72) / widthPt, (heightPx * 72) / heightPt), areaPt };
    }
  }
  const pageAreaPt = (box.x1 - box.x0) * (box.y1 - box.y0);
  if (best === undefined || best.areaPt < 0.5 * pageAreaPt) return undefined;
  const fittingDpi = Math.floor(72 * Math.sqrt(maxRenderPixels / pageAreaPt));
  const dpi = Math.min(fittingDpi, nativeDpiRange.max, Math.max(nativeDpiRange.min, Math.round(best.dpi)));
  return { dpi, mode: imageColourMode(best.draw.stream.dict) };
}

/**
 * What an image XObject's pixels can show. Stencil masks, CCITT and JBIG2 (which codes nothing but 1-bit images)
 * and 1-bit gray images are bitonal; gray spaces and palettes of grays are gray; everything else, including a
 * colour space not understood here, is colour, which leaves the decision to the rendered pixels.
 */
export function imageColourMode(dict: PDFDict): ColourMode {
  if (boolIn(dict, 'ImageMask') === true) return 'bitonal';
  const filters = filtersOf(dict).map((f) => f.name);
  if (filters.includes('JBIG2Decode') || filters.includes('CCITTFaxDecode')) return 'bitonal';
  const space = colourSpaceOf(dict, dict.get(PDFName.of('ColorSpace')));
  const gray = space.kind === 'gray' || (space.kind === 'indexed' && (space.base === 'gray' || isGrayPalette(space.lookup, space.hival)));
  if (!gray) return 'colour';
  return numberIn(dict, 'BitsPerComponent') === 1 ? 'bitonal' : 'gray';
}

/** An RGB palette whose entries all have R = G = B. */
function isGrayPalette(lookup: Uint8Array, hival: number): boolean {
  for (let i = 0; i <= hival && i * 3 + 2 < lookup.length; i++) {
    if (lookup[i * 3] !== lookup[i * 3 + 1] || lookup[i * 3] !== lookup[i * 3 + 2]) return false;
  }
  return true;
}

/** Link and popup annotations draw nothing; others (stamps, signatures, notes) would be lost by taking the scan out. */
function hasVisibleAnnotations(leaf: PDFPageLeaf): boolean {
  return visibleAnnotations(leaf).length > 0;
}

/** Annotations a reader draws on the page (a signature's appearance, a stamp): what the render shows besides the content. */
function visibleAnnotations(leaf: PDFPageLeaf): PDFDict[] {
  const annots = leaf.Annots();
  if (annots === undefined) return [];
  const visible: PDFDict[] = [];
  for (let i = 0; i < annots.size(); i++) {
    const annot = annots.lookup(i);
    if (!(annot instanceof PDFDict) || !annot.has(PDFName.of('AP'))) continue;
    const subtype = nameIn(annot, 'Subtype');
    const flags = numberIn(annot, 'F') ?? 0;
    // Flag bits 1 (Invisible), 2 (Hidden) and 6 (NoView) keep it off the screen.
    if (subtype === 'Link' || subtype === 'Popup' || (flags & (1 | 2 | 32)) !== 0) continue;
    visible.push(annot);
  }
  return visible;
}

/**
 * The streams the visible annotations' normal appearances draw with: each appearance and the images and forms it
 * draws. A rendered page shows them (an e-signature's seal image), so its input bytes count them.
 */
function annotationStreams(leaf: PDFPageLeaf): PDFRawStream[] {
  return visibleAnnotations(leaf).flatMap((annot) => {
    const ap = annot.lookup(PDFName.of('AP'));
    const normal = ap instanceof PDFDict ? ap.lookup(PDFName.of('N')) : undefined;
    // /N is one appearance, or a dictionary of them by state (a checkbox's on and off); all are counted.
    const appearances = normal instanceof PDFRawStream ? [normal] : normal instanceof PDFDict ? normal.values().map((v) => leaf.context.lookup(v)).filter((v): v is PDFRawStream => v instanceof PDFRawStream) : [];
    return appearances.flatMap((appearance) => {
      const resources = appearance.dict.lookup(PDFName.of('Resources'));
      try {
        const drawn = summarizeContent(streamBytes(appearance), resources instanceof PDFDict ? resources : undefined, identity);
        return [appearance, ...drawn.images.map((d) => d.stream), ...drawn.forms];
      } catch {
        return [appearance];
      }
    });
  });
}

class UnreadableContent extends Error {}

function pageContentBytes(leaf: PDFPageLeaf): Uint8Array {
  const parts = contentStreams(leaf).map((stream) => streamBytes(stream));
  // Streams of one page join with whitespace in between (an operator may not span two of them).
  return Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
}

function streamBytes(stream: PDFObject | undefined): Uint8Array {
  if (!(stream instanceof PDFRawStream)) throw new UnreadableContent('a content stream is missing or not a stream');
  try {
    return decodePDFRawStream(stream).decode();
  } catch (err) {
    throw new UnreadableContent(`a content stream cannot be decoded (${reasonOf(err)})`);
  }
}

/**
 * Walks a content stream tracking the CTM and the text render mode, collecting image draws and anything else
 * that marks the page. Form XObjects are followed (an earlier OCR often puts its invisible text in one).
 */
export function summarizeContent(bytes: Uint8Array, resources: PDFDict | undefined, startCtm: Matrix, depth = 0): ContentSummary {
  const images: ImageDraw[] = [];
  const forms: PDFRawStream[] = [];
  const otherMarks: string[] = [];
  if (depth > 8) return { images, forms, otherMarks: ['nested forms'] };
  let state = { ctm: startCtm, textRender: 0 };
  const saved: (typeof state)[] = [];
  for (const { op, operands } of lexContentOps(bytes)) {
    switch (op) {
      case 'q':
        saved.push(state);
        break;
      case 'Q':
        state = saved.pop() ?? state;
        break;
      case 'cm': {
        const m = operands.map((o) => (typeof o === 'number' ? o : Number.NaN));
        if (m.length === 6 && m.every(Number.isFinite)) state = { ...state, ctm: multiply(m as unknown as Matrix, state.ctm) };
        break;
      }
      case 'Tr':
        state = { ...state, textRender: typeof operands[0] === 'number' ? operands[0] : 0 };
        break;
      case 'Tj':
      case 'TJ':
      case "'":
      case '"':
        // Mode 3 draws nothing and 7 only clips: that is an OCR text layer, not a mark.
        if (state.textRender !== 3 && state.textRender !== 7) otherMarks.push('visible text');
        break;
      case 'S':
      case 's':
      case 'f':
      case 'F':
      case 'f*':
      case 'B':
      case 'B*':
      case 'b':
      case 'b*':
        otherMarks.push('drawn shapes');
        break;
      case 'sh':
        otherMarks.push('a shading');
        break;
      case 'BI':
        otherMarks.push('an inline image');
        return { images, forms, otherMarks };
      case 'Do': {
        const operand = operands[0];
        if (typeof operand !== 'object' || operand === null) break;
        const xobject = resources === undefined ? undefined : lookupXObject(resources, operand.name);
        if (xobject === undefined) break;
        const subtype = nameIn(xobject.dict, 'Subtype');
        if (subtype === 'Image') {
          images.push({ stream: xobject, ctm: state.ctm });
        } else if (subtype === 'Form') {
          const matrix = matrixIn(xobject.dict, 'Matrix') ?? identity;
          const formResources = xobject.dict.lookup(PDFName.of('Resources'));
          const inner = summarizeContent(
            streamBytes(xobject),
            formResources instanceof PDFDict ? formResources : resources,
            multiply(matrix, state.ctm),
            depth + 1,
          );
          forms.push(xobject, ...inner.forms);
          images.push(...inner.images);
          otherMarks.push(...inner.otherMarks);
        }
        break;
      }
    }
  }
  return { images, forms, otherMarks };
}

function lookupXObject(resources: PDFDict, name: string): PDFRawStream | undefined {
  const xobjects = resources.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return undefined;
  const xobject = xobjects.lookup(PDFName.of(name));
  return xobject instanceof PDFRawStream ? xobject : undefined;
}

/** A content-stream operand: numbers and names are kept, anything else (strings, arrays, dicts) is a placeholder. */
export type Operand = number | { name: string } | null;

/** Splits a content stream into operators with their operands; stops after an inline image's BI. */
export function* lexContentOps(bytes: Uint8Array): Generator<{ op: string; operands: Operand[] }> {
  let operands: Operand[] = [];
  let nesting = 0;
  let i = 0;
  const n = bytes.length;
  const push = (operand: Operand): void => {
    if (nesting === 0) operands.push(operand);
  };
  while (i < n) {
    const c = bytes[i] as number;
    if (isWhite(c)) {
      i++;
    } else if (c === 0x25 /* % */) {
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (c === 0x2f /* / */) {
      let j = i + 1;
      while (j < n && isRegular(bytes[j] as number)) j++;
      push({ name: decodeName(bytes.subarray(i + 1, j)) });
      i = j;
    } else if (c === 0x28 /* ( */) {
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const d = bytes[i] as number;
        if (d === 0x5c) i++;
        else if (d === 0x28) depth++;
        else if (d === 0x29) depth--;
        i++;
      }
      push(null);
    } else if (c === 0x3c /* < */) {
      if (bytes[i + 1] === 0x3c) {
        nesting++;
        i += 2;
      } else {
        while (i < n && bytes[i] !== 0x3e) i++;
        i++;
        push(null);
      }
    } else if (c === 0x3e /* > */) {
      if (bytes[i + 1] === 0x3e) {
        nesting = Math.max(0, nesting - 1);
        i += 2;
        push(null);
      } else {
        i++;
      }
    } else if (c === 0x5b /* [ */) {
      nesting++;
      i++;
    } else if (c === 0x5d /* ] */) {
      nesting = Math.max(0, nesting - 1);
      i++;
      push(null);
    } else if (c === 0x7b || c === 0x7d || c === 0x29) {
      i++;
    } else {
      let j = i;
      while (j < n && isRegular(bytes[j] as number)) j++;
      if (j === i) j++;
      const token = latin1(bytes, i, j);
      i = j;
      const number = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(token) ? Number(token) : undefined;
      if (number !== undefined) push(number);
      else if (token === 'true' || token === 'false' || token === 'null') push(null);
      else if (nesting === 0) {
        yield { op: token, operands };
        operands = [];
        if (token === 'BI') return;
      }
    }
  }
}

function isWhite(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}

function isRegular(c: number): boolean {
  return !isWhite(c) && !'()<>[]{}/%'.includes(String.fromCharCode(c));
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

function decodeName(raw: Uint8Array): string {
  return latin1(raw, 0, raw.length).replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

// ---------------------------------------------------------------------------------------------------------
// Reading the image XObject's dictionary
// ---------------------------------------------------------------------------------------------------------

function numberIn(dict: PDFDict, key: string): number | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFNumber ? value.asNumber() : undefined;
}

function nameIn(dict: PDFDict, key: string): string | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFName ? value.decodeText() : undefined;
}

function boolIn(dict: PDFDict, key: string): boolean | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFBool ? value.asBoolean() : undefined;
}

function numbersIn(dict: PDFDict, key: string): number[] | undefined {
  const value = dict.lookup(PDFName.of(key));
  if (!(value instanceof PDFArray)) return undefined;
  return value.asArray().map((v) => {
    const resolved = dict.context.lookup(v);
    return resolved instanceof PDFNumber ? resolved.asNumber() : Number.NaN;
  });
}

function matrixIn(dict: PDFDict, key: string): Matrix | undefined {
  const values = numbersIn(dict, key);
  return values?.length === 6 && values.every(Number.isFinite) ? (values as unknown as Matrix) : undefined;
}

/** Filters and their parameters as one list (both may be a single entry or an array). */
function filtersOf(dict: PDFDict): { name: string; params: PDFDict | undefined }[] {
  const filter = dict.lookup(PDFName.of('Filter'));
  const parms = dict.lookup(PDFName.of('DecodeParms'));
  const names = filter instanceof PDFName ? [filter] : filter instanceof PDFArray ? filter.asArray().map((f) => dict.context.lookup(f)) : [];
  return names.map((name, index) => {
    const param = parms instanceof PDFArray ? dict.context.lookup(parms.get(index)) : index === 0 ? parms : undefined;
    return { name: name instanceof PDFName ? name.decodeText() : '?', params: param instanceof PDFDict ? param : undefined };
  });
}

type ColourSpace = { kind: 'gray' | 'rgb' } | { kind: 'indexed'; base: 'gray' | 'rgb'; hival: number; lookup: Uint8Array } | { kind: 'other'; name: string };

function colourSpaceOf(dict: PDFDict, value: PDFObject | undefined): ColourSpace {
  const resolved = dict.context.lookup(value);
  if (resolved instanceof PDFName) {
    const name = resolved.decodeText();
    if (name === 'DeviceGray' || name === 'CalGray' || name === 'G') return { kind: 'gray' };
    if (name === 'DeviceRGB' || name === 'CalRGB' || name === 'RGB') return { kind: 'rgb' };
    return { kind: 'other', name };
  }
  if (resolved instanceof PDFArray && resolved.size() > 0) {
    const family = dict.context.lookup(resolved.get(0));
    const familyName = family instanceof PDFName ? family.decodeText() : '?';
    if (familyName === 'CalGray') return { kind: 'gray' };
    if (familyName === 'CalRGB') return { kind: 'rgb' };
    if (familyName === 'ICCBased') {
      const profile = dict.context.lookup(resolved.get(1));
      const components = profile instanceof PDFStream ? numberIn(profile.dict, 'N') : undefined;
      if (components === 1) return { kind: 'gray' };
      if (components === 3) return { kind: 'rgb' };
      return { kind: 'other', name: `ICCBased with ${components ?? '?'} components` };
    }
    if (familyName === 'Indexed' && resolved.size() === 4) {
      const base = colourSpaceOf(dict, resolved.get(1));
      const hival = dict.context.lookup(resolved.get(2));
      const lookup = lookupBytes(dict.context.lookup(resolved.get(3)));
      if ((base.kind === 'gray' || base.kind === 'rgb') && hival instanceof PDFNumber && lookup !== undefined) {
        return { kind: 'indexed', base: base.kind, hival: hival.asNumber(), lookup };
      }
    }
    return { kind: 'other', name: familyName };
  }
  return { kind: 'other', name: 'none' };
}

function lookupBytes(value: PDFObject | undefined): Uint8Array | undefined {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.asBytes();
  if (value instanceof PDFRawStream) {
    try {
      return decodePDFRawStream(value).decode();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Parameters of a CCITT stream as the TIFF wrapper needs them. */
export interface CcittParams {
  widthPx: number;
  heightPx: number;
  /** PDF K: < 0 is Group 4. */
  k: number;
  /** The picture shows 0 bits as white (TIFF WhiteIsZero); false inverts, as BlackIs1 or /Decode [1 0] do. */
  whiteIsZero: boolean;
  dpi: number;
}

export interface FlateImageParams {
  widthPx: number;
  heightPx: number;
  bitsPerComponent: number;
  colourSpace: Exclude<ColourSpace, { kind: 'other' }>;
  /** PNG (≥ 10) or TIFF (2) predictor, with its own Colors/BitsPerComponent/Columns. */
  predictor: { predictor: number; colors: number; bitsPerComponent: number; columns: number };
  invert: boolean;
  dpi: number;
}

type ImageChoice = { image: EmbeddedImage; widthPx: number; heightPx: number; warnings: string[] } | { reason: string };

/** Which embedded image kinds can be taken out as they are; everything else is rendered, with the reason. */
function chooseEmbeddedImage(stream: PDFRawStream): ImageChoice {
  const dict = stream.dict;
  const widthPx = numberIn(dict, 'Width') ?? 0;
  const heightPx = numberIn(dict, 'Height') ?? 0;
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) return { reason: 'the image has no valid size' };
  if (boolIn(dict, 'ImageMask') === true) return { reason: 'the image is a stencil mask' };
  const warnings = dict.has(PDFName.of('SMask')) || dict.has(PDFName.of('Mask')) ? ['the image has a transparency mask, which was ignored'] : [];
  const filters = filtersOf(dict);
  if (filters.length !== 1) {
    return { reason: filters.length === 0 ? 'the image is stored uncompressed' : `the image has ${filters.map((f) => f.name).join(' + ')} filters` };
  }
  const [{ name: filter, params }] = filters as [{ name: string; params: PDFDict | undefined }];
  const colourSpace = colourSpaceOf(dict, dict.get(PDFName.of('ColorSpace')));
  const decode = numbersIn(dict, 'Decode');
  const bitsPerComponent = numberIn(dict, 'BitsPerComponent') ?? 8;
  const channels = colourSpace.kind === 'gray' ? 1 : colourSpace.kind === 'rgb' ? 3 : 0;
  const isDefaultDecode = decode === undefined || decode.every((v, i) => v === (i % 2 === 0 ? 0 : 1));
  const isInvertDecode = decode !== undefined && decode.length === 2 * channels && decode.every((v, i) => v === (i % 2 === 0 ? 1 : 0));
  const withSize = (image: EmbeddedImage): ImageChoice => ({ image, widthPx, heightPx, warnings });
  const data = stream.getContents();

  if (filter === 'DCTDecode') {
    if (channels === 0) return { reason: `the JPEG uses the ${describeSpace(colourSpace)} colour space` };
    if (!isDefaultDecode) return { reason: 'the JPEG has a /Decode array' };
    return withSize({ kind: 'jpeg', data });
  }
  if (filter === 'CCITTFaxDecode') {
    const k = params === undefined ? 0 : (numberIn(params, 'K') ?? 0);
    if (k >= 0) return { reason: 'the image is CCITT Group 3, which is rendered (only Group 4 is taken out as it is)' };
    if (params !== undefined && boolIn(params, 'EncodedByteAlign') === true) return { reason: 'the Group 4 image has byte-aligned rows, which TIFF cannot say' };
    const columns = params === undefined ? 1728 : (numberIn(params, 'Columns') ?? 1728);
    if (columns !== widthPx) return { reason: `the Group 4 image is ${columns} columns wide but says /Width ${widthPx}` };
    if (colourSpace.kind !== 'gray' || bitsPerComponent !== 1) return { reason: 'the Group 4 image is not 1-bit gray' };
    if (!isDefaultDecode && !isInvertDecode) return { reason: 'the Group 4 image has an unusual /Decode array' };
    const blackIs1 = params !== undefined && boolIn(params, 'BlackIs1') === true;
    return withSize({ kind: 'ccitt', data, params: { widthPx, heightPx, k, whiteIsZero: blackIs1 === isInvertDecode, dpi: 0 } });
  }
  if (filter === 'FlateDecode') {
    if (colourSpace.kind === 'other') return { reason: `the image uses the ${describeSpace(colourSpace)} colour space` };
    const indexed = colourSpace.kind === 'indexed';
    if (![1, 2, 4, 8, 16].includes(bitsPerComponent) || (indexed && bitsPerComponent === 16) || (!indexed && (bitsPerComponent === 2 || bitsPerComponent === 4))) {
      return { reason: `the image has ${bitsPerComponent} bits per component` };
    }
    if (!isDefaultDecode && (indexed || !isInvertDecode)) return { reason: 'the image has an unusual /Decode array' };
    const predictor = {
      predictor: params === undefined ? 1 : (numberIn(params, 'Predictor') ?? 1),
      colors: params === undefined ? 1 : (numberIn(params, 'Colors') ?? 1),
      bitsPerComponent: params === undefined ? 8 : (numberIn(params, 'BitsPerComponent') ?? 8),
      columns: params === undefined ? 1 : (numberIn(params, 'Columns') ?? 1),
    };
    if (predictor.predictor !== 1 && predictor.predictor < 10 && !(predictor.predictor === 2 && bitsPerComponent === 8)) {
      return { reason: `the image uses predictor ${predictor.predictor}` };
    }
    return withSize({ kind: 'flate', data, image: { widthPx, heightPx, bitsPerComponent, colourSpace, predictor, invert: isInvertDecode && !isDefaultDecode, dpi: 0 } });
  }
  if (filter === 'JBIG2Decode') {
    if (colourSpace.kind !== 'gray' || bitsPerComponent !== 1) return { reason: 'the JBIG2 image is not 1-bit gray' };
    if (!isDefaultDecode && !isInvertDecode) return { reason: 'the JBIG2 image has an unusual /Decode array' };
    const globals = jbig2Globals(dict, params);
    if (globals === 'unreadable') return { reason: 'the JBIG2 global segments cannot be read, so the image is rendered and stored as G4' };
    return withSize({ kind: 'jbig2', data, globals, decode: isInvertDecode ? [1, 0] : undefined });
  }
  return { reason: `the image is ${filter === 'JPXDecode' ? 'JPEG 2000' : filter}, which is rendered` };
}

/** The decoded /JBIG2Globals stream of a JBIG2 image; undefined when it has none. */
function jbig2Globals(dict: PDFDict, params: PDFDict | undefined): Uint8Array | undefined | 'unreadable' {
  const ref = params?.get(PDFName.of('JBIG2Globals'));
  if (ref === undefined) return undefined;
  const stream = dict.context.lookup(ref);
  if (!(stream instanceof PDFRawStream)) return 'unreadable';
  try {
    return filtersOf(stream.dict).length === 0 ? stream.getContents() : decodePDFRawStream(stream).decode();
  } catch {
    return 'unreadable';
  }
}

function describeSpace(space: ColourSpace): string {
  return space.kind === 'other' ? space.name : space.kind;
}

// ---------------------------------------------------------------------------------------------------------
// Writing the page image
// ---------------------------------------------------------------------------------------------------------

interface WrittenImage {
  imagePath: string;
  method: ExtractMethod;
  dpi: number;
  widthPx: number;
  heightPx: number;
  inputBytes: number;
  /** PDF user space → pixels of the written image. */
  toPixels: Matrix;
  /** What writing changed that a person should know (a flattened overlay), without the page prefix. */
  notes: string[];
  /** The image is gray for the engine but the page is to be stored bitonal (drawn type). */
  storeAs?: 'bitonal';
}

function imageFileName(context: PageContext, extension: string): string {
  return `pdf-page-${String(context.pageNumber).padStart(4, '0')}.${extension}`;
}

/** The image fills the visible box exactly, so user space maps to pixels by a scale and a flip. */
function boxToPixels(box: PdfRect, widthPx: number, heightPx: number): Matrix {
  const sx = widthPx / (box.x1 - box.x0);
  const sy = heightPx / (box.y1 - box.y0);
  return [sx, 0, 0, -sy, -box.x0 * sx, box.y1 * sy];
}

/** Writes the embedded scan, or says why it must be rendered after all (what only the JPEG header tells). */
async function writeEmbeddedImage(
  plan: Extract<PagePlan, { kind: 'embedded' }>,
  outDir: string,
  context: PageContext,
): Promise<WrittenImage | { renderBecause: string }> {
  const { image, widthPx, heightPx, dpi, box } = plan;
  const common = { dpi, widthPx, heightPx, inputBytes: plan.inputBytes, toPixels: boxToPixels(box, widthPx, heightPx), notes: [] };
  try {
    if (image.kind === 'jpeg') {
      const frame = readJpegFrameInfo(image.data);
      if (frame.widthPx !== widthPx || frame.heightPx !== heightPx) {
        throw pageError('PDF_PAGE_DAMAGED', context, `the page's JPEG is ${frame.widthPx}×${frame.heightPx} px but its PDF dictionary says ${widthPx}×${heightPx}; ${damagedFix}`);
      }
      if (frame.components !== 1 && frame.components !== 3) return { renderBecause: `the JPEG has ${frame.components} colour components` };
      // PDF readers ignore EXIF orientation but sharp applies it, which would turn the page.
      const { orientation } = await sharp(image.data).metadata();
      if (orientation !== undefined && orientation !== 1) return { renderBecause: `the JPEG carries EXIF orientation ${orientation}, which PDF readers ignore` };
      const imagePath = path.join(outDir, imageFileName(context, 'jpg'));
      await writeFile(imagePath, image.data);
      return { ...common, imagePath, method: 'embedded-jpeg' };
    }
    if (image.kind === 'ccitt') {
      const imagePath = path.join(outDir, imageFileName(context, 'tif'));
      await writeFile(imagePath, buildCcittTiff(image.data, { ...image.params, dpi }));
      return { ...common, imagePath, method: 'embedded-ccitt' };
    }
    if (image.kind === 'jbig2') return { renderBecause: 'the image is JBIG2, which only a renderer decodes' };
    const raw = decodeFlateImage(image.data, image.image);
    const imagePath = path.join(outDir, imageFileName(context, 'png'));
    const input = sharp(raw.pixels, { raw: { width: widthPx, height: heightPx, channels: raw.channels } });
    // An intermediate in the work folder: fast compression, 1-bit stays 1-bit.
    await (raw.bitonal
      ? input.toColourspace('b-w').withDensity(dpi).png({ colours: 2, palette: false, compressionLevel: 1 })
      : input.toColourspace(raw.channels === 1 ? 'b-w' : 'srgb').withDensity(dpi).png({ compressionLevel: 1 })
    ).toFile(imagePath);
    return { ...common, imagePath, method: 'embedded-flate' };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw pageError('PDF_PAGE_DAMAGED', context, `the page's image cannot be read (${reasonOf(err)}); ${damagedFix}`, err);
  }
}

/**
 * The JBIG2 stream (and its global segments) beside the rendered page, when the render has the scan's own size;
 * otherwise the page is stored from the rendered pixels, as G4.
 */
async function writeJbig2(
  image: Extract<EmbeddedImage, { kind: 'jbig2' }>,
  plan: { widthPx: number; heightPx: number },
  written: WrittenImage,
  outDir: string,
  context: PageContext,
): Promise<Jbig2Original | undefined> {
  if (written.widthPx !== plan.widthPx || written.heightPx !== plan.heightPx) return undefined;
  const streamPath = path.join(outDir, imageFileName(context, 'jb2'));
  await writeFile(streamPath, image.data);
  const globalsPath = image.globals === undefined ? undefined : path.join(outDir, imageFileName(context, 'jb2g'));
  if (globalsPath !== undefined) await writeFile(globalsPath, image.globals as Uint8Array);
  return { streamPath, widthPx: plan.widthPx, heightPx: plan.heightPx, ...(globalsPath ? { globalsPath } : {}), ...(image.decode ? { decode: image.decode } : {}) };
}

/**
 * A minimal little-endian single-strip TIFF around a Group 4 stream: libtiff (in sharp) decodes it, and the
 * 1-bit data never expands on disk.
 */
export function buildCcittTiff(data: Uint8Array, params: CcittParams): Uint8Array {
  const entries: [tag: number, type: 3 | 4 | 5, value: number][] = [
    [256, 4, params.widthPx],
    [257, 4, params.heightPx],
    [258, 3, 1],
    [259, 3, 4],
    [262, 3, params.whiteIsZero ? 0 : 1],
    [273, 4, 0], // StripOffsets: patched below
    [277, 3, 1],
    [278, 4, params.heightPx],
    [279, 4, data.length],
    [282, 5, 0], // XResolution: points at the rational
    [283, 5, 0],
    [293, 4, 0], // T6Options: no uncompressed mode
    [296, 3, 2], // inches
  ];
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  const rationalOffset = ifdOffset + ifdSize;
  const dataOffset = rationalOffset + 8;
  const out = new Uint8Array(dataOffset + data.length);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0], 0);
  view.setUint32(4, ifdOffset, true);
  view.setUint16(ifdOffset, entries.length, true);
  entries.forEach(([tag, type, value], index) => {
    const at = ifdOffset + 2 + index * 12;
    const resolved = tag === 273 ? dataOffset : type === 5 ? rationalOffset : value;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, resolved, true);
    else view.setUint32(at + 8, resolved, true);
  });
  view.setUint32(ifdOffset + 2 + entries.length * 12, 0, true);
  // One rational for both resolutions, in hundredths of a dpi.
  view.setUint32(rationalOffset, Math.round(params.dpi * 100), true);
  view.setUint32(rationalOffset + 4, 100, true);
  out.set(data, dataOffset);
  return out;
}

/** Inflates and unpacks a Flate image to 8-bit pixels, 1 or 3 channels; 1-bit gray stays bitonal (0 or 255). */
export function decodeFlateImage(data: Uint8Array, image: FlateImageParams): { pixels: Uint8Array; channels: 1 | 3; bitonal: boolean } {
  const { widthPx, heightPx, bitsPerComponent, colourSpace } = image;
  const components = colourSpace.kind === 'rgb' ? 3 : 1;
  const rowBytes = Math.ceil((widthPx * components * bitsPerComponent) / 8);
  // A sync flush tolerates a stream without its checksum, as readers do; a short result is caught below.
  const inflated = inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const rows = undoPredictor(inflated, image.predictor, rowBytes, heightPx);
  if (rows.length < rowBytes * heightPx) throw new Error(`the image data is cut short: ${rows.length} of ${rowBytes * heightPx} bytes`);
  const samples = unpackSamples(rows, widthPx * components, heightPx, rowBytes, bitsPerComponent);
  if (colourSpace.kind === 'indexed') {
    const channels = colourSpace.base === 'rgb' ? 3 : 1;
    const pixels = new Uint8Array(widthPx * heightPx * channels);
    for (let i = 0; i < widthPx * heightPx; i++) {
      const index = Math.min(samples[i] as number, colourSpace.hival);
      for (let ch = 0; ch < channels; ch++) pixels[i * channels + ch] = colourSpace.lookup[index * channels + ch] ?? 0;
    }
    return { pixels, channels, bitonal: false };
  }
  const max = (1 << Math.min(bitsPerComponent, 8)) - 1;
  for (let i = 0; i < samples.length; i++) {
    const value = bitsPerComponent >= 8 ? (samples[i] as number) : Math.round(((samples[i] as number) * 255) / max);
    samples[i] = image.invert ? 255 - value : value;
  }
  return { pixels: samples, channels: components, bitonal: bitsPerComponent === 1 && components === 1 };
}

/** Undoes PNG (per-row filter byte) or TIFF (8-bit horizontal differencing) prediction. */
export function undoPredictor(data: Uint8Array, predictor: FlateImageParams['predictor'], rowBytes: number, heightPx: number): Uint8Array {
  if (predictor.predictor === 1) return data;
  const bytesPerPixel = Math.max(1, Math.ceil((predictor.colors * predictor.bitsPerComponent) / 8));
  if (predictor.predictor === 2) {
    const out = new Uint8Array(data);
    for (let y = 0; y < heightPx; y++) {
      for (let x = bytesPerPixel; x < rowBytes; x++) {
        const at = y * rowBytes + x;
        out[at] = ((out[at] as number) + (out[at - bytesPerPixel] as number)) & 0xff;
      }
    }
    return out;
  }
  const out = new Uint8Array(rowBytes * heightPx);
  let inAt = 0;
  for (let y = 0; y < heightPx && inAt < data.length; y++) {
    const filter = data[inAt++] as number;
    const row = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const raw = data[inAt++] ?? 0;
      const left = x >= bytesPerPixel ? (out[row + x - bytesPerPixel] as number) : 0;
      const up = y > 0 ? (out[row - rowBytes + x] as number) : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? (out[row - rowBytes + x - bytesPerPixel] as number) : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) predicted = paeth(left, up, upLeft);
      out[row + x] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** One sample per byte; 16-bit samples keep their high byte (8 bits are plenty for a scan). */
function unpackSamples(rows: Uint8Array, samplesPerRow: number, heightPx: number, rowBytes: number, bitsPerComponent: number): Uint8Array {
  const out = new Uint8Array(samplesPerRow * heightPx);
  for (let y = 0; y < heightPx; y++) {
    const row = y * rowBytes;
    for (let s = 0; s < samplesPerRow; s++) {
      let value: number;
      if (bitsPerComponent === 8) value = rows[row + s] as number;
      else if (bitsPerComponent === 16) value = rows[row + 2 * s] as number;
      else {
        const bit = s * bitsPerComponent;
        const byte = rows[row + (bit >> 3)] as number;
        value = (byte >> (8 - bitsPerComponent - (bit & 7))) & ((1 << bitsPerComponent) - 1);
      }
      out[y * samplesPerRow + s] = value;
    }
  }
  return out;
}

/**
 * What a rendered page weighed in its PDF. A scan's page is its streams (`pageInputBytes`); a page of drawn type is
 * at least its share of what the file holds besides images, because the fonts it is drawn with (left out of its
 * streams, and shared between pages) are most of what it costs: an e-office page's content stream is 5 KB, its
 * file 80 KB a page, mostly fonts.
 */
function renderedInputBytes(plan: PagePlan, context: PageContext): number {
  if (plan.kind === 'render' && plan.dominant?.drawn) return Math.max(plan.inputBytes ?? 0, Math.floor(context.sharedBytes / context.pageCount));
  return plan.inputBytes ?? shareOfFile(context);
}

/** Share of a file's bytes for one page, the same even split as ingest's page list. */
function shareOfFile(context: PageContext): number {
  const base = Math.floor(context.fileSizeBytes / context.pageCount);
  return base + (context.pageNumber - 1 < context.fileSizeBytes % context.pageCount ? 1 : 0);
}

/** How to render a page: at what resolution, in the colour mode of its dominant image, and what it weighed. */
interface RenderTarget {
  dpi: number;
  mode: ColourMode;
  /** The page is drawn type, not a scan (see `drawnPageBasis`). */
  drawn?: boolean;
  inputBytes: number;
}

/**
 * Coloured content over this share of a page keeps a rendered page in colour although its scan is 1-bit or gray.
 * What e-office systems draw over a scan is a mark: an e-signature box (about 6 × 2.5 cm, 2.4 % of A4 even when
 * filled), a seal (4 cm across, 2 %), a signer's name. Its colour does not pay for a colour page, which costs ten
 * times the 1-bit one (a 76 KB G4 page came out as a 924 KB colour JPEG), and the signed original keeps it. Colour
 * over a twentieth of the page is more than a mark (a coloured form or chart drawn over a background): such a page
 * stays colour and normalize judges it as it judges any colour scan.
 */
export const keepColourFromShare = 0.05;
/** Long side of the copy the overlay's colour is measured on, as normalize measures chroma. */
const chromaLongSidePx = 600;

/**
 * The colour mode a rendered page is written in. `mode` is the dominant image's: a colour one leaves the page as
 * drawn, for normalize to judge. A 1-bit or gray one sets the page's mode unless colour covers `keepColourFromShare`;
 * when colour that normalize would have kept is dropped, the note says so.
 */
export function renderedMode(mode: ColourMode, colouredFraction: number, wouldBeColour: boolean, drawn = false): { mode: ColourMode; note?: string } {
  if (mode === 'colour' || colouredFraction >= keepColourFromShare) return { mode: 'colour' };
  if (!wouldBeColour) return { mode };
  const share = colouredFraction < 0.001 ? 'under 0.1%' : `${(colouredFraction * 100).toFixed(1)}%`;
  if (drawn) return { mode, note: `coloured marks on a page of drawn type (${share} of the page, such as a seal) were flattened to black and white; the kept original has them` };
  const target = mode === 'bitonal' ? 'black and white, as its 1-bit scan' : 'gray, as its gray scan';
  return { mode, note: `coloured marks drawn over the scan (${share} of the page, such as an e-signature box) were flattened to ${target}` };
}

/** Ink below this level, paper above: a rendered 1-bit scan is 0 and 255 except where resampling blends the two. */
const bitonalThreshold = 128;

/**
 * pdf.js draws the page as a reader shows it (annotation appearances included) on white, at `target.dpi`. The image
 * is written in the page's colour mode: a 1-bit PNG (normalize stores it as G4), a gray PNG, or RGB.
 */
async function renderPage(pdf: PDFDocumentProxy, page: PDFPageProxy, outDir: string, context: PageContext, target: RenderTarget): Promise<WrittenImage> {
  const { dpi } = target;
  if (!Number.isFinite(dpi) || dpi < 36 || dpi > 1200) throw new Error(`Expected renderDpi 36–1200 but received ${dpi}`);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const widthPx = Math.round(viewport.width);
  const heightPx = Math.round(viewport.height);
  if (widthPx * heightPx > maxRenderPixels) {
    throw pageError('PDF_PAGE_TOO_LARGE', context, `rendering the page at ${dpi} dpi would make ${widthPx}×${heightPx} pixels, more than ${maxRenderPixels}; pass a lower renderDpi or split the page`);
  }
  // The document's factory is the one pdf.js uses in Node (@napi-rs/canvas); sohoa does not import the canvas package.
  const canvasFactory = pdf.canvasFactory as CanvasFactory;
  const { canvas, context: drawing } = canvasFactory.create(widthPx, heightPx);
  try {
    await page.render({ canvas: canvas as never, viewport, annotationMode: AnnotationMode.ENABLE, background: 'rgb(255,255,255)' }).promise;
    const rgba = drawing.getImageData(0, 0, widthPx, heightPx).data;
    const drawn = () => sharp(rgba, { raw: { width: widthPx, height: heightPx, channels: 4 } }).removeAlpha();
    let chosen: { mode: ColourMode; note?: string } = { mode: 'colour' };
    if (target.mode !== 'colour') {
      const small = await drawn().resize({ width: chromaLongSidePx, height: chromaLongSidePx, fit: 'inside', withoutEnlargement: true }).raw().toBuffer();
      const chroma = measureChroma(small, 3);
      chosen = renderedMode(target.mode, chroma.colouredFraction, colourMode({ bitsPerSample: 8, channels: 3, chroma }) === 'colour', target.drawn);
    }
    const imagePath = path.join(outDir, imageFileName(context, 'png'));
    // An intermediate in the work folder: fast compression; a 1-bit page is written 1-bit, so normalize keeps it so.
    // Drawn type is written gray, its anti-aliasing kept for the engine, and stored bitonal (`storeAs`).
    const storeBitonal = chosen.mode === 'bitonal' && target.drawn === true;
    const pipeline =
      chosen.mode === 'bitonal' && !storeBitonal
        ? drawn().toColourspace('b-w').threshold(bitonalThreshold).withDensity(dpi).png({ colours: 2, palette: false, compressionLevel: 1 })
        : chosen.mode === 'gray' || storeBitonal
          ? drawn().toColourspace('b-w').withDensity(dpi).png({ compressionLevel: 1 })
          : drawn().withDensity(dpi).png({ compressionLevel: 1 });
    await pipeline.toFile(imagePath);
    return {
      imagePath,
      method: 'rendered',
      dpi,
      widthPx,
      heightPx,
      inputBytes: target.inputBytes,
      toPixels: viewport.transform as unknown as Matrix,
      notes: chosen.note === undefined ? [] : [chosen.note],
      ...(storeBitonal ? { storeAs: 'bitonal' as const } : {}),
    };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw pageError('PDF_PAGE_DAMAGED', context, `the page cannot be drawn (${reasonOf(err)}); ${damagedFix}`, err);
  } finally {
    canvasFactory.destroy({ canvas, context: drawing });
  }
}

/** The part of pdf.js's Node canvas factory (backed by @napi-rs/canvas) used here. */
interface CanvasFactory {
  create(width: number, height: number): { canvas: unknown; context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
  destroy(pair: { canvas: unknown; context: unknown }): void;
}

// ---------------------------------------------------------------------------------------------------------
// Text layer
// ---------------------------------------------------------------------------------------------------------

/**
 * Text on a scan that is its text (an earlier OCR layer, searchable scanners' output) covers a good part of the page
 * or holds a page's worth of characters. E-office systems draw a signature box ("Ký bởi…, Thời gian ký…", about 2%
 * of the page) over a scan they sign: that text is not the scan's, and keeping it would leave the page unread.
 */
const scanTextMinAreaShare = 0.05;
const scanTextMinCharacters = 300;

export function isTextOfTheScan(words: readonly Word[], widthPx: number, heightPx: number): boolean {
  const characters = words.reduce((sum, w) => sum + w.text.length, 0);
  if (characters >= scanTextMinCharacters) return true;
  const area = words.reduce((sum, w) => sum + Math.max(0, w.box.x1 - w.box.x0) * Math.max(0, w.box.y1 - w.box.y0), 0);
  return widthPx > 0 && heightPx > 0 && area >= scanTextMinAreaShare * widthPx * heightPx;
}

/** The fields of a pdf.js text item this module reads. */
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

async function readTextLayer(page: PDFPageProxy, toPixels: Matrix, widthPx: number, heightPx: number): Promise<ExtractedPdfPage['text']> {
  const content = await page.getTextContent({ disableNormalization: true });
  const items = content.items.filter((item): item is typeof item & PdfTextItem => 'str' in item);
  const styles = content.styles as Record<string, { ascent?: number; descent?: number } | undefined>;
  const words = wordsFromTextItems(items, (fontName) => styles[fontName], toPixels, { widthPx, heightPx });
  return { hasText: items.some((item) => item.str.trim() !== ''), words };
}

/** Word boxes along the item's baseline, from descent to ascent; within an item, split in proportion to characters. */
export function wordsFromTextItems(
  items: readonly PdfTextItem[],
  styleOf: (fontName: string) => { ascent?: number; descent?: number } | undefined,
  toPixels: Matrix,
  image: { widthPx: number; heightPx: number },
): Word[] {
  const words: Word[] = [];
  let lineIndex = 0;
  let lastBaseline: { x: number; y: number; heightPx: number } | undefined;
  let lineBreakPending = false;
  let glued = false;
  for (const item of items) {
    const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
    const chars = [...item.str];
    const style = styleOf(item.fontName);
    const ascent = style?.ascent !== undefined && style.ascent > 0 ? style.ascent : 0.8;
    const descent = style?.descent !== undefined && style.descent < 0 ? style.descent : -0.2;
    const alongLength = Math.hypot(a, b) || 1;
    const upLength = Math.hypot(c, d) || 1;
    const along = [a / alongLength, b / alongLength] as const;
    const up = [c / upLength, d / upLength] as const;
    const height = item.height > 0 ? item.height : upLength;
    const [baseX, baseY] = applyMatrix(toPixels, e, f);
    const heightPx = height * Math.hypot(toPixels[2], toPixels[3]);
    if (chars.join('').trim() !== '' && lastBaseline !== undefined) {
      if (lineBreakPending || Math.abs(baseY - lastBaseline.y) > 0.5 * Math.max(heightPx, lastBaseline.heightPx)) {
        lineIndex++;
        glued = false;
      }
      lineBreakPending = false;
    }
    const boxOf = (from: number, to: number): Word['box'] => {
      const x0 = (item.width * from) / Math.max(chars.length, 1);
      const x1 = (item.width * to) / Math.max(chars.length, 1);
      const corners = [
        [x0, descent * height],
        [x1, descent * height],
        [x0, ascent * height],
        [x1, ascent * height],
      ].map(([u = 0, v = 0]) => applyMatrix(toPixels, e + along[0] * u + up[0] * v, f + along[1] * u + up[1] * v));
      const xs = corners.map((p) => p[0]);
      const ys = corners.map((p) => p[1]);
      return {
        x0: clamp(Math.round(Math.min(...xs)), 0, image.widthPx),
        y0: clamp(Math.round(Math.min(...ys)), 0, image.heightPx),
        x1: clamp(Math.round(Math.max(...xs)), 0, image.widthPx),
        y1: clamp(Math.round(Math.max(...ys)), 0, image.heightPx),
      };
    };
    let start = -1;
    for (let i = 0; i <= chars.length; i++) {
      const isSpace = i === chars.length || /\s/u.test(chars[i] as string);
      if (!isSpace && start < 0) start = i;
      if (isSpace && start >= 0) {
        const text = chars.slice(start, i).join('').normalize('NFC');
        const box = boxOf(start, i);
        const previous = words.at(-1);
        // A word split over two items (a font change, kerning) continues when nothing separated them.
        if (glued && start === 0 && previous !== undefined && box.x0 - previous.box.x1 <= 0.15 * heightPx) {
          previous.text = (previous.text + text).normalize('NFC');
          previous.box = { x0: Math.min(previous.box.x0, box.x0), y0: Math.min(previous.box.y0, box.y0), x1: Math.max(previous.box.x1, box.x1), y1: Math.max(previous.box.y1, box.y1) };
        } else {
          // Text from a PDF is what its author wrote: as sure as a word can be.
          words.push({ text, box, confidence: 100, lineIndex });
        }
        start = -1;
      }
    }
    if (chars.join('').trim() !== '') {
      lastBaseline = { x: baseX, y: baseY, heightPx };
      glued = !/\s/u.test(chars.at(-1) ?? ' ');
    } else if (chars.length > 0) {
      glued = false;
    }
    if (item.hasEOL) {
      lineBreakPending = true;
      glued = false;
    }
  }
  return words;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
