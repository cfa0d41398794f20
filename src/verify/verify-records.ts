// Verify: re-reads every object a batch's records name and checks it is there, whole and unchanged.
import { createHash } from 'node:crypto';
import { dossierRecordSchema, type DocumentRecord, type DossierRecord, type OutputRecord } from '../domain/record.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { watchPrefix } from '../storage/keys.ts';

export type VerifyProblemKind = 'missing' | 'corrupt' | 'extra' | 'incomplete' | 'unreadable-record';

export interface VerifyProblem {
  kind: VerifyProblemKind;
  key: string;
  /** What was expected and what was found, for a person. */
  detail: string;
}

export interface VerifyResult {
  dossiers: number;
  objectsChecked: number;
  bytesChecked: number;
  problems: VerifyProblem[];
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function folderOf(key: string): string {
  return key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
}

/** The batch report sits beside the dossier folders and is named by no record. */
/** The batch report (report.json and its readable report.html) sits beside the dossier folders, named by no record. */
function isBatchReport(key: string, dossierFolders: ReadonlySet<string>): boolean {
  const name = key.slice(folderOf(key).length);
  return (name === 'report.json' || name === 'report.html') && !dossierFolders.has(folderOf(key));
}

/**
 * The records name keys from the store root they were written to; verify may be pointed at that root, at a
 * batch folder or at a dossier folder. The offset is what the record's own key has in front of where it was found.
 */
export function keyOffset(foundKey: string, recordedKey: string): string | undefined {
  if (foundKey === recordedKey) return '';
  return recordedKey.endsWith(`/${foundKey}`) ? recordedKey.slice(0, recordedKey.length - foundKey.length) : undefined;
}

function parseJson<T>(bytes: Uint8Array): T | undefined {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

async function checkObject(store: ObjectStore, key: string, expected: Pick<OutputRecord, 'sizeBytes' | 'sha256'>, result: VerifyResult): Promise<Uint8Array | undefined> {
  const body = await store.get(key);
  if (!body) {
    result.problems.push({ kind: 'missing', key, detail: `named by the records (${expected.sizeBytes} bytes) but not in the store` });
    return undefined;
  }
  result.objectsChecked++;
  result.bytesChecked += body.byteLength;
  const sha256 = sha256Hex(body);
  if (body.byteLength !== expected.sizeBytes || sha256 !== expected.sha256) {
    result.problems.push({
      kind: 'corrupt',
      key,
      detail: `expected ${expected.sizeBytes} bytes with SHA-256 ${expected.sha256} but found ${body.byteLength} bytes with SHA-256 ${sha256}`,
    });
    return undefined;
  }
  return body;
}

/** Checks every dossier under the store's root (a store root, a batch folder or one dossier folder). */
export async function verifyRecords(store: ObjectStore): Promise<VerifyResult> {
  const result: VerifyResult = { dossiers: 0, objectsChecked: 0, bytesChecked: 0, problems: [] };
  const present = new Map<string, number>();
  for await (const object of store.list('')) present.set(object.key, object.sizeBytes);
  const named = new Set<string>();
  const dossierFolders = new Set<string>();

  for (const key of present.keys()) {
    if (key.slice(folderOf(key).length) !== 'dossier.json') continue;
    dossierFolders.add(folderOf(key));
    named.add(key);
    const bytes = await store.get(key);
    result.objectsChecked++;
    const record = bytes ? parseJson<DossierRecord>(bytes) : undefined;
    if (!record || record.schema !== dossierRecordSchema) {
      result.problems.push({ kind: 'unreadable-record', key, detail: 'not a sohoa dossier record (unreadable JSON or another schema)' });
      continue;
    }
    result.dossiers++;
    const offset = keyOffset(key, `${record.batchId}/${record.dossierId}/dossier.json`);
    if (offset === undefined) {
      result.problems.push({ kind: 'unreadable-record', key, detail: `names batch ${record.batchId} and dossier ${record.dossierId}, which do not match where it is stored` });
      continue;
    }
    const local = (recorded: string) => (recorded.startsWith(offset) ? recorded.slice(offset.length) : recorded);
    for (const exported of record.exports ?? []) {
      named.add(local(exported.key));
      await checkObject(store, local(exported.key), exported, result);
    }
    for (const doc of record.documents) {
      if (!doc.record) continue;
      const recordKey = local(doc.record.key);
      named.add(recordKey);
      const recordBytes = await checkObject(store, recordKey, doc.record, result);
      for (const output of doc.outputs) {
        const outputKey = local(output.key);
        named.add(outputKey);
        await checkObject(store, outputKey, output, result);
      }
      // The document record repeats the output checksums; a record that disagrees with the dossier is corrupt too.
      const documentRecord = recordBytes ? parseJson<DocumentRecord>(recordBytes) : undefined;
      if (recordBytes && !documentRecord) result.problems.push({ kind: 'unreadable-record', key: recordKey, detail: 'document record is not valid JSON' });
      for (const output of documentRecord?.outputs ?? []) {
        const listed = doc.outputs.find((o) => o.key === output.key);
        if (!listed || listed.sha256 !== output.sha256) {
          result.problems.push({ kind: 'corrupt', key: recordKey, detail: `lists ${output.key} with SHA-256 ${output.sha256}, which dossier.json does not` });
        }
      }
      // A kept original must be the very input the record was made from.
      for (const source of documentRecord?.sources ?? []) {
        if (!source.storedAs) continue;
        const kept = doc.outputs.find((o) => o.key === source.storedAs);
        if (!kept) result.problems.push({ kind: 'missing', key: source.storedAs, detail: `the original of ${source.file}, named by ${recordKey}, is not among the dossier's outputs` });
        else if (kept.sha256 !== source.sha256) {
          result.problems.push({ kind: 'corrupt', key: source.storedAs, detail: `kept as the original of ${source.file} (SHA-256 ${source.sha256}) but stored with SHA-256 ${kept.sha256}` });
        }
      }
    }
  }

  for (const key of present.keys()) {
    if (named.has(key) || isBatchReport(key, dossierFolders) || key.startsWith(watchPrefix)) continue;
    if (dossierFolders.has(folderOf(key))) {
      result.problems.push({ kind: 'extra', key, detail: 'in a dossier folder but named by no record' });
    } else {
      result.problems.push({ kind: 'incomplete', key, detail: 'in a folder without dossier.json: an interrupted dossier that a re-run will redo' });
    }
  }
  result.problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return result;
}
