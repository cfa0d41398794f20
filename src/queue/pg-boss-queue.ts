// PgBossQueue: the JobQueue port on PostgreSQL through pg-boss 12, shared by every worker on every machine.
/*
 * How the queue's promises are kept, and by what:
 * - One job per dossier, its id a UUID derived from batchId + dossierId (+ revision, from the watcher), inserted
 *   with ON CONFLICT DO NOTHING: enqueueing a batch twice creates nothing the second time.
 * - A worker claims a job with SELECT … FOR UPDATE SKIP LOCKED (pg-boss), so two workers never hold one job.
 * - Dead workers: each job has a heartbeat (`heartbeatSeconds`, pg-boss's minimum is 10) that the worker holding
 *   it refreshes every `heartbeatRefreshSeconds`. Every worker also supervises: every `superviseIntervalSeconds`
 *   one of them fails the jobs whose heartbeat is older than `heartbeatSeconds`, which puts them back as retries
 *   (after the first-retry backoff) for any worker to take. See takeoverBoundMs for the bound.
 * - Retries: a TransientError fails the attempt and pg-boss retries it with exponential backoff; an InputError,
 *   a ConfigError or a bug fails the job terminally at once (pg-boss's `deadletter` disposition), with the reason
 *   kept as the job's output. `retryFailed` puts failed jobs back (pg-boss `retry`).
 * - Batch completion: a row per batch in a table of ours (see pg-batch-completion.ts), claimed by one atomic
 *   UPDATE whose condition is that no job of the batch is waiting, retrying or active, and fenced by a token.
 * - PostgreSQL outages: pg-boss's pool reconnects by itself; its polling, heartbeats and supervision report
 *   errors as events (logged here) and carry on. A completion that cannot be written is retried here until the
 *   database answers again, so a restart does not make a finished dossier run twice. Errors of our own calls
 *   reach callers as TransientError (retry later, exit code 4) or ConfigError (bad URL, credentials, database).
 *
 * Job state is read in SQL on pg-boss's job table (see pg-job-state.ts); everything else goes through its API.
 */
import { PgBoss, type Job, type JobResult } from 'pg-boss';
import type { Logger } from 'pino';
import { ConfigError } from '../domain/errors.ts';
import type { WatchLedger } from '../domain/watch-ledger.ts';
import { silentLogger } from '../log.ts';
import {
  failureOf,
  isRetryable,
  settledWithin,
  sleep,
  uniqueJobs,
  untilAborted,
  type BatchClaim,
  type BatchStatus,
  type DossierJob,
  type DossierOutcome,
  type EnqueueResult,
  type FailureReason,
  type JobQueue,
  type QueueHandler,
  type WorkOptions,
} from './job-queue.ts';
import { PgBatchCompletion, type SqlRunner } from './pg-batch-completion.ts';
import { classifyPgError, describeConnection, isConnectionError } from './pg-errors.ts';
import { bossJobOptions, dossierJobId, jobData, pgBossQueueDefaults, type PgBossQueueOptions } from './pg-boss-options.ts';
import { anyOpenJob, countJobs, failedJobIds, pipelinesOfOpenJobs, readOutcomes, readStatus, supersededJobIds, type JobTable } from './pg-job-state.ts';
import { PgWatchLedger } from './pg-watch-ledger.ts';

export { dossierJobId, pgBossQueueDefaults, takeoverBoundMs, type PgBossQueueOptions } from './pg-boss-options.ts';

const insertChunkSize = 5_000;

interface Running {
  ended: Promise<unknown>;
}

class ReleasedError extends Error {
  constructor() {
    super('released: the worker stopped before this dossier finished; another worker takes it over');
    this.name = 'ReleasedError';
  }
}
export class PgBossQueue implements JobQueue {
  readonly options: PgBossQueueOptions;

  get reportLeaseMs(): number {
    return this.options.reportLeaseMs;
  }
  private readonly log: Logger;
  private readonly where: string;
  private readonly completion: PgBatchCompletion;
  private readonly jobTable: JobTable;
  private starting: Promise<PgBoss> | undefined;
  private closed = false;
  /** Aborted by close(), which also stops any work() still running (drain and release included). */
  private readonly closing = new AbortController();
  private readonly sessions = new Set<Promise<void>>();
  private lastErrorLogAt = 0;
  private suppressedErrors = 0;

  constructor(options: Partial<PgBossQueueOptions> & { connectionString: string }) {
    this.options = { ...pgBossQueueDefaults, log: silentLogger, ...options };
    for (const key of ['bossSchema', 'schema'] as const) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.options[key])) {
        throw new ConfigError('QUEUE_CONFIG_INVALID', `queue ${key}: expected a lower-case SQL identifier but received ${JSON.stringify(this.options[key])}`);
      }
    }
    if (!Number.isInteger(this.options.heartbeatSeconds) || this.options.heartbeatSeconds < 10) {
      throw new ConfigError('QUEUE_CONFIG_INVALID', `queue heartbeatSeconds: expected an integer of at least 10 (pg-boss's minimum) but received ${this.options.heartbeatSeconds}`);
    }
    this.log = this.options.log.child({ component: 'queue' });
    this.where = describeConnection(this.options.connectionString);
    this.completion = new PgBatchCompletion(this.options);
    this.jobTable = { bossSchema: this.options.bossSchema, queueName: this.options.queueName };
  }

  /** Connects, installs or migrates pg-boss's schema and ours, and makes the queue; once per instance. */
  async start(): Promise<void> {
    await this.boss();
  }

  async enqueueDossiers(jobs: readonly DossierJob[]): Promise<EnqueueResult> {
    const unique = uniqueJobs(jobs);
    const boss = await this.boss();
    const createdBatches = new Set<string>();
    const revised = new Set<string>();
    let created = 0;
    await this.run('enqueue dossiers', async () => {
      for (let start = 0; start < unique.length; start += insertChunkSize) {
        const chunk = unique.slice(start, start + insertChunkSize);
        const byId = new Map(chunk.map((job) => [dossierJobId(job.batchId, job.dossierId, job.revision), job]));
        const ids = await boss.insert(this.options.queueName, [...byId].map(([id, job]) => ({ id, data: jobData(job), ...bossJobOptions(this.options) })), { returnId: true });
        for (const id of ids ?? []) createdBatches.add(byId.get(id)!.batchId);
        // Every submitted revision, created now or before: an enqueue cut short after its insert is redone whole.
        for (const [id, job] of byId) if (job.revision !== undefined) revised.add(id);
        created += ids?.length ?? 0;
      }
      await this.cancelSuperseded(boss, unique, revised);
      // After the jobs: a batch row is only ever seen with its jobs in place, so it cannot look complete early.
      // New dossiers in a batch open a new completion (and a new report).
      for (const batchId of new Set(unique.map((job) => job.batchId))) {
        await this.completion.enqueued(boss.getDb(), batchId, createdBatches.has(batchId));
      }
    });
    return { created, existing: unique.length - created };
  }

  /** A dossier enqueued at a new revision: its older jobs still waiting are cancelled, so no worker runs them. */
  private async cancelSuperseded(boss: PgBoss, jobs: readonly DossierJob[], revised: ReadonlySet<string>): Promise<void> {
    if (revised.size === 0) return;
    const batches = new Set(jobs.filter((job) => revised.has(dossierJobId(job.batchId, job.dossierId, job.revision))).map((job) => job.batchId));
    for (const batchId of batches) {
      const stale = await supersededJobIds(boss, this.options.queueName, batchId, revised);
      if (stale.length > 0) await boss.cancel(this.options.queueName, stale);
    }
  }

  async work(handler: QueueHandler, options: WorkOptions): Promise<void> {
    const session = this.workSession(handler, { ...options, signal: AbortSignal.any([options.signal, this.closing.signal]) });
    this.sessions.add(session);
    try {
      await session;
    } finally {
      this.sessions.delete(session);
    }
  }

  private async workSession(handler: QueueHandler, options: WorkOptions): Promise<void> {
    const boss = await this.boss();
    const { queueName } = this.options;
    const drainTimeoutMs = options.drainTimeoutMs ?? this.options.drainTimeoutMs;
    const running = new Map<string, Running>();
    // Aborted once the drain time is over: releases the jobs still running and any a late fetch hands over.
    const releasing = new AbortController();
    const workId = await this.run('start a worker', () =>
      boss.work<DossierJob>(
        queueName,
        {
          localConcurrency: options.concurrency,
          batchSize: 1,
          perJobResults: true,
          pollingIntervalSeconds: this.options.pollingIntervalSeconds,
          heartbeatRefreshSeconds: this.options.heartbeatRefreshSeconds,
        },
        async (jobs) => (await Promise.all(jobs.map((job) => this.runJob(boss, job, handler, running, releasing.signal)))).flat(),
      ),
    );
    this.log.info({ event: 'queue.working', queue: queueName, concurrency: options.concurrency, database: this.where }, 'queue.working');

    await this.untilStopped(options, running);
    // Stop asking for jobs, give the active ones the drain time, then release what is left to other workers.
    await boss.offWork(queueName, { id: workId, wait: false });
    const deadline = Date.now() + drainTimeoutMs;
    // A fetch already under way when the worker stopped may still hand over a job, hence the loop.
    while (running.size > 0 && Date.now() < deadline) {
      await settledWithin([...running.values()].map((r) => r.ended), deadline - Date.now());
    }
    if (running.size > 0) {
      this.log.warn({ event: 'queue.releasing', jobs: running.size, drainTimeoutMs }, 'queue.releasing: active dossiers did not finish within the drain time');
    }
    releasing.abort(new ReleasedError());
    // pg-boss settles each job after our callback returns; wait for that, but not forever if the database is gone.
    const stopped = await settledWithin([boss.offWork(queueName, { id: workId, wait: true })], 15_000);
    if (!stopped) this.log.warn({ event: 'queue.stop_slow' }, 'queue.stop_slow: job outcomes could not be written; their heartbeats will run out and other workers retry them');
  }

  async retryFailed(batchId: string, dossierId?: string): Promise<number> {
    const boss = await this.boss();
    return this.run('retry failed dossiers', async () => {
      const ids = await failedJobIds(boss, this.jobTable, batchId, dossierId);
      if (ids.length === 0) return 0;
      // Each gets one more attempt (pg-boss raises its retry limit by one) and the batch a new completion.
      const result = await boss.retry(this.options.queueName, ids);
      await this.completion.reopen(boss.getDb(), batchId);
      return (result as { affected?: number }).affected ?? ids.length;
    });
  }

  async status(batchId: string): Promise<BatchStatus> {
    const boss = await this.boss();
    const db = boss.getDb();
    return this.run('read the batch status', () => readStatus(boss, this.jobTable, batchId, () => this.completion.isReported(db, batchId)));
  }

  async outcomes(batchId: string): Promise<DossierOutcome[]> {
    const boss = await this.boss();
    return this.run('read the batch outcomes', () => readOutcomes(boss, this.jobTable, batchId));
  }

  async ping(): Promise<void> {
    const boss = await this.boss();
    await this.run('answer a readiness check', () => boss.getDb().executeSql('SELECT 1'));
  }

  async jobCounts(): Promise<{ waiting: number; active: number }> {
    const boss = await this.boss();
    return this.run('count the jobs', () => countJobs(boss.getDb(), this.jobTable));
  }

  async namedPipelines(): Promise<string[]> {
    const boss = await this.boss();
    return this.run('list the pipelines named by open jobs', () => pipelinesOfOpenJobs(boss.getDb(), this.jobTable));
  }

  /** The watchers' ledger of one inbox (`sohoa watch --queue`), in our schema; creates its table if missing. */
  async watchLedger(inbox: string, options: { leaseMs?: number } = {}): Promise<WatchLedger> {
    const boss = await this.boss();
    // Its statements fail as our error classes too (TransientError while the database is away), like the queue's.
    const db: SqlRunner = { executeSql: (text, values) => this.run('use the watch ledger', () => boss.getDb().executeSql(text, values)) };
    const ledger = new PgWatchLedger(db, { schema: this.options.schema, inbox, ...options });
    await PgWatchLedger.createTable(db, this.options.schema);
    return ledger;
  }

  async claimBatchCompletion(batchId: string): Promise<BatchClaim | undefined> {
    return (await this.claim(batchId))[0];
  }

  async claimCompletedBatches(): Promise<BatchClaim[]> {
    return this.claim(undefined);
  }

  async renewBatchClaim(claim: BatchClaim): Promise<boolean> {
    const boss = await this.boss();
    return this.run('renew a batch claim', () => this.completion.renew(boss.getDb(), claim));
  }

  async markBatchReported(claim: BatchClaim): Promise<boolean> {
    const boss = await this.boss();
    return this.run('record the batch report', () => this.completion.markReported(boss.getDb(), claim));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    await Promise.allSettled([...this.sessions]);
    this.closed = true;
    const starting = this.starting;
    if (!starting) return;
    const boss = await starting.catch(() => undefined);
    await boss?.stop({ graceful: true, timeout: this.options.drainTimeoutMs });
  }

  private async claim(batchId: string | undefined): Promise<BatchClaim[]> {
    const boss = await this.boss();
    return this.run('claim a batch completion', () => this.completion.claim(boss.getDb(), batchId));
  }

  private async runJob(boss: PgBoss, job: Job<DossierJob>, handler: QueueHandler, running: Map<string, Running>, releasing: AbortSignal): Promise<JobResult[]> {
    const release = releasing;
    const signal = AbortSignal.any([job.signal, release]);
    const attempt = { jobId: job.id, attempt: job.retryCount + 1, maxAttempts: this.options.retryLimit + 1 };
    let markEnded: () => void = () => {};
    running.set(job.id, { ended: new Promise<void>((resolve) => (markEnded = resolve)) });
    let result: object | void;
    try {
      try {
        release.throwIfAborted();
        result = await untilAborted(handler(job.data, signal, attempt), release);
      } catch (err) {
        if (release.aborted) {
          return [{ id: job.id, status: 'failed', output: { kind: 'transient', code: 'WORKER_LOST', message: new ReleasedError().message } satisfies FailureReason }];
        }
        const failure = failureOf(err);
        return [{ id: job.id, status: isRetryable(err) ? 'failed' : 'deadletter', output: failure }];
      }
      await this.completeWithRetry(boss, job, release, result ?? null);
      return [{ id: job.id, status: 'completed' }];
    } finally {
      running.delete(job.id);
      markEnded();
    }
  }

  /**
   * Writes a completion, retrying while the database is unreachable (a restart, a failover), so a finished
   * dossier is not run again merely because its completion could not land. pg-boss's heartbeat keeps running
   * meanwhile. The write is fenced to this attempt: if another worker took the job over, it changes nothing.
   */
  private async completeWithRetry(boss: PgBoss, job: Job<DossierJob>, release: AbortSignal, output: object | null): Promise<void> {
    const deadline = Date.now() + this.options.settleRetryMs;
    for (let tries = 1; ; tries++) {
      try {
        await boss.complete(this.options.queueName, { id: job.id, retryCount: job.retryCount }, output);
        if (tries > 1) this.log.info({ event: 'queue.completion_written', jobId: job.id, tries }, 'queue.completion_written after the database came back');
        return;
      } catch (err) {
        if (!isConnectionError(err) || job.signal.aborted || release.aborted || Date.now() >= deadline) {
          this.log.warn({ event: 'queue.completion_failed', jobId: job.id, tries, err }, 'queue.completion_failed: left to pg-boss; if it fails too, the job is retried after its heartbeat runs out');
          return;
        }
        await sleep(Math.min(2_000, 100 * 2 ** tries));
      }
    }
  }

  private async untilStopped(options: WorkOptions, running: Map<string, Running>): Promise<void> {
    if (options.signal.aborted) return;
    const stop = new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
    if (!options.stopWhenIdle) return stop;
    const pollMs = Math.max(500, this.options.pollingIntervalSeconds * 1000);
    while (!options.signal.aborted) {
      await Promise.race([stop, sleep(pollMs)]);
      if (options.signal.aborted) return;
      if (running.size === 0 && !(await this.hasOpenJobs())) return;
    }
  }

  private async hasOpenJobs(): Promise<boolean> {
    const boss = await this.boss();
    try {
      return await anyOpenJob(boss.getDb(), this.jobTable);
    } catch (err) {
      // A database that is away for now may hold open jobs: keep working rather than stop early.
      if (isConnectionError(err)) return true;
      throw err;
    }
  }

  private boss(): Promise<PgBoss> {
    if (this.closed) return Promise.reject(new Error('PgBossQueue: used after close()'));
    this.starting ??= this.startBoss().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async startBoss(): Promise<PgBoss> {
    const o = this.options;
    const boss = new PgBoss({
      connectionString: o.connectionString,
      schema: o.bossSchema,
      application_name: 'sohoa',
      max: o.poolSize,
      supervise: true,
      superviseIntervalSeconds: o.superviseIntervalSeconds,
      monitorIntervalSeconds: o.superviseIntervalSeconds,
      // No cron schedules here, so no clock-skew and cron passes either.
      schedule: false,
      instanceName: 'sohoa',
    });
    // Without a listener an `error` event would throw and end the process; a PostgreSQL restart emits many.
    boss.on('error', (err) => this.onBossError(err));
    boss.on('warning', (warning) => this.log.warn({ event: 'queue.warning', message: warning.message }, 'queue.warning'));
    await this.run('connect', () => boss.start({ attempts: o.startAttempts }));
    await this.run('prepare the queue', async () => {
      const queueOptions = bossJobOptions(o);
      await boss.createQueue(o.queueName, queueOptions);
      await this.completion.createTable(boss.getDb());
    });
    return boss;
  }

  private onBossError(err: Error): void {
    this.options.onError?.(err);
    // During an outage every poll and heartbeat fails: log the first of each burst and count the rest.
    const now = Date.now();
    if (isConnectionError(err) && now - this.lastErrorLogAt < 5_000) {
      this.suppressedErrors += 1;
      return;
    }
    this.lastErrorLogAt = now;
    const suppressed = this.suppressedErrors;
    this.suppressedErrors = 0;
    this.log.warn({ event: 'queue.error', database: this.where, transient: isConnectionError(err), suppressed, err }, 'queue.error');
  }

  /** Runs a database call and turns what pg or pg-boss threw into our error classes. */
  private async run<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw classifyPgError(err, action, this.where);
    }
  }
}
