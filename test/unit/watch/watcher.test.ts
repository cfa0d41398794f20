// The watcher's loop on a real hot folder, with the test's clock: cheap looks list only what is not finished, the
// rescan sees a finished batch that changed, a manifest that arrives last, a file that never arrives, --on-done.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { FolderInbox } from '../../../src/watch/folder-inbox.ts';
import { parseOnDone, resolveOnDone, type OnDone } from '../../../src/watch/on-done.ts';
import { applyOnDone } from '../../../src/watch/on-done.ts';
import type { WatchActions } from '../../../src/watch/watch-pass.ts';
import { WatchState } from '../../../src/watch/watch-state.ts';
import { Watcher } from '../../../src/watch/watcher.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempDir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sohoa-watcher-'));
  folders.push(folder);
  return folder;
}

const manifest = (files: string[]) => JSON.stringify({ dossiers: [{ id: 'HS-001', kind: 'component', documents: [{ id: 'CV-1', files }] }] });

/** A FolderInbox that counts the batch listings a look asks for: what a cheap look costs. */
class CountingInbox extends FolderInbox {
  listed: string[] = [];
  override batchFiles(batch: string) {
    this.listed.push(batch);
    return super.batchFiles(batch);
  }
}

function harness(options: { onDone?: OnDone; giveUpMs?: number; clean?: boolean; duringTake?: (batch: string) => void; duringFinish?: (batch: string) => Promise<void> } = {}) {
  const root = tempDir();
  const inbox = new CountingInbox(root);
  const taken: string[] = [];
  const bad: Array<{ batch: string; reasons: string[] }> = [];
  const finished: string[] = [];
  let nowMs = 0;
  const actions: WatchActions = {
    take: async (batch) => {
      taken.push(batch);
      options.duringTake?.(batch);
      return { clean: options.clean ?? true };
    },
    reportBad: async (batch, reasons) => void bad.push({ batch, reasons }),
    finish: async (batch, fingerprint) => {
      await options.duringFinish?.(batch);
      finished.push(`${batch}:${await applyOnDone(inbox, batch, fingerprint, options.onDone ?? { kind: 'keep' }, silentLogger)}`);
    },
  };
  const watcher = new Watcher({
    inbox,
    ledger: new WatchState(new LocalObjectStore(tempDir())),
    actions,
    rules: { settleMs: 5_000, source: 'folder', ...(options.giveUpMs !== undefined ? { giveUpMs: options.giveUpMs } : {}) },
    pollMs: 10_000,
    rescanMs: 300_000,
    log: silentLogger,
    clock: () => nowMs,
  });
  const put = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  // The clock is the test's: each look is given its time, so nothing here waits on the real one.
  const lookAt = (ms: number, full?: boolean) => {
    nowMs = ms;
    inbox.listed = [];
    return watcher.look(full);
  };
  return { root, inbox, watcher, put, lookAt, taken, bad, finished };
}

describe('the watcher', () => {
  it('takes a batch whose manifest arrives last once, after the manifest settled, and tells when to look again', async () => {
    const { put, lookAt, taken } = harness();
    put('B1/p1.png', 'one');
    expect((await lookAt(0)).nextDeadlineMs).toBe(5_000);
    put('B1/p2.png', 'two');
    put('B1/manifest.json', manifest(['p1.png', 'p2.png']));
    const look = await lookAt(4_000);
    expect(look).toMatchObject({ waiting: 1, done: 0 });
    expect(look.nextDeadlineMs).toBe(5_000);
    expect((await lookAt(5_000)).nextDeadlineMs).toBe(9_000);
    // A folder-layout wait turned into a manifest batch: nothing taken until the manifest and the last page settled.
    expect(taken).toEqual([]);
    expect(await lookAt(9_000)).toMatchObject({ waiting: 0, done: 1 });
    await lookAt(20_000);
    expect(taken).toEqual(['B1']);
  });

  it('lists only the batches not finished on a cheap look, and sees a finished batch that changed at an event or the rescan', async () => {
    const { put, lookAt, taken, inbox, watcher } = harness();
    for (const name of ['A', 'B', 'C']) {
      put(`${name}/manifest.json`, manifest(['p1.png']));
      put(`${name}/p1.png`, name);
    }
    await lookAt(0);
    await lookAt(6_000);
    expect(taken.sort()).toEqual(['A', 'B', 'C']);
    put('D/p1.png', 'new');
    const cheap = await lookAt(16_000);
    expect(cheap).toMatchObject({ full: false, seen: 4, listed: 1 });
    expect(inbox.listed).toEqual(['D']);
    // B's page replaced: a cheap look without an event does not list B ...
    put('B/p1.png', 'rescanned');
    await lookAt(26_000);
    expect(inbox.listed).toEqual(['D']);
    expect(taken).toContain('D');
    // ... an event for B does, and so does the full rescan.
    watcher.changed('B');
    await lookAt(27_000);
    expect(inbox.listed).toEqual(['B']);
    await lookAt(33_000);
    expect(taken.filter((b) => b === 'B')).toHaveLength(2);
    put('C/p1.png', 'rescanned too');
    await lookAt(40_000, true);
    await lookAt(46_000, true);
    expect(taken.filter((b) => b === 'C')).toHaveLength(2);
    expect(taken.filter((b) => b === 'A')).toHaveLength(1);
  });

  it('gives up on a file the manifest names that never arrives, with MANIFEST_FILE_MISSING, and takes the batch once it comes', async () => {
    const { put, lookAt, taken, bad } = harness({ giveUpMs: 60_000 });
    put('B1/manifest.json', manifest(['p1.png', 'p2.png']));
    put('B1/p1.png', 'one');
    await lookAt(0);
    expect((await lookAt(30_000)).waiting).toBe(1);
    expect(await lookAt(60_000)).toMatchObject({ bad: 1, waiting: 0 });
    expect(bad[0]?.reasons).toEqual([expect.stringMatching(/^MANIFEST_FILE_MISSING: manifest\.json names p2\.png, which has not arrived after 60 s/)]);
    expect(await lookAt(70_000)).toMatchObject({ bad: 0, listed: 0 });
    put('B1/p2.png', 'two, late');
    await lookAt(80_000, true);
    await lookAt(86_000, true);
    expect(taken).toEqual(['B1']);
  });

  it('moves a clean batch to the archive folder after it is done, and forgets it; a batch gone does not come back', async () => {
    const archive = tempDir();
    const { put, lookAt, root, finished } = harness({ onDone: parseOnDone(`move:${archive}`) });
    put('B1/manifest.json', manifest(['scans/p1.png']));
    put('B1/scans/p1.png', 'one');
    put('B1/Thumbs.db', 'junk');
    await lookAt(0);
    await lookAt(6_000);
    expect(finished).toEqual(['B1:moved']);
    expect(existsSync(path.join(root, 'B1'))).toBe(false);
    expect(readdirSync(path.join(archive, 'B1'), { recursive: true }).map(String).sort()).toEqual(['manifest.json', 'scans', path.join('scans', 'p1.png')]);
    expect(await lookAt(20_000, true)).toMatchObject({ seen: 0, waiting: 0 });
  });

  it('keeps the originals of a batch with failed pages, and of one changed during its run', async () => {
    const failed = harness({ onDone: { kind: 'delete' }, clean: false });
    failed.put('B1/p1.png', 'one');
    await failed.lookAt(0);
    await failed.lookAt(6_000);
    expect(failed.finished).toEqual([]);
    expect(existsSync(path.join(failed.root, 'B1', 'p1.png'))).toBe(true);

    // A page arrives while the batch runs: the run did not see it, so nothing is deleted, and the batch is new.
    let changing: ReturnType<typeof harness>;
    changing = harness({ onDone: { kind: 'delete' }, duringTake: () => changing.put('B1/p2.png', 'arrived during the run') });
    changing.put('B1/p1.png', 'one');
    await changing.lookAt(0);
    await changing.lookAt(6_000);
    expect(changing.finished).toEqual(['B1:changed']);
    expect(readdirSync(path.join(changing.root, 'B1')).sort()).toEqual(['p1.png', 'p2.png']);
    await changing.lookAt(12_000, true);
    await changing.lookAt(18_000, true);
    expect(changing.taken).toEqual(['B1', 'B1']);
  });

  it('finishes a move cut short (a file locked, or the watcher killed) at the next look, never taking the rest as a batch', async () => {
    const archive = tempDir();
    let attempts = 0;
    const { put, lookAt, root, taken, finished } = harness({
      onDone: { kind: 'move', target: archive },
      duringFinish: async () => {
        if (++attempts === 1) throw new Error('EBUSY: p2.png is open on the scanner station');
      },
    });
    put('B1/manifest.json', manifest(['p1.png', 'p2.png']));
    put('B1/p1.png', 'one');
    put('B1/p2.png', 'two');
    await lookAt(0);
    await lookAt(6_000);
    expect(finished).toEqual([]);
    // Half of it gone by hand meanwhile: what is left is still the rest of a finished batch.
    rmSync(path.join(root, 'B1', 'p1.png'));
    await lookAt(16_000);
    expect(finished).toEqual(['B1:moved']);
    expect(taken).toEqual(['B1']);
    expect(existsSync(path.join(root, 'B1'))).toBe(false);
    expect(readdirSync(path.join(archive, 'B1')).sort()).toEqual(['manifest.json', 'p2.png']);
  });

  it('refuses an --on-done it does not know, and a move target inside the inbox or of the wrong kind, at start-up', () => {
    expect(() => parseOnDone('archive')).toThrow(/keep, delete or move:/);
    expect(parseOnDone(undefined)).toEqual({ kind: 'keep' });
    const folder = { kind: 'local' as const, path: '/srv/inbox' };
    expect(() => resolveOnDone(parseOnDone('move:/srv/inbox/done'), folder)).toThrow(/overlaps the inbox/);
    expect(() => resolveOnDone(parseOnDone('move:s3://archive/done'), folder)).toThrow(/give a folder path/);
    expect(resolveOnDone(parseOnDone('move:/srv/done'), folder)).toEqual({ kind: 'move', target: '/srv/done' });
    const bucket = { kind: 's3' as const, bucket: 'office', prefix: 'inbox' };
    expect(() => resolveOnDone(parseOnDone('move:inbox/done'), bucket)).toThrow(/overlaps the inbox/);
    expect(() => resolveOnDone(parseOnDone('move:s3://other-bucket/done'), bucket)).toThrow(/within the inbox's bucket/);
    expect(resolveOnDone(parseOnDone('move:s3://office/done/'), bucket)).toEqual({ kind: 'move', target: 'done' });
    expect(resolveOnDone(parseOnDone('move:done'), bucket)).toEqual({ kind: 'move', target: 'done' });
  });

  it('wakes on file system events, not the poll: a batch written after the start is taken while the poll is an hour away', async () => {
    const root = tempDir();
    let tookIt: (batch: string) => void = () => {};
    const took = new Promise<string>((resolve) => (tookIt = resolve));
    let firstLook: () => void = () => {};
    const looked = new Promise<void>((resolve) => (firstLook = resolve));
    const watcher = new Watcher({
      inbox: new FolderInbox(root),
      ledger: new WatchState(new LocalObjectStore(tempDir())),
      actions: { take: async (batch) => (tookIt(batch), { clean: true }), reportBad: async () => {} },
      rules: { settleMs: 100, source: 'folder' },
      pollMs: 3_600_000,
      rescanMs: 3_600_000,
      log: silentLogger,
      observer: { looked: () => firstLook(), lookFailed: () => {} },
    });
    const stop = new AbortController();
    const running = watcher.run(stop.signal);
    try {
      // The first look saw an empty inbox, so no deadline is pending: a batch written now is known only by its events.
      await looked;
      mkdirSync(path.join(root, 'B1'));
      writeFileSync(path.join(root, 'B1', 'manifest.json'), manifest(['p1.png']));
      writeFileSync(path.join(root, 'B1', 'p1.png'), 'one');
      expect(await took).toBe('B1');
    } finally {
      stop.abort();
      await running;
    }
  }, 30_000);

  it('goes on after a look that cannot list the inbox (a share unmounted for a moment), and says so to its observer', async () => {
    const root = tempDir();
    const inbox = new FolderInbox(path.join(root, 'share'));
    const seen: string[] = [];
    const stop = new AbortController();
    const watcher = new Watcher({
      inbox,
      ledger: new WatchState(new LocalObjectStore(tempDir())),
      actions: { take: async () => ({ clean: true }), reportBad: async () => {} },
      rules: { settleMs: 0, source: 'folder' },
      pollMs: 10,
      rescanMs: 0,
      log: silentLogger,
      observer: {
        lookFailed: () => {
          seen.push('failed');
          // The share comes back: the next look lists it.
          mkdirSync(path.join(root, 'share', 'B1'), { recursive: true });
        },
        looked: (summary) => {
          seen.push(`looked:${summary.seen}`);
          stop.abort();
        },
      },
    });
    await watcher.run(stop.signal);
    expect(seen).toEqual(['failed', 'looked:1']);
  });
});

