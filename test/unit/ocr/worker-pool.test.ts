// WorkerPool with fake workers: FIFO dispatch, recycling, replacement after a crash, drain on close; every wait is on a promise.
import { describe, expect, it } from 'vitest';
import { startWorkers, WorkerPool, type PoolWorker, type WorkerPoolEvents, type WorkerPoolOptions } from '../../../src/ocr/worker-pool.ts';

class FakeWorker implements PoolWorker {
  static #nextId = 1;
  readonly id = FakeWorker.#nextId++;
  stopped = false;
  readonly #journal: string[];
  constructor(journal: string[] = []) {
    this.#journal = journal;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.#journal.push(`stop ${this.id}`);
  }
}

/** The job's own fault: the worker is kept. */
class BadJob extends Error {}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A pool of `size` fake workers; `start` makes more, and every replacement resolves the next `replaced` promise. */
function fakePool(size: number, overrides: Partial<WorkerPoolOptions<FakeWorker>> = {}) {
  const journal: string[] = [];
  const workers = Array.from({ length: size }, () => new FakeWorker(journal));
  const started: FakeWorker[] = [];
  const replacements: Array<Parameters<NonNullable<WorkerPoolEvents<FakeWorker>['workerReplaced']>>[0]> = [];
  let nextReplacement = deferred();
  const pool = new WorkerPool<FakeWorker>({
    workers,
    start: async () => {
      const worker = new FakeWorker(journal);
      journal.push(`new ${worker.id}`);
      started.push(worker);
      return worker;
    },
    recycleAfterJobs: 0,
    keepsWorker: (err) => err instanceof BadJob,
    closedError: () => new Error('closed'),
    brokenError: () => new Error('broken'),
    restartBackoffMs: 0,
    events: {
      workerReplaced: (event) => {
        replacements.push(event);
        nextReplacement.resolve();
        nextReplacement = deferred();
      },
    },
    ...overrides,
  });
  return { pool, workers, started, replacements, journal, replaced: () => nextReplacement.promise };
}

/** A task that records when it starts and ends, runs until released, and answers with the worker it ran on. */
function gatedTask(name: string, journal: string[]) {
  const gate = deferred();
  const started = deferred<FakeWorker>();
  const task = async (worker: FakeWorker) => {
    journal.push(`start ${name} on ${worker.id}`);
    started.resolve(worker);
    await gate.promise;
    journal.push(`end ${name}`);
    return `${name} on ${worker.id}`;
  };
  return { task, started: started.promise, release: () => gate.resolve(), fail: (err: unknown) => gate.reject(err) };
}

describe('WorkerPool dispatch', () => {
  it('runs tasks in FIFO order as workers come free', async () => {
    const { pool, workers, journal } = fakePool(2);
    const [a, b, c, d] = [gatedTask('a', journal), gatedTask('b', journal), gatedTask('c', journal), gatedTask('d', journal)];
    const [w1, w2] = workers as [FakeWorker, FakeWorker];
    const results = [a, b, c, d].map(({ task }) => pool.run(task));

    expect(journal).toEqual([`start a on ${w1.id}`, `start b on ${w2.id}`]);
    b.release();
    // The first of the waiting tasks takes the freed worker.
    expect(await Promise.race([c.started.then((w) => ['c', w]), d.started.then((w) => ['d', w])])).toEqual(['c', w2]);
    c.release();
    expect(await d.started).toBe(w2);
    a.release();
    d.release();

    expect(await Promise.all(results)).toEqual([`a on ${w1.id}`, `b on ${w2.id}`, `c on ${w2.id}`, `d on ${w2.id}`]);
    expect(journal.filter((line) => line.startsWith('start'))).toEqual([
      `start a on ${w1.id}`, `start b on ${w2.id}`, `start c on ${w2.id}`, `start d on ${w2.id}`,
    ]);
    await pool.close();
  });
});

describe('WorkerPool keeping and recycling workers', () => {
  it('replaces a worker after recycleAfterJobs jobs, stopping the old one first', async () => {
    const { pool, workers, started, replacements, journal } = fakePool(1, { recycleAfterJobs: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await pool.run(async (worker) => worker.id));

    const [first] = workers as [FakeWorker];
    const [second, third] = started as [FakeWorker, FakeWorker];
    expect(ids).toEqual([first.id, first.id, second.id, second.id, third.id]);
    expect(journal).toEqual([`stop ${first.id}`, `new ${second.id}`, `stop ${second.id}`, `new ${third.id}`]);
    expect(replacements.map(({ old, worker, reason, jobsDone }) => ({ old, worker, reason, jobsDone }))).toEqual([
      { old: first, worker: second, reason: 'recycled', jobsDone: 2 },
      { old: second, worker: third, reason: 'recycled', jobsDone: 2 },
    ]);
    await pool.close();
  });

  it('keeps the worker when a task fails by its own fault', async () => {
    const { pool, workers, started } = fakePool(1);
    await expect(pool.run(async () => Promise.reject(new BadJob('bad page')))).rejects.toThrow('bad page');

    expect(await pool.run(async (worker) => worker)).toBe(workers[0]);
    expect(started).toEqual([]);
    await pool.close();
  });
});

describe('WorkerPool after a crash', () => {
  it('fails only the task that crashed its worker, replaces the worker and goes on', async () => {
    const { pool, workers, started, replacements, replaced } = fakePool(1);
    const crash = new Error('thread died');
    const crashing = gatedTask('crashing', []);
    const waiting = gatedTask('waiting', []);
    const replacedNow = replaced();
    const results = [pool.run(crashing.task), pool.run(waiting.task)];
    crashing.fail(crash);
    await expect(results[0]).rejects.toBe(crash);
    await replacedNow;

    const [first] = workers as [FakeWorker];
    const [second] = started as [FakeWorker];
    expect(first.stopped).toBe(true);
    expect(replacements).toMatchObject([{ slot: 0, old: first, worker: second, reason: 'failed', jobsDone: 1 }]);
    expect(await waiting.started).toBe(second);
    waiting.release();
    expect(await results[1]).toBe(`waiting on ${second.id}`);
    await pool.close();
  });

  it('reports the crash before replacing the worker', async () => {
    const events: string[] = [];
    const worker = new FakeWorker();
    const crash = new Error('thread died');
    const replaced = deferred();
    const pool = new WorkerPool<FakeWorker>({
      workers: [worker],
      start: async () => new FakeWorker(),
      recycleAfterJobs: 0,
      keepsWorker: () => false,
      closedError: () => new Error('closed'),
      brokenError: () => new Error('broken'),
      restartBackoffMs: 0,
      events: {
        workerFailed: (event) => events.push(`failed ${event.worker.id}: ${(event.err as Error).message}`),
        workerReplaced: (event) => {
          events.push(`replaced ${event.old.id}`);
          replaced.resolve();
        },
      },
    });
    await expect(pool.run(async () => Promise.reject(crash))).rejects.toBe(crash);
    await replaced.promise;

    expect(events).toEqual([`failed ${worker.id}: thread died`, `replaced ${worker.id}`]);
    await pool.close();
  });
});

describe('WorkerPool when workers cannot restart', () => {
  it('gives up a slot whose worker cannot restart, and refuses work once every slot has', async () => {
    const restartFailures: number[] = [];
    const allFailed = deferred();
    const crash = new Error('thread died');
    const pool = new WorkerPool<FakeWorker>({
      workers: [new FakeWorker()],
      start: () => Promise.reject(new Error('out of memory')),
      recycleAfterJobs: 0,
      keepsWorker: () => false,
      closedError: () => new Error('closed'),
      brokenError: () => new Error('broken'),
      restartAttempts: 3,
      restartBackoffMs: 0,
      events: {
        restartFailed: ({ attempt }) => {
          restartFailures.push(attempt);
          if (attempt === 3) allFailed.resolve();
        },
      },
    });
    const crashing = gatedTask('crashing', []);
    const results = [pool.run(crashing.task), pool.run(async () => 'never runs')];
    crashing.fail(crash);

    await expect(results[0]).rejects.toBe(crash);
    await expect(results[1]).rejects.toThrow('broken');
    await allFailed.promise;
    expect(restartFailures).toEqual([1, 2, 3]);
    expect(pool.broken).toBe(true);
    await expect(pool.run(async () => 'refused')).rejects.toThrow('broken');
    await pool.close();
  });
});

describe('WorkerPool close', () => {
  it('on close, finishes running and queued tasks, then stops every worker', async () => {
    const { pool, workers, journal } = fakePool(1);
    const a = gatedTask('a', journal);
    const b = gatedTask('b', journal);
    const results = [pool.run(a.task), pool.run(b.task)];
    const closing = pool.close().then(() => journal.push('closed'));

    a.release();
    expect(await Promise.race([b.started.then(() => 'b started'), closing.then(() => 'closed')])).toBe('b started');
    b.release();
    await closing;

    expect(await Promise.all(results)).toEqual([`a on ${workers[0]?.id}`, `b on ${workers[0]?.id}`]);
    expect(journal).toEqual([
      `start a on ${workers[0]?.id}`, 'end a', `start b on ${workers[0]?.id}`, 'end b', `stop ${workers[0]?.id}`, 'closed',
    ]);
  });

  it('refuses work once closed, and close() can be called again', async () => {
    const { pool } = fakePool(1);
    const first = pool.close();
    await expect(pool.run(async () => 'late')).rejects.toThrow('closed');
    expect(pool.close()).toBe(first);
    await first;
  });

  it('does not replace a recycled worker when the pool is closed and nothing waits', async () => {
    const { pool, workers, started } = fakePool(1, { recycleAfterJobs: 1 });
    const a = gatedTask('a', []);
    const result = pool.run(a.task);
    const closing = pool.close();
    a.release();
    await closing;

    expect(await result).toBe(`a on ${workers[0]?.id}`);
    expect(workers[0]?.stopped).toBe(true);
    expect(started).toEqual([]);
  });
});

describe('startWorkers', () => {
  it('starts every worker at once', async () => {
    const workers = await startWorkers(3, async () => new FakeWorker());
    expect(new Set(workers.map((worker) => worker.id)).size).toBe(3);
  });

  it('stops the workers that started when one does not, and rejects with its failure', async () => {
    const made: FakeWorker[] = [];
    const failure = new Error('no models');
    let calls = 0;
    const starting = startWorkers(3, async () => {
      calls++;
      if (calls === 2) throw failure;
      const worker = new FakeWorker();
      made.push(worker);
      return worker;
    });

    await expect(starting).rejects.toBe(failure);
    expect(made).toHaveLength(2);
    expect(made.every((worker) => worker.stopped)).toBe(true);
  });
});
