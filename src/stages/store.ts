// Store stage: publishes a document's outputs, then its record; the dossier record goes last as the commit marker.
import { createHash } from 'node:crypto';
import type { ObjectStore, StoredObject } from '../storage/object-store.ts';
import { objectKeys } from '../storage/keys.ts';
import { dossierRecordSchema, type DocumentRecord, type DossierRecord, type OutputRecord } from '../domain/record.ts';

export const contentTypes = {
  pdf: 'application/pdf',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
} as const;

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

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
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

/** Writes the PDF and text first and the document record after, so the record only names objects that exist. */
export async function storeDocument(
  store: ObjectStore,
  keys: { batchId: string; dossierId: string; documentId: string },
  outputs: { pdf: Uint8Array; text: string },
  record: Omit<DocumentRecord, 'outputs'>,
  lock?: ObjectLock,
): Promise<{ record: OutputRecord; outputs: OutputRecord[] }> {
  const { batchId, dossierId, documentId } = keys;
  const metadata = objectMetadata(keys, record);
  const pdf = await store.put(objectKeys.document(batchId, dossierId, documentId, 'pdf'), outputs.pdf, { contentType: contentTypes.pdf, metadata, ...lockOptions(lock) });
  const text = await store.put(objectKeys.document(batchId, dossierId, documentId, 'txt'), new TextEncoder().encode(outputs.text), {
    contentType: contentTypes.txt,
    metadata,
    ...lockOptions(lock),
  });
  const published = [toOutput(pdf), toOutput(text)];
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
