// Kill-a-worker soak test with the real pipeline: `sohoa worker` processes digitize the samples, one is SIGKILLed mid-dossier each run.
/*
 * node scripts/soak/soak-pipeline.ts [--runs 20] [--workers 2] [--batch samples/batch]
 *
 * Starts a real PostgreSQL (127.0.0.1 only) and makes the reference outputs with one `sohoa run`. Then, per run, in
 * a new database and output folder: `sohoa enqueue`, --workers `sohoa worker` processes (one OCR worker and one
 * dossier at a time each), SIGKILL of the first worker to finish a page (so it dies in the middle of a dossier),
 * and a wait until the survivors leave the queue idle. Counted per run: dossiers lost (no dossier.json), dossiers
 * published twice (two `dossier.finished` for one dossier), batch reports written (must be one), and whether every
 * output is byte for byte the reference. The scripts/soak/soak-queue.ts soak does the same with a stand-in handler
 * and many more dossiers, to exercise the queue alone.
 *
 * Exit code 0 when no run lost, duplicated or changed anything.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgresServer } from '../lib/postgres-server.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
    batch: { type: 'string', default: path.resolve(import.meta.dirname, '../../samples/batch') },
  },
});
const runs = Number(args.runs);
const workerCount = Number(args.workers);
const cli = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

interface Proc {
  events: Array<Record<string, unknown>>;
  kill: (signal: NodeJS.Signals) => void;
  done: Promise<number | null>;
  onEvent: (listener: (event: Record<string, unknown>) => void) => void;
}

function start(argv: string[]): Proc {
  const child = spawn(process.execPath, [cli, ...argv], { env: { ...process.env, SOHOA_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Array<Record<string, unknown>> = [];
  const listeners: Array<(event: Record<string, unknown>) => void> = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  });
  child.stderr.resume();
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { events, kill: (signal) => child.kill(signal), done, onEvent: (listener) => listeners.push(listener) };
}

async function checksums(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('report.')) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(path.relative(root, file), createHash('sha256').update(await readFile(file)).digest('hex'));
  }
  return out;
}

function sameOutputs(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([key, sum]) => b.get(key) === sum);
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-kill-real-'));
  const pg = await startPostgresServer();
  let failures = 0;
  try {
    const reference = path.join(scratch, 'reference');
    if ((await start(['run', args.batch, '--out', reference, '--no-progress']).done) !== 0) throw new Error('the reference run failed');
    const referenceSums = await checksums(reference);
    const dossierIds = [...new Set([...referenceSums.keys()].filter((k) => k.endsWith('dossier.json')).map((k) => k.split(path.sep).at(-2)!))];
    console.log(`soak-pipeline: ${runs} runs of ${args.batch} (${dossierIds.length} dossiers, ${referenceSums.size} objects), ${workerCount} workers × 1 OCR worker`);
    for (let run = 1; run <= runs; run++) {
      const runStarted = Date.now();
      const queue = await pg.createDatabase(`kill_${run}`);
      const out = path.join(scratch, `out-${run}`);
      const common = ['--queue', queue];
      if ((await start(['enqueue', args.batch, ...common, '--out', out]).done) !== 0) throw new Error('enqueue failed');
      const workers = Array.from({ length: workerCount }, () => start(['worker', ...common, '--pool-size', '1', '--concurrency', '1', '--metrics-port', '0', '--exit-when-idle', '--work-dir', path.join(scratch, 'work')]));
      let victim: Proc | undefined;
      let killedDossier = '';
      await new Promise<void>((resolve) => {
        for (const worker of workers) {
          worker.onEvent((event) => {
            if (victim || event['event'] !== 'page.done') return;
            victim = worker;
            killedDossier = String(event['dossierId']);
            worker.kill('SIGKILL');
            resolve();
          });
        }
      });
      const exits = await Promise.all(workers.map((w) => w.done));
      const survivorsOk = workers.every((w, i) => w === victim || exits[i] === 0);
      const finished = workers.flatMap((w) => w.events.filter((e) => e['event'] === 'dossier.finished').map((e) => String(e['dossierId'])));
      const sums = await checksums(out);
      const lost = dossierIds.filter((id) => ![...sums.keys()].some((k) => k.endsWith(path.join(id, 'dossier.json'))));
      const duplicated = dossierIds.filter((id) => finished.filter((f) => f === id).length > 1);
      const reports = workers.flatMap((w) => w.events.filter((e) => e['event'] === 'batch.reported')).length;
      const identical = sameOutputs(sums, referenceSums);
      const ok = lost.length === 0 && duplicated.length === 0 && reports === 1 && identical && survivorsOk;
      if (!ok) failures += 1;
      console.log(
        `run ${String(run).padStart(2)}: killed mid ${killedDossier}; lost ${lost.length}, duplicated ${duplicated.length}, reports ${reports}, ` +
          `outputs ${identical ? 'identical' : 'DIFFERENT'}, survivors exit 0: ${survivorsOk}, ${((Date.now() - runStarted) / 1000).toFixed(1)} s`,
      );
      await rm(out, { recursive: true, force: true });
    }
  } finally {
    await pg.stop();
    await rm(scratch, { recursive: true, force: true });
  }
  console.log(`summary: ${runs} runs, ${failures} with a lost, duplicated or different dossier; total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
