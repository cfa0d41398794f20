// sohoa watch --queue against a real PostgreSQL: two watchers on one inbox enqueue each dossier once, a worker runs
// what they enqueued, and a re-scanned page enqueues only its dossier again.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresTestServer } from '../../scripts/lib/postgres-server.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { runCli, startCli, type CliRun } from '../support/cli.ts';

let pg: PostgresTestServer;
let scratch: string;

beforeAll(async () => {
  pg = await startPostgresServer();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'sohoa-watch-queue-'));
}, 120_000);
afterAll(async () => {
  await pg?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const enqueued = (run: CliRun) => run.events.filter((e) => e['event'] === 'batch.enqueued');
const sum = (runs: CliRun[], field: string) => runs.flatMap(enqueued).reduce((n, e) => n + Number(e[field] ?? 0), 0);

describe('sohoa watch --queue', () => {
  it('gives one enqueue per dossier from two watchers, and a re-scanned page enqueues only its dossier', async () => {
    const queue = await pg.createDatabase('watch_two');
    const inbox = path.join(scratch, 'inbox');
    const out = path.join(scratch, 'out');
    cpSync(sampleBatchDir, path.join(inbox, 'B1'), { recursive: true });
    const watch = () => startCli(['watch', inbox, '--out', out, '--queue', queue, '--once', '--settle', '0', '--log-level', 'info']).done;

    // Two watchers, as on two machines, look at the same inbox at the same moment.
    const both = await Promise.all([watch(), watch()]);
    for (const run of both) expect(run.code, run.stderr).toBe(0);
    expect(sum(both, 'created')).toBe(2);
    expect(both.flatMap((run) => run.events.filter((e) => e['event'] === 'watch.taken'))).toHaveLength(1);

    // A worker runs what the watchers enqueued: the batch comes out whole.
    const worker = await runCli(['worker', '--queue', queue, '--pool-size', '1', '--exit-when-idle', '--metrics-port', '0', '--work-dir', path.join(scratch, 'work')]);
    expect(worker.code, worker.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'samples-2024-03', 'report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ dossiers: 2, pagesFailed: 0, documentsFailed: 0 });

    // Nothing changed: nothing taken, nothing enqueued.
    const idle = await watch();
    expect(idle.events.filter((e) => e['event'] === 'watch.taken')).toEqual([]);

    // The clerk re-scans one page of HS-002: its dossier alone gets a new job.
    const pageFile = path.join(inbox, 'B1', 'HS-002', 'qd-12-2024.png');
    writeFileSync(pageFile, await sharp(readFileSync(pageFile)).png({ compressionLevel: 1 }).toBuffer());
    const rescanned = await watch();
    expect(rescanned.code, rescanned.stderr).toBe(0);
    expect(enqueued(rescanned)).toEqual([expect.objectContaining({ dossiers: 2, created: 1, existing: 1 })]);
    const status = JSON.parse((await runCli(['status', 'samples-2024-03', '--queue', queue, '--json'])).stdout);
    // The newest job per dossier: HS-001's done one, HS-002's new one waiting for a worker.
    expect(status.counts).toMatchObject({ total: 2, done: 1, waiting: 1, failed: 0 });
  }, 600_000);
  it('marks a batch bad, with its report, when none of its stacks could be split, and enqueues nothing', async () => {
    const queue = await pg.createDatabase('watch_stacks');
    const inbox = path.join(scratch, 'inbox-stacks');
    const out = path.join(scratch, 'out-stacks');
    cpSync(path.join(sampleBatchDir, 'HS-002', 'qd-12-2024.png'), path.join(inbox, 'S1', 'page.png'));
    const run = await startCli(['watch', inbox, '--out', out, '--queue', queue, '--once', '--settle', '0', '--split', '--log-level', 'info']).done;
    expect(run.events.filter((e) => e['event'] === 'watch.bad')).toEqual([expect.objectContaining({ batch: 'S1', code: 'SPLIT_NO_SEPARATOR' })]);
    expect(enqueued(run)).toEqual([]);
    const report = JSON.parse(readFileSync(path.join(out, 'S1', 'report.json'), 'utf8'));
    expect(report.warnings).toEqual([expect.stringMatching(/^SPLIT_NO_SEPARATOR: page\.png: no cover sheet, separator or dossier QR code/)]);
  }, 300_000);
});
