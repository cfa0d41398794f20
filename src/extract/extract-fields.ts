// Reads a document's fields from the text of its pages: heading, title and summary from page 1, signing block from the last.
import type { Word } from '../domain/page.ts';
import { CONG_VAN, matchTitle, type TitleMatch } from './document-type.ts';
import { makeField, type ExtractedField } from './field.ts';
import { readIssuer } from './issuer.ts';
import { correctField } from './lexicon-correction.ts';
import { layoutPage, withoutWords, type PageLayout, type PageWords, type Row, type TextLine } from './layout.ts';
import { isMarkLine, readMarks } from './marks.ts';
import { readNumberSymbol } from './number-symbol.ts';
import { readPlaceDate } from './place-date.ts';
import { isKnownTitle, readSigningBlock, type SigningBlock } from './signing-block.ts';
import { joined, restoreFromDonors, summaryWords, type Token } from './spelling.ts';
import { readCentredSubject, readVvSubject } from './subject.ts';

export type { ExtractedField, FieldKey } from './field.ts';
export type { PageWords } from './layout.ts';

/** The title sits right under the heading; a stray line (a rule read as text, a stamp) may come first. */
const TITLE_SEARCH_ROWS = 3;
/** Certainty kept when two readings of the same fact disagree (title against symbol) and one was chosen. */
const DISAGREEMENT_CERTAINTY = 0.85;
/** Certainty of a type named by a title the type table does not know, taken as printed. */
const UNKNOWN_TITLE_CERTAINTY = 0.9;
/** A number printed under the title sits within this many rows of it. */
const NUMBER_UNDER_TITLE_ROWS = 3;
/** Certainty of a signer's name read where no title lines were read above it. */
const NAME_ONLY_CERTAINTY = 0.85;
/** Certainty of a number and symbol whose "Số" was not read as such (or not at all). */
const KEYWORD_MISSED_CERTAINTY = 0.9;
/** Certainty of a type inferred from what is missing (no type abbreviation, a V/v summary): a công văn. */
const INFERRED_TYPE_CERTAINTY = 0.9;

/**
 * Every field found, each once. Fields come from page 1, except the signing block (signing capacity, title,
 * signer), which comes from the last page. Nothing is guessed: a field that cannot be read is left out.
 */
export function extractFields(pages: readonly PageWords[]): ExtractedField[] {
  if (pages.length === 0) return [];
  const ordered = [...pages].sort((a, b) => a.pageNumber - b.pageNumber);
  const first = layoutPage(ordered[0] as PageWords);
  const signing = findSigningBlock(ordered, first);
  // The lexicon has the last word, on the values alone: the text layer keeps what OCR read.
  return [...readFirstPage(first), ...(signing ? readSigningFields(signing.block, signing.layout) : [])].map((field) => correctField(field));
}

/**
 * The title among the first rows under the heading. A stamp's words (a received stamp pressed beside it) are
 * neither the title nor part of its row, and a row of stamp words alone is not one of the rows searched.
 */
function findTitle(layout: PageLayout): TitleMatch | undefined {
  const rows = layout.rows
    .slice(layout.heading.lastRow + 1)
    .map((row) => withoutWords(row, layout.stampWords))
    .filter((row) => row.words.length > 0);
  for (const row of rows.slice(0, TITLE_SEARCH_ROWS)) {
    const title = matchTitle(row);
    if (title) return title;
  }
  return undefined;
}

/** The place's words without the comma before "ngày". */
function placeTokens(words: readonly Word[]): Token[] {
  const tokens = words.map((w) => ({ text: w.text, confidence: w.confidence }));
  const last = tokens.at(-1);
  if (last) last.text = last.text.replace(/[,.;:]+$/u, '');
  return tokens.filter((t) => t.text !== '');
}

/** The words of a value with the mean confidence of the words it was read from. */
function tokensOf(value: string, words: readonly Word[]): Token[] {
  const confidence = words.reduce((sum, w) => sum + w.confidence, 0) / Math.max(1, words.length);
  return value.split(' ').map((text) => ({ text, confidence }));
}

function linesUnder(layout: PageLayout, row: Row): TextLine[] {
  return layout.rows.slice(row.index + 1, row.index + 1 + NUMBER_UNDER_TITLE_ROWS).flatMap((r) => r.lines);
}

function readFirstPage(layout: PageLayout): ExtractedField[] {
  const pageNumber = layout.page.pageNumber;
  const fields: ExtractedField[] = [];
  const { heading } = layout;
  const lines = layout.rows.flatMap((row: Row) => row.lines);
  /** The page's other lines, to vote on the spelling of words read from `own`. */
  const donorsExcept = (own: readonly Word[]): Word[][] => lines.filter((l) => !l.words.some((w) => own.includes(w))).map((l) => l.words);

  const title = findTitle(layout);
  const inHeading = readNumberSymbol(heading.left, title?.type.name);
  // Some forms print the number under their title instead ("GIẤY PHÉP XÂY DỰNG / Số: 86/GPXD").
  const underTitle = !inHeading && title ? readNumberSymbol(linesUnder(layout, title.row), title.type.name, { requireKeyword: true, stampWords: layout.stampWords }) : undefined;
  const numberSymbol = inHeading ?? underTitle;
  if (numberSymbol) {
    const keywordFactor = numberSymbol.keywordTolerant ? KEYWORD_MISSED_CERTAINTY : 1;
    if (numberSymbol.number !== undefined) fields.push(makeField('number', numberSymbol.number, pageNumber, numberSymbol.words, { tolerant: numberSymbol.numberTolerant, certainty: keywordFactor }));
    // A symbol read without its number carries the gap, so the record shows what a person must enter.
    const partial = numberSymbol.number === undefined ? { partial: { missing: ['number' as const] } } : {};
    fields.push(makeField('symbol', numberSymbol.symbol, pageNumber, numberSymbol.words, { tolerant: numberSymbol.symbolTolerant, certainty: keywordFactor, ...partial }));
  }

  const headingRows = layout.rows.slice(0, heading.lastRow + 1);
  const placeDate = readPlaceDate(headingRows, { columnGapPx: layout.columnGapPx, stampWords: layout.stampWords, ...(numberSymbol ? { numberWords: numberSymbol.words } : {}) });
  let place: Token[] = [];
  if (placeDate) {
    const partial = placeDate.missing.length > 0 ? { partial: { missing: placeDate.missing } } : {};
    fields.push(makeField('issueDate', placeDate.issueDate, pageNumber, placeDate.dateWords, { tolerant: placeDate.dateTolerant, ...partial }));
    if (placeDate.place !== undefined) {
      const restored = restoreFromDonors(placeTokens(placeDate.placeWords), donorsExcept(placeDate.placeWords));
      place = restored.tokens;
      fields.push(makeField('place', joined(place), pageNumber, placeDate.placeWords, { tolerant: restored.changed.length > 0 }));
    }
  }

  // The issuing body is what the left column holds above the number line (or above the date's row).
  const linesAbove = inHeading
    ? heading.left.slice(0, inHeading.lineIndex)
    : heading.left.filter((line) => placeDate === undefined || line.box.y1 < (layout.rows[placeDate.rowIndex] as Row).box.y0);
  const issuerWords = linesAbove.flatMap((l) => l.words);
  const issuer = readIssuer(linesAbove, [place, ...donorsExcept([...issuerWords, ...(placeDate?.placeWords ?? [])])], numberSymbol?.symbol);
  if (issuer) {
    fields.push(makeField('issuer', issuer.issuer.text, pageNumber, issuer.issuer.words, { tolerant: issuer.issuer.tolerant, corrections: issuer.issuer.corrections }));
    if (issuer.parent) fields.push(makeField('issuerParent', issuer.parent.text, pageNumber, issuer.parent.words, { tolerant: issuer.parent.tolerant, corrections: issuer.parent.corrections }));
  }

  const linesBelowNumber = inHeading ? heading.left.slice(inHeading.lineIndex + 1) : [];
  const vv = readVvSubject(linesBelowNumber, (line) => isMarkLine(line.words));
  const centred = title ? readCentredSubject(layout, title.row) : undefined;
  const subject = vv ?? centred;
  if (subject) {
    const restored = restoreFromDonors(summaryWords(subject.tokens), donorsExcept(subject.words));
    fields.push(makeField('subject', joined(restored.tokens), pageNumber, subject.words, { tolerant: subject.tolerant || restored.changed.length > 0 }));
  }

  const type = documentType(title, numberSymbol, vv !== undefined);
  if (type) {
    // A type taken as printed ("Giấy phép xây dựng") gets the spelling its words have elsewhere on the page.
    const respelled = title && !title.known ? restoreFromDonors(tokensOf(type.name, type.words), donorsExcept(type.words)) : undefined;
    const name = respelled ? joined(respelled.tokens) : type.name;
    const tolerant = type.tolerant || (respelled?.changed.length ?? 0) > 0;
    fields.push(makeField('documentType', name, pageNumber, type.words, { tolerant, certainty: type.certainty }));
  }

  const marks = readMarks(layout);
  if (marks.secrecy) fields.push(makeField('secrecy', marks.secrecy.value, pageNumber, marks.secrecy.words, { tolerant: marks.secrecy.tolerant }));
  if (marks.urgency) fields.push(makeField('urgency', marks.urgency.value, pageNumber, marks.urgency.words, { tolerant: marks.urgency.tolerant }));
  return fields;
}

/**
 * The type: the title line when there is one; else a công văn when the summary is a "V/v" line; else the
 * symbol's type abbreviation. A title and an abbreviation that disagree leave the title's type with less
 * confidence.
 */
function documentType(
  title: TitleMatch | undefined,
  numberSymbol: ReturnType<typeof readNumberSymbol>,
  hasVv: boolean,
): { name: string; words: TitleMatch['words']; tolerant: boolean; certainty: number } | undefined {
  if (title) {
    const agrees = numberSymbol?.type === undefined || numberSymbol.type.name === title.type.name;
    const certainty = (agrees ? 1 : DISAGREEMENT_CERTAINTY) * (title.known ? 1 : UNKNOWN_TITLE_CERTAINTY);
    return { name: title.type.name, words: title.words, tolerant: title.tolerant, certainty };
  }
  if (!numberSymbol) return undefined;
  // Only a công văn carries its summary as "V/v" under the number, and it has no title. Its symbol opens with the
  // issuer's abbreviation, which may spell a type's ("CT-CS" of Cục Thuế is no chỉ thị): the V/v line decides.
  if (hasVv) {
    const certainty = numberSymbol.type || numberSymbol.typeAmbiguous ? INFERRED_TYPE_CERTAINTY * DISAGREEMENT_CERTAINTY : INFERRED_TYPE_CERTAINTY;
    return { name: CONG_VAN, words: numberSymbol.words, tolerant: false, certainty };
  }
  if (numberSymbol.type) return { name: numberSymbol.type.name, words: numberSymbol.words, tolerant: numberSymbol.symbolTolerant, certainty: 1 };
  return undefined;
}

/** A page with fewer words of two letters or more is blank (the back of a sheet, scanned too) or specks. */
const MIN_TEXT_PAGE_WORDS = 5;

function hasText(page: PageWords): boolean {
  return page.words.filter((w) => /\p{L}{2}/u.test(w.text)).length >= MIN_TEXT_PAGE_WORDS;
}

/**
 * An earlier page's block counts only when a name stands under a capacity prefix or a known title: the pages
 * after it (an appendix, a form) hold captions and names of their own, so less is no sign of the signing block.
 */
function isSureBlock(block: SigningBlock): boolean {
  return block.signer !== undefined && (block.lines.some((l) => l.capacity !== undefined) || isKnownTitle(block.title));
}

/**
 * The signing block and its page. Decree 30 puts it at the end of the text, which is the last page with text;
 * when that page holds none (an appendix of tables after the signature), the nearest earlier page with a sure one.
 */
function findSigningBlock(ordered: readonly PageWords[], first: PageLayout): { block: SigningBlock; layout: PageLayout } | undefined {
  const withText = ordered.filter(hasText);
  for (let i = withText.length - 1; i >= 0; i--) {
    const page = withText[i] as PageWords;
    const layout = page === ordered[0] ? first : layoutPage(page);
    const block = readSigningBlock(layout);
    if (block && (i === withText.length - 1 || isSureBlock(block))) return { block, layout };
  }
  return undefined;
}

function readSigningFields(block: SigningBlock, layout: PageLayout): ExtractedField[] {
  const pageNumber = layout.page.pageNumber;
  const fields: ExtractedField[] = [];
  const withCapacity = block.lines.filter((l) => l.capacity !== undefined);
  // The signer's own capacity is the prefix nearest the title: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH" is KT.
  const capacityLine = withCapacity.at(-1);
  if (capacityLine?.capacity) fields.push(makeField('signingCapacity', capacityLine.capacity, pageNumber, capacityLine.words.slice(0, 1), { tolerant: capacityLine.tolerant }));
  const titleLine = block.lines.at(-1);
  if (titleLine && block.title !== undefined) fields.push(makeField('signerTitle', block.title, pageNumber, titleLine.words, { tolerant: block.titleTolerant, corrections: block.titleCorrections }));
  // A name found without the title lines above it rests on its place on the page alone.
  if (block.signer) fields.push(makeField('signer', block.signer.text, pageNumber, block.signer.words, { certainty: titleLine ? 1 : NAME_ONLY_CERTAINTY }));
  return fields;
}
