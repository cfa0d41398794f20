// Opens a PDF for reading its scans, refusing what must not be read: damage, a password to open, JavaScript.
import { readFile } from 'node:fs/promises';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describeError, type InputError } from '../../domain/errors.ts';
import { openPdfjsDocument, type PdfjsDocument } from '../pdfjs-document.ts';
import { damagedFix, fileError, pageError, type PageContext } from './page-context.ts';

export async function readPdfBytes(filePath: string, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(filePath));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') {
      throw fileError('FILE_MISSING', name, 'the file is no longer in the batch folder; put it back or remove it from the manifest', err);
    }
    throw err;
  }
}

/**
 * pdf-lib parses the objects (it recovers what it can, like a reader). The checks that follow refuse what must
 * not go on: a file cut short, encryption (pdf-lib would hand out encrypted image bytes), JavaScript.
 * `checked`: these very bytes (the same file, size and modification time) passed the checks earlier in the run,
 * so only the parse is done again.
 */
export async function loadPdf(bytes: Uint8Array, name: string, options: { checked?: boolean } = {}): Promise<PDFDocument> {
  const checked = options.checked === true;
  if (!checked && !startsLikePdf(bytes)) throw fileError('PDF_NOT_PDF', name, `is not a PDF (no %PDF header); ${damagedFix}`);
  // Readers require %%EOF near the end too; without it the file was cut short and its last pages or images are gone.
  if (!checked && !endsLikePdf(bytes)) throw fileError('PDF_TRUNCATED', name, `the PDF is damaged: it ends without %%EOF, so it was cut short; ${damagedFix}`);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, parseSpeed: Number.POSITIVE_INFINITY });
  } catch (err) {
    if (mentionsEncrypt(bytes)) throw encryptedError(name);
    throw fileError('PDF_DAMAGED', name, `the PDF is damaged and cannot be read (${describeError(err)}); ${damagedFix}`, err);
  }
  // An encrypted PDF's objects and page tree are readable; only its strings and streams are not (see openScannedPdf).
  let pageCount: number;
  try {
    pageCount = doc.getPageCount();
  } catch (err) {
    throw fileError('PDF_DAMAGED', name, `the PDF is damaged: its page list cannot be read (${describeError(err)}); ${damagedFix}`, err);
  }
  if (checked) return doc;
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

/** pdf.js's copy of a scanned input; a file that needs a password, or that pdf.js cannot parse, is refused naming it. */
export async function openWithPdfjs(bytes: Uint8Array, name: string): Promise<PdfjsDocument> {
  try {
    return await openPdfjsDocument(bytes, 'scan');
  } catch (err) {
    // pdf.js tries the empty user password itself; this one needs a real one.
    if ((err as { name?: unknown }).name === 'PasswordException') throw encryptedError(name, err);
    throw fileError('PDF_DAMAGED', name, `the PDF is damaged and cannot be read (${describeError(err)}); ${damagedFix}`, err);
  }
}

export async function loadPdfjsPage(pdf: PDFDocumentProxy, context: PageContext): Promise<PDFPageProxy> {
  try {
    return await pdf.getPage(context.pageNumber);
  } catch (err) {
    throw pageError('PDF_PAGE_DAMAGED', context, `the page is damaged and cannot be read (${describeError(err)}); ${damagedFix}`, err);
  }
}
