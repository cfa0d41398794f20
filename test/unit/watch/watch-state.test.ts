// The watcher's records live in the output store, so a restarted watcher knows what it took and finished.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { verifyRecords } from '../../../src/verify/verify-records.ts';
import { nextStep, WatchState } from '../../../src/watch/watch-state.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function store(): LocalObjectStore {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sohoa-watch-state-'));
  folders.push(folder);
  return new LocalObjectStore(folder);
}

describe('the watch state', () => {
  it('takes a new or changed batch, resumes one cut short, and skips one finished with the same files', () => {
    expect(nextStep(undefined, 'f1')).toBe('take');
    expect(nextStep({ batch: 'b', fingerprint: 'f1', state: 'taken', at: '' }, 'f1')).toBe('resume');
    expect(nextStep({ batch: 'b', fingerprint: 'f1', state: 'done', at: '' }, 'f1')).toBe('skip');
    expect(nextStep({ batch: 'b', fingerprint: 'f1', state: 'bad', at: '' }, 'f1')).toBe('skip');
    expect(nextStep({ batch: 'b', fingerprint: 'f1', state: 'done', at: '' }, 'f2')).toBe('take');
  });

  it('survives the watcher: a second one on the same store reads what the first wrote, for any batch name', async () => {
    const out = store();
    const name = 'Hồ sơ tháng 3 (đợt 2)';
    await new WatchState(out).mark({ batch: name, fingerprint: 'f1', state: 'taken', at: '2026-12-03T00:00:00.000Z' });
    const again = new WatchState(out);
    expect(await again.get(name)).toMatchObject({ batch: name, fingerprint: 'f1', state: 'taken' });
    await again.mark({ batch: name, fingerprint: 'f1', state: 'done', at: '2026-12-03T00:01:00.000Z' });
    expect(await new WatchState(out).get(name)).toMatchObject({ state: 'done' });
    expect(await again.get('another batch')).toBeUndefined();
  });

  it('is not taken by sohoa verify for an interrupted dossier', async () => {
    const out = store();
    await new WatchState(out).mark({ batch: 'b', fingerprint: 'f1', state: 'done', at: '' });
    expect((await verifyRecords(out)).problems).toEqual([]);
  });
});
