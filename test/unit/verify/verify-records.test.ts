import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentRecordSchema, dossierRecordSchema, type DocumentRecord, type DossierRecord } from '../../../src/domain/record.ts';
import { storeDocument, storeDossierRecord } from '../../../src/stages/store.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { keyOffset, verifyRecords } from '../../../src/verify/verify-records.ts';

let root: string;
let store: LocalObjectStore;

const provenance = { software: { name: 'sohoa' as const, version: '0.1.0' }, pipeline: { name: 'dossier', sha256: 'p' }, ocr: { engine: 'e', engineVersion: '1', languages: ['vie'], model: 'm' } };

async function writeDossier(dossierId: string): Promise<void> {
  const base: Omit<DocumentRecord, 'outputs'> = {
    schema: documentRecordSchema, batchId: 'B', dossierId, documentId: 'QD-15', metadata: { documentType: { value: 'Quyết định', source: 'manifest' } }, conflicts: [], qrCodes: [], sources: [], pageCount: 1, pages: [],
    meanConfidence: 90, provenance, warnings: [], createdAt: '2024-03-05T00:00:00Z',
  };
  const stored = await storeDocument(store, { batchId: 'B', dossierId, documentId: 'QD-15' }, { pdf: new Uint8Array([37, 80, 68, 70]), text: 'Độc lập\n' }, base);
  const record: DossierRecord = {
    schema: dossierRecordSchema, batchId: 'B', dossierId, kind: 'component', metadata: {}, conflicts: [], exports: [], fingerprint: 'f', provenance, createdAt: '2024-03-05T00:00:00Z',
    documents: [{ documentId: 'QD-15', status: 'done', pageCount: 1, record: stored.record, outputs: stored.outputs, errors: [] }],
  };
  await storeDossierRecord(store, record);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sohoa-verify-'));
  store = new LocalObjectStore(root);
  await writeDossier('HS-001');
  await writeDossier('HS-002');
  await store.put('B/report.json', new Uint8Array([123, 125]), { contentType: 'application/json' });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('verifyRecords', () => {
  it('passes an intact store from its root, a batch folder or a dossier folder', async () => {
    expect(await verifyRecords(store)).toMatchObject({ dossiers: 2, objectsChecked: 8, problems: [] });
    expect(await verifyRecords(new LocalObjectStore(path.join(root, 'B')))).toMatchObject({ dossiers: 2, problems: [] });
    expect(await verifyRecords(new LocalObjectStore(path.join(root, 'B', 'HS-002')))).toMatchObject({ dossiers: 1, objectsChecked: 4, problems: [] });
  });

  it('names each missing, corrupt, extra and incomplete object', async () => {
    await store.delete(['B/HS-001/QD-15.pdf']);
    await store.put('B/HS-002/QD-15.txt', new TextEncoder().encode('Độc lập!\n'), { contentType: 'text/plain' });
    await store.put('B/HS-002/stray.pdf', new Uint8Array([1]), { contentType: 'application/pdf' });
    await store.put('B/HS-003/QD-01.pdf', new Uint8Array([1]), { contentType: 'application/pdf' });
    const result = await verifyRecords(store);
    expect(result.problems.map((p) => [p.kind, p.key])).toEqual([
      ['missing', 'B/HS-001/QD-15.pdf'],
      ['corrupt', 'B/HS-002/QD-15.txt'],
      ['extra', 'B/HS-002/stray.pdf'],
      ['incomplete', 'B/HS-003/QD-01.pdf'],
    ]);
    expect(result.problems[1]!.detail).toMatch(/expected 13 bytes with SHA-256 [0-9a-f]{64} but found 14 bytes/);
  });

  it('flags a dossier record that is not JSON', async () => {
    await store.put('B/HS-001/dossier.json', new TextEncoder().encode('{ broken'), { contentType: 'application/json' });
    const result = await verifyRecords(store);
    expect(result.problems.some((p) => p.kind === 'unreadable-record' && p.key === 'B/HS-001/dossier.json')).toBe(true);
  });

  it('works out where the records were written from where they are found', () => {
    expect(keyOffset('HS-001/dossier.json', 'B/HS-001/dossier.json')).toBe('B/');
    expect(keyOffset('B/HS-001/dossier.json', 'B/HS-001/dossier.json')).toBe('');
    expect(keyOffset('X/dossier.json', 'B/HS-001/dossier.json')).toBeUndefined();
  });
});
