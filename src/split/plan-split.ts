// Where a scanned stack is cut into dossiers and documents, from the codes read on each page: pure, so every cut
// and every doubt is decided here and shown in the report, never in the I/O around it.
import { toSafeId, type DossierKind } from '../domain/batch.ts';
import { parseQrContent } from '../qr/qr-content.ts';
import { parseCoverSheet } from './cover-sheet.ts';

/** A code found on a page. `valid` false: found but failed its checksum or could not be read whole. */
export interface PageCode {
  text: string;
  format: 'QRCode' | 'Code128' | 'Code39' | string;
  valid: boolean;
}

export interface SplitRules {
  /** A generic separator sheet's value (Kodak's patch T by default) or a pattern, in Code 128, Code 39 or QR. */
  separator?: string | RegExp;
  /** Keep generic separator sheets in the documents (they may carry a stamp or notes). */
  keepSeparator?: boolean;
  /** Leave blank pages out (the backs of a duplex stack), listing each; off: a document of one blank page is a doubt. */
  dropBlankPages?: boolean;
}

/** What was seen on one page of the stack: its codes, and whether it is blank. */
export interface PageScan {
  codes: readonly PageCode[];
  blank?: boolean;
}

export type CutRule = 'cover-sheet' | 'circular-01-2023' | 'separator';

/** One boundary, for the report: which page (0-based in the stack), which rule, the value read. */
export interface Cut {
  page: number;
  rule: CutRule;
  value: string;
  starts: 'dossier' | 'document';
  /** The sheet itself left out of the outputs (kept in the provenance). */
  dropped: boolean;
  /** Where the pages after the cut went; absent when no page follows the sheet. */
  dossierId?: string;
  documentId?: string;
}

export interface SplitDocument {
  id: string;
  title?: string;
  type?: string;
  /** 0-based pages of the stack, in order. */
  pages: number[];
}

export interface SplitDossier {
  id: string;
  code: string;
  kind?: DossierKind;
  title?: string;
  documents: SplitDocument[];
}

/** What a doubt is about, so the report can say it in the reader's language. */
export type DoubtKind =
  | 'code-unreadable'
  | 'sheet-unusable'
  | 'sheet-without-dossier'
  | 'codes-disagree'
  | 'qr-disagrees-with-sheet'
  | 'pages-before-first-sheet'
  | 'dossier-twice'
  | 'document-twice'
  | 'sheet-followed-by-no-page'
  | 'sheet-last-page'
  | 'blank-document';

/** A suspicious cut or code for the to-review list: the page (0-based in the stack) when one page is at fault. */
export interface SplitDoubt {
  page?: number;
  kind: DoubtKind;
  reason: string;
}

export interface SplitPlan {
  dossiers: SplitDossier[];
  cuts: Cut[];
  /** Blank pages left out (`dropBlankPages`), 0-based. */
  blankPagesDropped: number[];
  review: SplitDoubt[];
}

/** A doubt as people read it: "page 4: …", pages counted from 1. */
export function describeDoubt(doubt: Pick<SplitDoubt, 'page' | 'reason'>): string {
  return doubt.page === undefined ? doubt.reason : `page ${doubt.page + 1}: ${doubt.reason}`;
}

export const patchT = 'PATCHT';

/** A dossier or document opened by a cut: it enters the plan with its first page, so no empty one is ever listed. */
interface Target {
  dossier: SplitDossier;
  document?: SplitDocument;
}

interface Cursor {
  plan: SplitPlan;
  /** The page number people see for each position: the file's page (1-based), so a collated stack reads right. */
  label: (page: number) => number;
  dossier?: SplitDossier;
  document?: SplitDocument;
  targets: Map<Cut, Target>;
  /** The last cut was a sheet and no page has followed yet: a dossier's sheet, or a document's. */
  pendingSheet?: { page: number; what: string; level: 'dossier' | 'document'; by: 'cover-sheet' | 'separator'; code?: string; cut: Cut; kept?: boolean };
}

/**
 * Cuts the stack. `pages[i]` is every code read on page i (none: an ordinary page), or a PageScan that also says
 * whether the page is blank. `filePages[i]`, when the stack was collated, is the file's page (1-based) at position
 * i, for the words of the doubts; the plan's own page numbers stay positions.
 */
export function planSplit(pages: readonly (readonly PageCode[] | PageScan)[], rules: SplitRules = {}, filePages?: readonly number[]): SplitPlan {
  const cursor: Cursor = { plan: { dossiers: [], cuts: [], blankPagesDropped: [], review: [] }, label: (page) => filePages?.[page] ?? page + 1, targets: new Map() };
  const blank = new Set<number>();
  pages.forEach((scan, page) => {
    const { codes, blank: isBlank } = 'codes' in scan ? scan : { codes: scan, blank: false };
    for (const code of codes) {
      if (!code.valid) doubt(cursor, page, 'code-unreadable', `a ${code.format === 'barcode' ? 'barcode' : `${code.format} code`} was found but could not be read (torn, covered or smudged?); the stack was not cut there: check it`);
    }
    const readable = codes.filter((code) => code.valid);
    if (coverSheetCut(cursor, readable, page)) return;
    // A receipt or result is kept and never taken for a separator sheet, whatever pattern the separator has.
    const receipt = circularCut(cursor, readable, page);
    if (!receipt && separatorCut(cursor, readable, page, rules)) return;
    if (isBlank && readable.length === 0) {
      // The back of a sheet: left out and listed, and it does not count as the page a sheet must be followed by.
      if (rules.dropBlankPages) return void cursor.plan.blankPagesDropped.push(page);
      blank.add(page);
    }
    keepPage(cursor, page);
  });
  const last = cursor.pendingSheet;
  if (last) {
    doubt(cursor, last.page, 'sheet-last-page', `${last.what} is the last page of the stack; no page follows it`);
    if (last.kept) keepPage(cursor, last.page);
  }
  nameCutTargets(cursor);
  for (const dossier of cursor.plan.dossiers) {
    for (const document of dossier.documents) {
      if (document.pages.length === 1 && blank.has(document.pages[0]!)) {
        doubt(cursor, document.pages[0]!, 'blank-document', `document ${document.id} of ${dossier.code} is one blank page (the back of a sheet, or a page that did not feed?): check it`);
      }
    }
  }
  return cursor.plan;
}

/** Each cut names the dossier (and, for a new document, the document) its pages went to; none when no page did. */
function nameCutTargets(cursor: Cursor): void {
  for (const cut of cursor.plan.cuts) {
    const target = cursor.targets.get(cut);
    delete cut.dossierId;
    delete cut.documentId;
    if (!target || !cursor.plan.dossiers.includes(target.dossier)) continue;
    cut.dossierId = target.dossier.id;
    if (cut.starts === 'document' && target.document && target.dossier.documents.includes(target.document)) cut.documentId = target.document.id;
  }
}

function doubt(cursor: Cursor, page: number | undefined, kind: DoubtKind, reason: string): void {
  cursor.plan.review.push(page === undefined ? { kind, reason } : { page, kind, reason });
}

function addCut(cursor: Cursor, cut: Cut, target: Target): Cut {
  cursor.plan.cuts.push(cut);
  cursor.targets.set(cut, target);
  return cut;
}

/** A sohoa cover sheet starts a dossier, or a document inside one; the sheet itself is dropped. */
function coverSheetCut(cursor: Cursor, codes: readonly PageCode[], page: number): boolean {
  const parsed = codes.map((code) => parseCoverSheet(code.text)).filter((p) => p !== undefined);
  if (parsed.length === 0) return false;
  const sheets = parsed.flatMap((p) => ('sheet' in p ? [p.sheet] : []));
  const distinct = [...new Map(sheets.map((s) => [JSON.stringify(s), s])).values()];
  if (distinct.length !== 1) {
    const why = distinct.length === 0 ? (parsed.find((p) => 'problem' in p) as { problem: string }).problem : 'it carries two different sheets';
    doubt(cursor, page, 'sheet-unusable', `a cover sheet that cannot be used (${why}); the stack was not cut there and the page is kept: check it`);
    return false;
  }
  const sheet = distinct[0]!;
  // A dossier's sheet, then the sheet of its first document: the usual order, nothing is empty.
  const firstDocument = sheet.documentId !== undefined && cursor.pendingSheet?.level === 'dossier' && cursor.pendingSheet.code === sheet.dossierCode;
  if (!firstDocument) flagEmptySheet(cursor, page);
  let cut: Cut | undefined;
  if (sheet.documentId === undefined || cursor.dossier?.code !== sheet.dossierCode) {
    if (sheet.documentId !== undefined) doubt(cursor, page, 'sheet-without-dossier', `the sheet of document ${sheet.documentId} names dossier ${sheet.dossierCode}, but no sheet of that dossier came before it; a dossier was started for it`);
    startDossier(cursor, sheet.dossierCode, { ...(sheet.dossierKind ? { kind: sheet.dossierKind } : {}), ...(sheet.documentId === undefined && sheet.title ? { title: sheet.title } : {}) });
    cut = addCut(cursor, { page, rule: 'cover-sheet', value: sheet.dossierCode, starts: 'dossier', dropped: true }, { dossier: cursor.dossier! });
  }
  if (sheet.documentId !== undefined) {
    startDocument(cursor, { id: sheet.documentId, ...(sheet.title ? { title: sheet.title } : {}), ...(sheet.documentType ? { type: sheet.documentType } : {}) });
    cut = addCut(cursor, { page, rule: 'cover-sheet', value: `${sheet.dossierCode} ${sheet.documentId}`, starts: 'document', dropped: true }, { dossier: cursor.dossier!, document: cursor.document! });
  }
  cursor.pendingSheet = { page, what: `the cover sheet of ${sheet.documentId ?? sheet.dossierCode}`, level: sheet.documentId === undefined ? 'dossier' : 'document', by: 'cover-sheet', code: sheet.dossierCode, cut: cut! };
  return true;
}

/**
 * Whether a code may be a generic separator: never a cover sheet or a QR that carries dossier fields (a Circular
 * 01/2023 code holds the applicant's ID), so a loose pattern cannot cut on one or copy its text into the report.
 */
function separatorCandidate(code: PageCode): boolean {
  if (parseCoverSheet(code.text) !== undefined) return false;
  return code.format !== 'QRCode' || Object.keys(parseQrContent(code.text).fields).length === 0;
}

/** A generic separator sheet starts a new document of the current dossier. */
function separatorCut(cursor: Cursor, codes: readonly PageCode[], page: number, rules: SplitRules): boolean {
  const separator = rules.separator ?? patchT;
  const found = codes.filter(separatorCandidate).find((code) => (typeof separator === 'string' ? code.text.trim().toUpperCase() === separator.toUpperCase() : separator.test(code.text)));
  if (!found) return false;
  if (cursor.pendingSheet?.level !== 'dossier') flagEmptySheet(cursor, page);
  // A separator before any dossier sheet: the stack is one dossier, named after the first separator's page.
  if (!cursor.dossier) startDossier(cursor, `stack-p${cursor.label(page)}`, {});
  cursor.document = undefined;
  const cut = addCut(cursor, { page, rule: 'separator', value: found.text, starts: 'document', dropped: !rules.keepSeparator }, { dossier: cursor.dossier! });
  // A kept sheet joins the document of the page after it (which a receipt may put in another dossier).
  cursor.pendingSheet = { page, what: 'a separator sheet', level: 'document', by: 'separator', cut, ...(rules.keepSeparator ? { kept: true } : {}) };
  return true;
}

/**
 * A receipt or result with the Circular 01/2023 QR: a new dossier code starts a dossier at this page, which is
 * kept. Returns whether the page carries a dossier code at all (a receipt, cut on or not).
 */
function circularCut(cursor: Cursor, codes: readonly PageCode[], page: number): boolean {
  const dossierCodes = [...new Set(codes.map((code) => parseQrContent(code.text).fields.code).filter((c): c is string => c !== undefined))];
  if (dossierCodes.length === 0) return false;
  if (dossierCodes.length > 1) {
    doubt(cursor, page, 'codes-disagree', `two dossier codes disagree on one page (${dossierCodes.join(', ')}); the stack was not cut there: check it`);
    return true;
  }
  const code = dossierCodes[0]!;
  if (cursor.dossier?.code === code) return true;
  if (cursor.pendingSheet?.by === 'cover-sheet' && cursor.dossier) {
    // Right after a cover sheet: the sheet already made the cut; a different code on its first page is a doubt, not a cut.
    doubt(cursor, page, 'qr-disagrees-with-sheet', `its QR code names dossier ${code}, but the cover sheet before it names ${cursor.dossier.code}; kept in ${cursor.dossier.code}: check it`);
    return true;
  }
  startDossier(cursor, code, {});
  addCut(cursor, { page, rule: 'circular-01-2023', value: code, starts: 'dossier', dropped: false }, { dossier: cursor.dossier! });
  // Right after a generic separator, the receipt names the dossier: the separator's document is this one.
  const sheet = cursor.pendingSheet;
  if (sheet?.by === 'separator') cursor.targets.set(sheet.cut, { dossier: cursor.dossier! });
  return true;
}

function keepPage(cursor: Cursor, page: number): void {
  const sheet = cursor.pendingSheet;
  cursor.pendingSheet = undefined;
  if (!cursor.dossier) {
    startDossier(cursor, `stack-p${cursor.label(page)}`, {});
    doubt(cursor, page, 'pages-before-first-sheet', `pages before the first separator; they were kept as a dossier of their own: check where they belong`);
  }
  if (!cursor.document) startDocument(cursor, {});
  const dossier = cursor.dossier!;
  const document = cursor.document!;
  if (!cursor.plan.dossiers.includes(dossier)) cursor.plan.dossiers.push(dossier);
  if (!dossier.documents.includes(document)) dossier.documents.push(document);
  const target = sheet && cursor.targets.get(sheet.cut);
  if (target && target.dossier === dossier && !target.document) target.document = document;
  if (sheet?.kept && sheet.page !== page) document.pages.push(sheet.page);
  document.pages.push(page);
}

/** Opens a dossier; it is listed with its first page. An id already listed gets a suffix, and a doubt. */
function startDossier(cursor: Cursor, code: string, extra: { kind?: DossierKind; title?: string }): void {
  const base = toSafeId(code);
  const taken = new Set(cursor.plan.dossiers.map((d) => d.id));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  if (taken.has(base)) doubt(cursor, undefined, 'dossier-twice', `dossier ${code} appears twice in the stack; the second one is ${id}: check whether they belong together`);
  cursor.dossier = { id, code, ...extra, documents: [] };
  cursor.document = undefined;
}

/**
 * Opens a document of the current dossier. A sheet's id already listed there (the sheet scanned twice) gets a
 * suffix and a doubt; a document without a sheet takes the next free D-nnn, never a sheet's id.
 */
function startDocument(cursor: Cursor, extra: { id?: string; title?: string; type?: string }): void {
  const dossier = cursor.dossier!;
  const taken = new Set(dossier.documents.map((d) => d.id));
  let id: string;
  if (extra.id !== undefined) {
    id = extra.id;
    for (let n = 2; taken.has(id); n++) id = `${extra.id}-${n}`;
    if (id !== extra.id) doubt(cursor, undefined, 'document-twice', `document ${extra.id} of ${dossier.code} has a second cover sheet; its pages are document ${id}: check whether they belong together`);
  } else {
    let n = dossier.documents.length + 1;
    do id = `D-${String(n++).padStart(3, '0')}`;
    while (taken.has(id));
  }
  cursor.document = { ...extra, id, pages: [] };
}

/**
 * Two sheets in a row: the first one's document got no page, and none is listed. An empty dossier's sheet gives
 * the cursor back to the dossier before it, so a document sheet that follows finds its own dossier.
 */
function flagEmptySheet(cursor: Cursor, page: number): void {
  const sheet = cursor.pendingSheet;
  if (!sheet) return;
  doubt(cursor, sheet.page, 'sheet-followed-by-no-page', `${sheet.what} is followed by no page (the next sheet is page ${cursor.label(page)})${sheet.kept ? '; it was kept as a document of its own' : ''}`);
  if (sheet.kept) return keepPage(cursor, sheet.page);
  cursor.pendingSheet = undefined;
  if (sheet.level === 'dossier') {
    cursor.dossier = cursor.plan.dossiers.at(-1);
    cursor.document = undefined;
  }
}
