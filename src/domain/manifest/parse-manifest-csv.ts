// Reads manifest.csv (one row per file) into a plan, collecting every mistake with its spreadsheet row, column and value.
import { parse as parseCsvText } from 'csv-parse/sync';
import type { DossierKind } from '../batch.ts';
import { refuseMetadataKey } from '../metadata/check-metadata.ts';
import { closestWord } from '../metadata/closest-word.ts';
import type { FieldLevel } from '../metadata/fields.ts';
import { checkDossierCode } from '../metadata/identifiers.ts';
import { checkFilePath, parsePageSelection } from './check-file-path.ts';
import { checkId, finishPlan, kinds } from './finish-plan.ts';
import type { DraftDocument, DraftDossier, ManifestPlan } from './finish-plan.ts';
import { quote } from './manifest-error.ts';
import type { ManifestProblem } from './manifest-error.ts';
import { checkGiven, checkGivenTogether, expectedMessage, keepGiven, showGiven } from './manifest-metadata.ts';
import type { GivenMetadata, MetadataReport } from './manifest-metadata.ts';

/** The columns manifest.csv knows, besides `dossier.<key>` and `document.<key>` metadata columns. */
export const manifestCsvColumns = ['dossier_id', 'dossier_code', 'dossier_title', 'kind', 'document_id', 'document_title', 'file', 'pages'] as const;

const csvColumns = manifestCsvColumns;
type CsvColumn = (typeof csvColumns)[number];

/** A header cell: a known column, or a metadata column `dossier.<key>` / `document.<key>`. */
type CsvField = { column: CsvColumn } | { metadata: FieldLevel; key: string; column: string } | undefined;

interface CsvRecord {
  record: string[];
  info: { records: number; empty_lines: number; comment_lines: number };
}

/** A value of a dossier or document attribute as first given: compared as `value`, shown as `shown`, typed as `text`. */
interface Seen {
  value: string;
  shown: string;
  row: number;
  text?: string;
}

interface CsvDossierGroup extends DraftDossier {
  seen: Map<string, Seen>;
  byDocument: Map<string, CsvDocumentGroup>;
  metadataSources: Map<string, GivenMetadata>;
}

interface CsvDocumentGroup extends DraftDocument {
  seen: Map<string, Seen>;
  metadataSources: Map<string, GivenMetadata>;
}

type AddAt = (row: number, field: string, message: string) => void;

/**
 * Parses manifest.csv text. Rows are numbered as a spreadsheet shows them: the header is row 1 and blank
 * lines count, so a quoted cell spanning two lines still makes one row.
 */
export function parseManifestCsv(text: string, manifestFile = 'manifest.csv'): ManifestPlan {
  const problems: ManifestProblem[] = [];
  const report: MetadataReport = { problems, notes: [] };
  const add: AddAt = (row, field, message) => problems.push({ where: `row ${row}`, row, field, message });
  let records: CsvRecord[];
  try {
    // With `info: true` csv-parse returns {record, info} pairs, which its overloads do not describe.
    records = parseCsvText(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as CsvRecord[];
  } catch (err) {
    const line = typeof (err as { lines?: unknown }).lines === 'number' ? (err as { lines: number }).lines : 1;
    const reason = err instanceof Error ? err.message.replace(/^[^:]*:\s*/, '') : String(err);
    const message = `not valid CSV (${reason}); wrap cells holding commas, quotes or line breaks in double quotes and write "" for a quote inside them`;
    problems.push({ where: `line ${line}`, field: '', message });
    return { dossiers: [], references: [], problems, warnings: [] };
  }
  const header = records[0];
  if (header === undefined) {
    add(1, 'file', `expected a header row naming the columns (${csvColumns.join(', ')}) but the file is empty`);
    return { dossiers: [], references: [], problems, warnings: [] };
  }
  const fields = readCsvHeader(header.record, add);
  if (!fields.some((f) => f?.column === 'file')) {
    add(1, 'file', `expected a column named "file" but the header has ${header.record.map((c) => quote(c)).join(', ')}`);
    return { dossiers: [], references: [], problems, warnings: [] };
  }
  const hasDossierKey = fields.some((f) => f?.column === 'dossier_id' || f?.column === 'dossier_code');
  const groups: CsvDossierGroup[] = [];
  let dataRows = 0;
  for (const { record, info } of records.slice(1)) {
    const row = info.records + info.empty_lines + info.comment_lines;
    if (record.every((cell) => cell.trim().length === 0)) continue;
    dataRows++;
    readCsvRow(record, row, fields, hasDossierKey, groups, add, report);
  }
  if (dataRows === 0 && problems.length === 0) add(2, 'file', 'expected at least one row after the header, one per file, but found none');
  // Values that depend on each other may sit on different rows, so they are checked once every row is in.
  for (const group of groups) {
    checkGivenTogether('dossier', group.metadata, group.metadataSources, report);
    for (const document of group.byDocument.values()) checkGivenTogether('document', document.metadata, document.metadataSources, report);
  }
  return finishPlan(manifestFile, undefined, groups, problems, report.notes);
}

function readCsvHeader(cells: string[], add: AddAt): CsvField[] {
  const seen = new Set<string>();
  return cells.map((cell) => {
    const name = cell.normalize('NFC').trim();
    const known = csvColumns.find((c) => c === name.toLowerCase());
    const prefix = /^(dossier|document)\.(.*)$/i.exec(name);
    let field: CsvField;
    if (known !== undefined) field = { column: known };
    else if (prefix && (prefix[2] ?? '').trim().length > 0) {
      const level = (prefix[1] ?? '').toLowerCase() as FieldLevel;
      const key = (prefix[2] ?? '').trim();
      // A wrong metadata key is one mistake of the header, not one per row.
      const refused = refuseMetadataKey(level, key);
      if (refused !== undefined) {
        add(1, name, refused);
        return undefined;
      }
      field = { metadata: level, key, column: name };
    } else if (name.length === 0) {
      add(1, name, `expected a column name but received an empty header cell; name it or delete the column`);
      return undefined;
    } else {
      const guess = closestWord(name, csvColumns);
      const hint = guess ? `; did you mean ${quote(guess)}?` : '';
      add(1, name, `unknown column ${quote(name)}${hint} Expected one of ${csvColumns.join(', ')}, or dossier.<key> / document.<key> for metadata`);
      return undefined;
    }
    if (seen.has(field.column.toLowerCase())) {
      add(1, name, `expected each column once but ${quote(name)} appears twice`);
      return undefined;
    }
    seen.add(field.column.toLowerCase());
    return field;
  });
}

interface MetadataCell {
  level: FieldLevel;
  key: string;
  column: string;
  value: string;
}

function readCsvRow(
  record: string[],
  row: number,
  fields: CsvField[],
  hasDossierKey: boolean,
  groups: CsvDossierGroup[],
  add: AddAt,
  report: MetadataReport,
): void {
  const cells = new Map<string, string>();
  const metadataCells: MetadataCell[] = [];
  record.forEach((raw, i) => {
    const value = raw.normalize('NFC').trim();
    const field = fields[i];
    if (i >= fields.length) {
      if (value.length > 0) add(row, `column ${i + 1}`, `expected at most ${fields.length} cells, as many as the header, but received ${quote(value)}`);
      return;
    }
    if (field === undefined || value.length === 0) return;
    if ('metadata' in field) metadataCells.push({ level: field.metadata, key: field.key, column: field.column, value });
    else cells.set(field.column, value);
  });

  const id = cells.get('dossier_id');
  const code = cells.get('dossier_code');
  if (hasDossierKey && id === undefined && code === undefined) {
    add(row, 'dossier_id', 'expected a dossier_id or a dossier_code on every row, to know which dossier the file belongs to, but both are empty');
    return;
  }
  let idOk = true;
  if (id !== undefined) {
    const bad = checkId(id);
    if (bad) add(row, 'dossier_id', bad);
    idOk = bad === undefined;
  }
  const dossier = findOrAddDossier(groups, id, code, row, idOk);
  agree(dossier.seen, 'dossier_id', id, row, 'dossier', add);
  if (agree(dossier.seen, 'dossier_code', code, row, 'dossier', add) && code !== undefined) dossier.code = checkCode(code, row, add);
  if (agree(dossier.seen, 'dossier_title', cells.get('dossier_title'), row, 'dossier', add)) dossier.title = cells.get('dossier_title');
  const kind = cells.get('kind');
  if (kind !== undefined) {
    if (!(kinds as readonly string[]).includes(kind)) add(row, 'kind', `expected "component" or "result" but received ${quote(kind)}`);
    else if (agree(dossier.seen, 'kind', kind, row, 'dossier', add)) dossier.kind = kind as DossierKind;
  }
  for (const cell of metadataCells) if (cell.level === 'dossier') readMetadataCell(cell, row, dossier, 'dossier', add, report);

  const documentId = cells.get('document_id');
  let documentIdOk = true;
  if (documentId !== undefined) {
    const bad = checkId(documentId);
    if (bad) add(row, 'document_id', bad);
    documentIdOk = bad === undefined;
  }
  const document = findOrAddDocument(dossier, documentId, cells.get('document_title'), row, documentIdOk);
  if (agree(document.seen, 'document_title', cells.get('document_title'), row, 'document', add)) document.title = cells.get('document_title');
  for (const cell of metadataCells) if (cell.level === 'document') readMetadataCell(cell, row, document, 'document', add, report);

  const file = checkFilePath(cells.get('file') ?? '');
  if ('error' in file) {
    add(row, 'file', file.error);
    return;
  }
  const pagesText = cells.get('pages');
  const pages = pagesText === undefined ? undefined : parsePageSelection(pagesText);
  if (pages !== undefined && 'error' in pages) {
    add(row, 'pages', pages.error);
    return;
  }
  document.sources.push({ file: file.file, where: `row ${row}`, row, field: 'file', ...(pages !== undefined && { pages: pages.pages }) });
}

/** The dossier code, checked once per dossier (rows repeating it agree or are reported), stored normalised. */
function checkCode(code: string, row: number, add: AddAt): string {
  const checked = checkDossierCode(code);
  if ('value' in checked) return checked.value;
  add(row, 'dossier_code', expectedMessage(checked, quote(code)));
  return code;
}

/**
 * A metadata cell: checked at its row, then compared with what earlier rows of the same dossier or document
 * said, by normalised value ("20" and "20 năm" agree), and kept the first time.
 */
function readMetadataCell(
  cell: MetadataCell,
  row: number,
  owner: CsvDossierGroup | CsvDocumentGroup,
  level: FieldLevel,
  add: AddAt,
  report: MetadataReport,
): void {
  // Rows repeat a dossier's values; a value typed as before was checked (and any mistake reported) already.
  if (owner.seen.get(cell.column)?.text === cell.value) return;
  const given: GivenMetadata = { key: cell.key, text: cell.value, at: { where: `row ${row}`, row }, field: cell.column, shown: showGiven(level, cell.key, cell.value, quote) };
  const checked = checkGiven(level, given, report);
  const normalised = checked === undefined ? `\u0000${cell.value}` : Object.entries(checked.values).map(([key, value]) => `${key}=${value}`).join('\n');
  const first = agree(owner.seen, cell.column, normalised, row, level, add, given.shown, cell.value);
  if (first && checked !== undefined) keepGiven(owner.metadata, owner.metadataSources, given, checked, report);
}

/** Rows join a dossier by id when they give one, else by code; a dossier first seen by code can gain its id later. */
function findOrAddDossier(groups: CsvDossierGroup[], id: string | undefined, code: string | undefined, row: number, idOk: boolean): CsvDossierGroup {
  const found =
    (id !== undefined ? groups.find((g) => g.seen.get('dossier_id')?.value === id) : undefined) ??
    (code !== undefined ? groups.find((g) => g.seen.get('dossier_code')?.value === code && (id === undefined || !g.seen.has('dossier_id'))) : undefined) ??
    (id === undefined && code === undefined ? groups[0] : undefined);
  if (found) {
    if (id !== undefined && idOk && found.id === undefined) found.id = id;
    return found;
  }
  const group: CsvDossierGroup = {
    ...(id !== undefined && idOk && { id }),
    kind: 'component',
    metadata: {},
    documents: [],
    where: `row ${row}`,
    row,
    idField: id !== undefined ? 'dossier_id' : 'dossier_code',
    codeField: 'dossier_code',
    seen: new Map(),
    byDocument: new Map(),
    metadataSources: new Map(),
  };
  groups.push(group);
  return group;
}

/** Rows join a document by id, else by title; a row with neither is a document of its own. */
function findOrAddDocument(dossier: CsvDossierGroup, id: string | undefined, title: string | undefined, row: number, idOk: boolean): CsvDocumentGroup {
  const key = id !== undefined ? `id:${id}` : title !== undefined ? `title:${title}` : `row:${row}`;
  const found = dossier.byDocument.get(key);
  if (found) return found;
  const document: CsvDocumentGroup = {
    ...(id !== undefined && idOk && { id }),
    metadata: {},
    sources: [],
    where: `row ${row}`,
    row,
    idField: 'document_id',
    seen: new Map(),
    metadataSources: new Map(),
  };
  dossier.byDocument.set(key, document);
  dossier.documents.push(document);
  return document;
}

/**
 * Records a value given for a dossier/document attribute; false (and a problem naming both rows) if rows
 * disagree. `shown` is how a message shows the value as typed (personal data masked).
 */
function agree(
  seen: Map<string, Seen>,
  field: string,
  value: string | undefined,
  row: number,
  owner: FieldLevel,
  add: AddAt,
  shown: string = value === undefined ? '' : quote(value),
  text?: string,
): boolean {
  if (value === undefined) return false;
  const earlier = seen.get(field);
  if (earlier === undefined) {
    seen.set(field, text === undefined ? { value, shown, row } : { value, shown, row, text });
    return true;
  }
  if (earlier.value === value) return false;
  const message = `expected the same value as row ${earlier.row} for this ${owner} (${earlier.shown}) but received ${shown}`;
  add(row, field, `${message}; make the rows agree or leave the cell empty`);
  return false;
}
