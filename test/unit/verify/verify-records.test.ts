import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documentRecordSchema, dossierRecordSchema, type DocumentRecord, type DossierRecord } from '../../../src/domain/record.ts';
import { originalKeys, sha256Hex, storeDocument, storeDossierRecord } from '../../../src/stages/store.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { keyOffset, verifyRecords } from '../../../src/verify/verify-records.ts';

let root: string;
/** Input files, outside the store. */
let batchDir: string;
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
  batchDir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-verify-batch-'));
  store = new LocalObjectStore(root);
  await writeDossier('HS-001');
  await writeDossier('HS-002');
  await store.put('B/report.json', new Uint8Array([123, 125]), { contentType: 'application/json' });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(batchDir, { recursive: true, force: true });
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

  it('keeps an original unchanged beside its document, and catches a kept original that was swapped', async () => {
    const input = path.join(batchDir, 'scan.pdf');
    const bytes = new TextEncoder().encode('%PDF-1.7 signed original\n%%EOF\n');
    await writeFile(input, bytes);
    const sha256 = sha256Hex(bytes);
    const ids = { batchId: 'B', dossierId: 'HS-009', documentId: 'CV-1' };
    const [key] = originalKeys(ids, ['HS-009/scan.pdf']);
    expect(key).toBe('B/HS-009/CV-1.original.pdf');
    expect(originalKeys(ids, ['a.TIF', 'b.jpeg', 'c'])).toEqual(['B/HS-009/CV-1.original-1.tif', 'B/HS-009/CV-1.original-2.jpeg', 'B/HS-009/CV-1.original-3.bin']);
    const base: Omit<DocumentRecord, 'outputs'> = {
      schema: documentRecordSchema, ...ids, metadata: {}, conflicts: [], qrCodes: [], sources: [{ file: 'HS-009/scan.pdf', sha256, sizeBytes: bytes.length, storedAs: key! }], pageCount: 1, pages: [],
      meanConfidence: 90, provenance, warnings: [], createdAt: '2024-03-05T00:00:00Z',
    };
    const stored = await storeDocument(store, ids, { pdf: new Uint8Array([37, 80, 68, 70]), text: 'x\n', originals: [{ file: 'HS-009/scan.pdf', path: input, key: key!, sha256 }] }, base);
    expect(stored.outputs.map((o) => [o.key, o.contentType])).toEqual([
      ['B/HS-009/CV-1.original.pdf', 'application/pdf'],
      ['B/HS-009/CV-1.pdf', 'application/pdf'],
      ['B/HS-009/CV-1.txt', 'text/plain; charset=utf-8'],
    ]);
    expect(Buffer.from((await store.get(key!))!)).toEqual(Buffer.from(bytes));
    expect(stored.outputs[0]!.sha256).toBe(sha256);
    const record: DossierRecord = {
      schema: dossierRecordSchema, ...ids, kind: 'component', metadata: {}, conflicts: [], exports: [], fingerprint: 'f', provenance, createdAt: '2024-03-05T00:00:00Z',
      documents: [{ documentId: 'CV-1', status: 'done', pageCount: 1, record: stored.record, outputs: stored.outputs, errors: [] }],
    };
    await storeDossierRecord(store, record);
    expect((await verifyRecords(store)).problems).toEqual([]);
    await store.put(key!, new TextEncoder().encode('%PDF-1.7 another file\n%%EOF\n'), { contentType: 'application/pdf' });
    expect((await verifyRecords(store)).problems.map((p) => [p.kind, p.key])).toEqual([['corrupt', key]]);
  });

  it('fails a document whose input changed after it was planned, rather than vouch for it', async () => {
    const input = path.join(batchDir, 'changed.png');
    await writeFile(input, 'after');
    const ids = { batchId: 'B', dossierId: 'HS-010', documentId: 'D' };
    const base = { schema: documentRecordSchema, ...ids, metadata: {}, conflicts: [], qrCodes: [], sources: [], pageCount: 0, pages: [], meanConfidence: 0, provenance, warnings: [], createdAt: '2024-03-05T00:00:00Z' } satisfies Omit<DocumentRecord, 'outputs'>;
    const err = await storeDocument(store, ids, { pdf: new Uint8Array(1), text: '', originals: [{ file: 'changed.png', path: input, key: 'B/HS-010/D.original.png', sha256: sha256Hex('before') }] }, base).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FILE_CHANGED', location: { file: 'changed.png' } });
    expect(await store.get('B/HS-010/D.json')).toBeUndefined();
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
