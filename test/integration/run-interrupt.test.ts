// Ctrl-C and SIGTERM on a real `sohoa run`: a report for what was done, nothing half-published, the work folder
// removed, exit 130 or 143, and the same command again finishes the batch.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchReport, DossierRecord } from '../../src/domain/record.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { runCli, startCli } from '../support/cli.ts';

let scratch: string;
let batchId: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-interrupt-'));
  batchId = (JSON.parse(await readFile(path.join(sampleBatchDir, 'manifest.json'), 'utf8')) as { batchId: string }).batchId;
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Starts a run and sends `signal` when the first log line matching `event` appears on its stdout. */
async function interruptedRun(name: string, signal: NodeJS.Signals, event: string) {
  const out = path.join(scratch, `out-${name}`);
  const work = path.join(scratch, `work-${name}`);
  const args = ['run', sampleBatchDir, '--out', out, '--work-dir', work, '--no-progress'];
  const run = startCli(args);
  let buffered = '';
  let sent = false;
  run.child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    if (!sent && buffered.includes(`"event":"${event}"`)) {
      sent = true;
      run.child.kill(signal);
    }
  });
  const result = await run.done;
  expect(sent, `no ${event} line before the run ended: ${result.stderr}`).toBe(true);
  return { out, work, args, result };
}

/** Every dossier that has a dossier.json has every object it names, whole; the others publish nothing. */
async function checkPublished(out: string): Promise<{ published: string[] }> {
  const published: string[] = [];
  const batchDir = path.join(out, batchId);
  for (const entry of await readdir(batchDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const recordPath = path.join(batchDir, entry.name, 'dossier.json');
    const record = await readFile(recordPath).then((b) => JSON.parse(b.toString()) as DossierRecord, () => undefined);
    if (!record) continue;
    published.push(record.dossierId);
    for (const output of [...record.documents.flatMap((d) => [...d.outputs, ...(d.record ? [d.record] : [])]), ...record.exports]) {
      const bytes = await readFile(path.join(out, output.key));
      expect(sha256(bytes), output.key).toBe(output.sha256);
    }
  }
  return { published };
}

describe('sohoa run stopped by a signal', () => {
  it('on SIGTERM writes the report with the rest not started, removes its work folder, exits 143; run again, it finishes', async () => {
    const { out, work, args, result } = await interruptedRun('term', 'SIGTERM', 'page.done');
    expect(result.code, result.stderr).toBe(143);
    expect(result.events.some((e) => e['event'] === 'batch.interrupted' && e['signal'] === 'SIGTERM')).toBe(true);
    const report = JSON.parse(await readFile(path.join(out, batchId, 'report.json'), 'utf8')) as BatchReport;
    expect(report.interrupted).toEqual({ signal: 'SIGTERM' });
    expect(report.totals.dossiersNotStarted).toBeGreaterThanOrEqual(1);
    expect(report.totals.pagesNotStarted).toBeGreaterThanOrEqual(1);
    expect(report.totals.pagesDone + report.totals.pagesFailed + report.totals.pagesNotStarted).toBe(report.totals.pages);
    const notStarted = report.dossiers.filter((d) => d.status === 'not-started');
    for (const dossier of notStarted) {
      expect(dossier.reason).toMatch(/run the same command again|the next run redoes it/);
      for (const page of dossier.documents.flatMap((d) => d.pages)) expect(['not-started', 'failed']).toContain(page.status);
    }
    const html = await readFile(path.join(out, batchId, 'report.html'), 'utf8');
    expect(html).toContain('Chưa xử lý');
    expect(html).toContain('Not started');
    // Nothing half-published: a dossier not started has no dossier.json; one that has it is whole.
    const { published } = await checkPublished(out);
    for (const dossier of notStarted) expect(published).not.toContain(dossier.dossierId);
    expect(await readdir(work)).toEqual([]);
    expect(result.events.find((e) => e['event'] === 'batch.summary')?.['msg']).toMatch(/stopped by SIGTERM/);

    // The same command again: the finished dossiers are skipped, the rest done, and the whole batch verifies.
    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    const final = JSON.parse(await readFile(path.join(out, batchId, 'report.json'), 'utf8')) as BatchReport;
    expect(final.interrupted).toBeUndefined();
    expect(final.totals).toMatchObject({ dossiersNotStarted: 0, pagesNotStarted: 0 });
    expect(final.totals.dossiersSkipped).toBe(published.length);
    expect((await checkPublished(out)).published.sort()).toEqual(final.dossiers.map((d) => d.dossierId).sort());
    const verify = await runCli(['verify', out, '--json']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.summary).toMatchObject({ command: 'verify', ok: true, failures: [] });
  }, 600_000);

  it('on Ctrl-C (SIGINT) right after the batch starts exits 130 with every dossier listed', async () => {
    const { out, work, result } = await interruptedRun('int', 'SIGINT', 'batch.started');
    expect(result.code, result.stderr).toBe(130);
    const report = JSON.parse(await readFile(path.join(out, batchId, 'report.json'), 'utf8')) as BatchReport;
    expect(report.interrupted).toEqual({ signal: 'SIGINT' });
    expect(report.totals.dossiers).toBeGreaterThanOrEqual(2);
    expect(report.totals.dossiersNotStarted).toBeGreaterThanOrEqual(1);
    await checkPublished(out);
    expect(await stat(work).then((s) => s.isDirectory())).toBe(true);
    expect(await readdir(work)).toEqual([]);
  }, 600_000);
});
