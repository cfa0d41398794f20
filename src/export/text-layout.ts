// A document's text as blocks, lines and words with whole-pixel boxes: the one geometry the ALTO and hOCR writers share.
import type { Box, Word } from '../domain/page.ts';
import { escapeXml } from '../pdf/xmp.ts';

/** One page of a document's text, its words in pixels of the stored page image (the PDF's image), origin top-left. */
export interface TextPage {
  /** 1-based in the document. */
  pageNumber: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
  words: readonly Word[];
  /** Source file relative to the batch root, and its 1-based page. */
  file: string;
  filePageNumber: number;
  /** Where the words came from: the OCR engine, or the input PDF's own text layer kept as it was. */
  textSource: 'ocr' | 'pdf-text';
}

export interface TextDocument {
  batchId: string;
  dossierId: string;
  documentId: string;
  /** BCP 47 language of the text, e.g. "vi". */
  language: string;
  pages: readonly TextPage[];
  /** What made the text, for ALTO's Processing and hOCR's meta tags. */
  processing: {
    software: { name: string; version: string };
    engine: { engine: string; engineVersion: string; model: string; languages: readonly string[] };
    pipeline: { name: string; sha256: string };
    /** The records' date (taken from the inputs, not the clock), so the same inputs give the same bytes. */
    date: Date;
  };
}

/** A box in whole pixels, as ALTO writes it: left, top, width, height; hOCR's corners are hpos + width, vpos + height. */
export interface PixelBox {
  hpos: number;
  vpos: number;
  width: number;
  height: number;
}

export interface LayoutWord {
  /** 1-based on the page in reading order, like `LayoutLine.number` and `LayoutBlock.number`: both writers' IDs. */
  number: number;
  /** NFC, trimmed, never empty. */
  text: string;
  box: PixelBox;
  /** Word confidence 0–1 in steps of 0.01 (ALTO's WC; hOCR's x_wconf is this × 100). */
  wc: number;
}

export interface LayoutLine {
  number: number;
  box: PixelBox;
  /** At least one. */
  words: readonly LayoutWord[];
}

export interface LayoutBlock {
  number: number;
  box: PixelBox;
  /** At least one. */
  lines: readonly LayoutLine[];
}

export interface PageLayout {
  widthPx: number;
  heightPx: number;
  blocks: readonly LayoutBlock[];
}

/** A line starts a new block when the blank above it is taller than this many median line heights (a paragraph gap). */
const BLOCK_GAP_LINE_HEIGHTS = 1.5;

/**
 * The page's words as blocks → lines → words. Lines are the words of one `lineIndex`, in lineIndex order, words in
 * their given order (the order the text sidecar has them in). Boxes are rounded outward to whole pixels and kept
 * inside the page, so no reader finds a word off the image.
 */
export function pageLayout(page: TextPage): PageLayout {
  const lines = textLines(page);
  const medianHeight = median(lines.map((line) => line.box.height));
  const groups: LayoutLine[][] = [];
  lines.forEach((line, index) => {
    const previous = lines[index - 1];
    if (previous === undefined || startsBlock(previous.box, line.box, medianHeight)) groups.push([line]);
    else groups.at(-1)!.push(line);
  });
  const blocks = groups.map((group, index) => ({ number: index + 1, box: union(group.map((l) => l.box)), lines: group }));
  return { widthPx: page.widthPx, heightPx: page.heightPx, blocks };
}

/** The page text as the layout has it: words of a line joined by one space, lines by "\n" (as the text sidecar). */
export function layoutText(layout: PageLayout): string {
  return layout.blocks.flatMap((block) => block.lines.map((line) => line.words.map((word) => word.text).join(' '))).join('\n');
}

function textLines(page: TextPage): LayoutLine[] {
  const byIndex = new Map<number, Omit<LayoutWord, 'number'>[]>();
  for (const word of page.words) {
    const text = word.text.normalize('NFC').trim();
    // Tesseract reports noise as a "word" of spaces; it has nothing to show or find.
    if (text === '') continue;
    const laid = { text, box: pixelBox(word.box, page.widthPx, page.heightPx), wc: wordConfidence(word.confidence) };
    const line = byIndex.get(word.lineIndex);
    if (line) line.push(laid);
    else byIndex.set(word.lineIndex, [laid]);
  }
  let wordNumber = 0;
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, words], index) => ({ number: index + 1, box: union(words.map((w) => w.box)), words: words.map((w) => ({ ...w, number: ++wordNumber })) }));
}

/**
 * A paragraph gap (more blank above the line than 1.5 median line heights), or a line that does not go down from the
 * one before it (its top is above that line's middle): it stands beside or above it, in a new column, as the two
 * columns of an administrative document's heading do. Lines of one block overlap by less, even set tight.
 */
function startsBlock(previous: PixelBox, line: PixelBox, medianHeight: number): boolean {
  const gap = line.vpos - (previous.vpos + previous.height);
  return gap > BLOCK_GAP_LINE_HEIGHTS * medianHeight || line.vpos < previous.vpos + previous.height / 2;
}

/**
 * Rounded outward (floor the top-left, ceil the bottom-right) and clamped inside the page. A box with no extent left
 * (a zero-size box, or one wholly off the page) gets 1 pixel on that axis, still inside the page: readers size the
 * text to its box (hOCR renderers divide by the box's width and height), and a word has ink somewhere.
 */
export function pixelBox(box: Box, widthPx: number, heightPx: number): PixelBox {
  const [hpos, width] = span(box.x0, box.x1, widthPx);
  const [vpos, height] = span(box.y0, box.y1, heightPx);
  return { hpos, vpos, width, height };
}

function span(a: number, b: number, limit: number): [start: number, length: number] {
  const start = clamp(Math.floor(Math.min(a, b)), limit);
  const end = clamp(Math.ceil(Math.max(a, b)), limit);
  if (end > start) return [start, end - start];
  const at = Math.max(0, Math.min(start, limit - 1));
  return [at, 1];
}

function clamp(value: number, limit: number): number {
  return Number.isNaN(value) ? 0 : Math.min(limit, Math.max(0, value));
}

/** 0–100 (Tesseract's scale) to 0–1 with 2 decimals; an engine's -1 for "no confidence" is 0. */
export function wordConfidence(confidence: number): number {
  if (!Number.isFinite(confidence)) return 0;
  return Math.round(Math.min(100, Math.max(0, confidence))) / 100;
}

/** The smallest box holding all of the boxes (at least one). */
function union(boxes: readonly PixelBox[]): PixelBox {
  const x0 = Math.min(...boxes.map((b) => b.hpos));
  const y0 = Math.min(...boxes.map((b) => b.vpos));
  const x1 = Math.max(...boxes.map((b) => b.hpos + b.width));
  const y1 = Math.max(...boxes.map((b) => b.vpos + b.height));
  return { hpos: x0, vpos: y0, width: x1 - x0, height: y1 - y0 };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Text for an XML attribute or element: escapeXml's escaping of & < > " (it leaves ' alone, which is safe inside the
 * double quotes both writers use) plus tab, newline and carriage return as character references, which an XML
 * parser would otherwise turn into spaces in an attribute; lone surrogates, which XML cannot hold, become U+FFFD.
 */
export function xmlText(text: string): string {
  return escapeXml(text.toWellFormed()).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The engine as one phrase for descriptions: "tesseract.js 7, model best_int, languages vie+eng". */
export function engineSummary(engine: TextDocument['processing']['engine']): string {
  return `${engine.engine} ${engine.engineVersion}, model ${engine.model}, languages ${engine.languages.join('+')}`;
}
