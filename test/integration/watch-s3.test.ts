// sohoa watch on an S3 inbox (a real S3-compatible server on 127.0.0.1), with the real pipeline: the samples taken
// once with their junk ignored, a bad manifest reported with its code, nothing again for the same objects, then a
// replaced page re-running only its dossier and the corrected manifest's batch processed.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../src/storage/object-store.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { startCli } from '../support/cli.ts';
import { makeTestS3Store, s3TestEnv, startS3Server, type S3TestServer } from '../support/s3-server.ts';

let server: S3TestServer;
let inbox: ObjectStore;
let out: string;

async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(full, base)));
    else found.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return found.sort();
}

const put = (key: string, body: Uint8Array | string) => inbox.put(key, typeof body === 'string' ? new TextEncoder().encode(body) : body, { contentType: 'application/octet-stream' });

beforeAll(async () => {
  server = await startS3Server();
  inbox = await makeTestS3Store(server, 'office-inbox');
  for (const file of await filesUnder(sampleBatchDir)) await put(`scans/B1/${file}`, await readFile(path.join(sampleBatchDir, file)));
  await put('scans/B1/.DS_Store', 'junk a Mac leaves');
  await put('scans/B1/HS-001/Thumbs.db', 'junk a share leaves');
  await put('scans/B2/manifest.json', '{ "dossiers": [ { "id": "HS-9", ');
  await put('scans/B2/p1.png', await readFile(path.join(sampleBatchDir, 'HS-002', 'qd-12-2024.png')));
  out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-watch-s3-'));
}, 60_000);
afterAll(async () => {
  await inbox?.close();
  await server?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

const watchOnce = () => startCli(['watch', 's3://office-inbox/scans', '--out', out, '--once', '--settle', '0', '--s3-path-style', '--log-level', 'info'], s3TestEnv(server)).done;
const eventsOf = (run: { events: Array<Record<string, unknown>> }, name: string) => run.events.filter((e) => e['event'] === name);

describe('sohoa watch on an S3 inbox', () => {
  it('takes each batch once, reports a bad manifest, and on a re-scan runs only the changed dossier', async () => {
    const first = await watchOnce();
    expect(first.code, first.stderr).toBe(0);
    expect(eventsOf(first, 'watch.taken').map((e) => e['batch'])).toEqual(['B1']);
    expect(eventsOf(first, 'watch.bad').map((e) => e['batch'])).toEqual(['B2']);
    const report = JSON.parse(readFileSync(path.join(out, 'samples-2024-03', 'report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ dossiers: 2, pagesFailed: 0, documentsFailed: 0 });
    const bad = JSON.parse(readFileSync(path.join(out, 'B2', 'report.json'), 'utf8'));
    expect(bad.warnings.join('\n')).toMatch(/^MANIFEST_INVALID: manifest\.json/m);
    const verified = await startCli(['verify', out, '--json']).done;
    expect(verified.code, verified.stdout).toBe(0);

    // The same objects (same ETags): nothing is taken, nothing reported again.
    const second = await watchOnce();
    expect(second.code, second.stderr).toBe(0);
    expect([...eventsOf(second, 'watch.taken'), ...eventsOf(second, 'watch.bad')]).toEqual([]);

    // A clerk re-scans one page of HS-002 (new bytes, same picture) and corrects B2's manifest.
    const page = await readFile(path.join(sampleBatchDir, 'HS-002', 'qd-12-2024.png'));
    await put('scans/B1/HS-002/qd-12-2024.png', await sharp(page).png({ compressionLevel: 1 }).toBuffer());
    await put('scans/B2/manifest.json', JSON.stringify({ batchId: 'B2', dossiers: [{ id: 'HS-9', kind: 'result', documents: [{ id: 'QD-1', files: ['p1.png'] }] }] }));
    const third = await watchOnce();
    expect(third.code, third.stderr).toBe(0);
    expect(eventsOf(third, 'watch.taken').map((e) => e['batch']).sort()).toEqual(['B1', 'B2']);
    const skipped = eventsOf(third, 'dossier.skipped').map((e) => e['dossierId']);
    expect(skipped).toEqual(['HS-001']);
    const fixed = JSON.parse(readFileSync(path.join(out, 'B2', 'report.json'), 'utf8'));
    expect(fixed).toMatchObject({ totals: { dossiers: 1, pagesDone: 1, pagesFailed: 0 }, warnings: [] });
    const again = await startCli(['verify', out, '--json']).done;
    expect(again.code, again.stdout).toBe(0);
  }, 600_000);
});
