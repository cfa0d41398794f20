// The summary (trích yếu): centred under the title, or after "V/v" under the number line of a công văn.
import type { Word } from '../domain/page.ts';
import { linesWithout, unionBox, type PageLayout, type Row, type TextLine } from './layout.ts';
import type { Token } from './spelling.ts';
import { fold, foldLetters, isUpperCaseText } from './text-match.ts';

export interface Subject {
  /** The summary's words as printed ("V/v" left out). */
  tokens: Token[];
  /** Every word it was read from, "V/v" included. */
  words: Word[];
  /** "V/v" was read otherwise ("V/y", "Vv") and accepted. */
  tolerant: boolean;
}

/** Lines of body text that a summary never starts with. */
const BODY_OPENERS = ['KINH GUI', 'CAN CU', 'XET DE NGHI', 'THEO DE NGHI', 'HOM NAY'];

function opensBody(text: string): boolean {
  const folded = fold(text);
  return BODY_OPENERS.some((o) => folded.startsWith(o));
}

/** "V/v" as OCR reads it: the slash may be lost or read as l, I, 1, | or a dot; the second v as y. */
const VV = /^[VW][\/|lI1.]?[vVyY][:.]?$/u;

/**
 * A công văn's summary: the left-column line under the number that starts with "V/v" (or "Về việc"), and the
 * lines under it (wrapped summary) up to a mark, "Kính gửi" or the end of the heading. Returns the text after "V/v ".
 */
export function readVvSubject(linesBelowNumber: readonly TextLine[], isMark: (line: TextLine) => boolean): Subject | undefined {
  const vvAt = linesBelowNumber.findIndex((line) => line.words.length > 1 && VV.test((line.words[0] as Word).text));
  // Many offices print the label in full ("Về việc …") in the same place; only right under the number, since
  // a body line may start so too. The label is kept then, as a decision's centred "Về việc" is.
  const inFull = vvAt < 0 && linesBelowNumber[0] !== undefined && linesBelowNumber[0].words.length > 2 && startsVeViec(linesBelowNumber[0].text);
  const start = inFull ? 0 : vvAt;
  if (start < 0) return undefined;
  const first = linesBelowNumber[start] as TextLine;
  const words = inFull ? [...first.words] : first.words.slice(1);
  for (const line of linesBelowNumber.slice(start + 1)) {
    // "Kính gửi:" may stand in the left column right under the summary; it opens the letter.
    if (isMark(line) || opensBody(line.text)) break;
    words.push(...line.words);
  }
  const tokens = words.map((w) => ({ text: w.text, confidence: w.confidence }));
  if (inFull) return { tokens, words, tolerant: !first.text.startsWith('Về việc') };
  return { tokens, words: [first.words[0] as Word, ...words], tolerant: (first.words[0] as Word).text !== 'V/v' };
}


/**
 * The summary under the title: the rows right under it (no wider gap than a line), centred like the title,
 * in sentence case. It ends at the rule under it, a line of capitals ("CHỦ TỊCH ỦY BAN…"), "Kính gửi", a label
 * with a colon, a note in brackets, or the body.
 */
export function readCentredSubject(layout: PageLayout, titleRow: Row): Subject | undefined {
  const words: Word[] = [];
  let previous = titleRow;
  // The summary is centred on the same axis as the title above it; digits beside the title (a stamp's number
  // read on its row) are not part of it.
  const titleBox = unionBox(titleRow.words.filter((w) => /\p{L}/u.test(w.text)).map((w) => w.box));
  const axis = (titleBox.x0 + titleBox.x1) / 2;
  for (const row of layout.rows.slice(titleRow.index + 1)) {
    // Specks beside a line (a dot, a stray mark) would move its centre, and so would a stamp's words beside it.
    const lines = linesWithout(row.lines, layout.stampWords).filter((l) => l.text.replace(/[^\p{L}\p{N}]/gu, '').length >= 2);
    const box = unionBox(lines.map((l) => l.box));
    const gap = box.y0 - previous.box.y1;
    const text = lines.map((l) => l.text).join(' ');
    const centred = lines.length > 0 && Math.abs((box.x0 + box.x1) / 2 - axis) <= layout.lineHeightPx;
    // A label ("Số: 86/GPXD", "Mã hồ sơ: …") or a bracketed note under the title is not the summary.
    const note = text.includes(':') || text.startsWith('(');
    if (gap > layout.lineHeightPx || !centred || note || isUpperCaseText(text) || opensBody(text)) break;
    if (!/\p{L}/u.test(text)) break;
    words.push(...lines.flatMap((l) => l.words));
    previous = { ...row, box };
  }
  if (words.length === 0) return undefined;
  const tokens = words.map((w) => ({ text: w.text, confidence: w.confidence }));
  // "Về việc" is fixed wording: read without its marks ("Ve viec"), it is put back.
  const veViec = startsVeViec(words.map((w) => w.text).join(' ')) && !(tokens[0]?.text === 'Về' && tokens[1]?.text === 'việc');
  if (veViec) tokens.splice(0, 2, { text: 'Về', confidence: tokens[0]?.confidence ?? 0 }, { text: 'việc', confidence: tokens[1]?.confidence ?? 0 });
  return { tokens, words, tolerant: veViec };
}

/** True when a summary starts "Về việc" (folded), the usual form for decisions and notices. */
function startsVeViec(text: string): boolean {
  const [a, b] = text.split(/\s+/u);
  return foldLetters(a ?? '') === 'VE' && foldLetters(b ?? '') === 'VIEC';
}
