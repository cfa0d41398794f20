// InProcessQueue and runWorker: the JobQueue port's promises, in memory.
import { describe, expect, it, vi } from 'vitest';
import { InputError, TransientError } from '../../../src/domain/errors.ts';
import { InProcessQueue } from '../../doubles/in-process-queue.ts';
import type { DossierJob, JobAttempt } from '../../../src/queue/job-queue.ts';
import { installSignalHandlers, runWorker } from '../../../src/queue/worker-loop.ts';
import { memoryLog } from '../../support/memory-log.ts';

const jobs = (batchId: string, ids: string[]): DossierJob[] => ids.map((dossierId) => ({ batchId, dossierId, batchUri: '/scans/b', outUri: '/out' }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Fast retries without jitter: 20 ms, 40 ms, 80 ms … */
const fast = () => new InProcessQueue({ retryDelayMs: 20, retryDelayMaxMs: 1_000, random: () => 0 });

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
      if (job.dossierId === 'input') throw new InputError('IMAGE_UNREADABLE', 'input/page-2.tif: not a TIFF image', { file: 'input/page-2.tif', pageNumber: 2 });
      if (job.dossierId === 'transient' && attempt.attempt <= 2) throw new TransientError('STORE_UNAVAILABLE', 'S3 put failed: HTTP 503');
      if (job.dossierId === 'forever') throw new TransientError('STORE_UNAVAILABLE', 'S3 unreachable');
      if (job.dossierId === 'bug') throw new RangeError('index out of range');
    }, 5);
    const status = await queue.status('b1');
    expect(status.counts).toEqual({ waiting: 0, active: 0, retrying: 0, done: 2, failed: 3 });
    expect(status.failed).toEqual([
      { dossierId: 'bug', kind: 'internal', code: 'INTERNAL', message: 'RangeError: index out of range', attempts: 1, failedAt: expect.any(String) },
      { dossierId: 'forever', kind: 'transient', code: 'STORE_UNAVAILABLE', message: 'S3 unreachable', attempts: 4, failedAt: expect.any(String) },
      { dossierId: 'input', kind: 'input', code: 'IMAGE_UNREADABLE', message: 'input/page-2.tif: not a TIFF image', attempts: 1, failedAt: expect.any(String) },
    ]);
    const transient = calls.get('transient')!;
    expect(transient).toHaveLength(3);
    // 20 ms then 40 ms between attempts (random() = 0): exponential backoff.
    expect(transient[1]! - transient[0]!).toBeGreaterThanOrEqual(19);
    expect(transient[2]! - transient[1]!).toBeGreaterThanOrEqual(39);
    expect(calls.get('input')).toHaveLength(1);
    expect(calls.get('bug')).toHaveLength(1);
  });

  it('takes a retry that came due between looking for work and waiting for it (a busy machine), instead of waiting for ever', async () => {
    // Every reading of the clock is 15 ms later: the retry (due 20 ms after the failure) is not due when the
    // worker looks for work, and already due when it starts to wait.
    let now = 1_000_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => (now += 15));
    try {
      const queue = fast();
      await queue.enqueueDossiers(jobs('b1', ['flaky']));
      let attempts = 0;
      const finished = runUntilIdle(queue, async () => {
        attempts += 1;
        if (attempts === 1) throw new TransientError('STORE_UNAVAILABLE', 'S3 put failed: HTTP 503');
      }, 1);
      const outcome = await Promise.race([finished.then(() => 'finished'), sleep(5_000).then(() => 'still waiting')]);
      expect(outcome).toBe('finished');
      expect(attempts).toBe(2);
      expect((await queue.status('b1')).counts.done).toBe(1);
    } finally {
      clock.mockRestore();
    }
  });

  it('puts failed dossiers back on retryFailed, each with one more attempt', async () => {
    const queue = fast();
    await queue.enqueueDossiers(jobs('b1', ['x', 'y', 'z']));
    const broken = new Set(['x', 'y']);
    const handler = async (job: DossierJob) => {
      if (broken.has(job.dossierId)) throw new InputError('IMAGE_UNREADABLE', `${job.dossierId}: unreadable`);
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
    const finished: string[] = [];
    let markBothStarted: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => (markBothStarted = resolve));
    const work = queue.work(
      async (job, signal) => {
        started.push(job.dossierId);
        if (started.length === 2) markBothStarted();
        signal.addEventListener('abort', () => aborted.push(job.dossierId));
        await sleep(job.dossierId === 'long' ? 10_000 : 80);
        finished.push(job.dossierId);
      },
      { concurrency: 2, signal: controller.signal, drainTimeoutMs: 200 },
    );
    await bothStarted;
    controller.abort();
    await work;
    // work() ended while the long dossier was still sleeping: it was released, not waited for.
    expect(finished).toEqual(['short']);
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
    let markStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const work = queue.work(
      async (_job, signal) => {
        markStarted();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        sawAbort = true;
      },
      { concurrency: 1, signal: new AbortController().signal },
    );
    await started;
    await queue.close();
    await work;
    expect(sawAbort).toBe(true);
    expect((await queue.status('b1')).counts).toMatchObject({ waiting: 1, active: 0, done: 0 });
  });

  it('hands a batch completion to exactly one caller, again after its lease lapses, and again after new work', async () => {
    let now = 1_000_000;
    const queue = new InProcessQueue({ reportLeaseMs: 1_000, clock: () => now });
    await queue.enqueueDossiers(jobs('b1', ['A', 'B']));
    expect(await queue.claimBatchCompletion('b1')).toBeUndefined();
    await runUntilIdle(queue, async () => {});
    const claims = (await Promise.all(Array.from({ length: 10 }, () => queue.claimBatchCompletion('b1')))).filter((c) => c !== undefined);
    expect(claims).toHaveLength(1);
    const first = claims[0]!;
    // A holder that renews keeps the completion however long it writes.
    now += 999;
    expect(await queue.renewBatchClaim(first)).toBe(true);
    now += 999;
    expect(await queue.claimCompletedBatches()).toEqual([]);
    // A holder that stalls past the lease loses it, and the new claim fences it out.
    now += 1_000;
    const second = await queue.claimBatchCompletion('b1');
    expect(second).toMatchObject({ batchId: 'b1' });
    expect(second!.token).toBeGreaterThan(first.token);
    expect(await queue.renewBatchClaim(first)).toBe(false);
    expect(await queue.markBatchReported(first)).toBe(false);
    expect((await queue.status('b1')).reported).toBe(false);
    expect(await queue.markBatchReported(second!)).toBe(true);
    expect(await queue.markBatchReported(second!)).toBe(false);
    now += 10_000;
    expect(await queue.claimBatchCompletion('b1')).toBeUndefined();
    expect((await queue.status('b1')).reported).toBe(true);
    // New work opens a new completion.
    await queue.enqueueDossiers(jobs('b1', ['C']));
    expect(await queue.claimBatchCompletion('b1')).toBeUndefined();
    await runUntilIdle(queue, async () => {});
    expect(await queue.claimCompletedBatches()).toEqual([{ batchId: 'b1', token: expect.any(Number) }]);
  });

  it('fences out a claim made before new dossiers or a retry opened a new completion', async () => {
    const queue = new InProcessQueue({ clock: () => 0 });
    await queue.enqueueDossiers(jobs('b1', ['A']));
    await runUntilIdle(queue, async () => {});
    const stale = (await queue.claimBatchCompletion('b1'))!;
    await queue.enqueueDossiers(jobs('b1', ['B']));
    await runUntilIdle(queue, async () => {});
    expect(await queue.markBatchReported(stale)).toBe(false);
    const current = (await queue.claimBatchCompletion('b1'))!;
    expect(current.token).toBeGreaterThan(stale.token);
    expect(await queue.markBatchReported(current)).toBe(true);
  });
});

describe('runWorker', () => {
  it('writes each batch report once, logs a bug with its stack, and stops on SIGTERM', async () => {
    const queue = fast();
    await queue.enqueueDossiers([...jobs('b1', ['A', 'B', 'bug']), ...jobs('b2', ['C'])]);
    const { log, lines } = memoryLog();
    const reports: string[] = [];
    let markBothReported: () => void = () => {};
    const bothReported = new Promise<void>((resolve) => (markBothReported = resolve));
    const worker = runWorker({
      queue,
      concurrency: 2,
      log,
      handler: async (job) => {
        if (job.dossierId === 'bug') JSON.parse('{not json');
      },
      onBatchComplete: async (batchId) => {
        reports.push(batchId);
        if (reports.length === 2) markBothReported();
      },
      completionSweepMs: 50,
    });
    const uninstall = installSignalHandlers(worker, log);
    try {
      await bothReported;
      process.emit('SIGTERM', 'SIGTERM');
      const summary = await worker.done;
      // The worker's last sweep ran before `done`: nothing can add a report after this.
      expect(reports.sort()).toEqual(['b1', 'b2']);
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
    let markWritten: () => void = () => {};
    const written = new Promise<void>((resolve) => (markWritten = resolve));
    const worker = runWorker({
      queue,
      concurrency: 1,
      log,
      handler: async () => {},
      onBatchComplete: async () => {
        attempts += 1;
        if (attempts === 1) throw new TransientError('STORE_UNAVAILABLE', 'S3 put of b1/report.json failed: HTTP 503');
        markWritten();
      },
      completionSweepMs: 40,
    });
    await written;
    const summary = await worker.stop();
    expect(attempts).toBe(2);
    expect(summary.batchesReported).toBe(1);
    expect((await queue.status('b1')).reported).toBe(true);
    expect(lines.find((line) => line.event === 'batch.report_failed')).toMatchObject({ level: 50, batchId: 'b1' });
  });

  it('stops a report writer whose claim passed to another worker, and lets only the new holder mark it done', async () => {
    let now = 0;
    const queue = new InProcessQueue({ reportLeaseMs: 300, clock: () => now });
    await queue.enqueueDossiers(jobs('b1', ['A']));
    const { log, lines } = memoryLog();
    let markWriting: () => void = () => {};
    const writing = new Promise<void>((resolve) => (markWriting = resolve));
    let sawLoss = false;
    const worker = runWorker({
      queue,
      concurrency: 1,
      log,
      handler: async () => {},
      // Stands for a writer that stalls (a long GC pause, a hung request) and only notices the loss later.
      onBatchComplete: (_batchId, signal) =>
        new Promise<void>((_resolve, reject) => {
          markWriting();
          signal.addEventListener('abort', () => {
            sawLoss = true;
            reject(signal.reason);
          });
        }),
      completionSweepMs: 40,
    });
    await writing;
    // The lease runs out on the queue's clock, and another worker claims the completion in the same step.
    now += 301;
    const takeover = await queue.claimBatchCompletion('b1');
    expect(takeover).toBeDefined();
    const summary = await worker.stop();
    expect(sawLoss).toBe(true);
    expect(summary.batchesReported).toBe(0);
    expect(lines.find((line) => line.event === 'batch.report_superseded')).toMatchObject({ level: 40, batchId: 'b1' });
    expect((await queue.status('b1')).reported).toBe(false);
    expect(await queue.markBatchReported(takeover!)).toBe(true);
    expect((await queue.status('b1')).reported).toBe(true);
  });
});
