// Reads manifest.json into a plan, collecting every mistake with its JSON path, field and value.
import type { DossierKind } from '../batch.ts';
import { checkDossierCode } from '../metadata/identifiers.ts';
import { fieldSpec } from '../metadata/fields.ts';
import type { FieldLevel } from '../metadata/fields.ts';
import { checkFilePath, checkPageList, parsePageSelection } from './check-file-path.ts';
import { checkId, finishPlan, kinds } from './finish-plan.ts';
import type { DraftDocument, DraftDossier, DraftSource, ManifestPlan } from './finish-plan.ts';
import { locateJsonError } from './locate-json-error.ts';
import { describeJson, joinPath, unknownKeyMessage } from './manifest-error.ts';
import type { ManifestProblem } from './manifest-error.ts';
import { checkGiven, checkGivenTogether, expectedMessage, keepGiven, showGiven } from './manifest-metadata.ts';
import type { GivenMetadata, MetadataReport } from './manifest-metadata.ts';

const topKeys = ['$schema', 'batchId', 'dossiers', 'stacks'] as const;
const dossierKeys = ['id', 'code', 'title', 'kind', 'metadata', 'documents'] as const;
const documentKeys = ['id', 'title', 'metadata', 'files'] as const;
const fileKeys = ['file', 'pages'] as const;

/** The keys manifest.json allows at each level; the JSON Schema for editors is tested against these. */
export const manifestJsonKeys = { top: topKeys, dossier: dossierKeys, document: documentKeys, file: fileKeys } as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses manifest.json text; never throws for the user's mistakes, which come back as `problems`. */
export function parseManifestJson(text: string, manifestFile = 'manifest.json'): ManifestPlan {
  const problems: ManifestProblem[] = [];
  const report: MetadataReport = { problems, notes: [] };
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
  const stacks = readJsonStacks(root['stacks'], add);
  const drafts: DraftDossier[] = [];
  const list = root['dossiers'];
  if (stacks.length > 0 && (list === undefined || (Array.isArray(list) && list.length === 0))) {
    // A manifest may name only stacks: the split stage makes every dossier.
  } else if (!Array.isArray(list) || list.length === 0) {
    add('', 'dossiers', `expected a non-empty array of dossiers (or "stacks": files to split) but received ${describeJson(list)}`);
  } else {
    list.forEach((item, i) => {
      const draft = readJsonDossier(item, `dossiers[${i}]`, add, report);
      if (draft) drafts.push(draft);
    });
  }
  const plan = finishPlan(manifestFile, batchId, drafts, problems, report.notes);
  if (stacks.length === 0) return plan;
  const inDocuments = new Set(plan.references.map((r) => r.file.toLowerCase()));
  for (const stack of stacks) {
    if (inDocuments.has(stack.file.toLowerCase())) add(stack.where, stack.field, `${stack.file} is both a stack to split and a file of a document; name it in one place only`);
  }
  return { ...plan, stacks: stacks.map((s) => s.file), references: [...plan.references, ...stacks] };
}

/** `"stacks": ["scan/stack-01.pdf", …]`: files the split stage cuts into dossiers (see stages/split-stacks.ts). */
function readJsonStacks(value: unknown, add: Add): DraftSource[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    add('', 'stacks', `expected a non-empty array of file paths like ["stack-01.pdf"] but received ${describeJson(value)}`);
    return [];
  }
  const seen = new Set<string>();
  return value.flatMap((file: string, i) => {
    const source = jsonSource(file, undefined, '', `stacks[${i}]`, add);
    if (!source) return [];
    if (seen.has(source.file.toLowerCase())) {
      add('', `stacks[${i}]`, `${source.file} is named twice in stacks`);
      return [];
    }
    seen.add(source.file.toLowerCase());
    return [source];
  });
}

type Add = (where: string, field: string, message: string) => void;

function readJsonDossier(value: unknown, where: string, add: Add, report: MetadataReport): DraftDossier | undefined {
  if (!isObject(value)) {
    add(where, '', `expected a dossier object like {"code": "...", "documents": [...]} but received ${describeJson(value)}`);
    return undefined;
  }
  checkKeys(value, dossierKeys, where, add);
  const id = optionalId(value, where, add);
  const code = optionalCode(value, where, add);
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
      const doc = readJsonDocument(item, `${where}.documents[${j}]`, add, report);
      if (doc) documents.push(doc);
    });
  }
  return {
    ...(id !== undefined && { id }),
    ...(code !== undefined && { code }),
    ...(title !== undefined && { title }),
    kind,
    metadata: readJsonMetadata(value['metadata'], where, 'dossier', add, report),
    documents,
    where,
    idField: 'id',
    codeField: 'code',
  };
}

function readJsonDocument(value: unknown, where: string, add: Add, report: MetadataReport): DraftDocument | undefined {
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
    metadata: readJsonMetadata(value['metadata'], where, 'document', add, report),
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

/**
 * Reads a metadata object: each value is checked and stored normalised; an empty text counts as not given,
 * as an empty CSV cell does. Values that depend on each other are checked once all are read.
 */
function readJsonMetadata(value: unknown, where: string, level: FieldLevel, add: Add, report: MetadataReport): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (value === undefined) return metadata;
  if (!isObject(value)) {
    add(where, 'metadata', `expected an object of text values like {"procedureCode": "1.000466"} but received ${describeJson(value)}`);
    return metadata;
  }
  const sources = new Map<string, GivenMetadata>();
  for (const [rawKey, item] of Object.entries(value)) {
    const key = rawKey.normalize('NFC');
    let text: string;
    if (typeof item === 'string') text = item.normalize('NFC').trim();
    else if (typeof item === 'number' && fieldSpec(level, key)?.personal) {
      // 001099012345 written as a number is 1099012345, which reads as a valid tax code: refuse rather than guess.
      add(`${where}.metadata`, key, `expected the value as text in double quotes, since a number loses its leading zeros, but received a number`);
      continue;
    } else if (typeof item === 'number' && Number.isFinite(item)) text = String(item);
    else {
      add(`${where}.metadata`, key, `expected a text value (or a number) but received ${describeJson(item)}`);
      continue;
    }
    if (text.length === 0) continue;
    const describe = (shown: string) => describeJson(shown === text ? item : shown);
    const given: GivenMetadata = { key, text, at: { where: `${where}.metadata` }, field: key, shown: showGiven(level, key, text, describe) };
    const checked = checkGiven(level, given, report);
    if (checked) keepGiven(metadata, sources, given, checked, report);
  }
  checkGivenTogether(level, metadata, sources, report);
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

/** The dossier code, checked (agency identifier, a real date, a sequence number) and stored normalised. */
function optionalCode(value: JsonObject, where: string, add: Add): string | undefined {
  const code = optionalString(value, 'code', where, add);
  if (code === undefined) return undefined;
  const checked = checkDossierCode(code);
  if ('value' in checked) return checked.value;
  add(where, 'code', expectedMessage(checked, describeJson(value['code'])));
  return code;
}

function optionalId(value: JsonObject, where: string, add: Add): string | undefined {
  const id = optionalString(value, 'id', where, add);
  if (id === undefined) return undefined;
  const bad = checkId(id);
  if (bad) add(where, 'id', bad);
  return bad ? undefined : id;
}
