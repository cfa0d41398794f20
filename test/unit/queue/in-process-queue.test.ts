// InProcessQueue and runWorker: the JobQueue port's promises, in memory.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError, TransientError } from '../../../src/domain/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { InProcessQueue } from '../../../src/queue/in-process-queue.ts';
import type { DossierJob, JobAttempt } from '../../../src/queue/job-queue.ts';
import { installSignalHandlers, runWorker } from '../../../src/queue/worker-loop.ts';

const jobs = (batchId: string, ids: string[]): DossierJob[] => ids.map((dossierId) => ({ batchId, dossierId, batchUri: '/scans/b', outUri: '/out' }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Fast retries without jitter: 20 ms, 40 ms, 80 ms … */
const fast = () => new InProcessQueue({ retryDelayMs: 20, retryDelayMaxMs: 1_000, random: () => 0 });

function memoryLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { log: createLogger({ level: 'info', pretty: false, destination }), lines };
}

/** Runs the queue until it is idle (the way `sohoa run` uses it). */
async function runUntilIdle(queue: InProcessQueue, handler: (job: DossierJob, signal: AbortSignal, attempt: JobAttempt) => Promise<void>, concurrency = 2) {
  await queue.work(handler, { concurrency, signal: new AbortController().signal, stopWhenIdle: true });
}

describe('InProcessQueue', () => {
  it('enqueues one job per dossier; the same dossiers again create nothing', async () => {
    const queue = fast();
    expect(await queue.enqueueDossiers(jobs('b1', ['A', 'B', 'B']))).toEqual({ created: 2, existing: 0 });
    expect(await queue.enqueueDossiers(jobs('b1', ['A', 'B', 'C']))).toEqual({ created: 1, existing: 2 });
    expect(await queue.enqueueDossiers(jobs('b2', ['A']))).toEqual({ created: 1, existing: 0 });
    expect((await queue.status('b1')).counts).toEqual({ waiting: 3, active: 0, retrying: 0, done: 0, failed: 0 });
    await expect(queue.enqueueDossiers([{ batchId: 'b1', dossierId: '', batchUri: '/x', outUri: '/y' }])).rejects.toThrow(
      'jobs[0].dossierId: expected a non-empty string but received "" (string)',
    );
  });

  it('runs every dossier with at most `concurrency` at once, then stops when idle', async () => {
    const queue = fast();
    await queue.enqueueDossiers(jobs('b1', ['1', '2', '3', '4', '5', '6', '7']));
    let active = 0;
    let peak = 0;
    const seen: string[] = [];
    await runUntilIdle(queue, async (job) => {
      active += 1;
      peak = Math.max(peak, active);
      await sleep(10);
      seen.push(job.dossierId);
      active -= 1;
    }, 3);
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(await queue.status('b1')).toMatchObject({ total: 7, complete: true, counts: { done: 7 } });
  });

  it('fails an input error at once with its reason, retries a transient fault with backoff, and fails a bug as internal', async () => {
    const queue = new InProcessQueue({ retryDelayMs: 20, retryDelayMaxMs: 100, retryLimit: 3, random: () => 0 });
    await queue.enqueueDossiers(jobs('b1', ['input', 'transient', 'forever', 'bug', 'ok']));
    const calls = new Map<string, number[]>();
    await runUntilIdle(queue, async (job, _signal, attempt) => {
      calls.set(job.dossierId, [...(calls.get(job.dossierId) ?? []), Date.now()]);
      expect(attempt.attempt).toBe(calls.get(job.dossierId)!.length);
      if (job.dossierId === 'input') throw new InputError('input/page-2.tif: not a TIFF image', { file: 'input/page-2.tif', pageNumber: 2 });
      if (job.dossierId === 'transient' && attempt.attempt <= 2) throw new TransientError('S3 put failed: HTTP 503');
      if (job.dossierId === 'forever') throw new TransientError('S3 unreachable');
      if (job.dossierId === 'bug') throw new RangeError('index out of range');
    }, 5);
    const status = await queue.status('b1');
    expect(status.counts).toEqual({ waiting: 0, active: 0, retrying: 0, done: 2, failed: 3 });
    expect(status.failed).toEqual([
      { dossierId: 'bug', kind: 'internal', message: 'RangeError: index out of range', attempts: 1, failedAt: expect.any(String) },
      { dossierId: 'forever', kind: 'transient', message: 'S3 unreachable', attempts: 4, failedAt: expect.any(String) },
      { dossierId: 'input', kind: 'input', message: 'input/page-2.tif: not a TIFF image', attempts: 1, failedAt: expect.any(String) },
    ]);
    const transient = calls.get('transient')!;
    expect(transient).toHaveLength(3);
    // 20 ms then 40 ms between attempts (random() = 0): exponential backoff.
    expect(transient[1]! - transient[0]!).toBeGreaterThanOrEqual(19);
    expect(transient[2]! - transient[1]!).toBeGreaterThanOrEqual(39);
    expect(calls.get('input')).toHaveLength(1);
    expect(calls.get('bug')).toHaveLength(1);
  });

  it('puts failed dossiers back on retryFailed, each with one more attempt', async () => {
    const queue = fast();
    await queue.enqueueDossiers(jobs('b1', ['x', 'y', 'z']));
    const broken = new Set(['x', 'y']);
    const handler = async (job: DossierJob) => {
      if (broken.has(job.dossierId)) throw new InputError(`${job.dossierId}: unreadable`);
    };
    await runUntilIdle(queue, handler);
    expect((await queue.status('b1')).counts.failed).toBe(2);
    broken.delete('x');
    expect(await queue.retryFailed('b1', 'x')).toBe(1);
    expect(await queue.retryFailed('b1', 'z')).toBe(0);
    await runUntilIdle(queue, handler);
    const status = await queue.status('b1');
    expect(status.counts).toMatchObject({ done: 2, failed: 1 });
    expect(status.failed).toMatchObject([{ dossierId: 'y', attempts: 1 }]);
    expect(await queue.retryFailed('b1')).toBe(1);
    await runUntilIdle(queue, handler);
    expect((await queue.status('b1')).failed).toMatchObject([{ dossierId: 'y', kind: 'input', attempts: 2 }]);
  });

  it('on stop lets a short dossier finish, releases a long one after the drain time, and takes no new one', async () => {
    const queue = fast();
    await queue.enqueueDossiers(jobs('b1', ['short', 'long', 'later']));
    const controller = new AbortController();
    const aborted: string[] = [];
    const started: string[] = [];
    const work = queue.work(
      async (job, signal) => {
        started.push(job.dossierId);
        signal.addEventListener('abort', () => aborted.push(job.dossierId));
        await sleep(job.dossierId === 'long' ? 10_000 : 80);
      },
      { concurrency: 2, signal: controller.signal, drainTimeoutMs: 200 },
    );
    await sleep(20);
    const stoppedAt = Date.now();
    controller.abort();
    await work;
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    expect(started).toEqual(['short', 'long']);
    expect(aborted).toEqual(['long']);
    const status = await queue.status('b1');
    // The released dossier is back in the queue for the next worker, not failed.
    expect(status.counts).toEqual({ waiting: 2, active: 0, retrying: 0, done: 1, failed: 0 });
  });

  it('stops a running work() on close(), releasing what is still active after the drain time', async () => {
    const queue = new InProcessQueue({ drainTimeoutMs: 50 });
    await queue.enqueueDossiers(jobs('b1', ['long']));
    let sawAbort = false;
    const work = queue.work(
      async (_job, signal) => {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        sawAbort = true;
      },
      { concurrency: 1, signal: new AbortController().signal },
    );
    await sleep(20);
    await queue.close();
    await work;
    expect(sawAbort).toBe(true);
    expect((await queue.status('b1')).counts).toMatchObject({ waiting: 1, active: 0, done: 0 });
  });

  it('hands a batch completion to exactly one caller, again after its lease lapses, and again after new work', async () => {
    const queue = new InProcessQueue({ reportLeaseMs: 50 });
    await queue.enqueueDossiers(jobs('b1', ['A', 'B']));
    expect(await queue.claimBatchCompletion('b1')).toBe(false);
    await runUntilIdle(queue, async () => {});
    const claims = await Promise.all(Array.from({ length: 10 }, () => queue.claimBatchCompletion('b1')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await sleep(60);
    expect(await queue.claimCompletedBatches()).toEqual(['b1']);
    await queue.markBatchReported('b1');
    await sleep(60);
    expect(await queue.claimBatchCompletion('b1')).toBe(false);
    expect((await queue.status('b1')).reported).toBe(true);
    await queue.enqueueDossiers(jobs('b1', ['C']));
    expect(await queue.claimBatchCompletion('b1')).toBe(false);
    await runUntilIdle(queue, async () => {});
    expect(await queue.claimBatchCompletion('b1')).toBe(true);
  });
});

describe('runWorker', () => {
  it('writes each batch report once, logs a bug with its stack, and stops on SIGTERM', async () => {
    const queue = fast();
    await queue.enqueueDossiers([...jobs('b1', ['A', 'B', 'bug']), ...jobs('b2', ['C'])]);
    const { log, lines } = memoryLog();
    const reports: string[] = [];
    const worker = runWorker({
      queue,
      concurrency: 2,
      log,
      handler: async (job) => {
        if (job.dossierId === 'bug') JSON.parse('{not json');
      },
      onBatchComplete: async (batchId) => void reports.push(batchId),
      completionSweepMs: 50,
    });
    const uninstall = installSignalHandlers(worker, log);
    try {
      for (let i = 0; i < 100 && reports.length < 2; i++) await sleep(20);
      await sleep(200);
      expect(reports.sort()).toEqual(['b1', 'b2']);
      process.emit('SIGTERM', 'SIGTERM');
      const summary = await worker.done;
      expect(summary).toEqual({ jobsDone: 3, jobsFailed: 1, jobsReleased: 0, batchesReported: 2 });
    } finally {
      uninstall();
    }
    expect(process.listenerCount('SIGTERM')).toBe(0);
    const bug = lines.find((line) => line.event === 'job.failed')!;
    expect(bug).toMatchObject({ level: 50, kind: 'internal', batchId: 'b1', dossierId: 'bug', attempt: 1 });
    expect((bug.err as { stack: string }).stack).toMatch(/SyntaxError[\s\S]*in-process-queue\.test\.ts/);
    expect(lines.map((line) => line.event)).toEqual(expect.arrayContaining(['worker.started', 'job.started', 'job.done', 'batch.reported', 'worker.signal', 'worker.stopping', 'worker.stopped']));
    expect((await queue.status('b1')).failed).toMatchObject([{ dossierId: 'bug', kind: 'internal', message: expect.stringMatching(/^SyntaxError: /) }]);
  });

  it('leaves a claim unconfirmed when the report cannot be written, so it is offered again', async () => {
    const queue = new InProcessQueue({ reportLeaseMs: 100 });
    await queue.enqueueDossiers(jobs('b1', ['A']));
    const { log, lines } = memoryLog();
    let attempts = 0;
    const worker = runWorker({
      queue,
      concurrency: 1,
      log,
      handler: async () => {},
      onBatchComplete: async () => {
        attempts += 1;
        if (attempts === 1) throw new TransientError('S3 put of b1/report.json failed: HTTP 503');
      },
      completionSweepMs: 40,
    });
    for (let i = 0; i < 100 && !(await queue.status('b1')).reported; i++) await sleep(20);
    const summary = await worker.stop();
    expect(attempts).toBe(2);
    expect(summary.batchesReported).toBe(1);
    expect(lines.find((line) => line.event === 'batch.report_failed')).toMatchObject({ level: 50, batchId: 'b1' });
  });
});
