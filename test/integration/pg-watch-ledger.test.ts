// PgWatchLedger and job revisions against a real PostgreSQL: one take among many watchers, leases, fenced marks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WatchLedger } from '../../src/domain/watch-ledger.ts';
import { InputError } from '../../src/domain/errors.ts';
import type { DossierJob } from '../../src/queue/job-queue.ts';
import { PgBossQueue } from '../../src/queue/pg-boss-queue.ts';
import { startPostgresServer, type PostgresTestServer } from '../../scripts/lib/postgres-server.ts';
import { queueTestTimings } from '../../scripts/lib/queue-test-worker.ts';

let server: PostgresTestServer;
let databases = 0;
const queues: PgBossQueue[] = [];

beforeAll(async () => {
  server = await startPostgresServer();
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});
afterAll(async () => {
  await server?.stop();
});

/** A queue on its own connection pool, as another watcher's machine would have. */
function newQueue(url: string): PgBossQueue {
  const queue = new PgBossQueue({ connectionString: url, ...queueTestTimings });
  queues.push(queue);
  return queue;
}

async function newDatabase(): Promise<string> {
  return server.createDatabase(`watch_${++databases}`);
}

const at = () => new Date().toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes until the ledger says yes (a lease ran out on the database's clock); bounded, no timing asserted. */
async function takeWhenLeaseEnds(ledger: WatchLedger, batch: string, fingerprint: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ledger.take(batch, fingerprint, at())) return true;
    await sleep(100);
  }
  return false;
}

describe('PgWatchLedger on a real PostgreSQL', () => {
  it('gives a batch to exactly one of many concurrent takes from two watchers', async () => {
    const url = await newDatabase();
    const [one, two] = await Promise.all([newQueue(url).watchLedger('/inbox'), newQueue(url).watchLedger('/inbox')]);
    const takes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).take('2026-11-28-lo-1', 'fp-1', at())));
    expect(takes.filter(Boolean)).toHaveLength(1);
    expect(await two.get('2026-11-28-lo-1')).toEqual({ batch: '2026-11-28-lo-1', fingerprint: 'fp-1', state: 'taken', at: expect.any(String) });
    expect(await one.get('never-seen')).toBeUndefined();
  });

  it('skips a done or bad batch with the same files and takes it again once its files change', async () => {
    const ledger = await newQueue(await newDatabase()).watchLedger('/inbox');
    expect(await ledger.take('b', 'fp-1', at())).toBe(true);
    const doneAt = '2026-11-28T08:30:00.000Z';
    await ledger.mark({ batch: 'b', fingerprint: 'fp-1', state: 'done', at: doneAt });
    expect(await ledger.get('b')).toEqual({ batch: 'b', fingerprint: 'fp-1', state: 'done', at: doneAt });
    expect(await ledger.take('b', 'fp-1', at())).toBe(false);
    expect(await ledger.take('b', 'fp-2', at())).toBe(true);

    await ledger.mark({ batch: 'bad', fingerprint: 'fp-9', state: 'bad', at: doneAt, reasons: ['manifest.csv: row 3: dossierId is empty'] });
    expect(await ledger.get('bad')).toEqual({ batch: 'bad', fingerprint: 'fp-9', state: 'bad', at: doneAt, reasons: ['manifest.csv: row 3: dossierId is empty'] });
    expect(await ledger.take('bad', 'fp-9', at())).toBe(false);
    expect(await ledger.take('bad', 'fp-10', at())).toBe(true);
    expect(await ledger.get('bad')).not.toHaveProperty('reasons');
  });

  it('holds a take for its lease, then lets another watcher resume it', async () => {
    const url = await newDatabase();
    const dying = await newQueue(url).watchLedger('/inbox', { leaseMs: 300 });
    const other = await newQueue(url).watchLedger('/inbox', { leaseMs: 300 });
    expect(await dying.take('b', 'fp-1', at())).toBe(true);
    expect(await other.take('b', 'fp-1', at())).toBe(false);
    expect(await takeWhenLeaseEnds(other, 'b', 'fp-1', 10_000)).toBe(true);
    // The resumed take is a new lease: the first watcher, back, does not get it too.
    expect(await dying.take('b', 'fp-1', at())).toBe(false);
  });

  it('keeps a newer take when a late done arrives for the files it replaced', async () => {
    const url = await newDatabase();
    const slow = await newQueue(url).watchLedger('/inbox');
    const fast = await newQueue(url).watchLedger('/inbox');
    expect(await slow.take('b', 'fp-old', at())).toBe(true);
    expect(await fast.take('b', 'fp-new', at())).toBe(true);
    await slow.mark({ batch: 'b', fingerprint: 'fp-old', state: 'done', at: at() });
    expect(await fast.get('b')).toMatchObject({ fingerprint: 'fp-new', state: 'taken' });
    // Nor does a bad mark of other files replace a live take.
    await slow.mark({ batch: 'b', fingerprint: 'fp-old', state: 'bad', at: at(), reasons: ['stale look'] });
    expect(await fast.get('b')).toMatchObject({ fingerprint: 'fp-new', state: 'taken' });
    await fast.mark({ batch: 'b', fingerprint: 'fp-new', state: 'done', at: at() });
    expect(await slow.get('b')).toMatchObject({ fingerprint: 'fp-new', state: 'done' });
  });

  it('keeps the batches of two inboxes apart, even under the same name', async () => {
    const queue = newQueue(await newDatabase());
    const folder = await queue.watchLedger('/srv/inbox');
    const bucket = await queue.watchLedger('s3://scans/inbox/');
    expect(await folder.take('b', 'fp-1', at())).toBe(true);
    expect(await bucket.take('b', 'fp-1', at())).toBe(true);
    await folder.mark({ batch: 'b', fingerprint: 'fp-1', state: 'done', at: at() });
    expect(await bucket.get('b')).toMatchObject({ state: 'taken' });
  });

  it('refuses a lease that is not a positive number of milliseconds', async () => {
    const queue = newQueue(await newDatabase());
    await expect(queue.watchLedger('/inbox', { leaseMs: 0 })).rejects.toThrow(/watch leaseMs: expected a positive integer/);
  });
});

describe('job revisions on a real PostgreSQL', () => {
  function dossiers(revisions: Record<string, string>): DossierJob[] {
    return Object.entries(revisions).map(([dossierId, revision]) => ({ batchId: 'b-rev', dossierId, batchUri: '/inbox/b-rev', outUri: '/out', revision }));
  }

  it('enqueues a re-scanned dossier again, not an unchanged one, and shows only its newest job', async () => {
    const queue = newQueue(await newDatabase());
    expect(await queue.enqueueDossiers(dossiers({ A: 'r1', B: 'r1' }))).toEqual({ created: 2, existing: 0 });
    expect(await queue.enqueueDossiers(dossiers({ A: 'r1', B: 'r1' }))).toEqual({ created: 0, existing: 2 });

    // B's first revision fails on its input; A is done.
    await queue.work(
      async (job) => {
        if (job.dossierId === 'B') throw new InputError('IMAGE_UNREADABLE', 'B/page-1.tif: not a TIFF image; rescan the page');
      },
      { concurrency: 2, signal: AbortSignal.timeout(60_000), stopWhenIdle: true },
    );
    expect(await queue.status('b-rev')).toMatchObject({ total: 2, counts: { done: 1, failed: 1 }, failed: [{ dossierId: 'B' }] });

    // B is scanned again: its new revision replaces the failed one, which no longer counts or gets retried.
    expect(await queue.enqueueDossiers(dossiers({ A: 'r1', B: 'r2' }))).toEqual({ created: 1, existing: 1 });
    const status = await queue.status('b-rev');
    expect(status).toMatchObject({ total: 2, counts: { waiting: 1, done: 1, failed: 0 }, failed: [], complete: false });
    const outcomes = await queue.outcomes('b-rev');
    expect(outcomes.map((o) => [o.job.dossierId, o.job.revision, o.state])).toEqual([
      ['A', 'r1', 'done'],
      ['B', 'r2', 'waiting'],
    ]);
    expect(await queue.retryFailed('b-rev')).toBe(0);
  });

  it('cancels the older job of a dossier still waiting when a new revision comes, so no worker runs stale files', async () => {
    const queue = newQueue(await newDatabase());
    expect(await queue.enqueueDossiers(dossiers({ A: 'r1', B: 'r1' }))).toEqual({ created: 2, existing: 0 });
    // Re-scanned before any worker got to it: B@r1 must not run after B@r2 exists.
    expect(await queue.enqueueDossiers(dossiers({ A: 'r1', B: 'r2' }))).toEqual({ created: 1, existing: 1 });
    const ran: string[] = [];
    await queue.work(async (job) => void ran.push(`${job.dossierId}@${job.revision}`), { concurrency: 1, signal: AbortSignal.timeout(60_000), stopWhenIdle: true });
    expect(ran.sort()).toEqual(['A@r1', 'B@r2']);
    expect(await queue.status('b-rev')).toMatchObject({ total: 2, counts: { done: 2, failed: 0 }, complete: true });
  });
});
