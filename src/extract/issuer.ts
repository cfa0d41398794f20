// The issuing body of the heading's left column, and its direct parent when one is printed above it.
import type { Word } from '../domain/page.ts';
import { correctionsOf, type FieldCorrection } from './correction.ts';
import { capitalWords, joined, restoreDiacritics, restoreFromDonors, splitGluedWords, texts, type RespelledRun, type Restored, type Token } from './spelling.ts';
import type { TextLine } from './layout.ts';
import { foldLetters, isUpperCaseText } from './text-match.ts';

export interface NamePart {
  /** As printed, its lines joined by one space. */
  text: string;
  words: Word[];
  /** Some words were respelled from the agency vocabulary or from the page. */
  tolerant: boolean;
  /** The respellings from the agency vocabulary (the page's own votes are not corrections from outside it). */
  corrections: FieldCorrection[];
}

export interface Issuer {
  issuer: NamePart;
  parent: NamePart | undefined;
}

/**
 * Words that open the name of a body under a parent ("SỞ NỘI VỤ" under "UBND TỈNH LÀO CAI"). A second line
 * that opens with one of them starts the issuer, so the lines above it are the parent; a second line that
 * opens otherwise ("TỈNH LÀO CAI", "VÀ ĐÀO TẠO") continues the first.
 */
const BODY_OPENERS: readonly string[] = [
  'SỞ', 'PHÒNG', 'BAN', 'CỤC', 'CHI CỤC', 'TỔNG CỤC', 'VỤ', 'VIỆN', 'TRUNG TÂM', 'VĂN PHÒNG', 'TRƯỜNG', 'BỆNH VIỆN',
  'THANH TRA', 'CÔNG AN', 'BỘ CHỈ HUY', 'BAN CHỈ HUY', 'ỦY BAN', 'HỘI ĐỒNG', 'KHO BẠC', 'CHI NHÁNH', 'ĐOÀN', 'HỘI',
  'CÔNG TY', 'ĐÀI', 'BÁO', 'TÒA ÁN', 'VIỆN KIỂM SÁT', 'BẢO HIỂM', 'CHI CỤC THUẾ', 'CỤC THUẾ', 'ĐẢNG ỦY', 'QUỸ',
  'BỘ PHẬN', 'HỌC VIỆN',
];
const OPENERS_FOLDED = BODY_OPENERS.map((o) => o.split(' ').map(foldLetters));

/** Administrative levels: they open the second line of an issuer ("TỈNH LÀO CAI") and follow "UBND" in a parent. */
const ADMIN_LEVELS: readonly string[] = ['TỈNH', 'HUYỆN', 'QUẬN', 'PHƯỜNG', 'XÃ', 'THÀNH PHỐ', 'THỊ XÃ', 'THỊ TRẤN'];

/**
 * Words respelled only where they open a line of the name: alone they fold like syllables of place names
 * ("TỈNH" like the "TĨNH" of Hà Tĩnh, "PHÒNG" like the "PHONG" of Phong Hải), in that place they cannot be one.
 */
const LINE_OPENERS: readonly string[] = [...ADMIN_LEVELS, 'SỞ', 'PHÒNG', 'CỤC', 'VIỆN', 'TRƯỜNG', 'BAN', 'VỤ', 'BỘ'];

/**
 * Spellings of the phrases agency names are made of, respelled wherever they stand. OCR drops or swaps their
 * marks ("NHÂN DAN", "TÍNH"); only phrases of two words or more are listed, so that a single syllable of a place
 * name is never respelled from them, and words that fold alike ("THANH TRA", "THÀNH PHỐ") keep their context.
 */
export const AGENCY_VOCABULARY: readonly string[] = [
  'ỦY BAN NHÂN DÂN', 'HỘI ĐỒNG NHÂN DÂN', 'NHÂN DÂN', 'ỦY BAN', 'HỘI ĐỒNG',
  ...ADMIN_LEVELS.flatMap((level) => [`NHÂN DÂN ${level}`, `UBND ${level}`, `HĐND ${level}`]),
  'THÀNH PHỐ', 'THỊ XÃ', 'THỊ TRẤN', 'CHI CỤC', 'TỔNG CỤC', 'TRUNG TÂM',
  'VĂN PHÒNG', 'NỘI VỤ', 'TÀI CHÍNH', 'TƯ PHÁP', 'GIÁO DỤC VÀ ĐÀO TẠO', 'GIÁO DỤC', 'ĐÀO TẠO', 'Y TẾ', 'CÔNG THƯƠNG',
  'XÂY DỰNG', 'GIAO THÔNG VẬN TẢI', 'NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN', 'NÔNG NGHIỆP VÀ MÔI TRƯỜNG', 'NÔNG NGHIỆP',
  'PHÁT TRIỂN NÔNG THÔN', 'TÀI NGUYÊN VÀ MÔI TRƯỜNG', 'TÀI NGUYÊN', 'MÔI TRƯỜNG', 'KẾ HOẠCH VÀ ĐẦU TƯ', 'KẾ HOẠCH',
  'ĐẦU TƯ', 'LAO ĐỘNG', 'THƯƠNG BINH VÀ XÃ HỘI', 'XÃ HỘI', 'VĂN HÓA', 'THỂ THAO VÀ DU LỊCH', 'DU LỊCH',
  'THÔNG TIN VÀ TRUYỀN THÔNG', 'THÔNG TIN', 'TRUYỀN THÔNG', 'KHOA HỌC VÀ CÔNG NGHỆ', 'KHOA HỌC', 'CÔNG NGHỆ',
  'THANH TRA', 'CÔNG AN', 'QUÂN SỰ', 'BỘ CHỈ HUY', 'QUẢN LÝ', 'DỰ ÁN', 'ĐẤT ĐAI', 'ĐĂNG KÝ', 'DÂN TỘC', 'TÔN GIÁO',
  'HÀNH CHÍNH CÔNG', 'HÀNH CHÍNH', 'PHỤC VỤ', 'BỆNH VIỆN', 'ĐA KHOA', 'KHO BẠC NHÀ NƯỚC', 'NHÀ NƯỚC', 'CHI NHÁNH',
  'TIẾP CÔNG DÂN', 'CÔNG DÂN', 'HỘ TỊCH', 'THI ĐUA', 'KHEN THƯỞNG', 'VĂN THƯ', 'LƯU TRỮ', 'TỔ CHỨC', 'CÁN BỘ',
  'KINH TẾ', 'HẠ TẦNG', 'QUY HOẠCH', 'ĐÔ THỊ', 'BẢO HIỂM XÃ HỘI', 'TÒA ÁN NHÂN DÂN', 'VIỆN KIỂM SÁT NHÂN DÂN',
  'CHÍNH PHỦ', 'MẶT TRẬN TỔ QUỐC', 'THANH NIÊN', 'PHỤ NỮ', 'NGÂN HÀNG', 'TRUNG ƯƠNG', 'ĐẢNG ỦY', 'HUYỆN ỦY', 'TỈNH ỦY',
  'BỘ PHẬN MỘT CỬA', 'MỘT CỬA', 'BỘ PHẬN', 'AN TOÀN', 'VỆ SINH', 'THỰC PHẨM', 'LỊCH SỬ', 'SỞ Y TẾ', 'QUỐC PHÒNG',
  'NGOẠI VỤ', 'GIA ĐÌNH', 'TRẺ EM', 'BẢO VỆ', 'THỰC VẬT', 'THÚ Y', 'CHĂN NUÔI', 'THỦY LỢI', 'THỦY SẢN', 'LÂM NGHIỆP',
  'HỌC VIỆN', 'KỸ THUẬT', 'KIỂM LÂM', 'ĐO ĐẠC', 'BẢN ĐỒ', 'PHÁP CHẾ', 'NGHIỆP VỤ', 'DỊCH VỤ', 'VIỆC LÀM', 'DẠY NGHỀ', 'GIÁO DỤC NGHỀ NGHIỆP',
  'HỒ SƠ', 'HỘ KHẨU', 'CƯ TRÚ', 'XUẤT NHẬP CẢNH', 'PHÒNG CHÁY', 'CHỮA CHÁY', 'CỨU NẠN', 'CỨU HỘ', 'THỐNG KÊ',
];

/** Respells the word (or two) opening a line of the name when it folds like a line opener ("TÍNH" → "TỈNH"). */
function restoreLineOpener(tokens: readonly Token[]): Restored & { runs: RespelledRun[] } {
  for (const opener of LINE_OPENERS) {
    const n = opener.split(' ').length;
    const head = restoreDiacritics(tokens.slice(0, n), [opener]);
    if (head.tokens.length === n && head.tokens.every((t, i) => foldLetters(t.text) === foldLetters(opener.split(' ')[i] as string))) {
      return { tokens: [...head.tokens, ...tokens.slice(n)], changed: head.changed, runs: head.runs };
    }
  }
  return { tokens: [...tokens], changed: [], runs: [] };
}

/** The words of agency names, for cutting words OCR glued together ("HỌCVIỆNKỸ"). */
const VOCABULARY_WORDS: readonly (readonly string[])[] = [...AGENCY_VOCABULARY, ...LINE_OPENERS, ...BODY_OPENERS].map((phrase) => phrase.split(' '));
/** A word glued from more than two is cut once per pass. */
const MAX_GLUE_PASSES = 3;

const KNOWN_WORDS: ReadonlySet<string> = new Set(VOCABULARY_WORDS.flat().map(foldLetters));
/** Shortest glued word cut into vocabulary words: shorter ones are too often an abbreviation. */
const MIN_GLUED_LETTERS = 6;

/** The ways a folded word is a run of vocabulary words; stops counting at two, as only one way is taken. */
function segmentations(folded: string): string[][] {
  if (folded === '') return [[]];
  const out: string[][] = [];
  for (let k = 2; k <= folded.length && out.length < 2; k++) {
    const head = folded.slice(0, k);
    if (!KNOWN_WORDS.has(head)) continue;
    for (const rest of segmentations(folded.slice(k))) if (out.length < 2) out.push([head, ...rest]);
  }
  return out;
}

/** A word that is, in exactly one way, three vocabulary words or more glued ("HỌCVIỆNKỸ") is cut into them. */
function cutIntoVocabulary(tokens: readonly Token[]): Token[] {
  return tokens.flatMap((token) => {
    const folded = foldLetters(token.text);
    const chars = [...token.text];
    if (KNOWN_WORDS.has(folded) || chars.length < MIN_GLUED_LETTERS || folded.length !== chars.length || !/^\p{L}+$/u.test(token.text)) return [token];
    const ways = segmentations(folded);
    if (ways.length !== 1 || (ways[0] as string[]).length < 3) return [token];
    let at = 0;
    return (ways[0] as string[]).map((piece) => ({ ...token, text: chars.slice(at, (at += piece.length)).join('') }));
  });
}

/** Cuts glued words at every place the phrases know, pass after pass (one cut per word each pass). */
function spacedWords(tokens: readonly Token[], phrases: readonly (readonly string[])[]): { tokens: Token[]; split: boolean } {
  let current = cutIntoVocabulary(tokens);
  let split = current.length !== tokens.length;
  for (let pass = 0; pass < MAX_GLUE_PASSES; pass++) {
    const cut = splitGluedWords(current, phrases);
    if (!cut.split) break;
    current = cut.tokens;
    split = true;
  }
  return { tokens: current, split };
}

function opensBody(line: TextLine): boolean {
  const folded = spacedWords(capitalWords(line.words), VOCABULARY_WORDS).tokens.map((w) => foldLetters(w.text));
  return OPENERS_FOLDED.some((opener) => opener.every((f, i) => folded[i] === f));
}

const NO_VOWEL = /^[^AĂÂEÊIOÔƠUƯYÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]+$/u;

/**
 * A line of the issuing body: capitals with at least two letters (not QR specks nor a stray rule). A line with a
 * number and an abbreviation ("12 BC SNV") is the number line's symbol read above its "Số"; a number alone may
 * be part of the name ("QUẬN 3").
 */
function isNameLine(line: TextLine): boolean {
  const letters = line.text.replace(/[^\p{L}]/gu, '');
  // Every word with letters is an abbreviation: "TRƯỜNG THCS SỐ 2" is a name, "12 BC SNV" is not.
  const lettered = line.words.filter((w) => /\p{L}/u.test(w.text));
  const symbolLine = /\d/u.test(line.text) && lettered.length > 0 && lettered.every((w) => NO_VOWEL.test(w.text.replace(/[^\p{L}]/gu, '').toLocaleUpperCase('vi')));
  return letters.length >= 2 && isUpperCaseText(line.text) && !symbolLine;
}

/**
 * Words at the end of the name that are groups of the document's symbol ("… PHÚ THỌ KSTTHC" beside
 * "Số: …/UBND-KSTTHC") are what the number line lent it. A name may end on an abbreviation of its own
 * ("TRUNG TÂM CNTT"), so only the symbol's own groups are taken off, and nothing without a symbol.
 */
function withoutSymbolGroups(tokens: readonly Token[], symbol: string | undefined): Token[] {
  if (symbol === undefined) return [...tokens];
  const groups = new Set(symbol.split(/[-/]/u).map((g) => g.toLocaleUpperCase('vi')));
  let end = tokens.length;
  while (end > 1 && groups.has((tokens[end - 1] as Token).text.toLocaleUpperCase('vi'))) end--;
  return tokens.slice(0, end);
}

/**
 * Reads the issuing body from the left-column lines above the number line. `donors` are the page's other lines
 * (the place line, the body), which vote on the spelling of place names.
 */
export function readIssuer(linesAbove: readonly TextLine[], donors: readonly (readonly Token[])[] = [], symbol?: string): Issuer | undefined {
  const lines = linesAbove.filter(isNameLine);
  if (lines.length === 0) return undefined;
  let split = 0;
  for (let i = lines.length - 1; i >= 1; i--) {
    if (opensBody(lines[i] as TextLine)) {
      split = i;
      break;
    }
  }
  // An abbreviated first line ("UBND TỈNH LÀO CAI") is a parent even when the body under it opens otherwise.
  if (split === 0 && lines.length >= 2 && /^(UBND|HĐND|HDND)$/u.test((lines[0] as TextLine).words[0]?.text ?? '')) split = 1;
  const parentLines = lines.slice(0, split);
  const issuerLines = lines.slice(split);
  const respellLine = (line: TextLine): { tokens: Token[]; tolerant: boolean; corrections: FieldCorrection[] } => {
    const spaced = spacedWords(capitalWords(line.words), [...VOCABULARY_WORDS, ...donors.map(texts)]);
    // The page votes first (place names), the vocabulary has the last word on the words it knows.
    const fromPage = restoreFromDonors(spaced.tokens, donors);
    const fromVocabulary = restoreDiacritics(fromPage.tokens, AGENCY_VOCABULARY);
    const opener = restoreLineOpener(fromVocabulary.tokens);
    return {
      tokens: opener.tokens,
      tolerant: spaced.split || fromPage.changed.length + fromVocabulary.changed.length + opener.changed.length > 0,
      corrections: correctionsOf([...fromVocabulary.runs, ...opener.runs], 'agency'),
    };
  };
  const respelled = (ls: readonly TextLine[]): NamePart => {
    const read = ls.map(respellLine);
    return { text: joined(withoutSymbolGroups(read.flatMap((r) => r.tokens), symbol)), words: ls.flatMap((l) => l.words), tolerant: read.some((r) => r.tolerant), corrections: read.flatMap((r) => r.corrections) };
  };
  return { issuer: respelled(issuerLines), parent: parentLines.length > 0 ? respelled(parentLines) : undefined };
}
