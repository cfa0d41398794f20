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

export interface SplitPlan {
  dossiers: SplitDossier[];
  cuts: Cut[];
  /** Suspicious cuts and codes, each naming its page (1-based, as people count), for the to-review list. */
  review: string[];
}

export const patchT = 'PATCHT';

interface Cursor {
  plan: SplitPlan;
  dossier?: SplitDossier;
  document?: SplitDocument;
  /** The last cut dropped its sheet and no page has followed yet: a dossier's sheet, or a document's. */
  pendingSheet?: { page: number; what: string; level: 'dossier' | 'document'; code?: string };
}

/** Cuts the stack. `pages[i]` is every code read on page i (none: an ordinary page). */
export function planSplit(pages: readonly (readonly PageCode[])[], rules: SplitRules = {}): SplitPlan {
  const cursor: Cursor = { plan: { dossiers: [], cuts: [], review: [] } };
  pages.forEach((codes, page) => {
    for (const code of codes) {
      if (!code.valid) cursor.plan.review.push(`page ${page + 1}: a ${code.format} code was found but could not be read (torn, covered or smudged?); the stack was not cut there: check it`);
    }
    const readable = codes.filter((code) => code.valid);
    if (coverSheetCut(cursor, readable, page)) return;
    if (separatorCut(cursor, readable, page, rules)) return;
    circularCut(cursor, readable, page);
    keepPage(cursor, page);
  });
  if (cursor.pendingSheet) cursor.plan.review.push(`page ${cursor.pendingSheet.page + 1}: ${cursor.pendingSheet.what} is the last page of the stack; no page follows it`);
  return cursor.plan;
}

/** A sohoa cover sheet starts a dossier, or a document inside one; the sheet itself is dropped. */
function coverSheetCut(cursor: Cursor, codes: readonly PageCode[], page: number): boolean {
  const parsed = codes.map((code) => parseCoverSheet(code.text)).filter((p) => p !== undefined);
  if (parsed.length === 0) return false;
  const sheets = parsed.flatMap((p) => ('sheet' in p ? [p.sheet] : []));
  const distinct = [...new Map(sheets.map((s) => [JSON.stringify(s), s])).values()];
  if (distinct.length !== 1) {
    const why = distinct.length === 0 ? (parsed.find((p) => 'problem' in p) as { problem: string }).problem : 'it carries two different sheets';
    cursor.plan.review.push(`page ${page + 1}: a cover sheet that cannot be used (${why}); the stack was not cut there and the page is kept: check it`);
    return false;
  }
  const sheet = distinct[0]!;
  // A dossier's sheet, then the sheet of its first document: the usual order, nothing is empty.
  const firstDocument = sheet.documentId !== undefined && cursor.pendingSheet?.level === 'dossier' && cursor.pendingSheet.code === sheet.dossierCode;
  if (!firstDocument) flagEmptySheet(cursor, page);
  if (sheet.documentId === undefined || cursor.dossier?.code !== sheet.dossierCode) {
    if (sheet.documentId !== undefined) cursor.plan.review.push(`page ${page + 1}: the sheet of document ${sheet.documentId} names dossier ${sheet.dossierCode}, but no sheet of that dossier came before it; a dossier was started for it`);
    startDossier(cursor, sheet.dossierCode, { ...(sheet.dossierKind ? { kind: sheet.dossierKind } : {}), ...(sheet.documentId === undefined && sheet.title ? { title: sheet.title } : {}) });
    cursor.plan.cuts.push({ page, rule: 'cover-sheet', value: sheet.dossierCode, starts: 'dossier', dropped: true });
  }
  if (sheet.documentId !== undefined) {
    startDocument(cursor, { id: sheet.documentId, ...(sheet.title ? { title: sheet.title } : {}), ...(sheet.documentType ? { type: sheet.documentType } : {}) });
    cursor.plan.cuts.push({ page, rule: 'cover-sheet', value: `${sheet.dossierCode} ${sheet.documentId}`, starts: 'document', dropped: true });
  }
  cursor.pendingSheet = { page, what: `the cover sheet of ${sheet.documentId ?? sheet.dossierCode}`, level: sheet.documentId === undefined ? 'dossier' : 'document', code: sheet.dossierCode };
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
  cursor.plan.cuts.push({ page, rule: 'separator', value: found.text, starts: 'document', dropped: !rules.keepSeparator });
  if (rules.keepSeparator) {
    keepPage(cursor, page);
    return true;
  }
  cursor.pendingSheet = { page, what: 'a separator sheet', level: 'document' };
  return true;
}

/** A receipt or result with the Circular 01/2023 QR: a new dossier code starts a dossier at this page, which is kept. */
function circularCut(cursor: Cursor, codes: readonly PageCode[], page: number): void {
  const dossierCodes = [...new Set(codes.map((code) => parseQrContent(code.text).fields.code).filter((c): c is string => c !== undefined))];
  if (dossierCodes.length === 0) return;
  if (dossierCodes.length > 1) {
    cursor.plan.review.push(`page ${page + 1}: two dossier codes disagree on one page (${dossierCodes.join(', ')}); the stack was not cut there: check it`);
    return;
  }
  const code = dossierCodes[0]!;
  if (cursor.dossier?.code === code) return;
  if (cursor.pendingSheet && cursor.dossier) {
    // Right after a sheet: the sheet already made the cut; a different code on its first page is a doubt, not a cut.
    cursor.plan.review.push(`page ${page + 1}: its QR code names dossier ${code}, but the cover sheet before it names ${cursor.dossier.code}; kept in ${cursor.dossier.code}: check it`);
    return;
  }
  startDossier(cursor, code, {});
  cursor.plan.cuts.push({ page, rule: 'circular-01-2023', value: code, starts: 'dossier', dropped: false });
}

function keepPage(cursor: Cursor, page: number): void {
  cursor.pendingSheet = undefined;
  if (!cursor.dossier) {
    startDossier(cursor, `stack-p${page + 1}`, {});
    cursor.plan.review.push(`page ${page + 1}: pages before the first separator; they were kept as a dossier of their own: check where they belong`);
  }
  if (!cursor.document) startDocument(cursor, {});
  cursor.document!.pages.push(page);
}

function startDossier(cursor: Cursor, code: string, extra: { kind?: DossierKind; title?: string }): void {
  const base = toSafeId(code);
  const taken = new Set(cursor.plan.dossiers.map((d) => d.id));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  if (taken.has(base)) cursor.plan.review.push(`dossier ${code} appears twice in the stack; the second one is ${id}: check whether they belong together`);
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
  cursor.plan.review.push(`page ${cursor.pendingSheet.page + 1}: ${cursor.pendingSheet.what} is followed by no page (the next sheet is page ${page + 1})`);
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
