// Turns what either manifest format said (drafts, with their places) into a plan: ids settled, duplicates and shared files found.
import { toSafeId } from '../batch.ts';
import type { DocumentPlan, DossierKind, DossierPlan, SourceRef } from '../batch.ts';
import { formatProblem, place, quote } from './manifest-error.ts';
import type { ManifestProblem } from './manifest-error.ts';

/** Where a file is named in the manifest, so the I/O shell can report a missing file at the right row. */
export interface FileReference {
  file: string;
  where: string;
  row?: number;
  field: string;
}

/** What a manifest says, before the files it names have been looked at. */
export interface ManifestPlan {
  batchId?: string;
  dossiers: DossierPlan[];
  /** Every file reference with its place in the manifest, in manifest order. */
  references: FileReference[];
  problems: ManifestProblem[];
  /** Suspicious but allowed, e.g. one file in two documents or a document type sohoa does not know. */
  warnings: string[];
  /** Files marked as scanned stacks (manifest.json `stacks`), for the split stage to cut into dossiers. */
  stacks?: string[];
}

export interface DraftSource extends FileReference {
  pages?: number[];
}

export interface DraftDocument {
  id?: string;
  title?: string;
  /** Normalised metadata values. */
  metadata: Record<string, string>;
  sources: DraftSource[];
  where: string;
  row?: number;
  idField: string;
}

export interface DraftDossier {
  id?: string;
  code?: string;
  title?: string;
  kind: DossierKind;
  metadata: Record<string, string>;
  documents: DraftDocument[];
  where: string;
  row?: number;
  idField: string;
  codeField: string;
}

export const kinds: readonly DossierKind[] = ['component', 'result'];

const safeIdPattern = /^[A-Za-z0-9._-]+$/;

export function checkId(value: string): string | undefined {
  if (safeIdPattern.test(value) && toSafeId(value) === value) return undefined;
  return `expected an id of letters, digits, ".", "_" or "-" (e.g. "HS-001") but received ${quote(value)}; write ${quote(toSafeId(value))}`;
}

/**
 * Settles ids (explicit, else derived and made unique), finds duplicates and files used twice. `notes` are
 * warnings found while reading (e.g. an unknown document type), reported before those about shared files.
 */
export function finishPlan(
  manifestFile: string,
  batchId: string | undefined,
  drafts: DraftDossier[],
  problems: ManifestProblem[],
  notes: ManifestProblem[] = [],
): ManifestPlan {
  const dossierIds = assignIds(
    drafts,
    (d, i) => (d.code ? toSafeId(d.code) : d.title ? toSafeId(d.title) : `dossier-${pad(i + 1)}`),
    'dossier',
    '',
    problems,
  );
  checkDuplicateCodes(drafts, problems);
  const dossiers: DossierPlan[] = drafts.map((draft, i) => {
    const documentIds = assignIds(
      draft.documents,
      (doc, j) => (doc.title ? toSafeId(doc.title) : `document-${pad(j + 1)}`),
      'document',
      ` in dossier "${dossierIds[i]}"`,
      problems,
    );
    const documents: DocumentPlan[] = draft.documents.map((doc, j) => ({
      id: documentIds[j] ?? `document-${pad(j + 1)}`,
      ...(doc.title !== undefined && { title: doc.title }),
      metadata: doc.metadata,
      sources: doc.sources.map(toSourceRef),
    }));
    return {
      id: dossierIds[i] ?? `dossier-${pad(i + 1)}`,
      ...(draft.code !== undefined && { code: draft.code }),
      ...(draft.title !== undefined && { title: draft.title }),
      kind: draft.kind,
      metadata: draft.metadata,
      documents,
    };
  });
  const references = drafts.flatMap((d) => d.documents.flatMap((doc) => doc.sources.map(toReference)));
  const warnings = [...notes.map((note) => formatProblem(manifestFile, note)), ...findSharedFiles(manifestFile, drafts, dossiers)];
  return { ...(batchId !== undefined && { batchId }), dossiers, references, problems, warnings };
}

function toSourceRef(source: DraftSource): SourceRef {
  return source.pages === undefined ? { file: source.file } : { file: source.file, pages: source.pages };
}

function toReference(source: DraftSource): FileReference {
  const { file, where, row, field } = source;
  return row === undefined ? { file, where, field } : { file, where, row, field };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

interface Identified {
  id?: string;
  where: string;
  row?: number;
  idField: string;
}

/**
 * Explicit ids must be unique (case-insensitively, because outputs land on case-insensitive disks too);
 * derived ids never collide: they get `-2`, `-3` after any explicit id has claimed its name.
 */
function assignIds<T extends Identified>(
  items: T[],
  derive: (item: T, index: number) => string,
  what: string,
  scope: string,
  problems: ManifestProblem[],
): string[] {
  const claimed = new Map<string, T>();
  for (const item of items) {
    if (item.id === undefined) continue;
    const key = item.id.toLowerCase();
    const first = claimed.get(key);
    if (first === undefined) {
      claimed.set(key, item);
      continue;
    }
    const also = first.row !== undefined ? `row ${first.row}` : first.where;
    const caseNote = first.id !== item.id ? ', ids differing only in case count as the same' : '';
    problems.push(
      place(
        item,
        item.idField,
        `duplicate ${what} id ${quote(item.id)}${scope} (also used at ${also}${caseNote}); give each its own id`,
      ),
    );
  }
  return items.map((item, index) => {
    if (item.id !== undefined) return item.id;
    const base = derive(item, index);
    let id = base;
    for (let n = 2; claimed.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    claimed.set(id.toLowerCase(), item);
    return id;
  });
}

function checkDuplicateCodes(drafts: DraftDossier[], problems: ManifestProblem[]): void {
  const seen = new Map<string, DraftDossier>();
  for (const draft of drafts) {
    if (draft.code === undefined) continue;
    const first = seen.get(draft.code);
    if (first === undefined) seen.set(draft.code, draft);
    else {
      const also = first.row !== undefined ? `row ${first.row}` : first.where;
      const message = `duplicate dossier code ${quote(draft.code)} (also used at ${also}); merge the two dossiers or fix the code`;
      problems.push(place(draft, draft.codeField, message));
    }
  }
}

/** A file may be split across documents by page ranges; overlapping use is allowed but almost always a slip. */
function findSharedFiles(manifestFile: string, drafts: DraftDossier[], dossiers: DossierPlan[]): string[] {
  const uses = new Map<string, { source: DraftSource; label: string }[]>();
  const warnings: string[] = [];
  drafts.forEach((draft, i) =>
    draft.documents.forEach((doc, j) => {
      const label = `dossier "${dossiers[i]?.id}" document "${dossiers[i]?.documents[j]?.id}"`;
      for (const source of doc.sources) {
        const earlier = uses.get(source.file) ?? [];
        const clash = earlier.find((e) => overlaps(e.source.pages, source.pages));
        if (clash !== undefined) {
          const message = `${quote(source.file)} is also used by ${clash.label}; its pages will appear in both`;
          warnings.push(formatProblem(manifestFile, { ...toReference(source), message }));
        }
        uses.set(source.file, [...earlier, { source, label }]);
      }
    }),
  );
  return warnings;
}

function overlaps(a: number[] | undefined, b: number[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  const set = new Set(a);
  return b.some((p) => set.has(p));
}
