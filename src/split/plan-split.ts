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

interface Cursor {
  plan: SplitPlan;
  dossier?: SplitDossier;
  document?: SplitDocument;
  /** The last cut dropped its sheet and no page has followed yet: a dossier's sheet, or a document's. */
  pendingSheet?: { page: number; what: string; level: 'dossier' | 'document'; by: 'cover-sheet' | 'separator'; code?: string };
}

/**
 * Cuts the stack. `pages[i]` is every code read on page i (none: an ordinary page), or a PageScan that also says
 * whether the page is blank.
 */
export function planSplit(pages: readonly (readonly PageCode[] | PageScan)[], rules: SplitRules = {}): SplitPlan {
  const cursor: Cursor = { plan: { dossiers: [], cuts: [], blankPagesDropped: [], review: [] } };
  const blank = new Set<number>();
  pages.forEach((scan, page) => {
    const { codes, blank: isBlank } = 'codes' in scan ? scan : { codes: scan, blank: false };
    for (const code of codes) {
      if (!code.valid) doubt(cursor, page, 'code-unreadable', `a ${code.format === 'barcode' ? 'barcode' : `${code.format} code`} was found but could not be read (torn, covered or smudged?); the stack was not cut there: check it`);
    }
    const readable = codes.filter((code) => code.valid);
    if (coverSheetCut(cursor, readable, page)) return;
    if (separatorCut(cursor, readable, page, rules)) return;
    circularCut(cursor, readable, page);
    if (isBlank && readable.length === 0) {
      // The back of a sheet: left out and listed, and it does not count as the page a sheet must be followed by.
      if (rules.dropBlankPages) return void cursor.plan.blankPagesDropped.push(page);
      blank.add(page);
    }
    keepPage(cursor, page);
  });
  if (cursor.pendingSheet) doubt(cursor, cursor.pendingSheet.page, 'sheet-last-page', `${cursor.pendingSheet.what} is the last page of the stack; no page follows it`);
  nameCutTargets(cursor.plan);
  for (const dossier of cursor.plan.dossiers) {
    for (const document of dossier.documents) {
      if (document.pages.length === 1 && blank.has(document.pages[0]!)) {
        doubt(cursor, document.pages[0]!, 'blank-document', `document ${document.id} of ${dossier.code} is one blank page (the back of a sheet, or a page that did not feed?): check it`);
      }
    }
  }
  return cursor.plan;
}

/**
 * A separator's document is the one its next kept page is in, unless another cut comes first; a cut whose
 * dossier or document got no page (a sheet followed by no page) names none.
 */
function nameCutTargets(plan: SplitPlan): void {
  const home = new Map<number, { dossierId: string; documentId: string }>();
  for (const dossier of plan.dossiers) for (const document of dossier.documents) for (const page of document.pages) home.set(page, { dossierId: dossier.id, documentId: document.id });
  const kept = [...home.keys()].sort((a, b) => a - b);
  const cutPages = [...new Set(plan.cuts.map((cut) => cut.page))].sort((a, b) => a - b);
  const live = new Set([...home.values()].flatMap((h) => [h.dossierId, `${h.dossierId}\u0000${h.documentId}`]));
  for (const cut of plan.cuts) {
    if (cut.rule === 'separator') {
      const first = kept.find((page) => page >= cut.page);
      const nextCut = cutPages.find((page) => page > cut.page);
      if (first !== undefined && (nextCut === undefined || nextCut > first) && home.get(first)!.dossierId === cut.dossierId) cut.documentId = home.get(first)!.documentId;
    }
    if (cut.documentId !== undefined && !live.has(`${cut.dossierId}\u0000${cut.documentId}`)) delete cut.documentId;
    if (cut.dossierId !== undefined && !live.has(cut.dossierId)) delete cut.dossierId;
  }
}

function doubt(cursor: Cursor, page: number | undefined, kind: DoubtKind, reason: string): void {
  cursor.plan.review.push(page === undefined ? { kind, reason } : { page, kind, reason });
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
  if (sheet.documentId === undefined || cursor.dossier?.code !== sheet.dossierCode) {
    if (sheet.documentId !== undefined) doubt(cursor, page, 'sheet-without-dossier', `the sheet of document ${sheet.documentId} names dossier ${sheet.dossierCode}, but no sheet of that dossier came before it; a dossier was started for it`);
    startDossier(cursor, sheet.dossierCode, { ...(sheet.dossierKind ? { kind: sheet.dossierKind } : {}), ...(sheet.documentId === undefined && sheet.title ? { title: sheet.title } : {}) });
    cursor.plan.cuts.push({ page, rule: 'cover-sheet', value: sheet.dossierCode, starts: 'dossier', dropped: true, dossierId: cursor.dossier!.id });
  }
  if (sheet.documentId !== undefined) {
    startDocument(cursor, { id: sheet.documentId, ...(sheet.title ? { title: sheet.title } : {}), ...(sheet.documentType ? { type: sheet.documentType } : {}) });
    cursor.plan.cuts.push({ page, rule: 'cover-sheet', value: `${sheet.dossierCode} ${sheet.documentId}`, starts: 'document', dropped: true, dossierId: cursor.dossier!.id, documentId: cursor.document!.id });
  }
  cursor.pendingSheet = { page, what: `the cover sheet of ${sheet.documentId ?? sheet.dossierCode}`, level: sheet.documentId === undefined ? 'dossier' : 'document', by: 'cover-sheet', code: sheet.dossierCode };
  return true;
}

/** A generic separator sheet starts a new document of the current dossier. */
function separatorCut(cursor: Cursor, codes: readonly PageCode[], page: number, rules: SplitRules): boolean {
  const separator = rules.separator ?? patchT;
  const found = codes.find((code) => (typeof separator === 'string' ? code.text.trim().toUpperCase() === separator.toUpperCase() : separator.test(code.text)));
  if (!found) return false;
  if (cursor.pendingSheet?.level !== 'dossier') flagEmptySheet(cursor, page);
  // A separator before any dossier sheet: the stack is one dossier, named after the first separator's page.
  if (!cursor.dossier) startDossier(cursor, `stack-p${page + 1}`, {});
  cursor.document = undefined;
  cursor.plan.cuts.push({ page, rule: 'separator', value: found.text, starts: 'document', dropped: !rules.keepSeparator, dossierId: cursor.dossier!.id });
  if (rules.keepSeparator) {
    keepPage(cursor, page);
    return true;
  }
  cursor.pendingSheet = { page, what: 'a separator sheet', level: 'document', by: 'separator' };
  return true;
}

/** A receipt or result with the Circular 01/2023 QR: a new dossier code starts a dossier at this page, which is kept. */
function circularCut(cursor: Cursor, codes: readonly PageCode[], page: number): void {
  const dossierCodes = [...new Set(codes.map((code) => parseQrContent(code.text).fields.code).filter((c): c is string => c !== undefined))];
  if (dossierCodes.length === 0) return;
  if (dossierCodes.length > 1) {
    doubt(cursor, page, 'codes-disagree', `two dossier codes disagree on one page (${dossierCodes.join(', ')}); the stack was not cut there: check it`);
    return;
  }
  const code = dossierCodes[0]!;
  if (cursor.dossier?.code === code) return;
  if (cursor.pendingSheet?.by === 'cover-sheet' && cursor.dossier) {
    // Right after a cover sheet: the sheet already made the cut; a different code on its first page is a doubt, not a cut.
    doubt(cursor, page, 'qr-disagrees-with-sheet', `its QR code names dossier ${code}, but the cover sheet before it names ${cursor.dossier.code}; kept in ${cursor.dossier.code}: check it`);
    return;
  }
  // Right after a generic separator, the receipt names the dossier: the separator's placeholder, still empty, goes.
  if (cursor.pendingSheet) dropEmpty(cursor);
  startDossier(cursor, code, {});
  cursor.plan.cuts.push({ page, rule: 'circular-01-2023', value: code, starts: 'dossier', dropped: false, dossierId: cursor.dossier!.id });
}

function keepPage(cursor: Cursor, page: number): void {
  cursor.pendingSheet = undefined;
  if (!cursor.dossier) {
    startDossier(cursor, `stack-p${page + 1}`, {});
    doubt(cursor, page, 'pages-before-first-sheet', `pages before the first separator; they were kept as a dossier of their own: check where they belong`);
  }
  if (!cursor.document) startDocument(cursor, {});
  cursor.document!.pages.push(page);
}

function startDossier(cursor: Cursor, code: string, extra: { kind?: DossierKind; title?: string }): void {
  const base = toSafeId(code);
  const taken = new Set(cursor.plan.dossiers.map((d) => d.id));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  if (taken.has(base)) doubt(cursor, undefined, 'dossier-twice', `dossier ${code} appears twice in the stack; the second one is ${id}: check whether they belong together`);
  cursor.dossier = { id, code, ...extra, documents: [] };
  cursor.document = undefined;
  cursor.plan.dossiers.push(cursor.dossier);
}

function startDocument(cursor: Cursor, extra: { id?: string; title?: string; type?: string }): void {
  const dossier = cursor.dossier!;
  const id = extra.id ?? `D-${String(dossier.documents.length + 1).padStart(3, '0')}`;
  cursor.document = { ...extra, id, pages: [] };
  dossier.documents.push(cursor.document);
}

/** Two sheets in a row: the first one's document got no page. No empty document is kept. */
function flagEmptySheet(cursor: Cursor, page: number): void {
  if (!cursor.pendingSheet) return;
  doubt(cursor, cursor.pendingSheet.page, 'sheet-followed-by-no-page', `${cursor.pendingSheet.what} is followed by no page (the next sheet is page ${page + 1})`);
  dropEmpty(cursor);
}

function dropEmpty(cursor: Cursor): void {
  const dossier = cursor.dossier;
  if (!dossier) return;
  dossier.documents = dossier.documents.filter((d) => d.pages.length > 0);
  if (dossier.documents.length === 0 && cursor.plan.dossiers.at(-1) === dossier) cursor.plan.dossiers.pop();
  cursor.dossier = cursor.plan.dossiers.at(-1);
  cursor.document = cursor.dossier?.documents.at(-1);
}
