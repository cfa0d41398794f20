// Turns a batch manifest (manifest.json or manifest.csv) or a folder listing into dossier plans, collecting every mistake at once.
import { posix } from 'node:path';
import { parse as parseCsvText } from 'csv-parse/sync';
import { imageExtensions, pdfExtensions, toSafeId } from './batch.ts';
import type { DossierKind, DossierPlan, DocumentPlan, SourceRef } from './batch.ts';
import { InputError } from './errors.ts';

/** Names a batch manifest may have, in the batch root. */
export const manifestFileNames = ['manifest.json', 'manifest.csv'] as const;

/**
 * One mistake in a manifest. `where` locates the entry for a person: `row 4` in a CSV (with `row` set, the
 * header being row 1), a path like `dossiers[1].documents[0]` in JSON; `field` is the CSV column or JSON key.
 */
export interface ManifestProblem {
  where: string;
  row?: number;
  field: string;
  message: string;
}

/** A manifest with mistakes: carries all of them so an office fixes its file in one round. */
export class ManifestError extends InputError {
  readonly problems: ManifestProblem[];
  readonly manifestFile: string;

  constructor(manifestFile: string, problems: ManifestProblem[]) {
    const first = problems[0];
    super(problems.map((p) => formatProblem(manifestFile, p)).join('\n'), {
      file: manifestFile,
      row: first?.row,
      field: first?.field,
    });
    this.problems = problems;
    this.manifestFile = manifestFile;
  }
}

/** `manifest.csv row 4, field "pages": …` for CSV, `manifest.json: dossiers[1].documents[0].files[2]: …` for JSON. */
export function formatProblem(manifestFile: string, problem: ManifestProblem): string {
  if (problem.row !== undefined) return `${manifestFile} ${problem.where}, field "${problem.field}": ${problem.message}`;
  const path = joinPath(problem.where, problem.field);
  return path.length > 0 ? `${manifestFile}: ${path}: ${problem.message}` : `${manifestFile}: ${problem.message}`;
}

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
  /** Suspicious but allowed, e.g. one file in two documents. */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Small checks shared by both formats and by the folder layout.

const supportedList = 'JPEG, PNG, WebP or TIFF';
const expectedFile = `a ${supportedList} file (${imageExtensions.join(', ')})`;

/** 'image' for page images, 'pdf' for PDFs (planned, then refused at page listing), undefined otherwise. */
export function fileType(file: string): 'image' | 'pdf' | undefined {
  const ext = posix.extname(file).toLowerCase();
  if ((imageExtensions as readonly string[]).includes(ext)) return 'image';
  if ((pdfExtensions as readonly string[]).includes(ext)) return 'pdf';
  return undefined;
}

/**
 * Checks a file reference from a manifest and returns it normalized (NFC, `a/../b` folded), or what was wrong.
 * NFC because that is how people type; the I/O shell then matches it against NFC or NFD names on disk.
 */
export function checkFilePath(value: string, show: (v: string) => string = quote): { file: string } | { error: string } {
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.length === 0) return { error: `expected a file path relative to the batch folder, like "HS-001/p1.png", but received ${show(value)}` };
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return { error: `expected a file path without control characters but received ${show(value)}` };
  if (trimmed.startsWith('/') || trimmed.startsWith('~') || /^[A-Za-z]:/.test(trimmed) || trimmed.startsWith('\\\\')) {
    return { error: `expected a path relative to the batch folder, like "HS-001/p1.png", but received the absolute path ${show(value)}` };
  }
  if (trimmed.includes('\\')) {
    return { error: `expected forward slashes between folders but received ${show(value)}; write ${quote(trimmed.replaceAll('\\', '/'))}` };
  }
  const file = posix.normalize(trimmed);
  if (file === '..' || file.startsWith('../')) {
    return { error: `expected a path inside the batch folder but received ${show(value)}, which leads out of it; copy the file into the batch` };
  }
  if (file === '.' || file.endsWith('/')) return { error: `expected a file, not a folder, but received ${show(value)}` };
  if (fileType(file) === undefined) return { error: `expected ${expectedFile} but received ${show(value)}` };
  return { file };
}

const maxPagesPerSelection = 10_000;

/** Parses a page selection like `1-3,5` (1-based, in the order given); the error reads "expected … but received …". */
export function parsePageSelection(value: string): { pages: number[] } | { error: string } {
  const fail = (why = '') => ({ error: `expected page numbers like "1-3,5"${why} but received ${quote(value)}` });
  const pages: number[] = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null) return fail();
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1) return fail(' (pages count from 1)');
    if (to < from) return fail(' (ranges go from low to high)');
    if (pages.length + (to - from + 1) > maxPagesPerSelection) return fail(` (at most ${maxPagesPerSelection} pages)`);
    for (let page = from; page <= to; page++) pages.push(page);
  }
  return checkPageList(pages) ?? { pages };
}

function checkPageList(pages: number[]): { error: string } | undefined {
  const seen = new Set<number>();
  for (const page of pages) {
    if (seen.has(page)) return { error: `expected each page once but page ${page} is listed twice` };
    seen.add(page);
  }
  return undefined;
}

const natural = new Intl.Collator('vi', { numeric: true, sensitivity: 'variant' });

/** Natural order for file and folder names (`p2` before `p10`), stable across NFC/NFD spellings. */
export function compareNatural(a: string, b: string): number {
  const x = a.normalize('NFC');
  const y = b.normalize('NFC');
  return natural.compare(x, y) || (x < y ? -1 : x > y ? 1 : 0);
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/** JSON values are shown with their type, as the pipeline-file errors do: `15 (number)`, `"x" (string)`. */
function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const shown = JSON.stringify(value) ?? String(value);
  return `${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown} (${type})`;
}

function joinPath(base: string, field: string): string {
  if (base.length === 0) return field;
  if (field.length === 0) return base;
  return field.startsWith('[') ? `${base}${field}` : `${base}.${field}`;
}

const safeIdPattern = /^[A-Za-z0-9._-]+$/;

function checkId(value: string): string | undefined {
  if (safeIdPattern.test(value) && toSafeId(value) === value) return undefined;
  return `expected an id of letters, digits, ".", "_" or "-" (e.g. "HS-001") but received ${quote(value)}; write ${quote(toSafeId(value))}`;
}

const kinds: readonly DossierKind[] = ['component', 'result'];

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const option of options) {
    const d = editDistance(word.toLowerCase(), option.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [option, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  return `unknown key ${quote(key)}${guess ? `; did you mean ${quote(guess)}?` : ''} Expected one of: ${known.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Drafts: what either format said, with places, before ids are settled.

interface DraftSource extends FileReference {
  pages?: number[];
}

interface DraftDocument {
  id?: string;
  title?: string;
  metadata: Record<string, string>;
  sources: DraftSource[];
  where: string;
  row?: number;
  idField: string;
}

interface DraftDossier {
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

/** Settles ids (explicit, else derived and made unique), finds duplicates and files used twice. */
function finishPlan(manifestFile: string, batchId: string | undefined, drafts: DraftDossier[], problems: ManifestProblem[]): ManifestPlan {
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
  const warnings = findSharedFiles(manifestFile, drafts, dossiers);
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

function place(at: { where: string; row?: number }, field: string, message: string): ManifestProblem {
  return at.row === undefined ? { where: at.where, field, message } : { where: at.where, row: at.row, field, message };
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

// ---------------------------------------------------------------------------------------------------------------
// manifest.json

const topKeys = ['$schema', 'batchId', 'dossiers'] as const;
const dossierKeys = ['id', 'code', 'title', 'kind', 'metadata', 'documents'] as const;
const documentKeys = ['id', 'title', 'metadata', 'files'] as const;
const fileKeys = ['file', 'pages'] as const;

/** The keys manifest.json allows at each level; the JSON Schema for editors is tested against these. */
export const manifestJsonKeys = { top: topKeys, dossier: dossierKeys, document: documentKeys, file: fileKeys } as const;

/** The columns manifest.csv knows, besides `dossier.<key>` and `document.<key>` metadata columns. */
export const manifestCsvColumns = ['dossier_id', 'dossier_code', 'dossier_title', 'kind', 'document_id', 'document_title', 'file', 'pages'] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses manifest.json text; never throws for the user's mistakes, which come back as `problems`. */
export function parseManifestJson(text: string, manifestFile = 'manifest.json'): ManifestPlan {
  const problems: ManifestProblem[] = [];
  const body = text.replace(/^\uFEFF/, '');
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch {
    const { line, column, reason } = locateJsonError(body);
    problems.push({ where: `line ${line}, column ${column}`, field: '', message: `not valid JSON: ${reason}` });
    return { dossiers: [], references: [], problems, warnings: [] };
  }
  const add = (where: string, field: string, message: string) => problems.push({ where, field, message });
  if (!isObject(root)) {
    add('', '', `expected an object like {"batchId": "...", "dossiers": [...]} but received ${describeJson(root)}`);
    return { dossiers: [], references: [], problems, warnings: [] };
  }
  checkKeys(root, topKeys, '', add);
  const batchId = optionalString(root, 'batchId', '', add);
  if (batchId !== undefined) {
    const bad = checkId(batchId);
    if (bad) add('', 'batchId', bad);
  }
  const drafts: DraftDossier[] = [];
  const list = root['dossiers'];
  if (!Array.isArray(list) || list.length === 0) {
    add('', 'dossiers', `expected a non-empty array of dossiers but received ${describeJson(list)}`);
  } else {
    list.forEach((item, i) => {
      const draft = readJsonDossier(item, `dossiers[${i}]`, add);
      if (draft) drafts.push(draft);
    });
  }
  return finishPlan(manifestFile, batchId, drafts, problems);
}

type Add = (where: string, field: string, message: string) => void;

function readJsonDossier(value: unknown, where: string, add: Add): DraftDossier | undefined {
  if (!isObject(value)) {
    add(where, '', `expected a dossier object like {"code": "...", "documents": [...]} but received ${describeJson(value)}`);
    return undefined;
  }
  checkKeys(value, dossierKeys, where, add);
  const id = optionalId(value, where, add);
  const code = optionalString(value, 'code', where, add);
  const title = optionalString(value, 'title', where, add);
  const kindValue = optionalString(value, 'kind', where, add);
  let kind: DossierKind = 'component';
  if (kindValue !== undefined) {
    if ((kinds as readonly string[]).includes(kindValue)) kind = kindValue as DossierKind;
    else add(where, 'kind', `expected "component" or "result" but received ${describeJson(value['kind'])}`);
  }
  const documents: DraftDocument[] = [];
  const list = value['documents'];
  if (!Array.isArray(list) || list.length === 0) {
    add(where, 'documents', `expected a non-empty array of documents but received ${describeJson(list)}`);
  } else {
    list.forEach((item, j) => {
      const doc = readJsonDocument(item, `${where}.documents[${j}]`, add);
      if (doc) documents.push(doc);
    });
  }
  return {
    ...(id !== undefined && { id }),
    ...(code !== undefined && { code }),
    ...(title !== undefined && { title }),
    kind,
    metadata: readJsonMetadata(value['metadata'], where, add),
    documents,
    where,
    idField: 'id',
    codeField: 'code',
  };
}

function readJsonDocument(value: unknown, where: string, add: Add): DraftDocument | undefined {
  if (!isObject(value)) {
    add(where, '', `expected a document object like {"title": "...", "files": [...]} but received ${describeJson(value)}`);
    return undefined;
  }
  checkKeys(value, documentKeys, where, add);
  const id = optionalId(value, where, add);
  const title = optionalString(value, 'title', where, add);
  const sources: DraftSource[] = [];
  const list = value['files'];
  if (!Array.isArray(list) || list.length === 0) {
    add(where, 'files', `expected a non-empty array of files like ["HS-001/p1.png"] but received ${describeJson(list)}`);
  } else {
    list.forEach((item, k) => {
      const source = readJsonFile(item, where, `files[${k}]`, add);
      if (source) sources.push(source);
    });
  }
  return {
    ...(id !== undefined && { id }),
    ...(title !== undefined && { title }),
    metadata: readJsonMetadata(value['metadata'], where, add),
    sources,
    where,
    idField: 'id',
  };
}

function readJsonFile(value: unknown, where: string, field: string, add: Add): DraftSource | undefined {
  if (typeof value === 'string') return jsonSource(value, undefined, where, field, add);
  if (!isObject(value)) {
    add(where, field, `expected a file path or {"file": "...", "pages": [1, 2]} but received ${describeJson(value)}`);
    return undefined;
  }
  checkKeys(value, fileKeys, joinPath(where, field), add);
  const file = value['file'];
  if (typeof file !== 'string') {
    add(where, `${field}.file`, `expected a file path like "HS-001/p1.png" but received ${describeJson(file)}`);
    return undefined;
  }
  const pages = readJsonPages(value['pages'], where, `${field}.pages`, add);
  if (pages === null) return undefined;
  return jsonSource(file, pages, where, `${field}.file`, add);
}

function jsonSource(value: string, pages: number[] | undefined, where: string, field: string, add: Add): DraftSource | undefined {
  const checked = checkFilePath(value, describeJson);
  if ('error' in checked) {
    add(where, field, checked.error);
    return undefined;
  }
  return { file: checked.file, where, field, ...(pages !== undefined && { pages }) };
}

/** undefined = all pages; null = a mistake already reported. */
function readJsonPages(value: unknown, where: string, field: string, add: Add): number[] | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const parsed = parsePageSelection(value);
    if ('error' in parsed) add(where, field, parsed.error);
    return 'error' in parsed ? null : parsed.pages;
  }
  const valid = Array.isArray(value) && value.length > 0 && value.every((p) => Number.isInteger(p) && (p as number) >= 1);
  if (!valid) {
    add(where, field, `expected 1-based page numbers like [1, 2] or "1-3,5" but received ${describeJson(value)}`);
    return null;
  }
  const pages = value as number[];
  const twice = checkPageList(pages);
  if (twice) add(where, field, twice.error);
  return twice ? null : pages;
}

function readJsonMetadata(value: unknown, where: string, add: Add): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (value === undefined) return metadata;
  if (!isObject(value)) {
    add(where, 'metadata', `expected an object of text values like {"procedureCode": "1.000466"} but received ${describeJson(value)}`);
    return metadata;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') metadata[key.normalize('NFC')] = item.normalize('NFC').trim();
    else if (typeof item === 'number' && Number.isFinite(item)) metadata[key.normalize('NFC')] = String(item);
    else add(`${where}.metadata`, key, `expected a text value (or a number) but received ${describeJson(item)}`);
  }
  return metadata;
}

function checkKeys(value: JsonObject, known: readonly string[], where: string, add: Add): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) add(where, key, unknownKeyMessage(key, known));
}

function optionalString(value: JsonObject, key: string, where: string, add: Add): string | undefined {
  const item = value[key];
  if (item === undefined) return undefined;
  if (typeof item === 'number' && Number.isFinite(item)) return String(item);
  if (typeof item !== 'string' || item.trim().length === 0) {
    add(where, key, `expected a non-empty text but received ${describeJson(item)}`);
    return undefined;
  }
  return item.normalize('NFC').trim();
}

function optionalId(value: JsonObject, where: string, add: Add): string | undefined {
  const id = optionalString(value, 'id', where, add);
  if (id === undefined) return undefined;
  const bad = checkId(id);
  if (bad) add(where, 'id', bad);
  return bad ? undefined : id;
}

/**
 * Finds where and why JSON.parse failed. V8 gives a position for some errors and only a snippet for others,
 * so a small scanner walks the text instead; it runs only after JSON.parse has already refused the text.
 */
export function locateJsonError(text: string): { line: number; column: number; reason: string } {
  let at = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntax(reason, at);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text.charAt(at))) at++;
  };
  const char = (c: string, reason: string) => {
    if (text.charAt(at) !== c) fail(reason);
    at++;
  };
  const string = () => {
    char('"', 'expected a double-quoted text');
    for (;;) {
      const c = text.charAt(at);
      if (c === '' || c === '\n') fail('a text is not closed with "');
      if (c < ' ') fail('a text holds a control character; write it as \\n, \\t or \\u00XX');
      if (c === '"') return void at++;
      if (c === '\\') {
        const escape = /^\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(at, at + 6));
        if (!escape) fail('a backslash must start an escape like \\\\ or \\"; write a path with forward slashes');
        at += escape?.[0].length ?? 1;
      } else at++;
    }
  };
  const value = (): void => {
    space();
    const c = text.charAt(at);
    if (c === '{') {
      at++;
      space();
      if (text.charAt(at) === '}') return void at++;
      for (;;) {
        space();
        if (text.charAt(at) !== '"') fail(text.charAt(at) === '}' ? 'a comma before "}" is not allowed' : 'expected a double-quoted key');
        string();
        space();
        char(':', "expected ':' after the key");
        value();
        space();
        if (text.charAt(at) === '}') return void at++;
        char(',', "expected ',' or '}' after a value");
      }
    }
    if (c === '[') {
      at++;
      space();
      if (text.charAt(at) === ']') return void at++;
      for (;;) {
        space();
        if (text.charAt(at) === ']' || text.charAt(at) === ',') fail('expected a value; remove the extra comma');
        value();
        space();
        if (text.charAt(at) === ']') return void at++;
        char(',', "expected ',' or ']' after a value");
      }
    }
    if (c === '"') return string();
    const literal = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 400));
    if (!literal) fail(c === '' ? 'the text ends where a value was expected' : 'expected a value (text in double quotes, a number, an object or an array)');
    at += literal?.[0].length ?? 0;
  };
  let reason = 'not valid JSON';
  try {
    value();
    space();
    if (at < text.length) fail('unexpected text after the end of the manifest');
  } catch (err) {
    // Anything but our own signal is the call stack giving out on absurd nesting; report the spot reached.
    if (err instanceof JsonSyntax) [reason, at] = [err.message, err.offset];
    else reason = 'nested too deeply';
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1, reason };
}

class JsonSyntax extends Error {
  readonly offset: number;
  constructor(reason: string, offset: number) {
    super(reason);
    this.offset = offset;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// manifest.csv

const csvColumns = manifestCsvColumns;
type CsvColumn = (typeof csvColumns)[number];

/** A header cell: a known column, or a metadata column `dossier.<key>` / `document.<key>`. */
type CsvField = { column: CsvColumn } | { metadata: 'dossier' | 'document'; key: string; column: string } | undefined;

interface CsvRecord {
  record: string[];
  info: { records: number; empty_lines: number; comment_lines: number };
}

interface CsvDossierGroup extends DraftDossier {
  seen: Map<string, { value: string; row: number }>;
  byDocument: Map<string, CsvDocumentGroup>;
}

interface CsvDocumentGroup extends DraftDocument {
  seen: Map<string, { value: string; row: number }>;
}

/**
 * Parses manifest.csv text. Rows are numbered as a spreadsheet shows them: the header is row 1 and blank
 * lines count, so a quoted cell spanning two lines still makes one row.
 */
export function parseManifestCsv(text: string, manifestFile = 'manifest.csv'): ManifestPlan {
  const problems: ManifestProblem[] = [];
  const add = (row: number, field: string, message: string) => problems.push({ where: `row ${row}`, row, field, message });
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
    readCsvRow(record, row, fields, hasDossierKey, groups, add);
  }
  if (dataRows === 0 && problems.length === 0) add(2, 'file', 'expected at least one row after the header, one per file, but found none');
  return finishPlan(manifestFile, undefined, groups, problems);
}

function readCsvHeader(cells: string[], add: (row: number, field: string, message: string) => void): CsvField[] {
  const seen = new Set<string>();
  return cells.map((cell) => {
    const name = cell.normalize('NFC').trim();
    const known = csvColumns.find((c) => c === name.toLowerCase());
    const prefix = /^(dossier|document)\.(.*)$/i.exec(name);
    let field: CsvField;
    if (known !== undefined) field = { column: known };
    else if (prefix && (prefix[2] ?? '').trim().length > 0) {
      field = { metadata: (prefix[1] ?? '').toLowerCase() as 'dossier' | 'document', key: (prefix[2] ?? '').trim(), column: name };
    } else if (name.length === 0) {
      add(1, name, `expected a column name but received an empty header cell; name it or delete the column`);
      return undefined;
    } else {
      const guess = closest(name, csvColumns);
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

function readCsvRow(
  record: string[],
  row: number,
  fields: CsvField[],
  hasDossierKey: boolean,
  groups: CsvDossierGroup[],
  add: (row: number, field: string, message: string) => void,
): void {
  const cells = new Map<string, string>();
  const dossierMeta: [string, string][] = [];
  const documentMeta: [string, string][] = [];
  record.forEach((raw, i) => {
    const value = raw.normalize('NFC').trim();
    const field = fields[i];
    if (i >= fields.length) {
      if (value.length > 0) add(row, `column ${i + 1}`, `expected at most ${fields.length} cells, as many as the header, but received ${quote(value)}`);
      return;
    }
    if (field === undefined || value.length === 0) return;
    if ('metadata' in field) (field.metadata === 'dossier' ? dossierMeta : documentMeta).push([field.key, value]);
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
  if (agree(dossier.seen, 'dossier_code', code, row, 'dossier', add)) dossier.code = code;
  if (agree(dossier.seen, 'dossier_title', cells.get('dossier_title'), row, 'dossier', add)) dossier.title = cells.get('dossier_title');
  const kind = cells.get('kind');
  if (kind !== undefined) {
    if (!(kinds as readonly string[]).includes(kind)) add(row, 'kind', `expected "component" or "result" but received ${quote(kind)}`);
    else if (agree(dossier.seen, 'kind', kind, row, 'dossier', add)) dossier.kind = kind as DossierKind;
  }
  for (const [key, value] of dossierMeta) if (agree(dossier.seen, `dossier.${key}`, value, row, 'dossier', add)) dossier.metadata[key] = value;

  const documentId = cells.get('document_id');
  let documentIdOk = true;
  if (documentId !== undefined) {
    const bad = checkId(documentId);
    if (bad) add(row, 'document_id', bad);
    documentIdOk = bad === undefined;
  }
  const document = findOrAddDocument(dossier, documentId, cells.get('document_title'), row, documentIdOk);
  if (agree(document.seen, 'document_title', cells.get('document_title'), row, 'document', add)) document.title = cells.get('document_title');
  for (const [key, value] of documentMeta) if (agree(document.seen, `document.${key}`, value, row, 'document', add)) document.metadata[key] = value;

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

/** Rows join a dossier by id when they give one, else by code; a dossier first seen by code can gain its id later. */
function findOrAddDossier(groups: CsvDossierGroup[], id: string | undefined, code: string | undefined, row: number, idOk: boolean): CsvDossierGroup {
  const found =
    (id !== undefined ? groups.find((g) => g.seen.get('dossier_id')?.value === id) : undefined) ??
    (code !== undefined ? groups.find((g) => g.code === code && (id === undefined || !g.seen.has('dossier_id'))) : undefined) ??
    (id === undefined && code === undefined ? groups[0] : undefined);
  if (found) {
    if (id !== undefined && idOk && found.id === undefined) found.id = id;
    return found;
  }
  const group: CsvDossierGroup = {
    ...(id !== undefined && idOk && { id }),
    ...(code !== undefined && { code }),
    kind: 'component',
    metadata: {},
    documents: [],
    where: `row ${row}`,
    row,
    idField: id !== undefined ? 'dossier_id' : 'dossier_code',
    codeField: 'dossier_code',
    seen: new Map(),
    byDocument: new Map(),
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
  };
  dossier.byDocument.set(key, document);
  dossier.documents.push(document);
  return document;
}

/** Records a value given for a dossier/document attribute; false (and a problem naming both rows) if rows disagree. */
function agree(
  seen: Map<string, { value: string; row: number }>,
  field: string,
  value: string | undefined,
  row: number,
  owner: 'dossier' | 'document',
  add: (row: number, field: string, message: string) => void,
): boolean {
  if (value === undefined) return false;
  const earlier = seen.get(field);
  if (earlier === undefined) {
    seen.set(field, { value, row });
    return true;
  }
  if (earlier.value === value) return false;
  const message = `expected the same value as row ${earlier.row} for this ${owner} (${quote(earlier.value)}) but received ${quote(value)}`;
  add(row, field, `${message}; make the rows agree or leave the cell empty`);
  return false;
}

/** Picks the parser by file name (`manifest.json` or `manifest.csv`, any case). */
export function parseManifest(manifestFile: string, text: string): ManifestPlan {
  return manifestFile.toLowerCase().endsWith('.csv') ? parseManifestCsv(text, manifestFile) : parseManifestJson(text, manifestFile);
}

// ---------------------------------------------------------------------------------------------------------------
// No manifest: the folder layout is the plan.

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
