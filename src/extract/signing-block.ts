// The signing block at the end of the last page: capacity prefix, title lines and the signer's name, right of the recipients.
import type { Word } from '../domain/page.ts';
import { editDistance } from '../domain/text-metrics.ts';
import { correctionsOf, phraseConfidence, type FieldCorrection } from './correction.ts';
import { capitalWords, joined, restoreDiacritics, trimWord } from './spelling.ts';
import { textLine, type PageLayout, type Row, type TextLine } from './layout.ts';
import { isSealText } from './stamps.ts';
import { fold, foldLetters, isUpperCaseText } from './text-match.ts';

/** Decree 30 signing capacity prefixes: tập thể (TM), ký thay (KT), thừa lệnh (TL), thừa ủy quyền (TUQ), quyền (Q). */
export const SIGNING_CAPACITIES = ['TM', 'KT', 'TL', 'TUQ', 'Q'] as const;
export type SigningCapacity = (typeof SIGNING_CAPACITIES)[number];

export interface CapacityLine {
  capacity: SigningCapacity | undefined;
  /** The line without its prefix. */
  text: string;
  /** The words after the prefix (a prefix glued to the next word is cut off it). */
  rest: Word[];
  words: Word[];
  /** The prefix was read without its dot, glued to the next word, or in another case. */
  tolerant: boolean;
}

export interface SigningBlock {
  /** The capacity and title lines, top to bottom. */
  lines: CapacityLine[];
  signer: { text: string; words: Word[] } | undefined;
  /** The last line without its prefix: the signer's title ("PHÓ CHỦ TỊCH"); undefined when no line was read. */
  title: string | undefined;
  /** The title was respelled from the vocabulary of titles. */
  titleTolerant: boolean;
  /** The title's respellings from the vocabulary of titles. */
  titleCorrections: FieldCorrection[];
}

/** Below this mean confidence a run of words in the signing block is taken for the signature's strokes. */
const MIN_TEXT_CONFIDENCE = 40;
const LONG_CAPS_LETTERS = 5;
const MIN_LONG_CAPS_CONFIDENCE = 20;

/** Titles of signers, to put back diacritics OCR drops ("PHO CHU TICH"). */
export const TITLE_VOCABULARY: readonly string[] = [
  'PHÓ CHỦ TỊCH', 'CHỦ TỊCH', 'PHÓ GIÁM ĐỐC', 'GIÁM ĐỐC', 'PHÓ TRƯỞNG PHÒNG', 'TRƯỞNG PHÒNG', 'PHÓ TRƯỞNG BAN',
  'TRƯỞNG BAN', 'CHÁNH VĂN PHÒNG', 'PHÓ CHÁNH VĂN PHÒNG', 'CHÁNH THANH TRA', 'PHÓ CHÁNH THANH TRA', 'CỤC TRƯỞNG',
  'PHÓ CỤC TRƯỞNG', 'VỤ TRƯỞNG', 'PHÓ VỤ TRƯỞNG', 'CHI CỤC TRƯỞNG', 'HIỆU TRƯỞNG', 'PHÓ HIỆU TRƯỞNG', 'VIỆN TRƯỞNG',
  'BỘ TRƯỞNG', 'THỨ TRƯỞNG', 'THỦ TRƯỞNG', 'TỔNG GIÁM ĐỐC', 'THƯ KÝ', 'TRƯỞNG ĐOÀN', 'TỔ TRƯỞNG', 'ỦY BAN NHÂN DÂN',
  'HỘI ĐỒNG NHÂN DÂN', 'BAN THƯỜNG VỤ', 'VĂN PHÒNG', 'SỞ', 'PHÒNG', 'NỘI VỤ', 'TÀI CHÍNH', 'TƯ PHÁP', 'KẾ HOẠCH',
  'ĐẦU TƯ', 'XÂY DỰNG', 'GIÁO DỤC', 'ĐÀO TẠO', 'Y TẾ', 'TÀI NGUYÊN', 'MÔI TRƯỜNG', 'NGƯỜI ĐẠI DIỆN', 'ĐẠI DIỆN',
  'CHỦ TỌA', 'CHỦ TRÌ', 'NGƯỜI TIẾP NHẬN HỒ SƠ', 'NGƯỜI NỘP HỒ SƠ', 'NGƯỜI NHẬN', 'NGƯỜI GIAO', 'HỒ SƠ',
  'TRƯỞNG TRẠM', 'TRƯỞNG CÔNG AN', 'CHỈ HUY TRƯỞNG', 'KẾ TOÁN TRƯỞNG', 'ỦY VIÊN', 'BÍ THƯ', 'PHÓ BÍ THƯ',
];

/** A title the vocabulary of titles holds, marks aside. */
export function isKnownTitle(title: string | undefined): boolean {
  return title !== undefined && TITLE_VOCABULARY.some((t) => fold(t) === fold(title));
}

/**
 * Prefixes as OCR reads them, dot required: T and L read as I, 1 or l, M as N, Q as O or 0 ("KI." is "KT.").
 * The exact prefix may also come without its dot or in small letters.
 */
const PREFIX_LOOKALIKES: readonly { capacity: SigningCapacity; pattern: RegExp }[] = [
  { capacity: 'TUQ', pattern: /^T[UV][QO0]$/u },
  { capacity: 'TM', pattern: /^[TI1][MN]$/u },
  { capacity: 'KT', pattern: /^K[TI1lJ]$/u },
  { capacity: 'TL', pattern: /^[TI1][L1I|]$/u },
];

/**
 * Reads a capacity prefix from the first words of a line: "KT.", "KT" (dot lost), "KT.CHỦ" (glued), "Kt.",
 * "KI." (a look-alike). A bare "Q" must keep its dot: a lone Q without one is more likely a speck.
 */
function readPrefix(words: readonly Word[]): { capacity: SigningCapacity; rest: Word[]; tolerant: boolean } | undefined {
  const first = words[0];
  if (!first) return undefined;
  const firstText = first.text.replace(/^[^\p{L}\p{N}]+/u, '');
  const glued = /^([A-Za-z1|]{1,3})[.,:](\p{L}.*)$/u.exec(firstText);
  const [prefixText, restText] = glued ? [glued[1] as string, glued[2] as string] : [firstText, undefined];
  const hasDot = glued !== null || /[.,:]$/u.test(prefixText);
  const bare = prefixText.replace(/[.,:]$/u, '');
  const exact = SIGNING_CAPACITIES.find((c) => c === bare.toUpperCase());
  const capacity = exact ?? (hasDot ? PREFIX_LOOKALIKES.find((p) => p.pattern.test(bare.toUpperCase()))?.capacity : undefined);
  if (!capacity) return undefined;
  if (capacity === 'Q' && !/^Q\.$/u.test(prefixText) && !glued) return undefined;
  if (words.length < 2 && restText === undefined) return undefined;
  const rest = restText === undefined ? words.slice(1) : [{ ...first, text: restText }, ...words.slice(1)];
  return { capacity, rest, tolerant: !hasDot || glued !== null || bare !== capacity || !prefixText.endsWith('.') };
}

/**
 * A signer's name: two to six words, each a capital then small letters ("Nguyễn Văn Giả Định"); a one-letter
 * word is a name word too ("Giàng A Mẫu").
 */
function isNameWords(words: readonly Word[]): boolean {
  const texts = words.map((w) => trimWord(w.text));
  return texts.length >= 2 && texts.length <= 6 && texts.every((w) => /^\p{Lu}\p{Ll}*$/u.test(w)) && texts.filter((w) => w.length > 1).length >= 2;
}

/**
 * Ranks an officer of the army or the police signs with, before the name ("Thượng tướng Nguyễn Văn A"): Decree 30
 * lets the armed forces print them. The rank's last word is in small letters, so a name never reads as one.
 */
const RANKS: readonly string[][] = ['Đại', 'Thượng', 'Trung', 'Thiếu']
  .flatMap((grade) => ['tướng', 'tá', 'úy'].map((level) => [grade, level]))
  .concat([['Đô', 'đốc'], ['Phó', 'Đô', 'đốc'], ['Chuẩn', 'Đô', 'đốc']]);

/**
 * Academic titles and degrees before a name ("PGS.TS. Nguyễn Văn A"), dots left out: Decree 30 lets schools,
 * hospitals and research bodies print them. None is a Vietnamese syllable, so no name word is taken for one.
 */
const DEGREES: ReadonlySet<string> = new Set(['GS', 'PGS', 'TS', 'TSKH', 'THS', 'BS', 'DS', 'KS', 'LS', 'NGND', 'NGUT']);

/** The number of leading words that are a rank, matched without marks and with its small last word. */
function rankLength(words: readonly Word[]): number {
  const texts = words.map((w) => trimWord(w.text));
  const rank = RANKS.find((r) => r.every((part, i) => texts[i] !== undefined && fold(texts[i]) === fold(part)) && /^\p{Ll}/u.test(texts[r.length - 1] ?? ''));
  return rank?.length ?? 0;
}

/** A word made of degrees alone ("PGS.TS.", "ThS") is dropped; a degree glued to the name ("TS.Nguyễn") gives back the name's part. */
function withoutDegree(word: Word): Word | undefined {
  const text = word.text.replace(/^[^\p{L}]+/u, '');
  const glued = /^((?:\p{L}+\.)+)(\p{Lu}\p{Ll}+)$/u.exec(text);
  const [degrees, rest] = glued ? [glued[1] as string, glued[2]] : [text, undefined];
  const parts = degrees.split('.').filter(Boolean);
  if (parts.length === 0 || !parts.every((d) => DEGREES.has(fold(d)))) return word;
  return rest === undefined ? undefined : { ...word, text: rest };
}

/** The words of a name line without the rank or the degrees printed before the name. */
function nameWords(words: readonly Word[]): Word[] {
  const rest = words.slice(rankLength(words));
  let i = 0;
  while (i < rest.length - 1) {
    const stripped = withoutDegree(rest[i] as Word);
    if (stripped === rest[i]) break;
    if (stripped) return [stripped, ...rest.slice(i + 1)];
    i++;
  }
  return rest.slice(i);
}

/** The name of a line that holds a signer's name, after any rank or degree before it. */
function nameOf(line: TextLine): TextLine | undefined {
  const words = nameWords(line.words);
  return isNameWords(words) ? textLine(words) : undefined;
}

/** Titles within one wrong letter of a known title are that title: the vocabulary of titles is small. */
const TITLE_MAX_EDITS = 1;
const TITLE_MIN_LETTERS_FOR_EDITS = 6;

/**
 * The signer's title from the last line of the block, its prefix removed: cleaned of OCR debris, respelled from
 * the vocabulary of titles, or taken for the known title one letter away ("GIAM POC").
 */
function readTitle(line: CapacityLine): { text: string; tolerant: boolean; corrections: FieldCorrection[] } {
  const cleaned = capitalWords(line.rest);
  const restored = restoreDiacritics(cleaned, TITLE_VOCABULARY);
  const text = joined(restored.tokens);
  const tidy = text === line.rest.map((w) => w.text).join(' ');
  const folded = fold(text);
  if (!TITLE_VOCABULARY.some((t) => fold(t) === folded) && folded.replace(/ /gu, '').length >= TITLE_MIN_LETTERS_FOR_EDITS) {
    const near = TITLE_VOCABULARY.filter((t) => editDistance(squeezed(fold(t)), squeezed(folded)) <= TITLE_MAX_EDITS);
    if (near.length === 1) {
      const title = near[0] as string;
      return { text: title, tolerant: true, corrections: [{ from: text, to: title, source: 'lexicon:title', confidence: phraseConfidence(title, 'title', TITLE_NEAR_FACTOR) }] };
    }
  }
  return { text, tolerant: restored.changed.length > 0 || !tidy, corrections: correctionsOf(restored.runs, 'title') };
}

/**
 * Runs of one letter as one: an engine unsure of a vowel's marks can give it twice ("CHUỦU" for "CHỦ"), and no title
 * of the vocabulary doubles a letter once its marks are folded, so the stutter costs no edit.
 */
function squeezed(folded: string): string {
  return folded.replace(/(\p{L})\1+/gu, '$1');
}

/** A title taken from one wrong letter away is less sure than one whose marks alone were put back. */
const TITLE_NEAR_FACTOR = 0.85;

/**
 * A run of words that is text rather than strokes of the signature: two letters or more, read with some
 * confidence; a longer run of capitals may be read with less (a blurred title), strokes never make one.
 */
function isText(line: TextLine): boolean {
  const letters = line.text.replace(/[^\p{L}]/gu, '').length;
  const confidence = line.words.reduce((sum, w) => sum + w.confidence, 0) / line.words.length;
  const longCaps = letters >= LONG_CAPS_LETTERS && isUpperCaseText(line.text);
  return letters >= 2 && confidence >= (longCaps ? MIN_LONG_CAPS_CONFIDENCE : MIN_TEXT_CONFIDENCE);
}

/** Words of punctuation alone at either end of a line are specks beside it. */
function trimPunctuation(words: readonly Word[]): Word[] {
  const isPunctuation = (w: Word | undefined) => w !== undefined && !/[\p{L}\p{N}]/u.test(w.text);
  let [from, to] = [0, words.length];
  while (from < to && isPunctuation(words[from])) from++;
  while (to > from && isPunctuation(words[to - 1])) to--;
  return words.slice(from, to);
}

function isNoiNhan(line: TextLine): boolean {
  const folded = foldLetters(line.words.slice(0, 2).map((w) => w.text).join(''));
  return folded === 'NOINHAN' || editDistance(folded, 'NOINHAN') <= 1;
}

/**
 * Rows between the title lines and the name: the signature (and seal) space, about five rows of the block's
 * pitch; more than this and the caps above belong to something else.
 */
const MAX_SIGNATURE_GAP_LINE_HEIGHTS = 14;
/** Capacity and title lines follow each other at the block's row pitch. */
const MAX_TITLE_PITCH_LINE_HEIGHTS = 2.5;

/**
 * The signing block of a page: among the lines right of the middle of the text block (under the heading),
 * the lowest name ("Nguyễn Văn A") with lines of capitals above it (capacity and title), skipping what lies
 * between (the signature's strokes, an instruction such as "(Ký, ghi rõ họ tên)"). Without such a name, the
 * capitals right of "Nơi nhận" are taken alone. Two blocks side by side (minutes) give the right-hand one.
 */
export function readSigningBlock(layout: PageLayout): SigningBlock | undefined {
  const middle = (layout.textLeftPx + layout.textRightPx) / 2;
  const minX0 = layout.textLeftPx + 0.4 * (layout.textRightPx - layout.textLeftPx);
  const right: TextLine[] = [];
  // An e-signature box and a seal's ring sit over the signing block; neither is its title nor its signer.
  const ownText = (l: TextLine) => !l.words.some((w) => layout.stampWords.has(w)) && !isSealText(l, layout.lineHeightPx);
  for (const row of layout.rows.slice(layout.heading.lastRow + 1)) {
    const words = row.lines.filter((l) => (l.box.x0 + l.box.x1) / 2 > middle && l.box.x0 > minX0 && isText(l) && ownText(l)).flatMap((l) => l.words);
    const trimmed = trimPunctuation(words);
    if (trimmed.length > 0) right.push(textLine(trimmed));
  }
  const lh = layout.lineHeightPx;
  const isCaps = (line: TextLine) => line.text.replace(/[^\p{L}]/gu, '').length >= 2 && isUpperCaseText(line.text);

  for (let k = right.length - 1; k >= 0; k--) {
    const name = nameOf(right[k] as TextLine);
    if (!name) continue;
    const caps: TextLine[] = [];
    for (let i = k - 1; i >= 0; i--) {
      const line = right[i] as TextLine;
      const below = (caps[0] ?? name).box;
      const gap = below.y0 - line.box.y1;
      if (caps.length === 0 ? gap > MAX_SIGNATURE_GAP_LINE_HEIGHTS * lh : gap > MAX_TITLE_PITCH_LINE_HEIGHTS * lh) break;
      if (isCaps(line)) caps.unshift(line);
      else if (caps.length > 0) break;
    }
    if (caps.length > 0) return block(caps, signerOf(name));
  }

  const noiNhan = layout.rows.find((row) => row.lines.some(isNoiNhan));
  if (!noiNhan) return undefined;
  const top = (layout.rows[Math.max(0, noiNhan.index - 3)] as Row).box.y0;
  const below = right.filter((l) => l.box.y0 >= top);
  const caps: TextLine[] = [];
  for (const line of below) {
    if (isCaps(line)) caps.push(line);
    else if (caps.length > 0) break;
  }
  if (caps.length > 0) return block(caps, undefined);
  // The title lines were not read at all (faint or blurred); the name in the signing column is still the signer's.
  const name = below.map(nameOf).find((l) => l !== undefined && l.box.y0 - noiNhan.box.y1 <= MAX_SIGNATURE_GAP_LINE_HEIGHTS * lh);
  return name ? { lines: [], signer: signerOf(name), title: undefined, titleTolerant: false, titleCorrections: [] } : undefined;
}

function signerOf(name: TextLine): { text: string; words: Word[] } {
  return { text: name.words.map((w) => trimWord(w.text)).join(' '), words: name.words };
}

function block(capsLines: readonly TextLine[], signer: SigningBlock['signer']): SigningBlock {
  const lines = capsLines.map((line): CapacityLine => {
    const prefix = readPrefix(line.words);
    return prefix
      ? { capacity: prefix.capacity, text: prefix.rest.map((w) => w.text).join(' '), rest: prefix.rest, words: line.words, tolerant: prefix.tolerant }
      : { capacity: undefined, text: line.text, rest: line.words, words: line.words, tolerant: false };
  });
  const last = lines.at(-1) as CapacityLine;
  const title = readTitle(last);
  return { lines, signer, title: title.text, titleTolerant: title.tolerant, titleCorrections: title.corrections };
}
