// The page runner: a page comes back with its step times, and without the decoded pixels normalize handed to the QR search.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { loadPipeline } from '../../../src/pipeline/pipeline-file.ts';
import { readPage } from '../../../src/pipeline/run-page.ts';
import { MemoryObjectStore } from '../../doubles/memory-object-store.ts';
import { ScriptedOcrEngine } from '../../doubles/scripted-ocr-engine.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sohoa-read-page-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readPage', () => {
  it('returns the page with its step times, QR search and OCR included, and without the decoded page', async () => {
    const file = path.join(root, 'page.png');
    await writeFile(file, await sharp({ create: { width: 620, height: 877, channels: 3, background: '#fff' } })
      .composite([{ input: { create: { width: 300, height: 20, channels: 3, background: '#000' } }, left: 100, top: 120 }])
      .withMetadata({ density: 75 })
      .png()
      .toBuffer());
    const pipeline = await loadPipeline('dossier');
    expect(pipeline.stages.extract.qr).toBe(true);
    const source = { ref: { dossierId: 'HS-01', documentId: 'TL-1', pageNumber: 1, file: 'page.png', filePageNumber: 1 }, path: file, pageIndex: 0, inputBytes: 1 };
    const page = await readPage(source, { ocr: new ScriptedOcrEngine(), store: new MemoryObjectStore() }, pipeline, path.join(root, 'work'), silentLogger, () => {
      throw new Error('not a PDF');
    });
    expect(page).not.toHaveProperty('upright');
    expect(Object.keys(page.stepsMs ?? {})).toEqual(expect.arrayContaining(['decode', 'analyse', 'write', 'qr', 'ocr', 'ocrWait']));
    expect(page.stepsMs).not.toHaveProperty('extract');
  });
});
