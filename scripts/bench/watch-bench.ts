// Benchmark of `sohoa watch`: how soon a batch dropped into the inbox is taken, and what watching a large inbox
// of finished batches costs while nothing happens. The figures are the watcher's own (detection, listing, the
// ledger): the take action only notes the time, since the run it would start is measured by the OCR bench.
/*
 * 1. Start latency, folder: a temp folder inbox with its file-system events, settle 2 s (and the default 5 s), poll
 *    10 s so the poll cannot be what wakes it. From the last file of the batch written to the take call.
 * 2. Start latency, S3: the same on fauxqs (a real S3-compatible server, in a child process, on 127.0.0.1), polled
 *    every 2 s; the upload starts at a random moment of the poll cycle. Objects of a manifest batch are complete
 *    once listed, so the target is the poll interval plus a little, not poll + settle.
 * 3. Idle cost of an inbox of N (5,000) finished batches, S3 and folder: one first pass takes them all (records in
 *    a WatchState ledger on a temp LocalObjectStore, as embedded mode keeps them), then `watcher.run()` polls every
 *    second for a while; per cheap look: list requests, ms, and the CPU of this process (fauxqs runs in another).
 *    Then the cost of one full rescan. The same classes as src/cli/watch-command.ts: Watcher, FolderInbox,
 *    S3Inbox, WatchState.
 *
 * `node scripts/bench/watch-bench.ts [--runs 5] [--batches 5000] [--idle-seconds 60] [--idle-poll 10]` (`npm run bench:watch`), or `npm run bench -- --watch`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createLimiter } from '../../src/common/limiter.ts';
import { silentLogger } from '../../src/log.ts';
import { LocalObjectStore } from '../../src/storage/local-object-store.ts';
import { FolderInbox } from '../../src/watch/folder-inbox.ts';
import type { Inbox } from '../../src/watch/inbox.ts';
import { S3Inbox } from '../../src/watch/s3-inbox.ts';
import type { WatchActions } from '../../src/watch/watch-pass.ts';
import { WatchState } from '../../src/watch/watch-state.ts';
import { Watcher, type LookSummary } from '../../src/watch/watcher.ts';
import { median } from './bench-operations.ts';

export interface WatchBenchOptions {
  runs: number;
  batches: number;
  idleSeconds: number;
  /** The poll of the idle window; the command's default (10 s) unless told. */
  idlePollMs?: number;
}

interface S3Server {
  endpoint: string;
  stop(): Promise<void>;
}

/** fauxqs checks no signature, but the SDK must sign something and never look for real credentials. */
const credentials = { accessKeyId: 'sohoa-bench', secretAccessKey: 'sohoa-bench-secret' };
const region = 'us-east-1';
const tinyPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** What watch-command.ts passes unless told otherwise. */
const giveUpMs = 3_600_000;
const tempDirs: string[] = [];

const manifestFor = (batch: string, files: string[]): string =>
  JSON.stringify({ batchId: batch, dossiers: [{ id: 'HS-1', title: 'Bench dossier', documents: [{ id: 'D-1', title: 'Bench document', files }] }] });

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `sohoa-watch-bench-${name}-`));
  tempDirs.push(dir);
  return dir;
}

/** fauxqs in a child process (this file with --serve-s3), so its CPU is never counted as the watcher's. */
async function startS3Server(): Promise<S3Server> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve-s3'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
  if (first === undefined) throw new Error('the fauxqs child process exited before it printed its endpoint');
  const { endpoint } = JSON.parse(first) as { endpoint: string };
  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}

async function serveS3(): Promise<void> {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ endpoint: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
}

async function createBucket(server: S3Server, bucket: string): Promise<void> {
  const response = await fetch(`${server.endpoint}/${bucket}`, { method: 'PUT' });
  if (!response.ok && response.status !== 409) throw new Error(`creating bucket ${bucket} failed: HTTP ${response.status}`);
}

const s3InboxOn = (server: S3Server, bucket: string, prefix: string): S3Inbox =>
  new S3Inbox({ bucket, prefix, endpoint: server.endpoint, region, forcePathStyle: true, credentials, requestTimeoutMs: 10_000 });

/** The take only notes when it was called: the figure is detection, not the run. */
function recordingActions(onTake: (batch: string) => void): WatchActions {
  return {
    async take(batch) {
      onTake(batch);
      return { clean: true };
    },
    async reportBad(batch, reasons) {
      throw new Error(`the bench batch ${batch} was judged bad: ${reasons[0]}`);
    },
  };
}

/** A Watcher wired as watch-command.ts wires it in embedded mode, with a WatchState ledger in a temp store. */
async function benchWatcher(inbox: Inbox, timing: { settleMs: number; pollMs: number; rescanMs: number }, onTake: (batch: string) => void, looks: LookSummary[]): Promise<Watcher> {
  const ledger = new WatchState(new LocalObjectStore(await tempDir('ledger')));
  return new Watcher({
    inbox,
    ledger,
    actions: recordingActions(onTake),
    rules: { settleMs: timing.settleMs, source: inbox.source, giveUpMs },
    pollMs: timing.pollMs,
    rescanMs: timing.rescanMs,
    log: silentLogger,
    observer: { looked: (summary) => void looks.push(summary), lookFailed: () => {} },
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * One start-latency run: a watcher idle on an empty inbox, then a batch written file by file (the manifest first,
 * naming two pages, then the pages). Milliseconds from the last file written to the take call.
 */
async function startLatencyRun(kind: 'folder' | 's3', settleMs: number, pollMs: number, s3?: { server: S3Server; client: S3Client }): Promise<number> {
  const prefix = `latency-${Math.random().toString(36).slice(2, 10)}`;
  const root = kind === 'folder' ? await tempDir('inbox') : '';
  const inbox: Inbox = kind === 'folder' ? new FolderInbox(root) : s3InboxOn(s3!.server, 'latency', prefix);
  let takenAt: number | undefined;
  const looks: LookSummary[] = [];
  const watcher = await benchWatcher(inbox, { settleMs, pollMs, rescanMs: 3_600_000 }, () => (takenAt ??= performance.now()), looks);
  const stop = new AbortController();
  const running = watcher.run(stop.signal);
  try {
    await waitFor(() => looks.length > 0, 10_000, 'the first look');
    // Folder: give the recursive watch time to be in place. S3: land anywhere in the poll cycle.
    await sleep(kind === 'folder' ? 500 : Math.random() * pollMs);
    const files: Array<[string, Uint8Array | string]> = [['manifest.json', manifestFor(prefix, ['p1.png', 'p2.png'])], ['p1.png', tinyPng], ['p2.png', tinyPng]];
    if (kind === 'folder') await mkdir(path.join(root, 'batch-1'));
    for (const [file, body] of files) {
      if (kind === 'folder') await writeFile(path.join(root, 'batch-1', file), body);
      else await s3!.client.send(new PutObjectCommand({ Bucket: 'latency', Key: `${prefix}/batch-1/${file}`, Body: body }));
    }
    const lastWritten = performance.now();
    await waitFor(() => takenAt !== undefined, 60_000, `the ${kind} batch to be taken`);
    return takenAt! - lastWritten;
  } finally {
    stop.abort();
    await running;
    await inbox.close();
  }
}

async function startLatency(kind: 'folder' | 's3', settleMs: number, pollMs: number, runs: number, s3?: { server: S3Server; client: S3Client }): Promise<number[]> {
  const latencies: number[] = [];
  for (let run = 0; run < runs; run++) latencies.push(await startLatencyRun(kind, settleMs, pollMs, s3));
  return latencies;
}

interface IdleFigures {
  batches: number;
  fillMs: number;
  firstPassMs: number;
  looks: number;
  listRequestsPerLook: number;
  maxListRequestsPerLook: number;
  msPerLook: number;
  /** Process CPU time in the window over its cheap looks: what one look costs, whatever the poll. */
  cpuMsPerLook: number;
  cpuPercent: number;
  fullRescanMs: number;
  fullRescanListRequests: number;
}

/** The loop as the command runs it, polling a quiet inbox: a warm-up of three looks, then the window. */
async function idleWindow(watcher: Watcher, looks: LookSummary[], idleMs: number): Promise<Pick<IdleFigures, 'looks' | 'listRequestsPerLook' | 'maxListRequestsPerLook' | 'msPerLook' | 'cpuMsPerLook' | 'cpuPercent'>> {
  const stop = new AbortController();
  const running = watcher.run(stop.signal);
  // Warm-up: three looks (the event watch set up, the JIT warm, the first pass's garbage collected), left out.
  looks.length = 0;
  while (looks.length < 3) await sleep(200);
  looks.length = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await sleep(idleMs);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - started;
  const window = [...looks];
  stop.abort();
  await running;
  if (window.some((look) => look.full || look.listed > 0 || look.done > 0)) throw new Error('an idle look was full, listed a batch or took one: the idle figures would not be of cheap looks');
  const requests = window.map((look) => look.listRequests);
  return {
    looks: window.length,
    listRequestsPerLook: median(requests),
    maxListRequestsPerLook: Math.max(...requests),
    msPerLook: median(window.map((look) => look.durationMs)),
    cpuMsPerLook: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, window.length)) * 10) / 10,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}

/** Three full rescans of the finished inbox (every batch listed, each one's record already known). */
async function fullRescan(watcher: Watcher): Promise<Pick<IdleFigures, 'fullRescanMs' | 'fullRescanListRequests'>> {
  const summaries: LookSummary[] = [];
  for (let i = 0; i < 3; i++) summaries.push(await watcher.look(true));
  if (summaries.some((s) => s.done > 0)) throw new Error('a full rescan of finished batches took one again');
  return { fullRescanMs: median(summaries.map((s) => s.durationMs)), fullRescanListRequests: median(summaries.map((s) => s.listRequests)) };
}

/** N batch prefixes, each a manifest.json and one page, uploaded 16 at a time; one pass takes them all. */
async function idleS3(server: S3Server, options: WatchBenchOptions): Promise<IdleFigures> {
  const { batches } = options;
  await createBucket(server, 'idle');
  const client = new S3Client({ endpoint: server.endpoint, region, forcePathStyle: true, credentials });
  const limit = createLimiter(16);
  const names = Array.from({ length: batches }, (_, i) => `lo-${String(i).padStart(5, '0')}`);
  let started = performance.now();
  const put = (key: string, body: Uint8Array | string) => limit(() => client.send(new PutObjectCommand({ Bucket: 'idle', Key: `inbox/${key}`, Body: body })));
  await Promise.all(names.flatMap((name) => [put(`${name}/manifest.json`, manifestFor(name, ['p1.png'])), put(`${name}/p1.png`, tinyPng)]));
  const fillMs = performance.now() - started;
  client.destroy();
  const inbox = s3InboxOn(server, 'idle', 'inbox');
  const looks: LookSummary[] = [];
  let taken = 0;
  const watcher = await benchWatcher(inbox, { settleMs: 5_000, pollMs: options.idlePollMs ?? 10_000, rescanMs: 3_600_000 }, () => void taken++, looks);
  try {
    started = performance.now();
    await watcher.look();
    const firstPassMs = performance.now() - started;
    if (taken !== batches) throw new Error(`the first pass took ${taken} of ${batches} S3 batches`);
    const idle = await idleWindow(watcher, looks, options.idleSeconds * 1000);
    return { batches, fillMs, firstPassMs, ...idle, ...(await fullRescan(watcher)) };
  } finally {
    await inbox.close();
  }
}

/** N batch folders, each a manifest.json and one page; the first pass is `run({ once: true })`, as `--once` does. */
async function idleFolder(options: WatchBenchOptions): Promise<IdleFigures> {
  const { batches } = options;
  const root = await tempDir('idle');
  const limit = createLimiter(16);
  let started = performance.now();
  await Promise.all(
    Array.from({ length: batches }, (_, i) =>
      limit(async () => {
        const name = `lo-${String(i).padStart(5, '0')}`;
        await mkdir(path.join(root, name));
        await writeFile(path.join(root, name, 'manifest.json'), manifestFor(name, ['p1.png']));
        await writeFile(path.join(root, name, 'p1.png'), tinyPng);
      }),
    ),
  );
  const fillMs = performance.now() - started;
  const inbox = new FolderInbox(root);
  const looks: LookSummary[] = [];
  let taken = 0;
  const watcher = await benchWatcher(inbox, { settleMs: 2_000, pollMs: options.idlePollMs ?? 10_000, rescanMs: 3_600_000 }, () => void taken++, looks);
  started = performance.now();
  await watcher.run(new AbortController().signal, { once: true });
  const firstPassMs = performance.now() - started;
  if (taken !== batches) throw new Error(`the first pass took ${taken} of ${batches} folder batches`);
  const idle = await idleWindow(watcher, looks, options.idleSeconds * 1000);
  return { batches, fillMs, firstPassMs, ...idle, ...(await fullRescan(watcher)) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const list = (values: number[]) => values.map((v) => (v / 1000).toFixed(2)).join(', ');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

function row(figure: string, value: string, target = '', ok?: boolean): void {
  console.log(`  ${figure.padEnd(48)} ${value.padEnd(40)} ${target.padEnd(14)} ${ok === undefined ? '' : verdict(ok)}`);
}

interface LatencyFigures {
  folder2: number[];
  folder5: number[];
  s3: number[];
}

function printLatency(latency: LatencyFigures, s3PollMs: number): void {
  console.log('start latency (last file written → take), medians; the runs in brackets:');
  for (const [label, settleMs, runs] of [['folder, settle 2 s, poll 10 s', 2_000, latency.folder2], ['folder, settle 5 s (default), poll 10 s', 5_000, latency.folder5]] as const) {
    row(label, `${seconds(median(runs))} [${list(runs)}]`, `≤ ${seconds(settleMs + 2_000)}`, median(runs) <= settleMs + 2_000);
    row('  latency − settle', seconds(median(runs) - settleMs));
  }
  row(`S3, poll ${s3PollMs / 1000} s, settle 5 s`, `${seconds(median(latency.s3))} [${list(latency.s3)}]`, `≤ ${seconds(s3PollMs + 1_000)}`, median(latency.s3) <= s3PollMs + 1_000);
  row('  worst run', seconds(Math.max(...latency.s3)), `≤ ${seconds(s3PollMs + 1_000)}`, Math.max(...latency.s3) <= s3PollMs + 1_000);
}

function printIdle(label: string, idle: IdleFigures, idleSeconds: number, idlePollMs: number, s3: boolean): void {
  const target = Math.ceil(idle.batches / 1000) + 2;
  console.log(`idle, ${label}: ${idle.batches} finished batches (filled in ${seconds(idle.fillMs)}, first pass took them all in ${seconds(idle.firstPassMs)}), poll ${seconds(idlePollMs)} for ${idleSeconds} s:`);
  row('  cheap looks in the window', String(idle.looks));
  if (s3) row('  list requests per cheap look (median / max)', `${idle.listRequestsPerLook} / ${idle.maxListRequestsPerLook}`, `≤ ${target}`, idle.maxListRequestsPerLook <= target);
  row('  ms per cheap look (median)', `${idle.msPerLook} ms`);
  row('  watcher CPU per cheap look', `${idle.cpuMsPerLook} ms`);
  row('  watcher CPU (% of one core)', `${idle.cpuPercent.toFixed(2)} %`, '≤ 1 %', idle.cpuPercent <= 1);
  row('  one full rescan (median of 3)', `${idle.fullRescanMs} ms${s3 ? `, ${idle.fullRescanListRequests} list requests` : ''}`);
}

/** The whole watch bench: the S3 server started and stopped here, every temp folder removed at the end. */
export async function benchWatch(options: WatchBenchOptions): Promise<void> {
  console.log(`sohoa watch bench: ${options.runs} runs, ${options.batches} batches idle, ${os.availableParallelism()} cores, node ${process.version}`);
  const server = await startS3Server();
  const client = new S3Client({ endpoint: server.endpoint, region, forcePathStyle: true, credentials });
  const s3PollMs = 2_000;
  try {
    await createBucket(server, 'latency');
    const latency: LatencyFigures = {
      folder2: await startLatency('folder', 2_000, 10_000, options.runs),
      folder5: await startLatency('folder', 5_000, 10_000, Math.min(3, options.runs)),
      s3: await startLatency('s3', 5_000, s3PollMs, options.runs, { server, client }),
    };
    client.destroy();
    const idle = { s3: await idleS3(server, options), folder: await idleFolder(options) };
    console.log('');
    printLatency(latency, s3PollMs);
    printIdle('S3 inbox on fauxqs', idle.s3, options.idleSeconds, options.idlePollMs ?? 10_000, true);
    printIdle('folder inbox', idle.folder, options.idleSeconds, options.idlePollMs ?? 10_000, false);
    const ms = (values: number[]) => values.map((v) => Math.round(v));
    const figures = { latencyMs: { folderSettle2s: ms(latency.folder2), folderSettle5s: ms(latency.folder5), s3Poll2s: ms(latency.s3) }, idle };
    console.log(JSON.stringify({ bench: 'watch', runs: options.runs, ...figures }, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 100) / 100 : value)));
  } finally {
    client.destroy();
    await server.stop();
    for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv.includes('--serve-s3')) await serveS3();
  else {
    const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, batches: { type: 'string', default: '5000' }, 'idle-seconds': { type: 'string', default: '60' }, 'idle-poll': { type: 'string', default: '10' } } });
    await benchWatch({ runs: Number(values.runs), batches: Number(values.batches), idleSeconds: Number(values['idle-seconds']), idlePollMs: Number(values['idle-poll']) * 1000 });
  }
}
