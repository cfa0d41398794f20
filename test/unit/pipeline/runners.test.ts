// The batch, dossier, document and page runners with test doubles: an OCR engine that returns given words and a store in memory.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../../src/domain/errors.ts';
import { silentLogger } from '../../../src/log.ts';
import { loadPipeline } from '../../../src/pipeline/pipeline-file.ts';
import { runBatch, type BatchRunContext } from '../../../src/pipeline/run-batch.ts';
import { loadBatch } from '../../../src/stages/ingest.ts';
import { objectKeys } from '../../../src/storage/keys.ts';
import { MemoryObjectStore } from '../../doubles/memory-object-store.ts';
import { ScriptedOcrEngine, wordsOf } from '../../doubles/scripted-ocr-engine.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sohoa-runners-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A batch folder: one dossier, a readable page for each name in `good`, and files that are no image for `bad`. */
async function batchFolder(name: string, good: readonly string[], bad: readonly string[] = []): Promise<string> {
  const folder = path.join(root, name);
  await mkdir(path.join(folder, 'HS-01'), { recursive: true });
  const png = await sharp({ create: { width: 620, height: 877, channels: 3, background: '#fff' } })
    .composite([{ input: { create: { width: 300, height: 20, channels: 3, background: '#000' } }, left: 100, top: 120 }])
    .withMetadata({ density: 75 })
    .png()
    .toBuffer();
  for (const file of good) await writeFile(path.join(folder, 'HS-01', file), png);
  for (const file of bad) await writeFile(path.join(folder, 'HS-01', file), 'not an image');
  return folder;
}

async function context(store: MemoryObjectStore, ocr = new ScriptedOcrEngine()): Promise<BatchRunContext> {
  const pipeline = await loadPipeline('dossier');
  return { store, ocr, workDir: path.join(root, 'work'), log: silentLogger, pipelineFor: () => pipeline, softwareVersion: 'test', pageConcurrency: 2, force: false };
}

async function run(folder: string, store: MemoryObjectStore, ocr?: ScriptedOcrEngine) {
  const { batch } = await loadBatch(folder);
  return { batch, report: await runBatch(batch, await context(store, ocr)) };
}

describe('the runners', () => {
  it('fail only the document with a bad page, name its file and reason, and publish the dossier with the rest', async () => {
    const store = new MemoryObjectStore();
    const ocr = new ScriptedOcrEngine(() => wordsOf(['ỦY BAN NHÂN DÂN', 'Trang một']));
    const { batch, report } = await run(await batchFolder('bad-page', ['cv-01.png'], ['cv-02.png']), store, ocr);
    const documents = report.dossiers[0]?.documents ?? [];
    expect(documents.map((d) => [d.documentId, d.status])).toEqual([
      ['cv-01', 'done'],
      ['cv-02', 'failed'],
    ]);
    const failed = documents.find((d) => d.status === 'failed');
    expect(failed?.pages[0]).toMatchObject({ file: 'HS-01/cv-02.png', status: 'failed', error: { kind: 'input' } });
    expect(report.totals).toMatchObject({ pagesDone: 1, pagesFailed: 1, documentsFailed: 1 });
    expect(ocr.calls).toBe(1);
    expect(await store.exists(objectKeys.document(batch.id, 'HS-01', 'cv-01', 'pdf'))).toBe(true);
    expect(await store.exists(objectKeys.document(batch.id, 'HS-01', 'cv-02', 'pdf'))).toBe(false);
    expect(await store.exists(objectKeys.dossierRecord(batch.id, 'HS-01'))).toBe(true);
    expect(await store.exists(objectKeys.batchReport(batch.id))).toBe(true);
  });

  it('skip a dossier already complete with the same inputs, writing nothing, and remove stray objects of a complete one', async () => {
    const folder = await batchFolder('skip', ['cv-01.png']);
    const store = new MemoryObjectStore();
    const { batch } = await run(folder, store);
    // A run killed after dossier.json but before it cleaned up leaves an object no record names.
    const stray = `${objectKeys.dossierPrefix(batch.id, 'HS-01')}CV-OLD.pdf`;
    await store.put(stray, new Uint8Array([1]), { contentType: 'application/pdf' });
    store.puts = [];
    const ocr = new ScriptedOcrEngine();
    const again = await run(folder, store, ocr);
    expect(again.report.dossiers[0]?.status).toBe('skipped');
    expect(ocr.calls).toBe(0);
    expect(store.puts).toEqual([]);
    expect(await store.exists(stray)).toBe(false);
  });

  it('publish no dossier record when a document cannot be stored, and say why', async () => {
    const store = new MemoryObjectStore();
    store.failPut = (key) => (key.endsWith('cv-01.pdf') ? new TransientError('STORE_WRITE_FAILED', `could not write ${key}: the store refused it`, {}) : undefined);
    const folder = await batchFolder('unstorable', ['cv-01.png']);
    const { batch } = await loadBatch(folder);
    // A store fault is no fault of the input: the run stops (exit 4) and the next run redoes the dossier.
    await expect(runBatch(batch, await context(store))).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED', retryable: true, message: expect.stringMatching(/the store refused it/) });
    expect(await store.exists(objectKeys.dossierRecord(batch.id, 'HS-01'))).toBe(false);
  });

  it('start no dossier after one fails for a store fault, though two run at once', async () => {
    const folder = path.join(root, 'outage');
    const png = await sharp({ create: { width: 620, height: 877, channels: 3, background: '#fff' } }).withMetadata({ density: 75 }).png().toBuffer();
    for (const dossier of ['HS-01', 'HS-02', 'HS-03', 'HS-04']) {
      await mkdir(path.join(folder, dossier), { recursive: true });
      await writeFile(path.join(folder, dossier, 'cv-01.png'), png);
    }
    // The other dossiers' pages are read only once HS-01's store write has failed, so none can finish before it.
    let storeFailed: () => void = () => {};
    const failure = new Promise<void>((resolve) => (storeFailed = resolve));
    const store = new MemoryObjectStore();
    store.failPut = (key) => {
      if (!key.includes('HS-01/')) return undefined;
      storeFailed();
      return new TransientError('STORE_WRITE_FAILED', `could not write ${key}: the store refused it`, {});
    };
    const read: string[] = [];
    const ocr = new (class extends ScriptedOcrEngine {
      override async recognize(image: Buffer | string) {
        read.push(String(image).split(path.sep).find((part) => part.startsWith('HS-')) ?? '?');
        if (!String(image).includes(`${path.sep}HS-01${path.sep}`)) await failure;
        return super.recognize(image);
      }
    })();
    const { batch } = await loadBatch(folder);
    await expect(runBatch(batch, await context(store, ocr))).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    // HS-02 was under way beside HS-01; HS-03 and HS-04 were never started.
    expect(read.sort()).toEqual(['HS-01', 'HS-02']);
    for (const dossier of ['HS-03', 'HS-04']) expect(await store.exists(objectKeys.dossierRecord(batch.id, dossier))).toBe(false);
  });
});
