// Without a manifest the folder layout is the plan: one dossier per folder, one document per page file.
import { posix } from 'node:path';
import { toSafeId } from '../batch.ts';
import type { DossierPlan } from '../batch.ts';
import { compareNatural, fileType, supportedList } from './check-file-path.ts';
import { quote } from './manifest-error.ts';

/** Files directly in one folder of the batch: the root (`folder` = '') or a sub-folder. */
export interface FolderListing {
  folder: string;
  files: string[];
}

/** Files an office's computer leaves behind that are not worth a warning. */
const systemFiles = new Set(['thumbs.db', 'desktop.ini']);

/**
 * Each sub-folder is a dossier and each page file in it a document, in natural order; page files in the root
 * form a dossier named after the batch folder. Names stay as on disk (NFC or NFD) so they can be opened.
 */
export function planFromFolders(batchName: string, listings: FolderListing[]): { dossiers: DossierPlan[]; warnings: string[] } {
  const ignored: string[] = [];
  const dossierIds = new Set<string>();
  const dossiers: DossierPlan[] = [];
  const ordered = [...listings].sort((a, b) => (a.folder === '' ? -1 : b.folder === '' ? 1 : compareNatural(a.folder, b.folder)));
  for (const listing of ordered) {
    if (listing.folder.split('/').some((part) => part.startsWith('.'))) continue;
    const pageFiles: string[] = [];
    for (const name of listing.files) {
      if (name.startsWith('.') || systemFiles.has(name.toLowerCase())) continue;
      const file = listing.folder === '' ? name : `${listing.folder}/${name}`;
      if (fileType(name) === undefined) ignored.push(file);
      else pageFiles.push(file);
    }
    if (pageFiles.length === 0) continue;
    pageFiles.sort((a, b) => compareNatural(posix.basename(a), posix.basename(b)));
    const title = (listing.folder === '' ? batchName : posix.basename(listing.folder)).normalize('NFC');
    const documentIds = new Set<string>();
    dossiers.push({
      id: uniqueId(toSafeId(title), dossierIds),
      title,
      kind: 'component',
      metadata: {},
      documents: pageFiles.map((file) => ({
        id: uniqueId(toSafeId(posix.basename(file, posix.extname(file))), documentIds),
        metadata: {},
        sources: [{ file }],
      })),
    });
  }
  const warnings: string[] = [];
  if (ignored.length > 0) {
    const shown = ignored.slice(0, 5).map((f) => quote(f.normalize('NFC'))).join(', ');
    const what = ignored.length === 1 ? '1 file that is not a page image' : `${ignored.length} files that are not page images`;
    warnings.push(`ignored ${what} (${supportedList}): ${shown}${ignored.length > 5 ? ', ...' : ''}`);
  }
  return { dossiers, warnings };
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id.toLowerCase()); n++) id = `${base}-${n}`;
  used.add(id.toLowerCase());
  return id;
}

/** Replaces each source's file by its on-disk spelling (NFD names on disk stay openable). */
export function withResolvedFiles(dossiers: DossierPlan[], onDisk: ReadonlyMap<string, string>): DossierPlan[] {
  return dossiers.map((dossier) => ({
    ...dossier,
    documents: dossier.documents.map((document) => ({
      ...document,
      sources: document.sources.map((source) => ({ ...source, file: onDisk.get(source.file) ?? source.file })),
    })),
  }));
}
