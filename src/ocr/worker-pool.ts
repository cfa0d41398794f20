// A fixed pool of workers fed from one FIFO queue: a worker is recycled after N jobs, replaced when a job breaks it, and close() drains.
import { setTimeout as sleep } from 'node:timers/promises';

/** What the pool needs of a worker: an id to name it in events and a way to free it. */
export interface PoolWorker {
  readonly id: number;
  /** Frees the worker; resolves even when the worker is already dead. */
  stop(): Promise<void>;
}

/** Why a worker was replaced: a job broke it, or it ran `recycleAfterJobs` jobs. */
export type ReplaceReason = 'failed' | 'recycled';

/** What the pool tells its owner, who logs it; the pool itself logs nothing. */
export interface WorkerPoolEvents<W extends PoolWorker> {
  /** A job failed with an error that may have broken its worker; the worker is being replaced. */
  workerFailed?(event: { worker: W; err: unknown }): void;
  workerReplaced?(event: { slot: number; old: W; worker: W; reason: ReplaceReason; jobsDone: number }): void;
  restartFailed?(event: { slot: number; attempt: number; err: unknown }): void;
}

export interface WorkerPoolOptions<W extends PoolWorker> {
  /** The started workers, one per slot. */
  workers: readonly W[];
  /** Starts a replacement worker. */
  start(): Promise<W>;
  /** Replace a worker after this many jobs (a wasm heap only grows); 0 never does. */
  recycleAfterJobs: number;
  /** True for an error that is the job's own fault and leaves its worker sound; any other error replaces the worker. */
  keepsWorker(err: unknown): boolean;
  /** The error for work handed to a closed pool. */
  closedError(): Error;
  /** The error for work when no worker could be restarted in any slot. */
  brokenError(): Error;
  /** Starts tried before a slot is given up; the default is in `workerPoolDefaults`. */
  restartAttempts?: number;
  /** The wait after the n-th failed start is n times this. */
  restartBackoffMs?: number;
  events?: WorkerPoolEvents<W>;
}

export const workerPoolDefaults = {
  restartAttempts: 3,
  restartBackoffMs: 500,
} as const;

interface Slot<W> {
  index: number;
  worker: W | undefined;
  /** True while running a job or being replaced: not available for dispatch. */
  busy: boolean;
  jobsDone: number;
  /** True when no replacement worker could be started. */
  broken: boolean;
}

interface Job<W> {
  /** Runs the caller's task and resolves the caller's promise with its result. */
  run(worker: W): Promise<void>;
  reject(err: unknown): void;
}

export class WorkerPool<W extends PoolWorker> {
  readonly #options: WorkerPoolOptions<W>;
  readonly #restartAttempts: number;
  readonly #restartBackoffMs: number;
  readonly #slots: Slot<W>[];
  readonly #queue: Job<W>[] = [];
  readonly #replacing = new Set<Promise<void>>();
  #idleWaiters: Array<() => void> = [];
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: WorkerPoolOptions<W>) {
    this.#options = options;
    this.#restartAttempts = options.restartAttempts ?? workerPoolDefaults.restartAttempts;
    this.#restartBackoffMs = options.restartBackoffMs ?? workerPoolDefaults.restartBackoffMs;
    this.#slots = options.workers.map((worker, index) => ({ index, worker, busy: false, jobsDone: 0, broken: false }));
  }

  /** True when every slot has given up restarting its worker: no work can run any more. */
  get broken(): boolean {
    return this.#slots.every((slot) => slot.broken);
  }

  /** Runs `task` on the first free worker; tasks wait in FIFO order. */
  run<R>(task: (worker: W) => Promise<R>): Promise<R> {
    if (this.#closed) return Promise.reject(this.#options.closedError());
    if (this.broken) return Promise.reject(this.#options.brokenError());
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ run: async (worker) => resolve(await task(worker)), reject });
      this.#dispatch();
    });
  }

  /** Finishes every accepted task (queued or running), then stops all workers; later tasks are refused. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#drainAndStop();
    return this.#closing;
  }

  async #drainAndStop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#notifyIfIdle();
    });
    while (this.#replacing.size > 0) await Promise.allSettled([...this.#replacing]);
    await Promise.all(
      this.#slots.map((slot) => {
        const worker = slot.worker;
        slot.worker = undefined;
        return worker?.stop();
      }),
    );
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) break;
      if (slot.busy || slot.broken || slot.worker === undefined) continue;
      const job = this.#queue.shift() as Job<W>; // length checked above
      slot.busy = true;
      void this.#runJob(slot, slot.worker, job);
    }
  }

  async #runJob(slot: Slot<W>, worker: W, job: Job<W>): Promise<void> {
    let brokeWorker = false;
    try {
      await job.run(worker);
    } catch (err) {
      job.reject(err);
      if (!this.#options.keepsWorker(err)) {
        brokeWorker = true;
        this.#tell(() => this.#options.events?.workerFailed?.({ worker, err }));
      }
    }
    slot.jobsDone++;
    const recycleAfter = this.#options.recycleAfterJobs;
    if (brokeWorker) {
      this.#replace(slot, worker, 'failed');
    } else if (recycleAfter > 0 && slot.jobsDone >= recycleAfter) {
      this.#replace(slot, worker, 'recycled');
    } else {
      slot.busy = false;
      this.#dispatch();
      this.#notifyIfIdle();
    }
  }

  /** Events are for the log: one that throws must not leave a slot busy or a rejection unhandled. */
  #tell(event: () => void): void {
    try {
      event();
    } catch {
      // ignored on purpose, see above
    }
  }

  /** Stops the slot's worker and starts another; the slot stays busy until then, and is broken if none starts. */
  #replace(slot: Slot<W>, old: W, reason: ReplaceReason): void {
    slot.worker = undefined;
    const jobsDone = slot.jobsDone;
    const replacing = (async () => {
      // A worker that fails to stop is gone all the same; the slot must not stay busy for it.
      await old.stop().catch(() => undefined);
      if (this.#closed && this.#queue.length === 0) return;
      const worker = await this.#startWithRetries(slot);
      if (worker === undefined) {
        slot.broken = true;
        return;
      }
      slot.worker = worker;
      slot.jobsDone = 0;
      this.#tell(() => this.#options.events?.workerReplaced?.({ slot: slot.index, old, worker, reason, jobsDone }));
    })();
    this.#replacing.add(replacing);
    void replacing.finally(() => {
      this.#replacing.delete(replacing);
      slot.busy = false;
      if (this.broken) {
        for (const job of this.#queue.splice(0)) job.reject(this.#options.brokenError());
      }
      this.#dispatch();
      this.#notifyIfIdle();
    });
  }

  async #startWithRetries(slot: Slot<W>): Promise<W | undefined> {
    for (let attempt = 1; attempt <= this.#restartAttempts; attempt++) {
      try {
        return await this.#options.start();
      } catch (err) {
        this.#tell(() => this.#options.events?.restartFailed?.({ slot: slot.index, attempt, err }));
        // A start that failed for lack of memory may succeed once other work has let go of some.
        await sleep(this.#restartBackoffMs * attempt);
      }
    }
    return undefined;
  }

  #notifyIfIdle(): void {
    if (this.#queue.length > 0 || this.#slots.some((slot) => slot.busy)) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** Starts `count` workers at once; if any fails, stops those that started and rejects with the first failure. */
export async function startWorkers<W extends PoolWorker>(count: number, start: () => Promise<W>): Promise<W[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => start()));
  const workers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(workers.map((worker) => worker.stop()));
    throw failure.reason;
  }
  return workers;
}
