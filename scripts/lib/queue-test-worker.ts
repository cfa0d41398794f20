// A worker process for the queue tests and the queue soak: PgBossQueue + runWorker around a handler module, as `sohoa worker` will be.
/*
 * node scripts/lib/queue-test-worker.ts --queue <postgres-url> --handler <module> [--concurrency 2] [--drain-ms 10000]
 *
 * The handler module exports `setup()` returning `{ handler, onBatchComplete?, close? }` (see
 * queue-test-handler.ts). Logs are pino JSON lines on stdout (`job.started`, `job.done`, `worker.stopped`…), which
 * the tests read to know what the worker is doing. SIGTERM drains and exits 0; a second signal exits at once.
 *
 * Queue timings are the short ones the tests and scripts/soak/soak-queue.ts rely on (queueTestTimings), so a
 * killed worker's dossier is taken over in about 10–14 s instead of the production bound of 17 s.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SohoaError } from '../../src/domain/errors.ts';
import { createLogger } from '../../src/log.ts';
import { PgBossQueue, type PgBossQueueOptions } from '../../src/queue/pg-boss-queue.ts';
import { installSignalHandlers, runWorker } from '../../src/queue/worker-loop.ts';
import type { HandlerModule } from './queue-test-handler.ts';

/** Short heartbeat, supervision and polling intervals, so takeovers happen within a test's patience. */
export const queueTestTimings = {
  heartbeatSeconds: 10,
  heartbeatRefreshSeconds: 1,
  superviseIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
  retryDelayMs: 1_000,
} as const satisfies Partial<PgBossQueueOptions>;

export const queueTestWorkerPath = fileURLToPath(import.meta.url);
export const queueTestHandlerPath = path.join(path.dirname(queueTestWorkerPath), 'queue-test-handler.ts');

/** One line of a worker's pino log. */
export interface LogEvent {
  level: number;
  time?: string;
  event?: string;
  dossierId?: string;
  attempt?: number;
  [key: string]: unknown;
}

export interface SpawnedWorker {
  process: ChildProcessByStdio<null, Readable, Readable>;
  pid: number;
  /** Every log line so far, in order. */
  events: LogEvent[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The first log line (already seen or still to come) that matches; rejects after timeoutMs or if the process exits. */
  waitForEvent(what: string, timeoutMs: number, match: (event: LogEvent) => boolean): Promise<LogEvent>;
  /** Dossiers this worker started and has not finished, failed or released (by its own log). */
  holding(): string[];
}

export interface SpawnOptions {
  url: string;
  markerDir: string;
  handlerPath?: string;
  concurrency?: number;
  drainMs?: number;
  jobMs?: number;
  slowJobMs?: number;
  sweepMs?: number;
}

/** Starts this file as a worker process with the given handler module and marker folder. */
export function spawnTestWorker(options: SpawnOptions): SpawnedWorker {
  const child = spawn(
    process.execPath,
    [
      queueTestWorkerPath,
      '--queue', options.url,
      '--handler', options.handlerPath ?? queueTestHandlerPath,
      '--concurrency', String(options.concurrency ?? 2),
      '--drain-ms', String(options.drainMs ?? 10_000),
      '--sweep-ms', String(options.sweepMs ?? 1_000),
    ],
    {
      env: {
        ...process.env,
        SOHOA_TEST_MARKER_DIR: options.markerDir,
        SOHOA_TEST_JOB_MS: String(options.jobMs ?? 400),
        SOHOA_TEST_SLOW_JOB_MS: String(options.slowJobMs ?? 5_000),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const events: LogEvent[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as LogEvent);
    } catch {
      events.push({ level: 50, event: 'unparsed', line });
    }
    for (const listener of [...listeners]) listener();
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return {
    process: child,
    pid: child.pid!,
    events,
    exited,
    waitForEvent(what, timeoutMs, match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`worker ${child.pid}: timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`worker ${child.pid} exited while waiting for ${what}; stderr: ${stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    holding() {
      const open = new Map<string, number>();
      for (const event of events) {
        if (!event.dossierId) continue;
        if (event.event === 'job.started') open.set(event.dossierId, (open.get(event.dossierId) ?? 0) + 1);
        else if (event.event === 'job.done' || event.event === 'job.failed' || event.event === 'job.released') open.set(event.dossierId, (open.get(event.dossierId) ?? 1) - 1);
      }
      return [...open].filter(([, count]) => count > 0).map(([id]) => id);
    },
  };
}

/** Resolves with the worker's exit, or rejects if it has not exited within timeoutMs. */
export async function exitWithin(worker: SpawnedWorker, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`worker ${worker.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([worker.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      queue: { type: 'string' },
      handler: { type: 'string' },
      concurrency: { type: 'string', default: '2' },
      'drain-ms': { type: 'string', default: '10000' },
      'sweep-ms': { type: 'string', default: '2000' },
    },
  });
  if (!values.queue || !values.handler) {
    process.stderr.write('usage: queue-test-worker.ts --queue <postgres-url> --handler <module> [--concurrency N] [--drain-ms N]\n');
    return 2;
  }
  const log = createLogger({ level: 'info', pretty: false });
  const module = (await import(pathToFileURL(path.resolve(values.handler)).href)) as { setup: () => HandlerModule | Promise<HandlerModule> };
  const handlerModule = await module.setup();
  const drainTimeoutMs = Number(values['drain-ms']);
  const queue = new PgBossQueue({ connectionString: values.queue, log, drainTimeoutMs, ...queueTestTimings });
  try {
    await queue.start();
    const worker = runWorker({
      queue,
      handler: handlerModule.handler,
      concurrency: Number(values.concurrency),
      log,
      drainTimeoutMs,
      completionSweepMs: Number(values['sweep-ms']),
      ...(handlerModule.onBatchComplete ? { onBatchComplete: handlerModule.onBatchComplete } : {}),
    });
    installSignalHandlers(worker, log);
    await worker.done;
    return 0;
  } catch (err) {
    log.error({ event: 'worker.failed', err }, 'worker.failed');
    return err instanceof SohoaError ? err.exitCode : 70;
  } finally {
    await queue.close();
    await handlerModule.close?.();
    log.info({ event: 'worker.exit' }, 'worker.exit');
  }
}

if (import.meta.main) {
  process.exitCode = await main();
}
