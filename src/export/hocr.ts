// The hOCR 1.2 file of a document: the same blocks, lines, words and boxes as its ALTO, as XHTML that hOCR tools read.
import { engineSummary, pageLayout, xmlText, type LayoutLine, type LayoutWord, type PixelBox, type TextDocument, type TextPage } from './text-layout.ts';

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

/** All the markup this writer can make, as the spec asks (not only what one document has). */
const CAPABILITIES = 'ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang';

/** ocr-langs takes ISO 639-1 codes; the engine names its languages by Tesseract's traineddata names. */
const ISO_639_1: Readonly<Record<string, string>> = { vie: 'vi', eng: 'en', fra: 'fr' };

/**
 * Written flat like the ALTO (its bytes are stored beside every PDF): one element a line down to the text line, whose
 * words share its line with one space between them, so the file reads as the page does. Each class attribute holds
 * one class: OCRmyPDF's parser matches it whole. IDs are page_<page>, block_, line_ and word_<page>_<n>, numbered on
 * the page as the ALTO's are. The same document gives the same bytes.
 */
export function buildHocr(doc: TextDocument): string {
  const lang = xmlText(doc.language);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    DOCTYPE,
    `<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="${lang}" lang="${lang}">`,
    '<head>',
    `<title>${xmlText(doc.documentId)}</title>`,
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    `<meta name="ocr-system" content="${xmlText(ocrSystem(doc))}"/>`,
    `<meta name="ocr-capabilities" content="${CAPABILITIES}"/>`,
    `<meta name="ocr-number-of-pages" content="${doc.pages.length}"/>`,
    `<meta name="ocr-langs" content="${xmlText(ocrLangs(doc))}"/>`,
    '</head>',
    '<body>',
    ...doc.pages.flatMap((page) => pageXml(page, doc)),
    '</body>',
    '</html>',
  ];
  return `${lines.join('\n')}\n`;
}

function ocrSystem(doc: TextDocument): string {
  const { software, engine } = doc.processing;
  return `${software.name} ${software.version} (${engineSummary(engine)})`;
}

/** The text's language first, then the engine's, each once; an engine language with no two-letter code is left out. */
function ocrLangs(doc: TextDocument): string {
  const primary = doc.language.split('-')[0]!.toLowerCase();
  const engine = doc.processing.engine.languages.map((code) => ISO_639_1[code]).filter((code) => code !== undefined);
  return [...new Set([primary, ...engine])].join(' ');
}

function pageXml(page: TextPage, doc: TextDocument): string[] {
  const n = page.pageNumber;
  const lang = xmlText(doc.language);
  // Text kept from a PDF was not recognized: its words carry no confidence worth an x_wconf.
  const withConfidence = page.textSource === 'ocr';
  return [
    `<div class="ocr_page" id="page_${n}" title="${xmlText(pageProperties(page, doc))}">`,
    ...pageLayout(page).blocks.flatMap((block) => [
      `<div class="ocr_carea" id="block_${n}_${block.number}" title="${bbox(block.box)}">`,
      `<p class="ocr_par" lang="${lang}">`,
      ...block.lines.map((line) => lineXml(line, n, withConfidence)),
      '</p>',
      '</div>',
    ]),
    '</div>',
  ];
}

/**
 * image, bbox, ppageno (0-based: the spec counts the front cover as page 0) and scan_res. A file that gives more than
 * this one page (a PDF) is also named with the page in it, as x_source's extra string: the spec's way to point into a
 * multipage file.
 */
function pageProperties(page: TextPage, doc: TextDocument): string {
  const dpi = Math.round(page.dpi);
  const multipage = page.filePageNumber > 1 || doc.pages.some((other) => other !== page && other.file === page.file);
  return [
    `image "${propertyString(page.file)}"`,
    ...(multipage ? [`x_source "${propertyString(page.file)}" "${page.filePageNumber}"`] : []),
    `bbox 0 0 ${page.widthPx} ${page.heightPx}`,
    `ppageno ${page.pageNumber - 1}`,
    `scan_res ${dpi} ${dpi}`,
  ].join('; ');
}

function lineXml(line: LayoutLine, pageNumber: number, withConfidence: boolean): string {
  const words = line.words.map((word) => wordXml(word, pageNumber, withConfidence)).join(' ');
  return `<span class="ocr_line" id="line_${pageNumber}_${line.number}" title="${bbox(line.box)}">${words}</span>`;
}

function wordXml(word: LayoutWord, pageNumber: number, withConfidence: boolean): string {
  // x_wconf is 0–100; Math.round undoes the /100 of wc exactly, so it is the ALTO's WC × 100.
  const confidence = withConfidence ? `; x_wconf ${Math.round(word.wc * 100)}` : '';
  return `<span class="ocrx_word" id="word_${pageNumber}_${word.number}" title="${bbox(word.box)}${confidence}">${xmlText(word.text)}</span>`;
}

/** hOCR's corners: left, top, right, bottom. */
function bbox(box: PixelBox): string {
  return `bbox ${box.hpos} ${box.vpos} ${box.hpos + box.width} ${box.vpos + box.height}`;
}

/**
 * A property's delimited-string holds printable ASCII without '"'; the spec's image is "a UNIX-like pathname or http
 * URL", so any other character (a Vietnamese file name's letters) is percent-encoded as in a URL's path. ';' and '%'
 * are encoded too: simple readers split a title on ';', and a '%' left bare would make the encoding ambiguous.
 */
export function propertyString(text: string): string {
  return Array.from(text.toWellFormed(), (c) => (/^[\x20-\x7e]$/.test(c) && !'"%;'.includes(c) ? c : encodeURIComponent(c))).join('');
}
