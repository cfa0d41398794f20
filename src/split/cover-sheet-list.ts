// The list an office prints cover sheets from: dossiers (code, title, kind) and, optionally, their documents.
import { parse as parseCsvText } from 'csv-parse/sync';
import { toSafeId } from '../domain/batch.ts';
import type { CoverSheet } from './cover-sheet.ts';

export interface SheetListResult {
  /** In print order: each dossier's sheet, then its documents' sheets. */
  sheets: CoverSheet[];
  /** Each mistake with where it is (`row 4`, `dossiers[2]`), so the list is fixed in one round. */
  problems: string[];
}

interface ListedDossier {
  where: string;
  code: unknown;
  title?: unknown;
  kind?: unknown;
  documents: Array<{ where: string; id: unknown; title?: unknown; type?: unknown }>;
}

/** JSON: `[{ code, title, kind, documents: [{ id, title, type }] }]`, or the same under `{ "dossiers": … }`. */
export function parseSheetListJson(text: string): SheetListResult {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { sheets: [], problems: [`not valid JSON: ${(err as Error).message}`] };
  }
  const list = Array.isArray(value) ? value : (value as { dossiers?: unknown } | null)?.dossiers;
  if (!Array.isArray(list)) return { sheets: [], problems: ['expected a list of dossiers, or an object with "dossiers": [...]'] };
  const dossiers: ListedDossier[] = list.map((item: Record<string, unknown>, i) => ({
    where: `dossiers[${i}]`,
    code: item?.['code'],
    title: item?.['title'],
    kind: item?.['kind'],
    documents: (Array.isArray(item?.['documents']) ? (item['documents'] as Array<Record<string, unknown>>) : []).map((d, j) => ({ where: `dossiers[${i}].documents[${j}]`, id: d?.['id'], title: d?.['title'], type: d?.['type'] })),
  }));
  return sheetsOf(dossiers);
}

/** CSV with a header: code, title, kind, and optionally document, documentTitle, documentType (one row per document). */
export function parseSheetListCsv(text: string): SheetListResult {
  let rows: string[][];
  try {
    rows = parseCsvText(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    return { sheets: [], problems: [`not valid CSV: ${(err as Error).message}`] };
  }
  const header = (rows[0] ?? []).map((cell) => cell.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name.toLowerCase());
  if (column('code') < 0) return { sheets: [], problems: ['row 1: expected a header with a "code" column (and title, kind, document, documentTitle, documentType)'] };
  const cell = (row: string[], name: string) => (column(name) >= 0 ? row[column(name)]?.trim() || undefined : undefined);
  const byCode = new Map<string, ListedDossier>();
  rows.slice(1).forEach((row, index) => {
    const where = `row ${index + 2}`;
    const code = cell(row, 'code') ?? '';
    let dossier = byCode.get(code);
    if (!dossier || code === '') byCode.set(code === '' ? `\u0000${where}` : code, (dossier = { where, code, title: cell(row, 'title'), kind: cell(row, 'kind'), documents: [] }));
    const document = cell(row, 'document');
    if (document !== undefined) dossier.documents.push({ where, id: document, title: cell(row, 'documentTitle'), type: cell(row, 'documentType') });
  });
  return sheetsOf([...byCode.values()]);
}

function sheetsOf(dossiers: readonly ListedDossier[]): SheetListResult {
  const sheets: CoverSheet[] = [];
  const problems: string[] = [];
  const codes = new Set<string>();
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  for (const dossier of dossiers) {
    const code = text(dossier.code);
    if (code === undefined) {
      problems.push(`${dossier.where}: no dossier code; give each dossier its code (mã hồ sơ)`);
      continue;
    }
    if (codes.has(code)) problems.push(`${dossier.where}: the dossier code ${code} is listed twice; one sheet per dossier`);
    codes.add(code);
    const kind = text(dossier.kind);
    if (kind !== undefined && kind !== 'component' && kind !== 'result') problems.push(`${dossier.where}: kind ${JSON.stringify(kind)}; expected component or result`);
    const title = text(dossier.title);
    sheets.push({ dossierCode: code, ...(kind === 'component' || kind === 'result' ? { dossierKind: kind } : {}), ...(title ? { title } : {}) });
    const ids = new Set<string>();
    for (const document of dossier.documents) {
      const id = text(document.id);
      if (id === undefined || toSafeId(id) !== id) {
        problems.push(`${document.where}: document id ${JSON.stringify(document.id ?? '')} must be letters, digits, ".", "_" or "-" (it names the output files)`);
        continue;
      }
      if (ids.has(id)) problems.push(`${document.where}: document ${id} is listed twice in dossier ${code}`);
      ids.add(id);
      const [docTitle, type] = [text(document.title), text(document.type)];
      sheets.push({ dossierCode: code, documentId: id, ...(type ? { documentType: type } : {}), ...(docTitle ? { title: docTitle } : {}) });
    }
  }
  if (dossiers.length === 0) problems.push('the list has no dossier');
  return { sheets, problems };
}
