// The place and date line of the heading's right column: "Lào Cai, ngày 05 tháng 3 năm 2024".
import type { Word } from '../domain/page.ts';
import { editDistance } from '../domain/text-metrics.ts';
import type { Row } from './layout.ts';
import { foldLetters, readDigits } from './text-match.ts';

export interface PlaceDate {
  /** ISO yyyy-mm-dd. */
  issueDate: string;
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
export function readPlaceDate(rows: readonly Row[], options: { columnGapPx: number; numberWords?: readonly Word[] }): PlaceDate | undefined {
  for (const row of rows) {
    const words = row.words;
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

/** "ngày" at words[k], then the day, "tháng", the month, "năm" and the year; digits may be glued to keywords. */
function dateAt(words: readonly Word[], k: number): { iso: string; words: Word[]; tolerant: boolean } | undefined {
  const ngay = isKeyword(words[k], 'NGAY');
  if (!ngay.ok) return undefined;
  // Tokens after "ngày": split glued digits from keywords ("tháng3", "7:năm") so each slot can be read alone; a
  // single letter among digits ("2O24") is a look-alike digit, not a keyword.
  const tokens: { text: string; word: Word }[] = [];
  for (const word of words.slice(k + 1, k + 9)) {
    for (const part of word.text.split(/(?<=\p{L}{3})(?=\d)|(?<=\d)[:;.,-]*(?=\p{L}{3})/u)) tokens.push({ text: part, word });
  }
  const [day, thang, month, nam, year] = tokens;
  const t = isKeyword(thang && { ...thang.word, text: thang.text }, 'THANG');
  // "năm" is short, but a four-digit year after it pins it down: one wrong letter is let through ("ndm").
  const n = isKeyword(nam && { ...nam.word, text: nam.text }, 'NAM', /^\d{4}/u.test(year?.text ?? ''));
  if (!day || !month || !year || !t.ok || !n.ok) return undefined;
  const d = readDigits(day.text.replace(/[,.:;]+$/u, ''));
  const m = readDigits(month.text.replace(/[,.:;]+$/u, ''));
  const y = readDigits(year.text.replace(/[,.;:]+$/u, ''));
  if (!d || !m || !y || y.digits.length !== 4) return undefined;
  const [dd, mm, yyyy] = [Number(d.digits), Number(m.digits), Number(y.digits)];
  if (yyyy < 1945 || yyyy > 2100 || mm < 1 || mm > 12 || dd < 1 || dd > 31) return undefined;
  const date = new Date(Date.UTC(yyyy, mm - 1, dd));
  if (date.getUTCMonth() !== mm - 1) return undefined;
  const keywordsExact =
    (words[k] as Word).text.toLowerCase() === EXACT_KEYWORDS['NGAY'] &&
    thang?.text.toLowerCase() === EXACT_KEYWORDS['THANG'] &&
    nam?.text.toLowerCase() === EXACT_KEYWORDS['NAM'];
  const used = [...new Set([words[k] as Word, ...[day, thang, month, nam, year].map((tk) => (tk as { word: Word }).word)])];
  return {
    iso: `${y.digits}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`,
    words: used,
    tolerant: !keywordsExact || d.tolerant || m.tolerant || y.tolerant,
  };
}
