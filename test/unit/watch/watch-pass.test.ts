// One look at a real hot folder: a batch trickling in is taken once after its last file, junk is ignored, the
// same files again do nothing, a replaced page takes it again, a bad manifest is reported, a cut-short run resumes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { FolderInbox } from '../../../src/watch/folder-inbox.ts';
import type { SettleMemory } from '../../../src/watch/readiness.ts';
import { watchPass, type WatchActions } from '../../../src/watch/watch-pass.ts';
import { WatchState } from '../../../src/watch/watch-state.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempDir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sohoa-watch-pass-'));
  folders.push(folder);
  return folder;
}

const manifest = JSON.stringify({ dossiers: [{ id: 'HS-001', kind: 'component', documents: [{ id: 'CV-1', files: ['p1.png', 'p2.png'] }] }] });

function harness(fail: Set<string> = new Set()) {
  const inboxRoot = tempDir();
  const state = new WatchState(new LocalObjectStore(tempDir()));
  const taken: string[] = [];
  const bad: Array<{ batch: string; reasons: string[] }> = [];
  const actions: WatchActions = {
    take: async (batch) => {
      if (fail.has(batch)) throw new Error('the store did not answer');
      taken.push(batch);
      return { clean: true };
    },
    reportBad: async (batch, reasons) => void bad.push({ batch, reasons }),
  };
  const inbox = new FolderInbox(inboxRoot);
  let memory: ReadonlyMap<string, SettleMemory> = new Map();
  // The clock is the test's: each look is given its time, so nothing here waits on the real one.
  const look = async (nowMs: number) => {
    const listing = await inbox.everything();
    const result = await watchPass({ listing, readText: (batch, file) => inbox.readText(batch, file), memory, nowMs }, { ledger: state, actions, rules: { settleMs: 5_000, source: 'folder' }, log: silentLogger });
    memory = result.memory;
    return result;
  };
  const put = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(inboxRoot, file)), { recursive: true });
    writeFileSync(path.join(inboxRoot, file), text);
  };
  return { look, put, taken, bad };
}

describe('a look at the hot folder', () => {
  it('takes a batch that trickles in, manifest first, once, after its last file has settled; junk changes nothing', async () => {
    const { look, put, taken } = harness();
    put('B1/manifest.json', manifest);
    put('B1/p1.png', 'one');
    await look(0);
    put('B1/Thumbs.db', 'junk');
    put('B1/p2.png.part', 'half');
    expect((await look(10_000)).waiting).toEqual(['B1']);
    put('B1/p2.png', 'two');
    await look(20_000);
    expect(taken).toEqual([]);
    await look(25_000);
    expect(taken).toEqual(['B1']);
    await look(60_000);
    put('B1/.DS_Store', 'more junk');
    await look(90_000);
    expect(taken).toEqual(['B1']);
  });

  it('takes a batch again when a page was replaced', async () => {
    const { look, put, taken } = harness();
    put('B1/manifest.json', manifest);
    put('B1/p1.png', 'one');
    put('B1/p2.png', 'two');
    await look(0);
    await look(5_000);
    put('B1/p2.png', 'two, scanned again');
    await look(10_000);
    await look(15_000);
    expect(taken).toEqual(['B1', 'B1']);
  });

  it('reports a settled manifest that does not parse, once, and takes the batch when it is fixed', async () => {
    const { look, put, taken, bad } = harness();
    put('B2/manifest.json', '{ "dossiers": [');
    put('B2/p1.png', 'one');
    await look(0);
    await look(5_000);
    await look(10_000);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.reasons.join('\n')).toMatch(/manifest\.json/);
    put('B2/manifest.json', JSON.stringify({ dossiers: [{ id: 'HS-002', kind: 'component', documents: [{ id: 'CV-2', files: ['p1.png'] }] }] }));
    await look(20_000);
    await look(25_000);
    expect(taken).toEqual(['B2']);
  });

  it('leaves a batch whose run failed taken, and runs it again on the next look', async () => {
    const fail = new Set(['B3']);
    const { look, put, taken } = harness(fail);
    put('B3/a/p1.png', 'one');
    await look(0);
    expect((await look(5_000)).failed).toEqual(['B3']);
    fail.clear();
    await look(6_000);
    expect(taken).toEqual(['B3']);
  });
});
