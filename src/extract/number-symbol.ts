// The number and symbol line ("Số: 15/QĐ-UBND", "Số: 12/2024/QĐ-UBND", "Số: 125/UBND-VP") of the heading's left column.
import type { Word } from '../domain/page.ts';
import { editDistance } from '../domain/text-metrics.ts';
import { documentTypeTable, looksLikeTypeAbbreviation, typeByAbbreviation, type DocumentTypeName } from './document-type.ts';
import type { TextLine } from './layout.ts';
import { canonicalChars, fold, readDigits, readLetters } from './text-match.ts';

export interface NumberSymbol {
  /**
   * Part before the symbol: "15", or "12/2024" for a legal normative document; undefined when the line has
   * "Số", a blank (or unreadable marks) and then the printed symbol: the number was written in by hand.
   */
  number: string | undefined;
  /** "QĐ-UBND", "UBND-VP". */
  symbol: string;
  /** The type its first group names, when it names one. */
  type: DocumentTypeName | undefined;
  /** The first group could be a type abbreviation but its reading is ambiguous (HD/HĐ) and nothing settled it. */
  typeAmbiguous: boolean;
  /** Index (in the lines given) of the line it was read from. */
  lineIndex: number;
  words: Word[];
  numberTolerant: boolean;
  symbolTolerant: boolean;
  /** "Số" was not read as such (missing, "S0", "Sô") but the line has the shape of a number and symbol. */
  keywordTolerant: boolean;
}

/**
 * "Số" folded, with its colon optional: "Số:", "So", "S0:", "5ố:". A different second letter still counts
 * when a colon follows ("Sé:"), since nothing else on that line starts that way.
 */
const KEYWORD = /^(?:[S5][O0Q6](?![A-Z])[:;.,]?|[S5]\p{L}[:;])/u;
/** The number, an optional year (normative documents), then the symbol; look-alike characters allowed ("9]" is 91). */
const NUMBER_SYMBOL = /^([0-9OoDQlIi|!\]]{1,6})(?:\/([0-9OoQlIi|!\]]{4}))?\/(.+)$/u;
/**
 * Marks left where a number was written by hand: dots or commas of the blank, or ink read with a confidence no
 * printed word has. A word read confidently as letters is something else, and the line is not taken.
 */
const BLANK_MARKS = /^[^\p{L}\p{N}]*$/u;
const HANDWRITING_MAX_CONFIDENCE = 60;

/**
 * Reads the number and symbol from the given lines (the left column of the heading; or, for forms that print it
 * under their title, the lines there, with `requireKeyword`). `titleType` (the type named by the title line)
 * settles an abbreviation whose reading is ambiguous.
 */
export function readNumberSymbol(
  lines: readonly TextLine[],
  titleType?: string,
  options: { requireKeyword?: boolean; stampWords?: ReadonlySet<Word> } = {},
): NumberSymbol | undefined {
  let fallback: NumberSymbol | undefined;
  let withoutNumber: NumberSymbol | undefined;
  for (const [lineIndex, line] of lines.entries()) {
    // A stamp's "Số: 2352" (received, copy) is the stamp's number, never the document's.
    const own = options.stampWords ? line.words.filter((w) => !options.stampWords?.has(w)) : line.words;
    const words = own.map((w) => canonicalChars(w.text));
    // Debris before "Số" (a quote, a bar) is not part of it.
    if (words[0] !== undefined) words[0] = words[0].replace(/^[^\p{L}\p{N}]+/u, '');
    const start = candidateStart(words);
    if (!start) continue;
    const keywordTolerant = !start.keyword || !/^Số:/u.test(words.join(' '));
    const parsed = parseNumberSymbol(continuation(start.first, words.slice(start.wordIndex + 1)).replace(/^[:;.,]/u, ''), titleType, start.keyword);
    if (!parsed) {
      if (start.keyword) withoutNumber ??= symbolAfterBlank(own, start.wordIndex, start.first, titleType, lineIndex, keywordTolerant);
      continue;
    }
    const found: NumberSymbol = { ...parsed, lineIndex, words: own, keywordTolerant };
    if (start.keyword) return found;
    if (!options.requireKeyword) fallback ??= found;
  }
  // A whole reading anywhere beats a symbol whose number was not read.
  return fallback ?? withoutNumber;
}

/**
 * "Số:   /UBND-TTHC", "Số: ,,, /UBND-TTHC", "Số: ợ2 /UBND-TTHC" (ink read as noise): the number slot, between
 * "Số" and the slash, holds nothing that is print, and a symbol of two groups or more follows. The symbol is
 * the printed part and is kept; the number is left for a person.
 */
function symbolAfterBlank(words: readonly Word[], startIndex: number, first: string, titleType: string | undefined, lineIndex: number, keywordTolerant: boolean): NumberSymbol | undefined {
  const texts = [first, ...words.slice(startIndex + 1).map((w) => canonicalChars(w.text))];
  const slashAt = texts.findIndex((t) => t.includes('/'));
  if (slashAt < 0) return undefined;
  const slashText = texts[slashAt] as string;
  // The symbol starts at the last slash a letter follows: ink in the blank may be read with slashes of its own
  // ("Số:/Z542/UBND-KSTTHC"). A normative document's year before it ("Số:   /2024/QĐ-UBND") belongs to the
  // number and is not kept alone.
  const symbolSlash = Math.max(slashText.indexOf('/'), slashText.search(/\/(?=\p{L}[^/]*$)/u));
  const slotTail = slashText.slice(0, symbolSlash).replace(/\/\d{4}$/u, '');
  const slot = [...texts.slice(0, slashAt), slotTail];
  const slotWords = words.slice(startIndex, startIndex + slashAt + 1);
  const blank = slot.every((t, i) => BLANK_MARKS.test(t) || (slotWords[i]?.confidence ?? 100) < HANDWRITING_MAX_CONFIDENCE);
  if (!blank) return undefined;
  const rest = continuation(slashText.slice(symbolSlash), texts.slice(slashAt + 1)).replace(/^\//u, '');
  const parsed = parseNumberSymbol(`0/${rest}`, titleType, false);
  if (!parsed) return undefined;
  return { ...parsed, number: undefined, numberTolerant: false, lineIndex, words: [...words], keywordTolerant };
}

/**
 * Where the number starts: after "Số" (alone, or glued to the number: "Số:15/…"), else at the first word with a
 * slash. `first` is the text of the word it starts in, from the number on.
 */
function candidateStart(words: readonly string[]): { wordIndex: number; first: string; keyword: boolean } | undefined {
  const head = words[0] ?? '';
  const keyword = KEYWORD.exec(fold(head));
  if (keyword) {
    const rest = [...head].slice(keyword[0].length).join('');
    if (rest !== '') return { wordIndex: 0, first: rest, keyword: true };
    return words.length > 1 ? { wordIndex: 1, first: words[1] as string, keyword: true } : undefined;
  }
  const slashed = words.findIndex((w) => w.includes('/'));
  return slashed < 0 ? undefined : { wordIndex: slashed, first: words[slashed] as string, keyword: false };
}

/**
 * The number and symbol are one printed word; OCR may cut it at a slash or a hyphen ("15/QĐ-" "UBND"). Words
 * are joined on only across such a cut, so a speck read after the symbol ("HĐND 5") stays out.
 */
function continuation(first: string, next: readonly string[]): string {
  let text = first;
  for (const word of next) {
    if (!/[/-]$/u.test(text) && !/^[/-]/u.test(word)) break;
    text += word;
  }
  return text;
}

function parseNumberSymbol(text: string, titleType: string | undefined, afterKeyword: boolean): Omit<NumberSymbol, 'lineIndex' | 'words' | 'keywordTolerant'> | undefined {
  // Debris after the symbol (a dash, a dot, a quote read from a speck) is not part of it, nor the dots of the
  // blank left after a number written in by hand ("489.. /BC-VPUBND").
  const trimmed = text.replace(/[-.,;:'"`~_|]+$/u, '').replace(/(?<=\d)[.,:;'`·…]+(?=\/)/u, '');
  const match = NUMBER_SYMBOL.exec(trimmed);
  if (!match) return undefined;
  const number = readDigits(match[1] as string);
  const year = match[2] === undefined ? undefined : readDigits(match[2]);
  if (!number || (match[2] !== undefined && !year)) return undefined;
  // A symbol is groups of letters joined by "-" (which OCR may read as ":", "~", "_" or "."); one group alone
  // ("86/GPXD") only right after "Số".
  const joiners = (match[3] as string).replace(/(?<=\p{L})[:~_.](?=\p{L})/gu, '-');
  const groups = joiners.split('-');
  if (groups.length < (afterKeyword ? 1 : 2) || groups.some((g) => g === '')) return undefined;
  const read = groups.map(readLetters);
  if (read.some((g) => g === undefined)) return undefined;
  const letters = read.map((g) => (g as { letters: string }).letters);
  let symbolTolerant = read.some((g) => g?.tolerant === true) || trimmed !== text || joiners !== match[3];

  const first = letters[0] as string;
  const type = groups.length > 1 ? typeByAbbreviation(first, titleType) ?? nearTitleAbbreviation(first, titleType) : undefined;
  let typeAmbiguous = false;
  if (type) {
    if (type.type.abbreviation !== first) symbolTolerant = true;
    letters[0] = type.type.abbreviation as string;
  } else if (groups.length > 1 && looksLikeTypeAbbreviation(first)) {
    typeAmbiguous = true;
  }
  // Groups other than the type abbreviation are issuer and unit abbreviations: capitals, as printed.
  return {
    number: year ? `${number.digits}/${year.digits}` : number.digits,
    symbol: letters.join('-'),
    type: type?.type,
    typeAmbiguous,
    numberTolerant: number.tolerant || (year?.tolerant ?? false),
    symbolTolerant,
  };
}

/**
 * The title's own abbreviation when the group read is one letter off it ("CĐĐ", "Qb" under "QUYẾT ĐỊNH"):
 * the title, printed large, is the better reading of the type.
 */
function nearTitleAbbreviation(group: string, titleType: string | undefined): { type: DocumentTypeName; tolerant: boolean } | undefined {
  const type = titleType === undefined ? undefined : documentTypeTable.find((t) => t.name === titleType);
  if (!type?.abbreviation) return undefined;
  return editDistance(fold(group), fold(type.abbreviation)) === 1 ? { type, tolerant: true } : undefined;
}
