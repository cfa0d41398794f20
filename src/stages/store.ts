// Store stage: publishes a document's outputs, then its record; the dossier record goes last as the commit marker.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../domain/errors.ts';
import type { ObjectStore, StoredObject } from '../storage/object-store.ts';
import { objectKeys } from '../storage/keys.ts';
import { contentTypes, encodeJson } from '../storage/stored-json.ts';
import { dossierRecordSchema, type DocumentRecord, type DossierRecord, type OutputRecord } from '../domain/record.ts';
import { z } from 'zod';
import { bool } from '../common/validation.ts';
import type { Stage } from './stage.ts';

export const storeOptions = z
  .object({
    keepOriginals: bool().default(true).describe('Keep every input file unchanged beside its document (for a signed PDF, the legally valid copy); `sohoa verify` checks them'),
  })
  .strict();

export type StoreOptions = z.output<typeof storeOptions>;


const originalTypes: Record<string, string> = {
  pdf: 'application/pdf',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** An input file to keep as it is: where it is on disk, where it goes, and the SHA-256 it had when planned. */
export interface OriginalFile {
  file: string;
  path: string;
  key: string;
  sha256: string;
}

/**
 * Where a document's input files are kept: `<documentId>.original.<ext>`, numbered `-1`, `-2`… when the document
 * is made of several files. The extension is the file's own when it is a plain one, else `bin`.
 */
export function originalKeys(keys: { batchId: string; dossierId: string; documentId: string }, files: readonly string[]): string[] {
  return files.map((file, i) => {
    const extension = /\.([A-Za-z0-9]{1,8})$/u.exec(file)?.[1]?.toLowerCase() ?? 'bin';
    return objectKeys.original(keys.batchId, keys.dossierId, keys.documentId, extension, files.length > 1 ? i + 1 : undefined);
  });
}

function originalType(key: string): string {
  return originalTypes[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** Object-lock settings for every object of a dossier, when the operator asked for them. */
export interface ObjectLock {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  retainUntil: Date;
}

function lockOptions(lock: ObjectLock | undefined): { lockMode?: ObjectLock['mode']; retainUntil?: Date } {
  return lock ? { lockMode: lock.mode, retainUntil: lock.retainUntil } : {};
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function toOutput(stored: StoredObject): OutputRecord {
  return { key: stored.key, contentType: stored.contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256 };
}

/**
 * Key identifiers travel as object metadata too, so a store's own search and lifecycle rules can use them
 * (values may be Vietnamese; the S3 adapter encodes them for the wire). Personal data never goes here.
 */
export function objectMetadata(keys: { batchId: string; dossierId: string; documentId: string }, record: Pick<DocumentRecord, 'metadata'>): Record<string, string> {
  const picked: Record<string, string> = { batchId: keys.batchId, dossierId: keys.dossierId, documentId: keys.documentId };
  for (const field of ['documentType', 'number', 'symbol', 'issueDate', 'code', 'procedureCode'] as const) {
    const value = record.metadata[field]?.value;
    if (value) picked[field === 'code' ? 'dossierCode' : field] = value;
  }
  // Titles stay in the JSON record: S3 allows 2 KiB of metadata per object, and a title can be long.
  return picked;
}

/**
 * Writes the originals, the PDF and the text first and the document record after, so the record only names
 * objects that exist. An original whose bytes are no longer those planned (changed during the run) fails the
 * document: its record would otherwise vouch for a file it was not made from.
 */
export async function storeDocument(
  store: ObjectStore,
  keys: { batchId: string; dossierId: string; documentId: string },
  outputs: { pdf: Uint8Array; text: string; originals?: readonly OriginalFile[] },
  record: Omit<DocumentRecord, 'outputs'>,
  lock?: ObjectLock,
): Promise<{ record: OutputRecord; outputs: OutputRecord[] }> {
  const { batchId, dossierId, documentId } = keys;
  const metadata = objectMetadata(keys, record);
  const originals: OutputRecord[] = [];
  for (const original of outputs.originals ?? []) {
    const bytes = await readFile(original.path);
    if (sha256Hex(bytes) !== original.sha256) {
      throw new InputError('FILE_CHANGED', `"${original.file}" changed while the batch was being processed; leave the batch's files as they are during a run, then run it again`, { file: original.file });
    }
    originals.push(toOutput(await store.put(original.key, bytes, { contentType: originalType(original.key), metadata, ...lockOptions(lock) })));
  }
  const pdf = await store.put(objectKeys.document(batchId, dossierId, documentId, 'pdf'), outputs.pdf, { contentType: contentTypes.pdf, metadata, ...lockOptions(lock) });
  const text = await store.put(objectKeys.document(batchId, dossierId, documentId, 'txt'), new TextEncoder().encode(outputs.text), {
    contentType: contentTypes.txt,
    metadata,
    ...lockOptions(lock),
  });
  const published = [...originals, toOutput(pdf), toOutput(text)];
  const full: DocumentRecord = { ...record, outputs: published };
  const json = await store.put(objectKeys.document(batchId, dossierId, documentId, 'json'), encodeJson(full), { contentType: contentTypes.json, metadata, ...lockOptions(lock) });
  return { record: toOutput(json), outputs: published };
}

/** The dossier's XML export, written before the dossier record so the record only names objects that exist. */
export async function storeDossierExport(store: ObjectStore, batchId: string, dossierId: string, xml: string, lock?: ObjectLock): Promise<OutputRecord> {
  const stored = await store.put(objectKeys.dossierXml(batchId, dossierId), new TextEncoder().encode(xml), {
    contentType: contentTypes.xml,
    metadata: { batchId, dossierId },
    ...lockOptions(lock),
  });
  return toOutput(stored);
}

export async function readDossierRecord(store: ObjectStore, batchId: string, dossierId: string): Promise<DossierRecord | undefined> {
  const bytes = await store.get(objectKeys.dossierRecord(batchId, dossierId));
  if (!bytes) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as DossierRecord;
    return parsed.schema === dossierRecordSchema ? parsed : undefined;
  } catch {
    // An unreadable record is treated as absent: the dossier is redone and the record rewritten.
    return undefined;
  }
}

/** The commit marker: written after every other object of the dossier. */
export async function storeDossierRecord(store: ObjectStore, record: DossierRecord, lock?: ObjectLock): Promise<OutputRecord> {
  const stored = await store.put(objectKeys.dossierRecord(record.batchId, record.dossierId), encodeJson(record), {
    contentType: contentTypes.json,
    metadata: { batchId: record.batchId, dossierId: record.dossierId, ...(record.code ? { dossierCode: record.code } : {}) },
    ...lockOptions(lock),
  });
  return toOutput(stored);
}

/** Removes objects under the dossier's prefix that the new record does not name (leftovers of an older run). */
export async function removeStrayObjects(store: ObjectStore, record: DossierRecord): Promise<string[]> {
  const keep = new Set<string>([objectKeys.dossierRecord(record.batchId, record.dossierId), ...(record.exports ?? []).map((e) => e.key)]);
  for (const doc of record.documents) {
    if (doc.record) keep.add(doc.record.key);
    for (const output of doc.outputs) keep.add(output.key);
  }
  const stray: string[] = [];
  for await (const object of store.list(objectKeys.dossierPrefix(record.batchId, record.dossierId))) {
    if (!keep.has(object.key)) stray.push(object.key);
  }
  if (stray.length > 0) await store.delete(stray);
  return stray;
}

/** What the store stage writes: a document's outputs and its record, under the document's keys. */
export interface StoreInput {
  ids: { batchId: string; dossierId: string; documentId: string };
  outputs: { pdf: Uint8Array; text: string; originals?: readonly OriginalFile[] };
  record: Omit<DocumentRecord, 'outputs'>;
  lock?: ObjectLock;
}

export const storeStage: Stage<'store', typeof storeOptions, StoreInput, { record: OutputRecord; outputs: OutputRecord[] }> = {
  name: 'store',
  description: "Writes a document's originals, PDF, text and record to the object store, the record last",
  options: storeOptions,
  run: (input, ctx) => storeDocument(ctx.store, input.ids, input.outputs, input.record, input.lock),
};
