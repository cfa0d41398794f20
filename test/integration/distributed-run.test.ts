// Many workers, one PostgreSQL: the real CLI enqueues the samples, worker processes share them, one is killed with
// SIGKILL mid-dossier, and the outputs come out byte for byte as a single `sohoa run` makes them.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchReport } from '../../src/domain/record.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { runCli, startCli, type CliRun } from '../support/cli.ts';
import { startPostgresServer, type PostgresTestServer } from '../../scripts/lib/postgres-server.ts';
import { samplePage, scannedSheet, stackPdf } from '../../scripts/lib/stack-pages.ts';

let pg: PostgresTestServer;
let scratch: string;
const batchId = 'samples-2024-03';

beforeAll(async () => {
  pg = await startPostgresServer();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-dist-'));
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** SHA-256 of every file under `root` but the batch reports (their timings differ from run to run), by path. */
async function checksums(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('report.')) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(root, file)] = createHash('sha256').update(await readFile(file)).digest('hex');
  }
  return out;
}

const workerArgs = (queue: string) => ['worker', '--queue', queue, '--pool-size', '1', '--exit-when-idle', '--metrics-port', '0', '--work-dir', path.join(scratch, 'work')];
const events = (runs: CliRun[], name: string) => runs.flatMap((r) => r.events.filter((e) => e['event'] === name));

describe('sohoa enqueue + worker on a real PostgreSQL', () => {
  it('survives a worker killed with SIGKILL mid-dossier: nothing lost, nothing twice, the same bytes as one run', async () => {
    const queue = await pg.createDatabase('kill');
    const reference = path.join(scratch, 'reference');
    const out = path.join(scratch, 'out-kill');
    const single = await runCli(['run', sampleBatchDir, '--out', reference, '--no-progress']);
    expect(single.code).toBe(0);

    const first = await runCli(['enqueue', sampleBatchDir, '--queue', queue, '--out', out]);
    const again = await runCli(['enqueue', sampleBatchDir, '--queue', queue, '--out', out]);
    expect(first.code).toBe(0);
    expect(events([first], 'batch.enqueued')[0]).toMatchObject({ batchId, created: 2, existing: 0 });
    expect(events([again], 'batch.enqueued')[0]).toMatchObject({ batchId, created: 0, existing: 2 });

    // Two workers, one dossier at a time each; the first to finish a page is killed there (so mid-dossier).
    const workers = [startCli([...workerArgs(queue), '--concurrency', '1']), startCli([...workerArgs(queue), '--concurrency', '1'])];
    let killedDossier: string | undefined;
    const victim = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no worker finished a page within 180 s')), 180_000);
      workers.forEach((worker, index) => {
        let buffered = '';
        worker.child.stdout!.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const match = /"dossierId":"([^"]+)"[^\n]*"event":"page\.done"/u.exec(buffered);
          if (match && killedDossier === undefined) {
            killedDossier = match[1];
            worker.child.kill('SIGKILL');
            clearTimeout(timer);
            resolve(index);
          }
        });
      });
    });
    const doomed = workers[victim]!;
    const survivor = workers[1 - victim]!;
    const killed = await doomed.done;
    expect(killed.code).toBeNull(); // ended by the signal
    expect(events([killed], 'dossier.finished').map((e) => e['dossierId'])).not.toContain(killedDossier);

    // The survivor takes the orphaned job over after its heartbeat runs out; it exits once the queue is idle.
    const rest = await survivor.done;
    expect(rest.code, rest.stderr).toBe(0);
    const takeover = events([rest], 'job.started').find((e) => e['dossierId'] === killedDossier);
    expect(takeover?.['attempt']).toBe(2);

    const status = await runCli(['status', batchId, '--queue', queue, '--json']);
    expect(status.code).toBe(0);
    expect(status.summary).toMatchObject({ command: 'status', ok: true, batchId, counts: { total: 2, done: 2, failed: 0, complete: 1, reported: 1 }, failures: [] });

    // Same objects, same checksums, one dossier.json per dossier; the batch report written once.
    expect(await checksums(path.join(out, batchId))).toEqual(await checksums(path.join(reference, batchId)));
    expect(events([killed, rest], 'batch.reported')).toHaveLength(1);
    const report = JSON.parse(await readFile(path.join(out, batchId, 'report.json'), 'utf8')) as BatchReport;
    expect(report.totals).toMatchObject({ dossiers: 2, documents: 6, pages: 11, pagesDone: 11, pagesFailed: 0 });
    for (const page of report.dossiers.flatMap((d) => d.documents.flatMap((doc) => doc.pages))) expect(page.timings?.recognizeMs).toBeGreaterThan(0);
  }, 600_000);

  it('fails a dossier with a bad page at once, keeps the reason for status, and retries it by command after a fix', async () => {
    const queue = await pg.createDatabase('input');
    const batch = path.join(scratch, 'bad-batch');
    const out = path.join(scratch, 'out-bad');
    await cp(path.join(sampleBatchDir, 'HS-002', 'qd-12-2024.png'), path.join(batch, 'HS-OK', 'qd-12.png'));
    await cp(path.join(sampleBatchDir, 'HS-002', 'qd-12-2024.png'), path.join(batch, 'HS-BAD', 'good.png'));
    await writeFile(path.join(batch, 'HS-BAD', 'broken.png'), Buffer.from('not really a png'));
    const enqueued = await runCli(['enqueue', batch, '--queue', queue, '--out', out, '--json']);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(enqueued.summary).toMatchObject({ command: 'enqueue', ok: true, batchId: 'bad-batch', counts: { dossiers: 2, created: 2, existing: 0 }, outputs: { store: out, batch: path.join(out, 'bad-batch') } });
    expect(new URL(queue).password).not.toBe('');
    expect(enqueued.stdout).not.toContain(new URL(queue).password);
    expect(enqueued.events.find((e) => e['event'] === 'batch.enqueued')).toMatchObject({ created: 2 });

    const worker = await runCli(workerArgs(queue));
    expect(worker.code, worker.stderr).toBe(0);
    const failed = events([worker], 'job.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ dossierId: 'HS-BAD', kind: 'input', code: 'DOSSIER_DOCUMENTS_FAILED', willRetry: false, attempt: 1 });

    const status = await runCli(['status', 'bad-batch', '--queue', queue, '--json']);
    expect(status.code).toBe(3);
    expect(status.summary).toMatchObject({ command: 'status', ok: false, exitCode: 3, counts: { done: 1, failed: 1 } });
    expect(status.summary?.failures).toEqual([expect.objectContaining({ dossierId: 'HS-BAD', kind: 'input', code: 'DOSSIER_DOCUMENTS_FAILED', attempts: 1 })]);
    expect(status.summary?.failures[0]!.message).toMatch(/broken\.png.*(cannot|could not) .*read/u);
    expect(status.summary?.failures[0]!.message).toContain('IMAGE_UNREADABLE');

    // The report lists every page of both dossiers, the failed page with its reason.
    const report = JSON.parse(await readFile(path.join(out, 'bad-batch', 'report.json'), 'utf8')) as BatchReport;
    const bad = report.dossiers.find((d) => d.dossierId === 'HS-BAD')!;
    expect(bad.status).toBe('failed');
    const brokenPage = bad.documents.flatMap((d) => d.pages).find((p) => p.file.endsWith('broken.png'));
    expect(brokenPage?.error).toMatchObject({ code: 'IMAGE_UNREADABLE', kind: 'input', message: expect.stringMatching(/could not be read as an image/u) });
    expect(report.dossiers.find((d) => d.dossierId === 'HS-OK')?.status).toBe('done');

    // The operator replaces the file and retries; the dossier then completes and a new report is written.
    await cp(path.join(sampleBatchDir, 'HS-002', 'qd-12-2024.png'), path.join(batch, 'HS-BAD', 'broken.png'));
    const retried = await runCli(['retry', 'bad-batch', '--queue', queue]);
    expect(retried.code).toBe(0);
    expect(events([retried], 'batch.retried')[0]).toMatchObject({ dossiers: 1 });
    const second = await runCli(workerArgs(queue));
    expect(second.code, second.stderr).toBe(0);
    expect(events([second], 'job.done').map((e) => e['dossierId'])).toEqual(['HS-BAD']);
    const after = (await runCli(['status', 'bad-batch', '--queue', queue, '--json'])).summary;
    expect(after?.counts).toMatchObject({ done: 2, failed: 0 });
    const newReport = JSON.parse(await readFile(path.join(out, 'bad-batch', 'report.json'), 'utf8')) as BatchReport;
    expect(newReport.totals).toMatchObject({ pagesFailed: 0, documentsFailed: 0 });
  }, 600_000);

  it('drains on SIGTERM: finishes or releases the active dossier, then exits 0', async () => {
    const queue = await pg.createDatabase('drain');
    const out = path.join(scratch, 'out-drain');
    expect((await runCli(['enqueue', sampleBatchDir, '--queue', queue, '--out', out])).code).toBe(0);
    const worker = startCli(['worker', '--queue', queue, '--pool-size', '1', '--metrics-port', '0', '--drain-timeout', '2', '--work-dir', path.join(scratch, 'work')]);
    await new Promise<void>((resolve) => {
      worker.child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('"event":"job.started"')) resolve();
      });
    });
    worker.child.kill('SIGTERM');
    const run = await worker.done;
    expect(run.code, run.stderr).toBe(0);
    expect(events([run], 'worker.signal')).toHaveLength(1);
    expect(events([run], 'worker.stopped')).toHaveLength(1);
    const status = (await runCli(['status', batchId, '--queue', queue, '--json'])).summary!;
    // The released dossier is back in the queue (retrying), not lost and not failed.
    expect(status.counts['failed']).toBe(0);
    expect(status.counts['done']! + status.counts['retrying']! + status.counts['waiting']!).toBe(2);
  }, 300_000);
  it('enqueues the stacks that were cut, and exits 3 naming the stack that could not be', async () => {
    const queue = await pg.createDatabase('stacks');
    const batch = path.join(scratch, 'stack-batch');
    await mkdir(batch, { recursive: true });
    await writeFile(path.join(batch, 'a.pdf'), await stackPdf(await Promise.all([scannedSheet({ dossierCode: 'HS-901' }), samplePage('HS-001/cv-125.jpg')])));
    await writeFile(path.join(batch, 'b.png'), (await samplePage('HS-002/qd-12-2024.png')).png);
    const enqueued = await runCli(['enqueue', batch, '--queue', queue, '--out', path.join(scratch, 'out-stacks'), '--split', '--json']);
    expect(enqueued.code, enqueued.stderr).toBe(3);
    expect(enqueued.summary).toMatchObject({ command: 'enqueue', ok: false, exitCode: 3, counts: { dossiers: 1, created: 1, stacks: 2, stacksFailed: 1 } });
    expect(enqueued.summary?.failures).toEqual([expect.objectContaining({ code: 'SPLIT_NO_SEPARATOR', kind: 'input', file: 'b.png' })]);
    expect(enqueued.events.find((e) => e['event'] === 'batch.stacks-failed')).toMatchObject({ stacksFailed: 1 });
  }, 300_000);
});
