// InProcessQueue: the JobQueue port in memory, a test double with the real queue's promises (retries, leases, drain).
import {
  emptyCounts,
  failureOf,
  isRetryable,
  jobQueueDefaults,
  retryDelayMs,
  uniqueJobs,
  untilAborted,
  type BatchClaim,
  type BatchStatus,
  type DossierJob,
  type DossierOutcome,
  type EnqueueResult,
  type FailedDossier,
  type FailureReason,
  type JobQueue,
  type JobState,
  type QueueHandler,
  type WorkOptions,
} from '../../src/queue/job-queue.ts';

export interface InProcessQueueOptions {
  retryLimit: number;
  retryDelayMs: number;
  retryDelayMaxMs: number;
  drainTimeoutMs: number;
  reportLeaseMs: number;
  /** Source of jitter for retry delays; tests pass a fixed one. */
  random: () => number;
  /** The clock of report leases, in milliseconds; tests pass one they move by hand. */
  clock: () => number;
}

interface Entry {
  id: string;
  job: DossierJob;
  state: JobState;
  attempts: number;
  retryLimit: number;
  availableAt: number;
  failure?: FailureReason;
  result?: unknown;
  failedAt?: string;
}

/** A batch's completion; `token` is raised by every claim and every new completion (the fencing token). */
interface Completion {
  token: number;
  claimedAt?: number;
  reportedAt?: number;
}

class ReleasedError extends Error {
  constructor() {
    super('released: the worker stopped before this dossier finished');
    this.name = 'ReleasedError';
  }
}

export class InProcessQueue implements JobQueue {
  readonly options: InProcessQueueOptions;

  get reportLeaseMs(): number {
    return this.options.reportLeaseMs;
  }
  private readonly entries = new Map<string, Entry>();
  private readonly batches = new Map<string, Completion>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  /** Aborted by close(): every work() still running stops as if its own signal had aborted. */
  private readonly closing = new AbortController();

  constructor(options: Partial<InProcessQueueOptions> = {}) {
    this.options = { ...jobQueueDefaults, random: Math.random, clock: Date.now, ...options };
  }

  async enqueueDossiers(jobs: readonly DossierJob[]): Promise<EnqueueResult> {
    let created = 0;
    const unique = uniqueJobs(jobs);
    for (const job of unique) {
      const key = keyOf(job.batchId, job.dossierId, job.revision);
      if (this.entries.has(key)) continue;
      this.entries.set(key, { id: `job-${this.nextId++}`, job: { ...job }, state: 'waiting', attempts: 0, retryLimit: this.options.retryLimit, availableAt: 0 });
      // New dossiers in a batch open a new completion, as in PgBossQueue.
      this.openCompletion(job.batchId);
      created += 1;
    }
    this.wake();
    return { created, existing: unique.length - created };
  }

  async work(handler: QueueHandler, options: WorkOptions): Promise<void> {
    const signal = AbortSignal.any([options.signal, this.closing.signal]);
    const drainTimeoutMs = options.drainTimeoutMs ?? this.options.drainTimeoutMs;
    const running = new Set<Promise<void>>();
    // One controller per running job, so only the jobs still running at the drain deadline see an abort.
    const releases = new Set<AbortController>();

    while (!signal.aborted) {
      while (running.size < options.concurrency) {
        const entry = this.takeNext();
        if (!entry) break;
        const release = new AbortController();
        releases.add(release);
        const run = this.runEntry(entry, handler, release.signal).finally(() => {
          releases.delete(release);
          running.delete(run);
          this.wake();
        });
        running.add(run);
      }
      if (options.stopWhenIdle && running.size === 0 && !this.hasOpenJobs()) break;
      await this.nextChange(signal, running.size < options.concurrency);
    }

    const deadline = Date.now() + drainTimeoutMs;
    while (running.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...running]), sleep(deadline - Date.now())]);
    }
    for (const release of releases) release.abort(new ReleasedError());
    await Promise.allSettled([...running]);
  }

  async retryFailed(batchId: string, dossierId?: string): Promise<number> {
    let retried = 0;
    for (const entry of this.current(batchId)) {
      if (entry.state !== 'failed') continue;
      if (dossierId !== undefined && entry.job.dossierId !== dossierId) continue;
      entry.state = 'retrying';
      entry.retryLimit += 1;
      entry.availableAt = 0;
      delete entry.failure;
      delete entry.failedAt;
      retried += 1;
    }
    if (retried > 0) this.openCompletion(batchId);
    this.wake();
    return retried;
  }

  async status(batchId: string): Promise<BatchStatus> {
    const counts = emptyCounts();
    const failed: FailedDossier[] = [];
    let total = 0;
    for (const entry of this.current(batchId)) {
      total += 1;
      counts[entry.state] += 1;
      if (entry.state === 'failed') {
        failed.push({
          dossierId: entry.job.dossierId,
          ...(entry.failure ?? { kind: 'internal', message: 'failed without a recorded reason' }),
          attempts: entry.attempts,
          ...(entry.failedAt ? { failedAt: entry.failedAt } : {}),
        });
      }
    }
    failed.sort((a, b) => a.dossierId.localeCompare(b.dossierId));
    const complete = total > 0 && counts.waiting + counts.active + counts.retrying === 0;
    return { batchId, total, counts, failed, complete, reported: this.batches.get(batchId)?.reportedAt !== undefined };
  }

  async ping(): Promise<void> {}

  async jobCounts(): Promise<{ waiting: number; active: number }> {
    const entries = [...this.entries.values()];
    return { waiting: entries.filter((e) => e.state === 'waiting' || e.state === 'retrying').length, active: entries.filter((e) => e.state === 'active').length };
  }

  async namedPipelines(): Promise<string[]> {
    const open = [...this.entries.values()].filter((e) => e.state === 'waiting' || e.state === 'retrying' || e.state === 'active');
    return [...new Set(open.flatMap((e) => (e.job.pipeline ? [e.job.pipeline] : [])))].sort();
  }

  async outcomes(batchId: string): Promise<DossierOutcome[]> {
    return this.current(batchId)
      .sort((a, b) => a.job.dossierId.localeCompare(b.job.dossierId))
      .map((entry) => ({
        job: entry.job,
        state: entry.state,
        attempts: entry.attempts,
        ...(entry.state === 'done' && entry.result !== undefined ? { result: entry.result } : {}),
        ...(entry.state === 'failed' ? { failure: entry.failure ?? { kind: 'internal' as const, message: 'failed without a recorded reason' } } : {}),
      }));
  }

  async claimBatchCompletion(batchId: string): Promise<BatchClaim | undefined> {
    const completion = this.batches.get(batchId);
    if (!completion || completion.reportedAt !== undefined) return undefined;
    if (completion.claimedAt !== undefined && this.options.clock() - completion.claimedAt < this.options.reportLeaseMs) return undefined;
    // Checked and taken in one synchronous step, so concurrent callers cannot both pass.
    if (!this.isComplete(batchId)) return undefined;
    completion.claimedAt = this.options.clock();
    completion.token += 1;
    return { batchId, token: completion.token };
  }

  async claimCompletedBatches(): Promise<BatchClaim[]> {
    const claimed: BatchClaim[] = [];
    for (const batchId of this.batches.keys()) {
      const claim = await this.claimBatchCompletion(batchId);
      if (claim) claimed.push(claim);
    }
    return claimed;
  }

  async renewBatchClaim(claim: BatchClaim): Promise<boolean> {
    const completion = this.currentClaim(claim);
    if (completion) completion.claimedAt = this.options.clock();
    return completion !== undefined;
  }

  async markBatchReported(claim: BatchClaim): Promise<boolean> {
    const completion = this.currentClaim(claim);
    if (completion) completion.reportedAt = this.options.clock();
    return completion !== undefined;
  }

  /** The newest job of each dossier of a batch (entries keep enqueue order), as PgBossQueue reads them. */
  private current(batchId: string): Entry[] {
    const newest = new Map<string, Entry>();
    for (const entry of this.entries.values()) if (entry.job.batchId === batchId) newest.set(entry.job.dossierId, entry);
    return [...newest.values()];
  }

  /** The batch's completion if `claim` is still its current, unreported claim. */
  private currentClaim(claim: BatchClaim): Completion | undefined {
    const completion = this.batches.get(claim.batchId);
    if (!completion || completion.token !== claim.token || completion.claimedAt === undefined || completion.reportedAt !== undefined) return undefined;
    return completion;
  }

  /** New dossiers or retries: a new completion, whose token fences out any claim made before. */
  private openCompletion(batchId: string): void {
    this.batches.set(batchId, { token: (this.batches.get(batchId)?.token ?? 0) + 1 });
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.wake();
  }

  private async runEntry(entry: Entry, handler: QueueHandler, release: AbortSignal): Promise<void> {
    entry.state = 'active';
    entry.attempts += 1;
    const attempt = { jobId: entry.id, attempt: entry.attempts, maxAttempts: entry.retryLimit + 1 };
    try {
      const result = await untilAborted(handler(entry.job, release, attempt), release);
      entry.state = 'done';
      if (result) entry.result = result;
    } catch (err) {
      if (release.aborted) {
        // Released by a stopping worker: back in the queue at once, and it does not count as an attempt.
        entry.attempts -= 1;
        entry.state = 'waiting';
        entry.availableAt = 0;
      } else if (isRetryable(err) && entry.attempts <= entry.retryLimit) {
        entry.state = 'retrying';
        entry.availableAt = Date.now() + retryDelayMs(entry.attempts, this.options, this.options.random);
      } else {
        entry.state = 'failed';
        entry.failure = failureOf(err);
        entry.failedAt = new Date().toISOString();
      }
    }
  }

  private takeNext(): Entry | undefined {
    const now = Date.now();
    for (const entry of this.entries.values()) {
      if ((entry.state === 'waiting' || entry.state === 'retrying') && entry.availableAt <= now) return entry;
    }
    return undefined;
  }

  private isComplete(batchId: string): boolean {
    let total = 0;
    for (const entry of this.entries.values()) {
      if (entry.job.batchId !== batchId) continue;
      total += 1;
      if (entry.state !== 'done' && entry.state !== 'failed') return false;
    }
    return total > 0;
  }

  private hasOpenJobs(): boolean {
    for (const entry of this.entries.values()) {
      if (entry.state === 'waiting' || entry.state === 'retrying' || entry.state === 'active') return true;
    }
    return false;
  }

  /**
   * Resolves on the next enqueue, job end or retry coming due, or when the signal aborts. A retry that came due
   * since the caller last looked (a busy machine can take that long between the two) resolves at once: waiting
   * for a wake-up instead would wait for ever when nothing else is running. With every slot taken, only a job's
   * end (a wake-up) can let one start, so due retries are not waited for.
   */
  private nextChange(signal: AbortSignal, canStart: boolean): Promise<void> {
    const now = Date.now();
    let soonest = Infinity;
    for (const entry of this.entries.values()) {
      if (canStart && entry.state === 'retrying') soonest = Math.min(soonest, entry.availableAt);
    }
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (soonest !== Infinity) timer = setTimeout(done, Math.max(0, soonest - now));
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function keyOf(batchId: string, dossierId: string, revision: string | undefined): string {
  return JSON.stringify([batchId, dossierId, revision ?? null]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
