// The worker: takes dossier jobs from a queue until stopped, logs each attempt, and writes batch reports once.
import os from 'node:os';
import type { Logger } from 'pino';
import { errorCode, errorKind } from '../domain/errors.ts';
import type { BatchClaim, DossierHandler, JobQueue, QueueHandler } from './job-queue.ts';

export interface WorkerOptions {
  queue: JobQueue;
  /** Runs one dossier; see DossierHandler for what its errors mean. */
  handler: DossierHandler;
  /** Dossiers at once in this process. */
  concurrency: number;
  log: Logger;
  /** After stop(): how long active dossiers may run on before they are released to other workers. */
  drainTimeoutMs?: number;
  /**
   * Writes the report of a batch whose dossiers have all ended. Called in one worker only per completion, which
   * renews its claim while this runs; if it throws, the claim lapses after the queue's report lease and a worker
   * tries again. `signal` aborts when the claim was lost to another worker (this one stalled past the lease):
   * stop before writing anything more. Without it, this worker leaves batch reports to others.
   */
  onBatchComplete?: (batchId: string, signal: AbortSignal) => Promise<void>;
  /** How often to look for completed batches besides right after each job (a job can end in another process). */
  completionSweepMs?: number;
  /** Stop by itself once the queue has nothing waiting, retrying or active. */
  stopWhenIdle?: boolean;
}

export interface WorkerSummary {
  jobsDone: number;
  jobsFailed: number;
  /** Attempts abandoned because the worker stopped (released) or another worker took the job over. */
  jobsReleased: number;
  batchesReported: number;
}

export interface RunningWorker {
  /** Resolves once the worker has stopped and every job it held is settled or released. */
  readonly done: Promise<WorkerSummary>;
  /** Stops taking jobs, waits for the active ones up to the drain time, releases the rest; resolves like `done`. */
  stop(): Promise<WorkerSummary>;
}

export const workerDefaults = {
  completionSweepMs: 30_000,
  /** Pause between a job's end and the look for a completed batch, so the queue has written the job's outcome. */
  sweepAfterJobMs: 1_000,
} as const;

export function runWorker(options: WorkerOptions): RunningWorker {
  const log = options.log.child({ component: 'worker' });
  const controller = new AbortController();
  const summary: WorkerSummary = { jobsDone: 0, jobsFailed: 0, jobsReleased: 0, batchesReported: 0 };
  const sweeper = createCompletionSweeper(options, log, summary);

  const handler: QueueHandler = async (job, signal, attempt) => {
    const jobLog = options.log.child({ batchId: job.batchId, dossierId: job.dossierId, jobId: attempt.jobId, attempt: attempt.attempt });
    const started = performance.now();
    jobLog.info({ event: 'job.started', maxAttempts: attempt.maxAttempts }, 'job.started');
    try {
      const result = await options.handler(job, signal);
      summary.jobsDone += 1;
      jobLog.info({ event: 'job.done', durationMs: Math.round(performance.now() - started) }, 'job.done');
      return result;
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      const kind = errorKind(err);
      const code = errorCode(err);
      if (signal.aborted && kind === 'internal') {
        // The handler stopped because it was told to: released by this worker or taken over by another.
        summary.jobsReleased += 1;
        jobLog.warn({ event: 'job.released', durationMs, reason: String(signal.reason) }, 'job.released');
      } else if (kind === 'transient') {
        summary.jobsFailed += 1;
        const willRetry = attempt.attempt < attempt.maxAttempts;
        jobLog.warn({ event: 'job.failed', kind, code, willRetry, durationMs, err }, willRetry ? 'job.failed: transient fault, retried with backoff' : 'job.failed: transient fault, no retries left');
      } else if (kind === 'input') {
        summary.jobsFailed += 1;
        jobLog.warn({ event: 'job.failed', kind, code, willRetry: false, durationMs, err }, 'job.failed: bad input, not retried');
      } else {
        // A bug (or a bad pipeline file named by the job): the stack goes to the log, the queue keeps the message.
        summary.jobsFailed += 1;
        jobLog.error({ event: 'job.failed', kind, code, willRetry: false, durationMs, err }, `job.failed: ${kind} error, not retried`);
      }
      throw err;
    } finally {
      sweeper.soon();
    }
  };

  log.info({ event: 'worker.started', concurrency: options.concurrency, pid: process.pid, host: os.hostname() }, 'worker.started');
  const working = options.queue.work(handler, {
    concurrency: options.concurrency,
    signal: controller.signal,
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    ...(options.stopWhenIdle ? { stopWhenIdle: true } : {}),
  });
  sweeper.start();

  const done = (async () => {
    try {
      await working;
    } finally {
      sweeper.stop();
    }
    // Every job this worker held is settled now, so one last look finds a batch that its last job completed.
    await sweeper.sweep();
    log.info({ event: 'worker.stopped', ...summary }, 'worker.stopped');
    return summary;
  })();
  // The caller awaits `done`; this only keeps an early failure from also being reported as unhandled.
  done.catch(() => {});

  return {
    done,
    stop() {
      if (!controller.signal.aborted) {
        log.info({ event: 'worker.stopping', drainTimeoutMs: options.drainTimeoutMs }, 'worker.stopping: no new jobs; waiting for the active ones');
        controller.abort();
      }
      return done;
    },
  };
}

interface CompletionSweeper {
  start(): void;
  stop(): void;
  /** Looks for completed batches shortly (after a job ended). */
  soon(): void;
  sweep(): Promise<void>;
}

/** Claims completed batches and writes their reports, one sweep at a time. */
function createCompletionSweeper(options: WorkerOptions, log: Logger, summary: WorkerSummary): CompletionSweeper {
  const onBatchComplete = options.onBatchComplete;
  let interval: NodeJS.Timeout | undefined;
  let pending: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const sweepOnce = async (): Promise<void> => {
    if (!onBatchComplete) return;
    let claims: BatchClaim[];
    try {
      claims = await options.queue.claimCompletedBatches();
    } catch (err) {
      log.warn({ event: 'batch.claim_failed', err }, 'batch.claim_failed: will look again');
      return;
    }
    for (const claim of claims) {
      const { batchId } = claim;
      const started = performance.now();
      const lease = holdClaim(options.queue, claim, log);
      try {
        await onBatchComplete(batchId, lease.lost);
        lease.stop();
        if (await options.queue.markBatchReported(claim)) {
          summary.batchesReported += 1;
          log.info({ event: 'batch.reported', batchId, durationMs: Math.round(performance.now() - started) }, 'batch.reported');
        } else {
          log.warn({ event: 'batch.report_superseded', batchId, token: claim.token }, 'batch.report_superseded: this worker\'s claim lapsed and another worker holds the completion now; it writes the report');
        }
      } catch (err) {
        if (lease.lost.aborted) {
          log.warn({ event: 'batch.report_superseded', batchId, token: claim.token }, 'batch.report_superseded: the claim was lost while the report was being written; the current holder writes it');
        } else {
          log.error({ event: 'batch.report_failed', batchId, err }, 'batch.report_failed: another attempt follows once the claim lapses');
        }
      } finally {
        lease.stop();
      }
    }
  };

  const sweep = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await sweepOnce();
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    start() {
      if (!onBatchComplete) return;
      interval = setInterval(() => void sweep(), options.completionSweepMs ?? workerDefaults.completionSweepMs);
      interval.unref();
      void sweep();
    },
    stop() {
      clearInterval(interval);
      clearTimeout(pending);
      pending = undefined;
    },
    soon() {
      if (!onBatchComplete || pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void sweep();
      }, workerDefaults.sweepAfterJobMs);
      pending.unref();
    },
    sweep,
  };
}

/**
 * Keeps a batch claim alive while its report is written: renews it every third of the queue's lease, and aborts
 * `lost` when a renewal is refused (the lease ran out while this worker was stalled and another worker claimed
 * the completion). A renewal the database could not answer is tried again at the next tick.
 */
function holdClaim(queue: JobQueue, claim: BatchClaim, log: Logger): { lost: AbortSignal; stop(): void } {
  const lost = new AbortController();
  const timer = setInterval(() => {
    queue.renewBatchClaim(claim).then(
      (held) => {
        if (!held && !lost.signal.aborted) lost.abort(new Error(`the completion claim of batch ${claim.batchId} passed to another worker`));
      },
      (err: unknown) => log.warn({ event: 'batch.claim_renew_failed', batchId: claim.batchId, err }, 'batch.claim_renew_failed: will try again'),
    );
  }, Math.max(1, Math.floor(queue.reportLeaseMs / 3)));
  timer.unref();
  return { lost: lost.signal, stop: () => clearInterval(timer) };
}

/**
 * SIGTERM or SIGINT stops the worker (drain, release, then `done` resolves; the caller closes the queue and exits
 * 0). A second signal exits at once with 128 + the signal number. Returns a function that removes the handlers.
 */
export function installSignalHandlers(worker: RunningWorker, log: Logger, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received += 1;
    if (received === 1) {
      log.info({ event: 'worker.signal', signal }, `worker.signal: ${signal}, draining`);
      void worker.stop().catch(() => {});
      return;
    }
    log.warn({ event: 'worker.forced_exit', signal }, `worker.forced_exit: second ${signal}`);
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
