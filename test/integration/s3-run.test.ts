// End to end against a real S3-compatible server on 127.0.0.1: the samples from an S3 inbox to an S3 archive,
// idempotent re-runs, a SIGKILL part-way, a faulty network, and verify catching changes behind sohoa's back.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleBatchDir } from '../fixtures/index.ts';
import { originalKeys } from '../../src/stages/store.ts';
import type { S3ObjectStore } from '../../src/storage/s3-object-store.ts';
import { startCli as startCliWith, type CliRun } from '../support/cli.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { makeTestS3Store, s3TestEnv, startS3Server, type S3TestServer } from '../support/s3-server.ts';

const batchId = 'samples-2024-03';
/** sohoa talking to the S3 server at `endpoint` through the standard AWS variables. */
const startCli = (args: string[], endpoint: string) => startCliWith(args, s3TestEnv({ endpoint }));
const runCli = (args: string[], endpoint: string) => startCli(args, endpoint).done;

async function keysUnder(store: S3ObjectStore, prefix: string): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  for await (const object of store.list(prefix)) keys.set(object.key.slice(prefix.length), object.sizeBytes);
  return keys;
}

async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full, base)));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

let server: S3TestServer;
let proxy: FaultProxy;
let archive: S3ObjectStore;
let cleanKeys: Map<string, number>;
let cleanRun: CliRun;
const runArgs = (prefix: string) => ['run', `s3://inbox/${batchId}`, '--out', `s3://archive/${prefix}`, '--s3-path-style', '--no-progress'];

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startFaultProxy({ target: server.endpoint });
  const inbox = await makeTestS3Store(server, 'inbox');
  for (const file of await filesUnder(sampleBatchDir)) {
    await inbox.put(`${batchId}/${file}`, await readFile(path.join(sampleBatchDir, file)), { contentType: 'application/octet-stream' });
  }
  await inbox.close();
  archive = await makeTestS3Store(server, 'archive');
  proxy.reset();
  cleanRun = await runCli(runArgs('clean'), proxy.endpoint);
  cleanKeys = await keysUnder(archive, 'clean/');
}, 300_000);

afterAll(async () => {
  await archive?.close();
  await proxy?.stop();
  await server?.stop();
});

describe('sohoa with S3 storage', () => {
  it('reads the batch from an S3 inbox, writes every record to S3, and verify re-reads them all', async () => {
    expect(cleanRun.stderr).toBe('');
    expect(cleanRun.code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(sampleBatchDir, 'manifest.json'), 'utf8')) as { dossiers: { id: string; documents: { id: string; files: (string | { file: string })[] }[] }[] };
    const documents = manifest.dossiers.flatMap((dossier) => dossier.documents.map((document) => ({ dossierId: dossier.id, ...document })));
    expect(documents.map((d) => `${d.dossierId}/${d.id}`)).toEqual(['HS-001/TTR-08', 'HS-001/CV-125', 'HS-001/BC-21', 'HS-002/QD-15', 'HS-002/TB-02', 'HS-002/QD-12-2024']);
    const expected = [
      `${batchId}/report.json`,
      `${batchId}/report.html`,
      `${batchId}/HS-001/dossier.json`,
      `${batchId}/HS-002/dossier.json`,
      `${batchId}/HS-001/dossier.xml`,
      `${batchId}/HS-002/dossier.xml`,
      ...documents.flatMap((d) => ['pdf', 'txt', 'json'].map((ext) => `${batchId}/${d.dossierId}/${d.id}.${ext}`)),
      // Every input file, kept unchanged beside its document.
      ...documents.flatMap((d) => originalKeys({ batchId, dossierId: d.dossierId, documentId: d.id }, [...new Set(d.files.map((f) => (typeof f === 'string' ? f : f.file)))])),
    ].sort();
    expect([...cleanKeys.keys()].sort()).toEqual(expected);
    const verify = await runCli(['verify', 's3://archive/clean', '--s3-path-style'], proxy.endpoint);
    expect(verify.code).toBe(0);
    // Everything but the batch report is named by a record and re-read.
    expect(verify.summary).toMatchObject({ command: 'verify', ok: true, exitCode: 0, counts: { dossiers: 2, objectsChecked: expected.length - 2, problems: 0 }, failures: [], outputs: { store: 's3://archive/clean' } });
  });

  it('keeps SHA-256 checksums and Vietnamese metadata on the objects', async () => {
    const head = await archive.head(`clean/${batchId}/HS-002/QD-15.pdf`);
    const record = JSON.parse(Buffer.from((await archive.get(`clean/${batchId}/HS-002/QD-15.json`))!).toString()) as { outputs: Array<{ key: string; sha256: string }> };
    expect(head?.sha256).toBe(record.outputs.find((o) => o.key.endsWith('QD-15.pdf'))?.sha256);
    expect(head?.metadata['documentType']).toBe('Quyết định');
    expect(head?.metadata['dossierId']).toBe('HS-002');
    // On the wire every metadata header is ASCII.
    const puts = proxy.log.filter((r) => r.method === 'PUT');
    for (const request of puts) {
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.startsWith('x-amz-meta-')) expect(String(value)).toMatch(/^[\x20-\x7e]*$/);
      }
    }
  });

  it('makes zero writes when the same batch is run again', async () => {
    proxy.reset();
    const second = await runCli(runArgs('clean'), proxy.endpoint);
    expect(second.code).toBe(0);
    expect(proxy.counts.puts).toBe(0);
    expect(proxy.counts.byMethod['POST'] ?? 0).toBe(0);
    expect(proxy.counts.byMethod['DELETE'] ?? 0).toBe(0);
    expect(await keysUnder(archive, 'clean/')).toEqual(cleanKeys);
    console.log(`second run: ${proxy.counts.puts} PUTs, ${proxy.counts.requests} requests in all, ${(second.durationMs / 1000).toFixed(1)} s`);
  });

  it('finishes a run killed with SIGKILL part-way with exactly the objects of an uninterrupted run', async () => {
    proxy.reset();
    const killed = startCli(runArgs('killed'), proxy.endpoint);
    // Two dossiers run at once: kill on the arrival of the second dossier's XML export, which is stored just before
    // its record (the proxy still forwards a request it has received). One dossier is then complete and the other has
    // its documents stored but no record, however slow the machine.
    let exports = 0;
    await new Promise<void>((resolve, reject) => {
      proxy.onRequest((request) => {
        if (request.method === 'PUT' && request.path.includes('/killed/') && /\/dossier\.xml(\?|$)/u.test(request.path) && ++exports === 2) {
          proxy.onRequest(undefined);
          killed.child.kill('SIGKILL');
          resolve();
        }
      });
      void killed.done.then(() => {
        proxy.onRequest(undefined);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    const dead = await killed.done;
    expect(dead.code).toBeNull();
    const partial = await keysUnder(archive, 'killed/');
    const stored = ['HS-001', 'HS-002'].filter((dossier) => partial.has(`${batchId}/${dossier}/dossier.json`));
    expect(stored).toHaveLength(1);
    const unfinished = stored[0] === 'HS-001' ? 'HS-002' : 'HS-001';
    expect([...partial.keys()].some((key) => key.startsWith(`${batchId}/${unfinished}/`))).toBe(true);

    const rerun = await runCli(runArgs('killed'), proxy.endpoint);
    expect(rerun.code).toBe(0);
    const finished = await keysUnder(archive, 'killed/');
    expect([...finished.keys()].sort()).toEqual([...cleanKeys.keys()].sort());
    const verify = await runCli(['verify', 's3://archive/killed', '--s3-path-style'], proxy.endpoint);
    expect(verify.code).toBe(0);
    console.log(`killed after ${partial.size} objects; after the re-run ${finished.size} objects, a clean run has ${cleanKeys.size}`);
  });

  it('completes correctly when 20% of requests fail with 503s and connection resets', async () => {
    const faulty = await startFaultProxy({ target: server.endpoint, failRatio: 0.2, seed: 7, modes: ['503', 'reset', 'reset-after'] });
    try {
      const run = await runCli(runArgs('faulty'), faulty.endpoint);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(faulty.counts.failures).toBeGreaterThan(5);
      const keys = await keysUnder(archive, 'faulty/');
      expect([...keys.keys()].sort()).toEqual([...cleanKeys.keys()].sort());
      const verify = await runCli(['verify', 's3://archive/faulty', '--s3-path-style'], proxy.endpoint);
      expect(verify.code).toBe(0);
      console.log(`fault proxy: ${faulty.counts.failures} of ${faulty.counts.requests} requests failed; run took ${(run.durationMs / 1000).toFixed(1)} s against ${(cleanRun.durationMs / 1000).toFixed(1)} s clean (x${(run.durationMs / cleanRun.durationMs).toFixed(2)})`);
    } finally {
      await faulty.stop();
    }
  });

  it('verify reports an object changed behind its back, and exits non-zero', async () => {
    const key = `clean/${batchId}/HS-001/CV-125.txt`;
    await archive.put(key, new TextEncoder().encode('sửa đổi trái phép'), { contentType: 'text/plain' });
    const verify = await runCli(['verify', 's3://archive/clean', '--s3-path-style'], proxy.endpoint);
    expect(verify.code).toBe(3);
    expect(verify.summary?.ok).toBe(false);
    expect(verify.summary?.failures).toEqual([expect.objectContaining({ code: 'RECORD_OBJECT_CORRUPT', kind: 'input', key: `${batchId}/HS-001/CV-125.txt` })]);
  });
});
