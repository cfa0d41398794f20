// Rebuilds the visual layout of a recognized page from its word boxes: rows, runs of words, and the two-column heading.
import type { Box, Word } from '../domain/page.ts';
import { findStamps, stampWords, type Stamp } from './stamps.ts';
import { fold, foldLetters, isUpperCaseText } from './text-match.ts';

/** What the extractors need of a recognized page; word boxes are pixels of the OCR image, origin top-left. */
export interface PageWords {
  pageNumber: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
  words: Word[];
}

/** Words on one visual row with no column gap between them, left to right. */
export interface TextLine {
  words: Word[];
  box: Box;
  /** The words joined by one space. */
  text: string;
}

/** One visual row of the page: its words left to right, and the same words cut into lines at column gaps. */
export interface Row {
  /** 0-based, top to bottom. */
  index: number;
  words: Word[];
  lines: TextLine[];
  box: Box;
}

/** The heading of a Decree 30 document, cut into its two columns. */
export interface Heading {
  /** Issuing body, number and symbol, "V/v" summary of a công văn, marks: lines top to bottom (a row may give two). */
  left: TextLine[];
  /** National title and motto, place and date: lines top to bottom. */
  right: TextLine[];
  /** Index of the last row of the heading; the title (or "Kính gửi") starts below it. */
  lastRow: number;
}

export interface PageLayout {
  page: PageWords;
  rows: Row[];
  /** Median height of a word box: the unit of distances on the page. */
  lineHeightPx: number;
  /** A horizontal gap wider than this separates two columns. */
  columnGapPx: number;
  /** Left and right edges of the text block (margins excluded). */
  textLeftPx: number;
  textRightPx: number;
  /** The x that divides the heading's columns: where the national title starts. */
  columnSplitPx: number;
  /** Row of "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", when found. */
  mottoRow: number | undefined;
  /** The heading, without the lines of stamps (a received stamp beside the number is not the issuing body). */
  heading: Heading;
  /** Stamps and boxes on the page (received, copy, e-signature, marks); their lines stay in `rows`. */
  stamps: Stamp[];
  /** The words of the stamps other than marks: no number, date or signer is read from them. */
  stampWords: ReadonlySet<Word>;
}

/**
 * A gap wider than this many line heights separates two columns. Measured on 300 dpi national-layout pages:
 * justified body text stretched word gaps to 1.1 line heights at most; the heading columns were 1.7 apart.
 */
const COLUMN_GAP_LINE_HEIGHTS = 1.4;
/** Rows whose centres are closer than this share a row. */
const SAME_ROW_LINE_HEIGHTS = 0.5;
/** Without a national title to measure, the heading's right column starts this far into the text block. */
const DEFAULT_SPLIT_FRACTION = 0.36;
/** Below the number and date, rows of the left column alone (V/v summary, marks) belong to the heading while closer than this. */
const HEADING_ROW_GAP_LINE_HEIGHTS = 4;

export function unionBox(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { x0: 0, y0: 0, x1: 0, y1: 0 };
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

export function textLine(words: readonly Word[]): TextLine {
  return { words: [...words], box: unionBox(words.map((w) => w.box)), text: words.map((w) => w.text).join(' ') };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const centreY = (box: Box): number => (box.y0 + box.y1) / 2;
const centreX = (box: Box): number => (box.x0 + box.x1) / 2;

/** Groups words into visual rows by their vertical centres, each row left to right. */
export function buildRows(words: readonly Word[], lineHeightPx: number): Word[][] {
  const sorted = words.filter((w) => w.text.trim() !== '').sort((a, b) => centreY(a.box) - centreY(b.box));
  const rows: Word[][] = [];
  let current: Word[] = [];
  let currentCentres: number[] = [];
  for (const word of sorted) {
    const cy = centreY(word.box);
    if (current.length > 0 && cy - median(currentCentres) > SAME_ROW_LINE_HEIGHTS * lineHeightPx) {
      rows.push(current);
      current = [];
      currentCentres = [];
    }
    current.push(word);
    currentCentres.push(cy);
  }
  if (current.length > 0) rows.push(current);
  return rows.map((row) => row.sort((a, b) => a.box.x0 - b.box.x0));
}

/** Cuts a row into lines where the gap between two words is a column gap, or where a word crosses `splitPx`. */
export function splitLines(words: readonly Word[], gapPx: number, splitPx?: number): TextLine[] {
  const lines: Word[][] = [];
  for (const word of words) {
    const last = lines.at(-1);
    const previous = last?.at(-1);
    const crossesSplit = splitPx !== undefined && previous !== undefined && centreX(previous.box) < splitPx && centreX(word.box) >= splitPx;
    if (last === undefined || previous === undefined || word.box.x0 - previous.box.x1 > gapPx || crossesSplit) lines.push([word]);
    else last.push(word);
  }
  return lines.map(textLine);
}

/**
 * Tesseract glues the last word of the issuing body to the first of the national title when the gap is narrow
 * ("THẮNGCỘNG", "VỤĐộc"). Cuts such a word before the known start of the right column, sharing its box by
 * character count.
 */
function unglue(words: readonly Word[]): Word[] {
  const out: Word[] = [];
  for (const [i, word] of words.entries()) {
    const next = words[i + 1];
    const nextFolded = next ? foldLetters(next.text) : '';
    const folded = fold(word.text);
    const cut =
      (nextFolded === 'HOA' && /^\p{Lu}{2,}CONG$/u.test(folded) ? folded.length - 4 : undefined) ??
      (nextFolded.startsWith('LAP') && /^\p{Lu}{2,}DOC$/u.test(folded) && /\p{Ll}{2}$/u.test(word.text) ? folded.length - 3 : undefined);
    if (cut === undefined) {
      out.push(word);
      continue;
    }
    const chars = [...word.text];
    const xCut = Math.round(word.box.x0 + ((word.box.x1 - word.box.x0) * cut) / chars.length);
    out.push({ ...word, text: chars.slice(0, cut).join(''), box: { ...word.box, x1: xCut } });
    out.push({ ...word, text: chars.slice(cut).join(''), box: { ...word.box, x0: xCut } });
  }
  return out;
}

/** True when the folded row holds the national title: any two of its word pairs is enough to survive OCR errors. */
function isMottoRow(words: readonly Word[]): boolean {
  const joined = words.map((w) => foldLetters(w.text)).join('');
  return ['CONGHOA', 'XAHOI', 'CHUNGHIA', 'VIETNAM'].filter((part) => joined.includes(part)).length >= 2;
}

/**
 * Specks and stray strokes (a signature, a seal, dust on a noisy scan) come back as short words of punctuation
 * or single letters with a very low confidence; text never does.
 */
const SPECK_MAX_CONFIDENCE = 50;
const SPECK_LETTER_MAX_CONFIDENCE = 20;

export function isSpeck(word: Word): boolean {
  const text = word.text.trim();
  if (text === '') return true;
  if (!/[\p{L}\p{N}]/u.test(text)) return word.confidence < SPECK_MAX_CONFIDENCE;
  return [...text].length <= 2 && word.confidence < SPECK_LETTER_MAX_CONFIDENCE;
}

/** A "word" taller than this many line heights is a stroke (signature, seal, QR module), not text. */
const MAX_WORD_LINE_HEIGHTS = 2.5;

/** Below this mean confidence, a short run of letters is taken for specks rather than text. */
const MIN_TEXT_CONFIDENCE = 40;

/** A run of words that is text: two letters or digits at least, read with some confidence. */
function isTextLine(line: TextLine): boolean {
  const characters = line.text.replace(/[^\p{L}\p{N}]/gu, '').length;
  const confidence = line.words.reduce((sum, w) => sum + w.confidence, 0) / Math.max(1, line.words.length);
  return characters >= 2 && confidence >= MIN_TEXT_CONFIDENCE;
}

/** Lays out one recognized page. */
export function layoutPage(page: PageWords): PageLayout {
  const kept = page.words.filter((w) => !isSpeck(w));
  const lineHeightPx = median(kept.map((w) => w.box.y1 - w.box.y0)) || page.dpi / 6;
  const words = kept.filter((w) => w.box.y1 - w.box.y0 <= MAX_WORD_LINE_HEIGHTS * lineHeightPx);
  const gapPx = COLUMN_GAP_LINE_HEIGHTS * lineHeightPx;
  const rowWords = buildRows(words, lineHeightPx).map(unglue);
  const textLeftPx = supportedEdge(rowWords.map((r) => (r[0] as Word).box.x0), lineHeightPx, 'min') ?? 0;
  const textRightPx = supportedEdge(rowWords.map((r) => (r.at(-1) as Word).box.x1), lineHeightPx, 'max') ?? page.widthPx;

  const mottoRow = rowWords.findIndex(isMottoRow);
  const mottoStart = mottoRow >= 0 ? mottoStartX(rowWords[mottoRow] as Word[]) : undefined;
  const columnSplitPx = mottoStart !== undefined ? mottoStart - lineHeightPx / 2 : textLeftPx + DEFAULT_SPLIT_FRACTION * (textRightPx - textLeftPx);

  const rows: Row[] = rowWords.map((ws, index) => ({ index, words: ws, lines: splitLines(ws, gapPx), box: unionBox(ws.map((w) => w.box)) }));
  const geometry = { splitPx: columnSplitPx, lineHeightPx, pageHeightPx: page.heightPx };
  const stamps = findStamps(rows, lineHeightPx);
  const skipped = stampWords(stamps);
  const heading = findHeading(rows, mottoRow >= 0 ? mottoRow : undefined, geometry, skipped);
  return { page, rows, lineHeightPx, columnGapPx: gapPx, textLeftPx, textRightPx, columnSplitPx, mottoRow: mottoRow >= 0 ? mottoRow : undefined, heading, stamps, stampWords: skipped };
}

/**
 * The outermost x that at least three rows reach (within half a line height): the margin of the text block,
 * which a stray speck or a centred line alone cannot move. Falls back to the outermost x.
 */
function supportedEdge(values: readonly number[], lineHeightPx: number, side: 'min' | 'max'): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => (side === 'min' ? a - b : b - a));
  const supported = sorted.find((v) => values.filter((u) => Math.abs(u - v) <= lineHeightPx / 2).length >= 3);
  return supported ?? sorted[0];
}

/** x where the national title starts: its "CỘNG" (or the word before "HÒA"), else its first word right of centre. */
function mottoStartX(words: readonly Word[]): number | undefined {
  const hoa = words.findIndex((w, i) => foldLetters(w.text) === 'HOA' && i > 0);
  if (hoa > 0) return (words[hoa - 1] as Word).box.x0;
  const cong = words.find((w) => foldLetters(w.text) === 'CONG');
  return cong?.box.x0;
}

/** "Số" folded, alone or glued to the number ("SO:", "S0", "SO:15/..."). */
const NUMBER_KEYWORD = /^[S5][O0Q6](?![A-Z])/u;

/**
 * True when the line's words hold the number keyword. "SỞ" folds like "Số", but the issuer's "SỞ THÔNG TIN"
 * goes on with a word of letters, where "Số" goes on with the number, a blank or the slash of the symbol.
 */
function hasNumberKeyword(words: readonly Word[]): boolean {
  return words.some((w, i) => {
    const folded = fold(w.text);
    if (!NUMBER_KEYWORD.test(folded)) return false;
    const next = words[i + 1]?.text ?? '';
    return /[:;]/u.test(folded) || folded.length > 2 || !/^\p{L}{2,}$/u.test(next);
  });
}

/** "V/v" as OCR reads it (see subject.ts): a row that opens with it is a công văn's summary. */
const VV_OPENER = /^[VW][\/|lI1.]?[vVyY][:.]?$/u;
/** Rows below this share of the page height are body, whatever they say. */
const HEADING_MAX_PAGE_FRACTION = 0.4;

interface HeadingGeometry {
  splitPx: number;
  lineHeightPx: number;
  pageHeightPx: number;
}

/**
 * A heading row's lines, each in its column. Lines are the row's runs between column gaps; a run that reaches
 * well into both columns (their gap was too narrow to see) is cut at the split, word by word.
 */
function columnLines(row: Row, g: HeadingGeometry): { left: TextLine[]; right: TextLine[] } {
  const left: TextLine[] = [];
  const right: TextLine[] = [];
  for (const line of row.lines) {
    if (line.box.x0 < g.splitPx - g.lineHeightPx && line.box.x1 > g.splitPx + g.lineHeightPx) {
      const l = line.words.filter((w) => centreX(w.box) < g.splitPx);
      const r = line.words.filter((w) => centreX(w.box) >= g.splitPx);
      if (l.length > 0) left.push(textLine(l));
      if (r.length > 0) right.push(textLine(r));
    } else {
      (centreX(line.box) < g.splitPx ? left : right).push(line);
    }
  }
  return { left, right };
}

/** A line that crosses the column split by more than a line height on both sides: the heading has ended. */
function spansColumns(row: Row, g: HeadingGeometry): boolean {
  return row.lines.some((l) => l.box.x0 < g.splitPx - g.lineHeightPx && l.box.x1 > g.splitPx + g.lineHeightPx);
}

/**
 * The heading: every row from the top down to the number line and the place/date line, then the left
 * column's own rows under them (a công văn's "V/v" summary, secrecy and urgency marks) until a row reaches
 * into the right column. The number is the first line with "Số" (or a number/symbol) in the left column, the
 * date the first with "ngày" in the right one; the search stops at the title (a row of capitals with nothing
 * in the left column) or at a line across both columns, so a date in the body is never taken.
 */
function findHeading(rows: Row[], mottoRow: number | undefined, g: HeadingGeometry, stamp: ReadonlySet<Word>): Heading {
  const { numberRow, dateRow } = findNumberAndDateRows(rows, mottoRow, g, stamp);
  // Without the national title, only a number line and a date line together make a heading.
  if (mottoRow === undefined && (numberRow === undefined || dateRow === undefined)) return { left: [], right: [], lastRow: -1 };
  const top = Math.max(numberRow ?? -1, dateRow ?? -1, mottoRow === undefined ? -1 : Math.min(mottoRow + 1, rows.length - 1));
  const { lastRow, vvRows } = extendLeftColumn(rows, top, numberRow, g, stamp);
  const left: TextLine[] = [];
  const right: TextLine[] = [];
  for (const row of rows.slice(0, lastRow + 1)) {
    // A "V/v" line longer than the issuer's column stays whole: it is the summary, nothing of the right column.
    const columns = vvRows.has(row.index) ? { left: row.lines, right: [] } : columnLines(row, g);
    row.lines = [...columns.left, ...columns.right].sort((a, b) => a.box.x0 - b.box.x0);
    left.push(...joinNumberLine(linesWithout(columns.left, stamp)));
    right.push(...linesWithout(columns.right, stamp));
  }
  return { left, right, lastRow };
}

/** The rows of the number line and of the place/date line, searched from the national title (or the top) down. */
function findNumberAndDateRows(rows: Row[], mottoRow: number | undefined, g: HeadingGeometry, stamp: ReadonlySet<Word>): { numberRow: number | undefined; dateRow: number | undefined } {
  let numberRow: number | undefined;
  let dateRow: number | undefined;
  for (let i = mottoRow ?? 0; i < rows.length && (rows[i] as Row).box.y0 < HEADING_MAX_PAGE_FRACTION * g.pageHeightPx; i++) {
    const row = withoutWords(rows[i] as Row, stamp);
    if (row.words.length === 0) continue;
    const { left, right } = columnLines(row, g);
    const afterMotto = mottoRow === undefined || i > mottoRow + 1;
    // Without the national title, capitals above the number and date are what is left of it on a page cut at
    // the top (or a stamp): the title comes under the number and date, so only there does it end the search.
    const isTitle = left.length === 0 && isUpperCaseText(row.words.map((w) => w.text).join(' ')) && (mottoRow !== undefined || numberRow !== undefined || dateRow !== undefined);
    if (afterMotto && (spansColumns(row, g) || isTitle)) break;
    const words = (lines: TextLine[]) => lines.flatMap((l) => l.words);
    if (numberRow === undefined && (hasNumberKeyword(words(left)) || words(left).some((w) => /\d+\/\S*\p{L}/u.test(w.text)))) numberRow = i;
    // A handwritten day may be glued to "ngày" ("ngày//4.").
    if (dateRow === undefined && words(right).some((w) => /^NGAY(?:\d|$)/u.test(foldLetters(w.text)))) dateRow = i;
    if (numberRow !== undefined && dateRow !== undefined) break;
  }
  return { numberRow, dateRow };
}

/**
 * The left column's rows under the number and date (summary, marks), up to the first row reaching into the
 * right column or a wide gap. A row that opens with "V/v" right under the number is the summary even when it
 * runs past the column split: a long summary line is often set wider than the issuer's name above it.
 */
function extendLeftColumn(rows: Row[], top: number, numberRow: number | undefined, g: HeadingGeometry, stamp: ReadonlySet<Word>): { lastRow: number; vvRows: Set<number> } {
  let lastRow = top;
  const vvRows = new Set<number>();
  for (let i = top + 1; i < rows.length; i++) {
    const row = withoutWords(rows[i] as Row, stamp);
    const previous = rows[i - 1] as Row;
    // A stamp pressed between the heading's rows neither belongs to it nor ends it.
    if (row.words.length === 0) continue;
    if (row.box.y0 - previous.box.y1 > HEADING_ROW_GAP_LINE_HEIGHTS * g.lineHeightPx) break;
    // Specks beside the line (a noisy scan's "mm") do not make it reach into the right column.
    const text = row.lines.filter(isTextLine);
    const leftOnly = text.length > 0 && Math.max(...text.map((l) => l.box.x1)) < g.splitPx + g.lineHeightPx;
    const vv = numberRow !== undefined && vvRows.size === 0 && lastRow === Math.max(top, numberRow) && opensVvSummary(row, g);
    if (!leftOnly && !vv) break;
    if (vv) vvRows.add(i);
    lastRow = i;
  }
  return { lastRow, vvRows };
}

/** A row whose first word is "V/v" and starts in the left column. */
function opensVvSummary(row: Row, g: HeadingGeometry): boolean {
  const first = row.words[0];
  return first !== undefined && row.words.length > 1 && first.box.x1 < g.splitPx && VV_OPENER.test(first.text);
}

/**
 * A number written by hand leaves a gap between "Số: 385" and "/BC-SNV" as wide as a column gap: in the left
 * column, the runs right of the one that opens with "Số" are its line. Runs left of it (a speck, a QR code's
 * debris) stay apart, as on the issuer's rows, whose names they would break.
 */
function joinNumberLine(lines: readonly TextLine[]): TextLine[] {
  const at = lines.findIndex((l) => hasNumberKeyword(l.words.slice(0, 1)));
  if (at < 0 || at === lines.length - 1) return [...lines];
  return [...lines.slice(0, at), textLine(lines.slice(at).flatMap((l) => l.words))];
}

/** Lines with the given words taken out; lines left empty are dropped. */
export function linesWithout(lines: readonly TextLine[], words: ReadonlySet<Word>): TextLine[] {
  if (words.size === 0) return [...lines];
  return lines.flatMap((line) => {
    const kept = line.words.filter((w) => !words.has(w));
    if (kept.length === line.words.length) return [line];
    return kept.length > 0 ? [textLine(kept)] : [];
  });
}

/** A row as it reads without the given words (a stamp's); the row itself when it has none of them. */
export function withoutWords(row: Row, words: ReadonlySet<Word>): Row {
  if (!row.words.some((w) => words.has(w))) return row;
  const kept = row.words.filter((w) => !words.has(w));
  return { ...row, words: kept, lines: linesWithout(row.lines, words), box: unionBox(kept.map((w) => w.box)) };
}
