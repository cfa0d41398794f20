// Finds text on a page that stamps and boxes put there, not the document: received and copy stamps, e-signature boxes, marks, seals.
import type { Box, Word } from '../domain/page.ts';
import type { Row, TextLine } from './layout.ts';
import { isMarkLine } from './marks.ts';
import { fold, foldLetters, isUpperCaseText } from './text-match.ts';

/**
 * `received`: the office's incoming-document stamp ("CÔNG VĂN ĐẾN / Số: 2352 / Ngày: 21.3.18 / Chuyển: …");
 * `copy`: a copy stamp ("SAO Y BẢN CHÍNH", "BẢN SAO") with its own number and date; `e-signature`: the text box
 * of a digital signature ("Ký bởi: …", "Thời gian ký: …"); `mark`: an urgency or secrecy stamp, which is the
 * document's mark but whose neighbours' numbers are not its number.
 */
export type StampKind = 'received' | 'copy' | 'e-signature' | 'mark';

export interface Stamp {
  kind: StampKind;
  lines: TextLine[];
  box: Box;
  /**
   * An e-signature box's signing time, ISO 8601 in Vietnam time. A bound on the issue date (a document is
   * not signed before it is issued), never the issue date itself.
   */
  signingTime?: string;
}

/** Stamp lines follow each other closer than this many line heights (gap between boxes). */
const STAMP_LINE_GAP_LINE_HEIGHTS = 1.2;
/** A stamp holds a handful of lines; more than this below its anchor is the document again. */
const MAX_STAMP_LINES = 5;

/** Lines that open a received-document stamp, folded: "CÔNG VĂN ĐẾN", "CV ĐẾN", "VĂN BẢN ĐẾN". */
const RECEIVED_OPENERS = ['CONGVANDEN', 'CVDEN', 'VANBANDEN'];
/** Labels a received stamp prints for the clerk to fill in: its number, day, hour, routing and file. */
const RECEIVED_LABELS = /^(SO|NGAY|GIO|CHUYEN|KINHCHUYEN|LUUHOSO|LUU)/u;
/** "ĐẾN" under the receiving office's name, folded; OCR drops its last letter ("ĐỂ") now and then. */
const DEN_LINE = /^(DEN|DE)$/u;
/** The "ĐẾN" line sits this many line heights under the office's name at most (a rule may come between). */
const OFFICE_TO_DEN_LINE_HEIGHTS = 2.5;
/** Copy stamps, folded: "SAO Y BẢN CHÍNH", "SAO Y", "BẢN SAO", "TRÍCH SAO", "SAO LỤC". */
const COPY_STAMPS = ['SAOYBANCHINH', 'SAOY', 'BANSAO', 'TRICHSAO', 'SAOLUC'];
/** Copy-type abbreviations (Decree 30 Appendix III): a "Số" with one of them is the copy's number. */
const COPY_SYMBOL = /^SO\W*\d*\W*\/(SY|TRS|SL)\b/u;
/** An e-signature box's labels, folded, colon required so body text is not taken. */
const ESIGNATURE_OPENERS = ['KYBOI', 'THOIGIANKY', 'NGUOIKY'];
const ESIGNATURE_LABELS = ['KYBOI', 'THOIGIANKY', 'NGUOIKY', 'COQUAN', 'EMAIL', 'NGAYKY', 'CHUCVU', 'TOCHUC'];

const letters = (line: TextLine) => foldLetters(line.text);

/** The folded words before the line's first colon, joined: "Thời gian ký: 16.01…" → "THOIGIANKY"; undefined without a colon. */
function label(line: TextLine): string | undefined {
  const colon = line.text.indexOf(':');
  return colon < 0 ? undefined : foldLetters(line.text.slice(0, colon));
}

function isReceivedOpener(line: TextLine): boolean {
  const text = letters(line);
  const [first, second] = line.words.map((w) => foldLetters(w.text));
  // The compact stamp prints its label on one line: "ĐẾN Số: 2352 Ngày: 21.3.18".
  return RECEIVED_OPENERS.some((o) => text.startsWith(o)) || (first === 'DEN' && second !== undefined && second.startsWith('SO'));
}

function isCopyStamp(line: TextLine): boolean {
  return line.words.length <= 5 && COPY_STAMPS.includes(letters(line));
}

function isESignatureOpener(line: TextLine): boolean {
  const l = label(line);
  return l !== undefined && ESIGNATURE_OPENERS.includes(l);
}

/** A line of the received stamp's form: a label to fill in, but not the document's own "Số: 15/UBND-VP". */
function isReceivedLine(line: TextLine): boolean {
  const text = fold(line.text).replace(/\s+/gu, '');
  if (/^SO\W*\d*\W*\/\p{L}/u.test(text)) return false;
  return RECEIVED_LABELS.test(letters(line));
}

/** Inside a copy stamp: its own number (a copy symbol), its date, its signing line. */
function isCopyLine(line: TextLine): boolean {
  const text = fold(line.text).replace(/\s+/gu, '');
  return COPY_SYMBOL.test(text) || /^NGAY/u.test(letters(line)) || /NGAY\d/u.test(letters(line));
}

function isESignatureLine(line: TextLine): boolean {
  const l = label(line);
  return l !== undefined && ESIGNATURE_LABELS.includes(l);
}

function overlapsX(a: Box, b: Box, slackPx: number): boolean {
  return a.x0 <= b.x1 + slackPx && b.x0 <= a.x1 + slackPx;
}

function boxOf(lines: readonly { box: Box }[]): Box {
  return {
    x0: Math.min(...lines.map((l) => l.box.x0)),
    y0: Math.min(...lines.map((l) => l.box.y0)),
    x1: Math.max(...lines.map((l) => l.box.x1)),
    y1: Math.max(...lines.map((l) => l.box.y1)),
  };
}

/**
 * The stamp that opens at `anchor`: the lines under it (and, for an e-signature box, above it) in the same
 * horizontal span, one after the other at a stamp's spacing, while `belongs` accepts them. A line in the span
 * that does not belong ends the stamp; lines beside it (the other column) do not.
 */
function grow(anchor: TextLine, all: readonly TextLine[], lineHeightPx: number, belongs: (line: TextLine, region: readonly TextLine[]) => boolean, upwards: boolean): TextLine[] {
  const region = [anchor];
  const maxGap = STAMP_LINE_GAP_LINE_HEIGHTS * lineHeightPx;
  const walk = (candidates: readonly TextLine[], gapOf: (line: TextLine, box: Box) => number) => {
    for (const line of candidates) {
      if (region.length > MAX_STAMP_LINES) return;
      const box = boxOf(region);
      if (!overlapsX(line.box, box, lineHeightPx)) continue;
      const gap = gapOf(line, box);
      if (gap > maxGap) return;
      if (!belongs(line, region)) return;
      region.push(line);
    }
  };
  walk(
    all.filter((l) => l.box.y0 > anchor.box.y0 + lineHeightPx / 2).sort((a, b) => a.box.y0 - b.box.y0),
    (line, box) => line.box.y0 - box.y1,
  );
  if (upwards) {
    walk(
      all.filter((l) => l.box.y1 < anchor.box.y1 - lineHeightPx / 2).sort((a, b) => b.box.y0 - a.box.y0),
      (line, box) => box.y0 - line.box.y1,
    );
  }
  return region.sort((a, b) => a.box.y0 - b.box.y0);
}

/** "16.01.2025 07:46:10", "16/01/2025 07:46", "2025-01-16T07:46:10+07:00" → ISO 8601 in Vietnam time. */
export function readSigningTime(text: string): string | undefined {
  const iso = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?/u.exec(text);
  const vn = /(\d{1,2})[./-](\d{1,2})[./-](\d{4})\D{0,3}(\d{1,2}):(\d{2})(?::(\d{2}))?/u.exec(text);
  const parts = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : vn ? [vn[3], vn[2], vn[1], vn[4], vn[5], vn[6]] : undefined;
  if (!parts) return undefined;
  const [y, mo, d, h, mi, s] = parts.map((p) => p ?? '00') as [string, string, string, string, string, string];
  const zone = iso?.[7] === undefined ? '+07:00' : iso[7] === 'Z' ? 'Z' : iso[7].replace(/^([+-]\d{2})(\d{2})$/u, '$1:$2');
  const pad = (v: string) => v.padStart(2, '0');
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${mi}:${pad(s)}${zone}`;
}

/**
 * Every stamp on a page, from its rows' lines (cut at column gaps). Each is found by the words it always
 * prints; what it holds besides (a number, a date, a name) is then taken with it, so no extractor reads it as
 * the document's.
 */
export function findStamps(rows: readonly Row[], lineHeightPx: number): Stamp[] {
  const all = rows.flatMap((r) => r.lines);
  const taken = new Set<TextLine>();
  const stamps: Stamp[] = [];
  const add = (kind: StampKind, lines: TextLine[]) => {
    for (const line of lines) taken.add(line);
    const signingTime = kind === 'e-signature' ? lines.map((l) => readSigningTime(l.text)).find((t) => t !== undefined) : undefined;
    stamps.push({ kind, lines, box: boxOf(lines), ...(signingTime ? { signingTime } : {}) });
  };
  const free = (lines: readonly TextLine[]) => lines.filter((l) => !taken.has(l));
  for (const line of all) {
    if (taken.has(line)) continue;
    const office = officeReceivedStamp(line, free(all), lineHeightPx);
    if (office) {
      for (const original of office.originals) taken.add(original);
      add('received', office.lines);
    } else if (isReceivedOpener(line)) add('received', grow(line, free(all), lineHeightPx, isReceivedLine, false));
    else if (isCopyStamp(line)) add('copy', grow(line, free(all), lineHeightPx, isCopyLine, false));
    else if (isESignatureOpener(line)) add('e-signature', grow(line, free(all), lineHeightPx, eSignatureBelongs(lineHeightPx), true));
    else if (line.words.length <= 3 && isMarkLine(line.words)) add('mark', [line]);
  }
  return stamps;
}

/**
 * A received stamp that opens with the receiving office's name in capitals and "ĐẾN" under it ("CỔNG THÔNG TIN
 * ĐIỆN TỬ CHÍNH PHỦ / ĐẾN / Số: … Ngày: … Giờ: …"): pressed over the heading's left column, its name would be
 * taken for the issuer and its labels for the number and date. The stamp is the name, what lies between it and
 * "ĐẾN", and the labels under "ĐẾN"; of each line only the words over the name are the stamp's (the title or summary
 * beside it are read on the same row).
 */
function officeReceivedStamp(name: TextLine, lines: readonly TextLine[], lineHeightPx: number): { lines: TextLine[]; originals: TextLine[] } | undefined {
  if (name.words.filter((w) => /\p{L}{2}/u.test(w.text)).length < 2 || !isUpperCaseText(name.text)) return undefined;
  const below = lines
    .filter((l) => l.box.y0 > name.box.y1 - lineHeightPx / 2 && l.box.y0 - name.box.y1 <= OFFICE_TO_DEN_LINE_HEIGHTS * lineHeightPx && overlapsX(l.box, name.box, 0))
    .sort((a, b) => a.box.y0 - b.box.y0);
  const den = below.find((l) => DEN_LINE.test(foldLetters(l.words[0]?.text ?? '')) && l.box.x0 < name.box.x1);
  if (!den) return undefined;
  const labels = grow(den, lines, lineHeightPx, (l) => isReceivedLine(l) || isReceivedOpener(l) || l.words.every((w) => w.confidence < SEAL_MAX_CONFIDENCE / 2), false);
  const originals = [...new Set([name, ...below.filter((l) => l.box.y0 < den.box.y0), ...labels])];
  const clipped = originals.map((l) => textLineOf(l.words.filter((w) => (w.box.x0 + w.box.x1) / 2 <= name.box.x1))).filter((l) => l.words.length > 0);
  return { lines: clipped, originals };
}

function textLineOf(words: readonly Word[]): TextLine {
  return { words: [...words], box: boxOf(words), text: words.map((w) => w.text).join(' ') };
}

/**
 * A line of an e-signature box: a label of the box, or a wrapped value ("Ký bởi: Ủy ban nhân dân" / "tỉnh
 * Lào Cai") right under a labelled line, starting no further left than the box does.
 */
function eSignatureBelongs(lineHeightPx: number): (line: TextLine, region: readonly TextLine[]) => boolean {
  return (line, region) => {
    if (isESignatureLine(line)) return true;
    const box = boxOf(region);
    const above = region.filter((r) => r.box.y1 <= line.box.y0 + lineHeightPx / 2).at(-1);
    return above !== undefined && isESignatureLine(above) && line.box.x0 >= box.x0 - lineHeightPx / 2 && label(line) === undefined;
  };
}

/** The words of the stamps that are not the document's marks: what number, date and signer readers skip. */
export function stampWords(stamps: readonly Stamp[]): ReadonlySet<Word> {
  return new Set(stamps.filter((s) => s.kind !== 'mark').flatMap((s) => s.lines.flatMap((l) => l.words)));
}

/**
 * Words of a round seal's ring: set on a curve, they are tilted, so their boxes are taller than a line of print
 * and their centres climb or fall along the line. OCR reads them, when at all, with less confidence than print.
 * The tests hold for the line as a whole (median confidence, most words tall): a speck glued to one printed
 * word makes that word tall and unsure, never the line.
 */
const SEAL_WORD_HEIGHT_LINE_HEIGHTS = 1.5;
const SEAL_CENTRE_SPREAD_LINE_HEIGHTS = 0.3;
const SEAL_MAX_CONFIDENCE = 85;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** True when a line in the signing area is seal text (the agency's name in capitals on a ring), not a title or a name. */
export function isSealText(line: TextLine, lineHeightPx: number): boolean {
  if (line.words.length === 0 || !isUpperCaseText(line.text) || median(line.words.map((w) => w.confidence)) >= SEAL_MAX_CONFIDENCE) return false;
  const tall = line.words.filter((w) => w.box.y1 - w.box.y0 > SEAL_WORD_HEIGHT_LINE_HEIGHTS * lineHeightPx).length;
  const centres = line.words.map((w) => (w.box.y0 + w.box.y1) / 2);
  const curved = Math.max(...centres) - Math.min(...centres) > SEAL_CENTRE_SPREAD_LINE_HEIGHTS * lineHeightPx;
  // Rows are cut where the curve climbs, so the ring often comes as lines of a word or two, all of them tall.
  const fragment = line.words.length <= 2 && tall === line.words.length;
  return fragment || (curved && tall * 2 > line.words.length);
}
