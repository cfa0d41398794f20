// Writes a document's page images and OCR words as one PDF/A-2b file with an invisible, searchable text layer.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import type { PDFRef } from 'pdf-lib';
import { InputError } from '../domain/errors.ts';
import type { Word } from '../domain/page.ts';
import { describeImageXObject, registerImageXObject } from './page-image-xobject.ts';
import type { ImageXObject, PdfPageImage } from './page-image-xobject.ts';
import { loadSrgbIccProfile } from './srgb-icc.ts';
import { layoutTextLayer, num } from './text-layer.ts';
import { loadTextLayerFontProgram, TextLayerFont } from './text-layer-font.ts';
import { buildXmp, joinKeywords } from './xmp.ts';

export type { PdfPageImage } from './page-image-xobject.ts';

export interface PdfPageInput {
  image: PdfPageImage;
  /** Resolution of the image; the page measures pixels × 72 / dpi points. */
  dpi: number;
  /** OCR words with boxes in pixels of `image`, origin top-left. */
  words: Word[];
}

export interface PdfDocumentInfo {
  title: string;
  /** Stable identifier of the document; also seeds the trailer /ID. */
  identifier: string;
  /** BCP 47 language tag of the text, e.g. 'vi'. */
  language: string;
  /** Creation and modification date; taken from the input so that rewriting gives the same bytes. */
  createdAt: Date;
  /** Name and version of the writing program, e.g. 'sohoa 0.1.0'. */
  producer: string;
  subject?: string;
  keywords?: string[];
  /** The issuing agency: Info /Author and dc:creator. */
  author?: string;
  /** dc:type and dc:date: the document type name and issue date. */
  type?: string;
  date?: string;
  /** Vietnamese records fields for the XMP's sohoa namespace. */
  records?: Record<string, string>;
}

export interface PdfDocumentInput {
  pages: PdfPageInput[];
  info: PdfDocumentInfo;
}

/** What one page costs in the file, to check the output against the input scan. */
export interface WrittenPdfPage {
  /** Encoded bytes of the page's image stream, as stored (no stream dictionary). */
  imageBytes: number;
  /** Encoded bytes of the page's content stream: the image placement and the invisible text layer. */
  contentBytes: number;
}

export interface WrittenPdf {
  bytes: Uint8Array;
  /** In page order. The shared objects (font, ICC profile, XMP, cross-reference) are not counted here. */
  pages: WrittenPdfPage[];
  /** Things a person should know that did not stop the writing, each naming its page. */
  warnings: string[];
}

const imageName = 'Im0';
const fontName = 'F0';

/**
 * Page size = image size at its dpi and the image fills the page; JPEGs pass through, bitonal pages stay
 * 1-bit. The same input gives the same bytes: dates come from `info`, the trailer /ID from the identifier,
 * the font subset's name from the characters used.
 */
export async function writeSearchablePdf(input: PdfDocumentInput): Promise<WrittenPdf> {
  if (input.pages.length === 0) {
    throw new Error('A PDF needs at least one page but the document has none; drop empty documents before writing');
  }
  const [fontProgram, iccProfile] = await Promise.all([loadTextLayerFontProgram(), loadSrgbIccProfile()]);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const context = doc.context;
  const font = new TextLayerFont(fontProgram);
  const warnings: string[] = [];
  const pages: WrittenPdfPage[] = [];
  let fontRef: PDFRef | undefined;

  input.pages.forEach((pageInput, index) => {
    const pageNumber = index + 1;
    const { widthPx, heightPx } = pageInput.image;
    if (!Number.isFinite(pageInput.dpi) || pageInput.dpi <= 0) {
      throw new Error(`Expected a positive dpi for page ${pageNumber} but received ${pageInput.dpi}`);
    }
    const ptPerPx = 72 / pageInput.dpi;
    // Rounded once and used for both MediaBox and image, so the image fills the page exactly.
    const widthPt = roundPt(widthPx * ptPerPx);
    const heightPt = roundPt(heightPx * ptPerPx);

    const xobject = describePageImage(pageInput.image, pageNumber);
    warnings.push(...xobject.warnings.map((w) => `page ${pageNumber}: ${w}`));
    const page = doc.addPage([widthPt, heightPt]);
    page.node.setXObject(PDFName.of(imageName), registerImageXObject(context, xobject));

    const textLayer = layoutTextLayer({ words: pageInput.words, heightPt, ptPerPx, fontName }, font);
    if (textLayer !== '') {
      // The font is written after the last page, when the subset is known; pages point at it already.
      fontRef ??= context.nextRef();
      page.node.setFontDictionary(PDFName.of(fontName), fontRef);
    }

    const operators = [`q ${num(widthPt)} 0 0 ${num(heightPt)} 0 0 cm /${imageName} Do Q`, textLayer]
      .filter((s) => s !== '')
      .join('\n');
    // Node's zlib rather than pdf-lib's pako: several times faster, and the same bytes for the same input.
    const contents = deflateSync(new TextEncoder().encode(operators));
    page.node.set(PDFName.of('Contents'), context.register(context.stream(contents, { Filter: 'FlateDecode' })));
    pages.push({ imageBytes: xobject.data.length, contentBytes: contents.length });
  });

  if (fontRef) await font.embed(context, fontRef);
  writeMetadata(doc, input.info, iccProfile);
  const bytes = await doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
  return { bytes, pages, warnings };
}

/** Names the page in an input error, so the report points at it. */
function describePageImage(image: PdfPageImage, pageNumber: number): ImageXObject {
  try {
    return describeImageXObject(image);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.code, `page ${pageNumber}: ${err.message}`, err.location, { cause: err });
    throw err;
  }
}

/** Points at two decimals (1/7200 inch), the precision the content streams use. */
function roundPt(value: number): number {
  return Number(num(value));
}

/** Info dictionary, XMP, language, sRGB output intent and trailer /ID, kept consistent as PDF/A-2b requires. */
function writeMetadata(doc: PDFDocument, info: PdfDocumentInfo, iccProfile: Uint8Array): void {
  const context = doc.context;
  const modifiedAt = info.createdAt;
  doc.setTitle(info.title);
  if (info.subject !== undefined) doc.setSubject(info.subject);
  if (info.keywords !== undefined && info.keywords.length > 0) doc.setKeywords([joinKeywords(info.keywords)]);
  if (info.author !== undefined) doc.setAuthor(info.author);
  doc.setProducer(info.producer);
  doc.setCreator(info.producer);
  doc.setCreationDate(info.createdAt);
  doc.setModificationDate(modifiedAt);
  doc.setLanguage(info.language);

  const xmp = buildXmp({
    title: info.title,
    identifier: info.identifier,
    language: info.language,
    createdAt: info.createdAt,
    modifiedAt,
    producer: info.producer,
    creatorTool: info.producer,
    ...(info.subject === undefined ? {} : { subject: info.subject }),
    ...(info.keywords === undefined ? {} : { keywords: info.keywords }),
    ...(info.author === undefined ? {} : { creator: info.author }),
    ...(info.type === undefined ? {} : { type: info.type }),
    ...(info.date === undefined ? {} : { date: info.date }),
    ...(info.records === undefined ? {} : { sohoa: info.records }),
    pdfaPart: 2,
    pdfaConformance: 'B',
  });
  // PDF/A wants the metadata stream unfiltered, so any tool can read it without a PDF library.
  const metadataRef = context.register(
    context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' }),
  );
  doc.catalog.set(PDFName.of('Metadata'), metadataRef);

  const iccRef = context.register(context.stream(deflateSync(iccProfile), { Filter: 'FlateDecode', N: 3 }));
  const outputIntent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: iccRef,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([outputIntent]));

  const id = PDFHexString.of(documentIdHex(info.identifier));
  context.trailerInfo.ID = context.obj([id, id]);
}

/** 16 bytes of SHA-256 over the identifier: stable across rewrites of the same document, unlike a random ID. */
export function documentIdHex(identifier: string): string {
  return createHash('sha256').update(identifier, 'utf8').digest('hex').slice(0, 32).toUpperCase();
}
