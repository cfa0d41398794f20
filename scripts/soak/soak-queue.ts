// Kill-a-worker soak test of the queue alone: a stand-in handler's batch over several worker processes, one SIGKILLed mid-dossier, lost and duplicated dossiers counted.
/*
 * node scripts/soak/soak-queue.ts [--runs 20] [--dossiers 12] [--workers 3] [--concurrency 2] [--job-ms 800]
 *                                 [--kill-after-ms 1500] [--handler scripts/lib/queue-test-handler.ts] [--seed 1]
 *
 * Starts a real PostgreSQL (scripts/lib/postgres-server.ts, 127.0.0.1 only), then for each run: enqueues a batch of
 * --dossiers jobs, starts --workers worker processes (scripts/lib/queue-test-worker.ts, PgBossQueue with the short
 * test timings), waits until work is under way, SIGKILLs a worker that holds at least one dossier at a random
 * moment up to --kill-after-ms after the first start, waits for the batch to complete, and checks from the
 * handler's marker files that every dossier was published exactly once and the batch report written once. The
 * surviving workers get SIGTERM and must exit 0.
 *
 * --handler is the module each worker loads (it exports `setup()`, see queue-test-handler.ts). It must leave a
 * `done@<dossier>@<pid>` marker in $SOHOA_TEST_MARKER_DIR when it publishes a dossier and a `report@<batch>@…`
 * marker when it writes a batch report; for the real pipeline, a small adapter module does that after writing
 * dossier.json and the batch report.
 *
 * Exit code 0 when no run lost or duplicated a dossier, 1 otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DossierJob } from '../../src/queue/job-queue.ts';
import { PgBossQueue, takeoverBoundMs } from '../../src/queue/pg-boss-queue.ts';
import { seededRandom } from '../../samples/render/seeded-random.ts';
import { startPostgresServer } from '../lib/postgres-server.ts';
import { countById, readMarkers } from '../lib/queue-test-handler.ts';
import { exitWithin, queueTestHandlerPath, queueTestTimings, spawnTestWorker, type SpawnedWorker } from '../lib/queue-test-worker.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    dossiers: { type: 'string', default: '12' },
    workers: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '2' },
    'job-ms': { type: 'string', default: '800' },
    'kill-after-ms': { type: 'string', default: '1500' },
    handler: { type: 'string', default: queueTestHandlerPath },
    seed: { type: 'string', default: '1' },
  },
});
const runs = Number(args.runs);
const dossierCount = Number(args.dossiers);
const workerCount = Number(args.workers);
const concurrency = Number(args.concurrency);
const jobMs = Number(args['job-ms']);
const killAfterMs = Number(args['kill-after-ms']);
const handlerPath = path.resolve(args.handler);
const takeoverBound = takeoverBoundMs(queueTestTimings);

// Seeded, so a failing run can be repeated with the same --seed.
const random = seededRandom(Number(args.seed));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunResult {
  run: number;
  lost: string[];
  duplicated: string[];
  reports: number;
  heldByVictim: number;
  /** Dossiers the victim held by its log but had already published when it was killed. */
  heldPublished: number;
  takeoverMs: number[];
  /** SIGTERM to exit of each surviving (idle) worker. */
  stopMs: number[];
  noOpReruns: number;
  badExits: number;
  durationMs: number;
}

async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // A status read can fail for a moment; the deadline bounds the wait.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function oneRun(run: number, url: string, queue: PgBossQueue): Promise<RunResult> {
  const started = Date.now();
  const markerDir = mkdtempSync(path.join(os.tmpdir(), 'sohoa-kill-markers-'));
  const batchId = `kill-run-${run}`;
  const ids = Array.from({ length: dossierCount }, (_, i) => `HS-${String(i + 1).padStart(3, '0')}`);
  const jobs: DossierJob[] = ids.map((dossierId) => ({ batchId, dossierId, batchUri: `s3://scans/${batchId}/`, outUri: 's3://archive/out/' }));
  await queue.enqueueDossiers(jobs);
  const workers: SpawnedWorker[] = Array.from({ length: workerCount }, () => spawnTestWorker({ url, markerDir, handlerPath, concurrency, jobMs }));
  try {
    await Promise.race(workers.map((w) => w.waitForEvent('a first job', 30_000, (e) => e.event === 'job.started')));
    await sleep(Math.round(200 + random() * (killAfterMs - 200)));
    const holders = workers.filter((w) => w.holding().length > 0);
    const victim = holders.length > 0 ? holders[Math.floor(random() * holders.length)]! : workers[Math.floor(random() * workers.length)]!;
    const killedAt = Date.now();
    victim.process.kill('SIGKILL');
    await exitWithin(victim, 5_000);
    // Its log says which dossiers it held; its markers say which of those it had already published (the kill then
    // fell between publishing and the queue hearing of it: the job may run again and must find nothing to do).
    const publishedAtKill = new Set(readMarkers(markerDir).done.filter((d) => d.pid === victim.pid && d.at <= killedAt).map((d) => d.id));
    const held = victim.holding().filter((id) => !publishedAtKill.has(id));
    const heldPublished = victim.holding().filter((id) => publishedAtKill.has(id));

    await waitUntil(`batch ${batchId} to complete`, takeoverBound + 60_000, async () => ((await queue.status(batchId)).complete ? true : undefined));
    await waitUntil('the batch report', 15_000, () => (readMarkers(markerDir).reports.length > 0 ? true : undefined));

    // Each survivor sweeps for completed batches once more before it exits, so once all have exited the markers
    // are final: a late duplicate or a second report would be among them.
    let badExits = 0;
    const stopMs: number[] = [];
    const survivors = workers.filter((w) => w !== victim);
    const termAt = Date.now();
    for (const worker of survivors) worker.process.kill('SIGTERM');
    for (const worker of survivors) {
      const exit = await exitWithin(worker, 60_000).catch(() => ({ code: null, signal: null, at: Date.now() }));
      if (exit.code !== 0) badExits += 1;
      else stopMs.push(exit.at - termAt);
    }
    const markers = readMarkers(markerDir);
    const done = countById(markers.done);
    const takeoverMs = held.map((id) => markers.starts.find((s) => s.id === id && s.at > killedAt)).filter((s) => s !== undefined).map((s) => s.at - killedAt);
    return {
      run,
      lost: ids.filter((id) => !done.has(id)),
      duplicated: ids.filter((id) => (done.get(id) ?? 0) > 1),
      reports: markers.reports.length,
      heldByVictim: held.length,
      heldPublished: heldPublished.length,
      takeoverMs,
      stopMs,
      noOpReruns: markers.skips.length,
      badExits,
      durationMs: Date.now() - started,
    };
  } finally {
    for (const worker of workers) if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGKILL');
    rmSync(markerDir, { recursive: true, force: true });
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  console.log(`soak-queue: ${runs} runs × ${dossierCount} dossiers, ${workerCount} workers × ${concurrency}, ${jobMs} ms per dossier, handler ${path.relative(process.cwd(), handlerPath)}, takeover bound ${takeoverBound} ms`);
  const server = await startPostgresServer();
  const url = await server.createDatabase('kill_workers');
  const queue = new PgBossQueue({ connectionString: url, ...queueTestTimings });
  const results: RunResult[] = [];
  try {
    await queue.start();
    for (let run = 1; run <= runs; run++) {
      const result = await oneRun(run, url, queue);
      results.push(result);
      console.log(
        `run ${String(run).padStart(2)}: killed a worker in the middle of ${result.heldByVictim} dossier(s)` +
          `${result.heldPublished ? ` (+${result.heldPublished} published just before the kill)` : ''}; lost ${result.lost.length}, duplicated ${result.duplicated.length}, ` +
          `reports ${result.reports}, takeover ${result.takeoverMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') || '-'}, no-op reruns ${result.noOpReruns}, ` +
          `bad exits ${result.badExits}, ${(result.durationMs / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    await queue.close();
    await server.stop();
  }
  const lost = results.reduce((n, r) => n + r.lost.length, 0);
  const duplicated = results.reduce((n, r) => n + r.duplicated.length, 0);
  const badReports = results.filter((r) => r.reports !== 1).length;
  const badExits = results.reduce((n, r) => n + r.badExits, 0);
  const takeovers = results.flatMap((r) => r.takeoverMs).sort((a, b) => a - b);
  const overBound = takeovers.filter((ms) => ms > takeoverBound).length;
  const stops = results.flatMap((r) => r.stopMs).sort((a, b) => a - b);
  const midDossierKills = results.filter((r) => r.heldByVictim > 0).length;
  const ackWindowKills = results.filter((r) => r.heldPublished > 0).length;
  const totalS = (Date.now() - startedAt) / 1000;
  console.log(
    [
      `summary: ${results.length} runs, ${results.length * dossierCount} dossiers, ${midDossierKills} kills mid-dossier, ${ackWindowKills} just after publishing a dossier`,
      `lost ${lost}, duplicated ${duplicated}, runs without exactly one batch report ${badReports}, survivors not exiting 0 on SIGTERM ${badExits}`,
      `takeover after SIGKILL (${takeovers.length} dossiers): min ${(takeovers[0]! / 1000).toFixed(1)} s, median ${(percentile(takeovers, 50) / 1000).toFixed(1)} s, max ${(takeovers.at(-1)! / 1000).toFixed(1)} s (bound ${(takeoverBound / 1000).toFixed(1)} s, ${overBound} over it)`,
      `SIGTERM to exit of an idle survivor (${stops.length}): median ${(percentile(stops, 50) / 1000).toFixed(2)} s, max ${((stops.at(-1) ?? NaN) / 1000).toFixed(2)} s`,
      `no-op reruns (a dossier published just before its worker died, run again and skipped): ${results.reduce((n, r) => n + r.noOpReruns, 0)}`,
      `total time ${totalS.toFixed(1)} s`,
    ].join('\n'),
  );
  return lost === 0 && duplicated === 0 && badReports === 0 && badExits === 0 ? 0 : 1;
}

process.exitCode = await main();
