// When the watcher takes a batch: junk ignored, files settled, the manifest complete, the marker written.
import { describe, expect, it } from 'vitest';
import { batchFingerprint, isJunk, type InboxFile } from '../../../src/watch/inbox-batch.ts';
import { judgeReadiness, rememberSettling, type ReadinessRules, type SettleMemory } from '../../../src/watch/readiness.ts';

const folder: ReadinessRules = { settleMs: 5_000, source: 'folder' };
const file = (path: string, sizeBytes = 100, modifiedMs = 1_000): InboxFile => ({ path, sizeBytes, modifiedMs });
const manifest = (...files: string[]) => JSON.stringify({ dossiers: [{ id: 'HS-001', kind: 'component', documents: [{ id: 'CV-1', files }] }] });

/** Looks at the same listing at each given time, as the watcher's polls would, and judges at the last one. */
function lookAt(files: InboxFile[], times: number[], rules: ReadinessRules = folder, text?: string) {
  let memory: SettleMemory = new Map();
  for (const now of times) memory = rememberSettling(memory, files, now);
  return judgeReadiness(files, rules, memory, times[times.length - 1]!, text);
}

describe('junk in the inbox', () => {
  it('leaves out what shares and desktop clients write, at any depth and in any case', () => {
    for (const junk of ['.DS_Store', 'HS-001/Thumbs.db', 'desktop.ini', '._scan.tif', '@eaDir/scan.tif', 'scan.tif.part', 'x.TMP', '~$manifest.csv', '.hidden/scan.tif', 'a/.git/config']) {
      expect(isJunk(junk), junk).toBe(true);
    }
    for (const kept of ['manifest.json', 'HS-001/scan-01.tif', 'HS-001/temp-scan.pdf', 'a.b.c.png']) expect(isJunk(kept), kept).toBe(false);
  });

  it('does not change the fingerprint', () => {
    const scans = [file('manifest.json'), file('a.tif')];
    expect(batchFingerprint([...scans, file('.DS_Store'), file('Thumbs.db')])).toBe(batchFingerprint(scans));
  });
});

describe('the fingerprint', () => {
  it('is the same for the same files listed in another order, and changes when one is replaced', () => {
    const a = [file('manifest.json', 10, 1), file('p1.tif', 20, 2), file('p2.tif', 30, 3)];
    expect(batchFingerprint([...a].reverse())).toBe(batchFingerprint(a));
    expect(batchFingerprint([a[0]!, a[1]!, file('p2.tif', 31, 3)])).not.toBe(batchFingerprint(a));
    expect(batchFingerprint([a[0]!, a[1]!, file('p2.tif', 30, 4)])).not.toBe(batchFingerprint(a));
  });

  it('uses the ETag where the store gives one, so an object copied again unchanged keeps it', () => {
    const once = [{ ...file('p1.tif', 20, 2), etag: '"abc"' }];
    const again = [{ ...file('p1.tif', 20, 99), etag: '"abc"' }];
    expect(batchFingerprint(again)).toBe(batchFingerprint(once));
  });
});

describe('a batch with a manifest', () => {
  it('waits for every file it names, then for them to settle, and is taken after its last file', () => {
    const text = manifest('a.tif', 'b.tif');
    const first = [file('manifest.json'), file('a.tif')];
    expect(lookAt(first, [0, 10_000], folder, text)).toMatchObject({ state: 'waiting', missing: ['b.tif'] });
    const all = [...first, file('b.tif')];
    expect(lookAt(all, [10_000], folder, text)).toMatchObject({ state: 'waiting', missing: ['a.tif', 'b.tif', 'manifest.json'] });
    expect(lookAt(all, [10_000, 14_999], folder, text).state).toBe('waiting');
    expect(lookAt(all, [10_000, 15_000], folder, text).state).toBe('ready');
  });

  it('restarts the wait when a file grows between looks, even if its mtime was kept from the source', () => {
    const text = manifest('a.tif');
    let memory: SettleMemory = new Map();
    memory = rememberSettling(memory, [file('manifest.json'), file('a.tif', 100, 1)], 0);
    const grown = [file('manifest.json'), file('a.tif', 5_000, 1)];
    memory = rememberSettling(memory, grown, 4_000);
    expect(judgeReadiness(grown, folder, memory, 8_000, text).state).toBe('waiting');
    expect(judgeReadiness(grown, folder, memory, 9_000, text).state).toBe('ready');
  });

  it('takes objects of a store once listed, with the manifest first or last', () => {
    const s3: ReadinessRules = { settleMs: 5_000, source: 's3' };
    const text = manifest('a.tif');
    expect(judgeReadiness([file('manifest.json')], s3, new Map(), 0, text)).toMatchObject({ state: 'waiting', missing: ['a.tif'] });
    expect(judgeReadiness([file('a.tif'), file('manifest.json')], s3, new Map(), 0, manifest('a.tif')).state).toBe('ready');
    expect(judgeReadiness([file('a.tif'), file('manifest.json')], s3, new Map(), 0, text).state).toBe('ready');
  });

  it('calls a settled manifest that does not parse bad, with its reasons, but waits while it is still changing', () => {
    const broken = '{ "dossiers": [ ';
    const files = [file('manifest.json'), file('a.tif')];
    expect(lookAt(files, [0], folder, broken).state).toBe('waiting');
    const bad = lookAt(files, [0, 5_000], folder, broken);
    expect(bad.state).toBe('bad');
    expect(bad.state === 'bad' ? bad.problems.join('\n') : '').toMatch(/manifest\.json/);
  });
});

describe('a batch without a manifest, or with a marker', () => {
  it('takes a folder-layout batch once nothing in it has changed for the settle time', () => {
    const files = [file('HS-001/a.tif'), file('HS-001/b.tif')];
    expect(lookAt(files, [0, 4_000]).state).toBe('waiting');
    expect(lookAt(files, [0, 5_000]).state).toBe('ready');
    expect(lookAt([], [0, 60_000]).state).toBe('waiting');
  });

  it('lets a folder-layout batch on a store settle too, since nothing lists its files: one more object restarts the wait', () => {
    const s3: ReadinessRules = { settleMs: 5_000, source: 's3' };
    const first = [file('HS-001/a.tif')];
    expect(lookAt(first, [0], s3).state).toBe('waiting');
    const grown = [...first, file('HS-001/b.tif')];
    const memory = rememberSettling(rememberSettling(new Map(), first, 0), grown, 5_000);
    expect(judgeReadiness(grown, s3, memory, 5_000)).toMatchObject({ state: 'waiting', missing: ['HS-001/b.tif'] });
    expect(lookAt(first, [0, 5_000], s3).state).toBe('ready');
  });

  it('waits for the ready marker when one is asked for', () => {
    const rules: ReadinessRules = { ...folder, readyMarker: 'READY' };
    const files = [file('HS-001/a.tif')];
    expect(lookAt(files, [0, 60_000], rules)).toMatchObject({ state: 'waiting', reason: 'no READY marker yet' });
    expect(lookAt([...files, file('READY', 0)], [0, 60_000], rules).state).toBe('ready');
  });
});
