// The place and date line of the heading's right column: "Lào Cai, ngày 05 tháng 3 năm 2024".
import type { Word } from '../domain/page.ts';
import { editDistance } from '../domain/text-metrics.ts';
import type { Row } from './layout.ts';
import { foldLetters, readDigits } from './text-match.ts';

/** Parts of a date that may be left blank on paper and filled in by hand. */
export type DatePart = 'month' | 'day';

export interface PlaceDate {
  /** ISO yyyy-mm-dd; with reduced precision (yyyy-mm, yyyy) when `missing` names parts that were not read. */
  issueDate: string;
  /** The parts left blank or written by hand and not read, month before day; empty when the date is whole. */
  missing: DatePart[];
  /** The place as printed, without its comma; undefined when nothing stands before "ngày". */
  place: string | undefined;
  placeWords: Word[];
  dateWords: Word[];
  /** A keyword (ngày, tháng, năm) or a digit was read with a difference and matched anyway. */
  dateTolerant: boolean;
  rowIndex: number;
}

/**
 * True when the word is the keyword, folded, within one edit for keywords of four letters or more (or for a
 * shorter one whose next token confirms it: `confirmed`).
 */
function isKeyword(word: Word | undefined, folded: string, confirmed = false): { ok: boolean; exact: boolean } {
  if (!word) return { ok: false, exact: false };
  const read = foldLetters(word.text);
  if (read === folded) return { ok: true, exact: true };
  return { ok: (folded.length >= 4 || confirmed) && read.length >= 2 && editDistance(read, folded) <= 1, exact: false };
}

const EXACT_KEYWORDS: Readonly<Record<string, string>> = { NGAY: 'ngày', THANG: 'tháng', NAM: 'năm' };

/**
 * Finds "ngày DD tháng MM năm YYYY" in the given rows (the heading) and the place before it. The place is
 * the run of words before "ngày" on the same side of the page: it stops at a column gap or at the number line.
 */
export function readPlaceDate(rows: readonly Row[], options: { columnGapPx: number; numberWords?: readonly Word[]; stampWords?: ReadonlySet<Word> }): PlaceDate | undefined {
  for (const row of rows) {
    // A stamp's date (received, copy, e-signature time) is the stamp's, never the document's.
    const words = options.stampWords ? row.words.filter((w) => !options.stampWords?.has(w)) : row.words;
    for (let k = 0; k < words.length; k++) {
      const found = dateAt(words, k);
      if (!found) continue;
      const before: Word[] = [];
      for (let i = k - 1; i >= 0; i--) {
        const word = words[i] as Word;
        const next = (before[0] ?? words[k]) as Word;
        if (next.box.x0 - word.box.x1 > options.columnGapPx || options.numberWords?.includes(word)) break;
        before.unshift(word);
      }
      const place = before.map((w) => w.text).join(' ').replace(/[,.;:]+$/u, '').trim();
      return {
        issueDate: found.iso,
        missing: found.missing,
        place: /\p{L}/u.test(place) ? place : undefined,
        placeWords: before,
        dateWords: found.words,
        dateTolerant: found.tolerant,
        rowIndex: row.index,
      };
    }
  }
  return undefined;
}

interface Token {
  text: string;
  word: Word;
}

/** A word a writer's hand does not leave: letters read with a confidence handwriting never gets ("ngày mai"). */
const HANDWRITING_MAX_CONFIDENCE = 60;
const isPrintedWord = (t: Token) => /\p{L}{2}/u.test(t.text) && t.word.confidence >= HANDWRITING_MAX_CONFIDENCE;

/**
 * The digits of a date part's slot (the tokens between two keywords). `blank` when nothing printed is there, or
 * when what is there is no date part (a handwritten "13" read as "7?", a month read as "Ó", a 31st of February):
 * the date is kept without that part rather than dropped whole, and a person enters it. A printed word in the
 * slot means the keywords were not a date at all.
 */
function readSlot(slot: readonly Token[], max: number): { digits: string; tolerant: boolean } | 'blank' | undefined {
  const [only] = slot;
  if (slot.length === 1 && only) {
    const digits = readDigits(only.text.replace(/[,.:;]+$/u, ''));
    if (digits && Number(digits.digits) >= 1 && Number(digits.digits) <= max) return digits;
  }
  return slot.some(isPrintedWord) ? undefined : 'blank';
}

/** Tokens a blank day or month may leave between two keywords ("ngày .... tháng", "ngày . . tháng"). */
const MAX_SLOT_TOKENS = 2;

/**
 * "ngày" at words[k], then the day, "tháng", the month, "năm" and the year; digits may be glued to keywords.
 * The day, or the month and day, may be blank (written in by hand after printing): the date is then kept with
 * reduced precision and the missing parts named. The year is always printed, so a date without it is none.
 */
function dateAt(words: readonly Word[], k: number): { iso: string; words: Word[]; tolerant: boolean; missing: DatePart[] } | undefined {
  const start = words[k] as Word;
  // The day may be glued to "ngày" ("ngày09", or a handwritten "ngày//4").
  const [, glued, day] = /^(\p{L}{3,})[:;.,]?([^\p{L}\s].*)$/u.exec(start.text) ?? [];
  const ngay = isKeyword(glued === undefined ? start : { ...start, text: glued }, 'NGAY');
  if (!ngay.ok) return undefined;
  // Tokens after "ngày": split glued digits from keywords ("tháng3", "7:năm") so each slot can be read alone; a
  // single letter among digits ("2O24") is a look-alike digit, not a keyword.
  const tokens: Token[] = day === undefined ? [] : [{ text: day, word: start }];
  for (const word of words.slice(k + 1, k + 9)) {
    for (const part of word.text.split(/(?<=\p{L}{3})(?=\d)|(?<=\d)[:;.,-]*(?=\p{L}{3})/u)) tokens.push({ text: part, word });
  }
  const keywordAt = (folded: string, from: number, confirm: (i: number) => boolean) => {
    for (let i = from; i <= from + MAX_SLOT_TOKENS && i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (isKeyword({ ...token.word, text: token.text }, folded, confirm(i)).ok) return i;
    }
    return -1;
  };
  const t = keywordAt('THANG', 0, () => false);
  // "năm" is short, but a four-digit year after it pins it down: one wrong letter is let through ("ndm").
  const n = t < 0 ? -1 : keywordAt('NAM', t + 1, (i) => /^\d{4}/u.test(tokens[i + 1]?.text ?? ''));
  if (n < 0) return undefined;
  const [thang, nam, year] = [tokens[t] as Token, tokens[n] as Token, tokens[n + 1]];
  const d = readSlot(tokens.slice(0, t), 31);
  const m = readSlot(tokens.slice(t + 1, n), 12);
  const y = year ? readDigits(year.text.replace(/[,.;:]+$/u, '')) : undefined;
  if (!d || !m || !y || y.digits.length !== 4) return undefined;
  const yyyy = Number(y.digits);
  if (yyyy < 1945 || yyyy > 2100) return undefined;
  const mm = m === 'blank' ? undefined : Number(m.digits);
  // A day the month does not have (31 in April) was misread: it is left for a person.
  const dd = d === 'blank' || mm === undefined || new Date(Date.UTC(yyyy, mm - 1, Number(d.digits))).getUTCMonth() !== mm - 1 ? undefined : Number(d.digits);
  const keywordsExact =
    (glued ?? start.text).toLowerCase() === EXACT_KEYWORDS['NGAY'] &&
    thang.text.toLowerCase() === EXACT_KEYWORDS['THANG'] &&
    nam.text.toLowerCase() === EXACT_KEYWORDS['NAM'];
  const used = [...new Set([words[k] as Word, ...tokens.slice(0, n + 2).map((tk) => tk.word)])];
  // Without the month the day means nothing to a date: both are left for a person.
  const missing: DatePart[] = mm === undefined ? ['month', 'day'] : dd === undefined ? ['day'] : [];
  const iso = [y.digits, ...(mm === undefined ? [] : [String(mm).padStart(2, '0')]), ...(dd === undefined ? [] : [String(dd).padStart(2, '0')])].join('-');
  const digitsTolerant = [d, m, y].some((part) => part !== 'blank' && part.tolerant) || day !== undefined;
  return { iso, words: used, tolerant: !keywordsExact || digitsTolerant, missing };
}
