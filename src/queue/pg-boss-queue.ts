// PgBossQueue: the JobQueue port on PostgreSQL through pg-boss 12, shared by every worker on every machine.
/*
 * How the queue's promises are kept, and by what:
 * - One job per dossier, its id a UUID derived from batchId + dossierId, inserted with ON CONFLICT DO NOTHING:
 *   enqueueing a batch twice creates nothing the second time.
 * - A worker claims a job with SELECT … FOR UPDATE SKIP LOCKED (pg-boss), so two workers never hold one job.
 * - Dead workers: each job has a heartbeat (`heartbeatSeconds`, pg-boss's minimum is 10) that the worker holding
 *   it refreshes every `heartbeatRefreshSeconds`. Every worker also supervises: every `superviseIntervalSeconds`
 *   one of them fails the jobs whose heartbeat is older than `heartbeatSeconds`, which puts them back as retries
 *   (after the first-retry backoff) for any worker to take. See takeoverBoundMs for the bound.
 * - Retries: a TransientError fails the attempt and pg-boss retries it with exponential backoff; an InputError,
 *   a ConfigError or a bug fails the job terminally at once (pg-boss's `deadletter` disposition), with the reason
 *   kept as the job's output. `retryFailed` puts failed jobs back (pg-boss `retry`).
 * - Batch completion: a row per batch in a table of ours (`<schema>.batch`), claimed by one atomic UPDATE whose
 *   condition is that no job of the batch is waiting, retrying or active. Its `completions` column is the fencing
 *   token: every claim, every new dossier and every retry raises it, and a renewal or a "reported" mark changes
 *   the row only when it names the current value. Leases are measured on the database's clock, never a worker's.
 * - PostgreSQL outages: pg-boss's pool reconnects by itself; its polling, heartbeats and supervision report
 *   errors as events (logged here) and carry on. A completion that cannot be written is retried here until the
 *   database answers again, so a restart does not make a finished dossier run twice. Errors of our own calls
 *   reach callers as TransientError (retry later, exit code 4) or ConfigError (bad URL, credentials, database).
 *
 * The status, retry and completion queries read pg-boss's job table (`<bossSchema>.job`: name, state, data,
 * output, retry_count), which pg-boss documents for use from SQL; everything else goes through its API.
 */
import { createHash } from 'node:crypto';
import { PgBoss, type Job, type JobResult } from 'pg-boss';
import type { Logger } from 'pino';
import { isErrorCode } from '../domain/error-codes.ts';
import { ConfigError, type ErrorKind, SohoaError, TransientError } from '../domain/errors.ts';
import { silentLogger } from '../log.ts';
import {
  emptyCounts,
  failureOf,
  isRetryable,
  jobQueueDefaults,
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
} from './job-queue.ts';

export interface PgBossQueueOptions {
  /** `postgres://user:password@host:5432/database` */
  connectionString: string;
  log: Logger;
  /** The pg-boss queue every sohoa worker shares. */
  queueName: string;
  /** Schema of pg-boss's tables. */
  bossSchema: string;
  /** Schema of sohoa's own table (batch completion). */
  schema: string;
  retryLimit: number;
  retryDelayMs: number;
  retryDelayMaxMs: number;
  drainTimeoutMs: number;
  reportLeaseMs: number;
  /** A job whose heartbeat is older than this is taken from its worker (pg-boss minimum: 10). */
  heartbeatSeconds: number;
  heartbeatRefreshSeconds: number;
  /** How often lost jobs are looked for (by whichever worker's turn it is). */
  superviseIntervalSeconds: number;
  /** How often an idle worker asks for a job. */
  pollingIntervalSeconds: number;
  /** Longest one attempt of a dossier may run before it is failed (and retried). pg-boss allows up to 24 h. */
  expireInSeconds: number;
  /** How long finished jobs (and so `sohoa status`) are kept. */
  deleteAfterSeconds: number;
  /** How long a job may wait in the queue before pg-boss drops it. */
  retentionSeconds: number;
  /** How long to keep retrying a completion that the database refused for a connection fault. */
  settleRetryMs: number;
  /** Tries to reach PostgreSQL at start (1 s after the first failure, doubling up to 30 s). */
  startAttempts: number;
  /** Connections in this process's pool. */
  poolSize: number;
  /** Called for every error pg-boss reports (polls, heartbeats, supervision), logged or not: for the metrics. */
  onError?: (err: Error) => void;
}

export const pgBossQueueDefaults = {
  ...jobQueueDefaults,
  queueName: 'sohoa-dossier',
  bossSchema: 'pgboss',
  schema: 'sohoa',
  heartbeatSeconds: 10,
  heartbeatRefreshSeconds: 2,
  superviseIntervalSeconds: 2,
  pollingIntervalSeconds: 1,
  expireInSeconds: 3_600,
  deleteAfterSeconds: 30 * 86_400,
  retentionSeconds: 30 * 86_400,
  settleRetryMs: 60_000,
  startAttempts: 3,
  poolSize: 10,
} as const;

/**
 * The longest a dossier held by a worker killed with SIGKILL waits before another worker starts it again, for
 * a job on its first attempt: the heartbeat runs out (≤ heartbeatSeconds after the kill), a supervision pass
 * notices (≤ 2 × superviseIntervalSeconds: passes are claimed per interval), the first-retry backoff passes
 * (≤ 2 × retryDelay) and an idle worker polls (≤ pollingIntervalSeconds). With the defaults: 10 + 4 + 2 + 1 = 17 s.
 */
export function takeoverBoundMs(options: Pick<PgBossQueueOptions, 'heartbeatSeconds' | 'superviseIntervalSeconds' | 'retryDelayMs' | 'pollingIntervalSeconds'>): number {
  const retryDelaySeconds = Math.max(1, Math.round(options.retryDelayMs / 1000));
  return (options.heartbeatSeconds + 2 * options.superviseIntervalSeconds + 2 * retryDelaySeconds + options.pollingIntervalSeconds) * 1000;
}

/** The job id of a dossier: the same on every machine and every enqueue, so a second enqueue finds it. */
export function dossierJobId(batchId: string, dossierId: string): string {
  // JSON keeps the two ids apart whatever characters they hold.
  const hash = createHash('sha256').update(JSON.stringify(['sohoa-dossier', batchId, dossierId])).digest();
  // RFC 9562 version 8 (custom) with the RFC variant bits, so it is a well-formed UUID.
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const pgBossStates: Record<string, JobState> = {
  created: 'waiting',
  retry: 'retrying',
  active: 'active',
  completed: 'done',
  failed: 'failed',
  cancelled: 'failed',
};
const openStates = `('created', 'retry', 'active')`;
const errorKinds = new Set<string>(['input', 'transient', 'config', 'internal']);
const insertChunkSize = 5_000;

/** SQLSTATE classes and codes that mean "the database is unreachable or busy for now". */
const transientSqlStates = /^(08|53|57P0[1-3]|57014|40001|40P01|55P03)/;
/** SQLSTATEs that mean the connection settings are wrong: retrying will not help. */
const configSqlStates = /^(28|3D000|42501)/;
const transientSystemCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);
/*
 * node-postgres raises some connection failures as plain Errors with no code ("Connection terminated
 * unexpectedly", "timeout exceeded when trying to connect"); their text is all there is to tell them apart.
 */
const pgConnectionMessages = /connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** Whether an error from pg or pg-boss means the database could not be reached or dropped the connection. */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const shape = err as ErrorShape;
  if (typeof shape.code === 'string') {
    if (transientSqlStates.test(shape.code) || transientSystemCodes.has(shape.code)) return true;
  }
  // Node reports a refused dual-stack connect as an AggregateError of one error per address.
  if (Array.isArray(shape.errors) && shape.errors.some((inner) => isConnectionError(inner))) return true;
  return typeof shape.message === 'string' && shape.code === undefined && pgConnectionMessages.test(shape.message);
}

/** Host, port and database of a connection string, never its password. */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return 'the configured PostgreSQL';
  }
}

interface JobRow {
  dossierId: string;
  state: string;
  output: unknown;
  retryCount: number;
  completedOn: Date | string | null;
}

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
  }

  /** Connects, installs or migrates pg-boss's schema and ours, and makes the queue; once per instance. */
  async start(): Promise<void> {
    await this.boss();
  }

  async enqueueDossiers(jobs: readonly DossierJob[]): Promise<EnqueueResult> {
    const unique = uniqueJobs(jobs);
    const boss = await this.boss();
    const createdBatches = new Set<string>();
    let created = 0;
    await this.run('enqueue dossiers', async () => {
      for (let start = 0; start < unique.length; start += insertChunkSize) {
        const chunk = unique.slice(start, start + insertChunkSize);
        const byId = new Map(chunk.map((job) => [dossierJobId(job.batchId, job.dossierId), job]));
        const ids = await boss.insert(this.options.queueName, [...byId].map(([id, job]) => ({ id, data: jobData(job), ...this.jobOptions() })), { returnId: true });
        for (const id of ids ?? []) createdBatches.add(byId.get(id)!.batchId);
        created += ids?.length ?? 0;
      }
      // After the jobs: a batch row is only ever seen with its jobs in place, so it cannot look complete early.
      // New dossiers in a batch open a new completion (and a new report).
      for (const batchId of new Set(unique.map((job) => job.batchId))) {
        await boss.getDb().executeSql(
          `INSERT INTO ${this.options.schema}.batch (batch_id) VALUES ($1)
           ON CONFLICT (batch_id) DO UPDATE SET
             claimed_at = CASE WHEN $2::boolean THEN NULL ELSE batch.claimed_at END,
             reported_at = CASE WHEN $2::boolean THEN NULL ELSE batch.reported_at END,
             completions = CASE WHEN $2::boolean THEN batch.completions + 1 ELSE batch.completions END`,
          [batchId, createdBatches.has(batchId)],
        );
      }
    });
    return { created, existing: unique.length - created };
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
      const filter = dossierId === undefined ? '' : `AND data->>'dossierId' = $3`;
      const { rows } = await boss.getDb().executeSql(
        `SELECT id FROM ${this.options.bossSchema}.job WHERE name = $1 AND data->>'batchId' = $2 ${filter} AND state = 'failed'`,
        dossierId === undefined ? [this.options.queueName, batchId] : [this.options.queueName, batchId, dossierId],
      );
      const ids = (rows as { id: string }[]).map((row) => row.id);
      if (ids.length === 0) return 0;
      // Each gets one more attempt (pg-boss raises its retry limit by one) and the batch a new completion.
      const result = await boss.retry(this.options.queueName, ids);
      await boss.getDb().executeSql(`UPDATE ${this.options.schema}.batch SET claimed_at = NULL, reported_at = NULL, completions = completions + 1 WHERE batch_id = $1`, [batchId]);
      return (result as { affected?: number }).affected ?? ids.length;
    });
  }

  async status(batchId: string): Promise<BatchStatus> {
    const boss = await this.boss();
    return this.run('read the batch status', async () => {
      const db = boss.getDb();
      const { rows } = await db.executeSql(
        `SELECT data->>'dossierId' AS "dossierId", state, output, retry_count AS "retryCount", completed_on AS "completedOn"
         FROM ${this.options.bossSchema}.job WHERE name = $1 AND data->>'batchId' = $2`,
        [this.options.queueName, batchId],
      );
      const { rows: batchRows } = await db.executeSql(`SELECT reported_at FROM ${this.options.schema}.batch WHERE batch_id = $1`, [batchId]);
      const counts = emptyCounts();
      const failed: FailedDossier[] = [];
      for (const row of rows as JobRow[]) {
        const state = pgBossStates[row.state] ?? 'failed';
        counts[state] += 1;
        if (state === 'failed') {
          const reason = row.state === 'cancelled' ? { kind: 'internal' as const, message: 'cancelled by an operator' } : reasonOf(row.output);
          failed.push({
            dossierId: row.dossierId,
            ...reason,
            attempts: Number(row.retryCount) + 1,
            ...(row.completedOn ? { failedAt: new Date(row.completedOn).toISOString() } : {}),
          });
        }
      }
      failed.sort((a, b) => a.dossierId.localeCompare(b.dossierId));
      const total = rows.length;
      const open = counts.waiting + counts.active + counts.retrying;
      const reported = Boolean((batchRows[0] as { reported_at?: unknown } | undefined)?.reported_at);
      return { batchId, total, counts, failed, complete: total > 0 && open === 0, reported };
    });
  }

  async outcomes(batchId: string): Promise<DossierOutcome[]> {
    const boss = await this.boss();
    return this.run('read the batch outcomes', async () => {
      const { rows } = await boss.getDb().executeSql(
        `SELECT data, state, output, retry_count AS "retryCount" FROM ${this.options.bossSchema}.job
         WHERE name = $1 AND data->>'batchId' = $2 ORDER BY data->>'dossierId'`,
        [this.options.queueName, batchId],
      );
      return (rows as { data: DossierJob; state: string; output: unknown; retryCount: number }[]).map((row) => {
        const state = pgBossStates[row.state] ?? 'failed';
        const output = typeof row.output === 'string' ? safeJson(row.output) : row.output;
        return {
          job: row.data,
          state,
          attempts: Number(row.retryCount) + 1,
          ...(state === 'done' && output !== null && output !== undefined ? { result: output } : {}),
          ...(state === 'failed' ? { failure: row.state === 'cancelled' ? { kind: 'internal' as const, message: 'cancelled by an operator' } : reasonOf(output) } : {}),
        };
      });
    });
  }

  async ping(): Promise<void> {
    const boss = await this.boss();
    await this.run('answer a readiness check', () => boss.getDb().executeSql('SELECT 1'));
  }

  async jobCounts(): Promise<{ waiting: number; active: number }> {
    const boss = await this.boss();
    return this.run('count the jobs', async () => {
      const { rows } = await boss.getDb().executeSql(
        `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS waiting, count(*) FILTER (WHERE state = 'active')::int AS active
         FROM ${this.options.bossSchema}.job WHERE name = $1 AND state IN ${openStates}`,
        [this.options.queueName],
      );
      const row = (rows[0] ?? {}) as { waiting?: number; active?: number };
      return { waiting: Number(row.waiting ?? 0), active: Number(row.active ?? 0) };
    });
  }

  async claimBatchCompletion(batchId: string): Promise<BatchClaim | undefined> {
    return (await this.claim(batchId))[0];
  }

  async claimCompletedBatches(): Promise<BatchClaim[]> {
    return this.claim(undefined);
  }

  async renewBatchClaim(claim: BatchClaim): Promise<boolean> {
    return this.fenced('renew a batch claim', 'claimed_at = now()', claim);
  }

  async markBatchReported(claim: BatchClaim): Promise<boolean> {
    return this.fenced('record the batch report', 'reported_at = now()', claim);
  }

  /** An UPDATE of the batch row that applies only while `claim` is the current, unreported claim. */
  private async fenced(action: string, set: string, claim: BatchClaim): Promise<boolean> {
    const boss = await this.boss();
    return this.run(action, async () => {
      const { rows } = await boss.getDb().executeSql(
        `UPDATE ${this.options.schema}.batch SET ${set}
         WHERE batch_id = $1 AND completions = $2 AND claimed_at IS NOT NULL AND reported_at IS NULL
         RETURNING batch_id`,
        [claim.batchId, claim.token],
      );
      return rows.length === 1;
    });
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

  /** One atomic UPDATE: the row changes only if the batch is complete and unclaimed (or its claim lapsed). */
  private async claim(batchId: string | undefined): Promise<BatchClaim[]> {
    const boss = await this.boss();
    const { schema, bossSchema, queueName, reportLeaseMs } = this.options;
    return this.run('claim a batch completion', async () => {
      const { rows } = await boss.getDb().executeSql(
        `UPDATE ${schema}.batch b SET claimed_at = now(), completions = completions + 1
         WHERE ${batchId === undefined ? 'TRUE' : 'b.batch_id = $3'}
           AND b.reported_at IS NULL
           AND (b.claimed_at IS NULL OR b.claimed_at < now() - $2::bigint * interval '1 millisecond')
           AND EXISTS (SELECT 1 FROM ${bossSchema}.job j WHERE j.name = $1 AND j.data->>'batchId' = b.batch_id)
           AND NOT EXISTS (SELECT 1 FROM ${bossSchema}.job j WHERE j.name = $1 AND j.data->>'batchId' = b.batch_id AND j.state IN ${openStates})
         RETURNING b.batch_id AS "batchId", b.completions AS token`,
        batchId === undefined ? [queueName, reportLeaseMs] : [queueName, reportLeaseMs, batchId],
      );
      return (rows as { batchId: string; token: number }[]).map((row) => ({ batchId: row.batchId, token: Number(row.token) }));
    });
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
      const { rows } = await boss.getDb().executeSql(
        `SELECT 1 FROM ${this.options.bossSchema}.job WHERE name = $1 AND state IN ${openStates} LIMIT 1`,
        [this.options.queueName],
      );
      return rows.length > 0;
    } catch (err) {
      if (isConnectionError(err)) return true;
      throw err;
    }
  }

  private jobOptions() {
    const o = this.options;
    return {
      retryLimit: o.retryLimit,
      retryDelay: Math.max(1, Math.round(o.retryDelayMs / 1000)),
      retryDelayMax: Math.max(1, Math.round(o.retryDelayMaxMs / 1000)),
      retryBackoff: true,
      expireInSeconds: o.expireInSeconds,
      deleteAfterSeconds: o.deleteAfterSeconds,
      retentionSeconds: o.retentionSeconds,
      heartbeatSeconds: o.heartbeatSeconds,
    };
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
      const queueOptions = this.jobOptions();
      await boss.createQueue(o.queueName, queueOptions);
      // Several workers may start at once: the advisory lock makes them create the table one at a time.
      await boss.getDb().executeSql(`
        SELECT pg_advisory_xact_lock(hashtext('sohoa-queue-schema'));
        CREATE SCHEMA IF NOT EXISTS ${o.schema};
        CREATE TABLE IF NOT EXISTS ${o.schema}.batch (
          batch_id text PRIMARY KEY,
          created_at timestamptz NOT NULL DEFAULT now(),
          claimed_at timestamptz,
          reported_at timestamptz,
          completions integer NOT NULL DEFAULT 0
        );`);
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
      throw this.classify(err, action);
    }
  }

  private classify(err: unknown, action: string): unknown {
    if (err instanceof SohoaError) return err;
    const code = typeof (err as ErrorShape | null)?.code === 'string' ? String((err as ErrorShape).code) : undefined;
    const said = err instanceof Error ? err.message : String(err);
    if (isConnectionError(err)) {
      return new TransientError('QUEUE_UNAVAILABLE', `queue: could not ${action} at PostgreSQL ${this.where}: ${said}; check that the database is up and reachable, then retry`, {}, { cause: err });
    }
    if (code && configSqlStates.test(code)) {
      return new ConfigError('QUEUE_REFUSED', `queue: PostgreSQL ${this.where} refused to ${action}: ${said} (SQLSTATE ${code}); check the user, password and database in --queue`, {}, { cause: err });
    }
    return err;
  }
}

function jobData(job: DossierJob): DossierJob {
  return {
    batchId: job.batchId,
    dossierId: job.dossierId,
    batchUri: job.batchUri,
    outUri: job.outUri,
    ...(job.pipeline !== undefined ? { pipeline: job.pipeline } : {}),
    ...(job.force ? { force: true } : {}),
  };
}

/** The reason stored as a failed job's output: ours ({kind, message}) or pg-boss's own ({value: {message}}). */
function reasonOf(output: unknown): FailureReason {
  const value = (typeof output === 'string' ? safeJson(output) : output) as Record<string, unknown> | null;
  if (value && typeof value.kind === 'string' && errorKinds.has(value.kind) && typeof value.message === 'string') {
    const outcome = typeof value.outcome === 'object' && value.outcome !== null ? { outcome: value.outcome } : {};
    const code = isErrorCode(value.code) ? { code: value.code } : {};
    return { kind: value.kind as ErrorKind, ...code, message: value.message, ...outcome };
  }
  const inner = value?.value as Record<string, unknown> | undefined;
  if (inner && typeof inner.message === 'string') {
    // pg-boss's supervisor wrote it: the heartbeat ran out (worker lost) or the attempt ran past expireInSeconds.
    return { kind: 'transient', code: 'WORKER_LOST', message: `${inner.message} (the last attempt's worker was lost or ran too long)` };
  }
  if (value && typeof value.message === 'string') return { kind: 'internal', code: 'INTERNAL', message: value.message };
  return { kind: 'internal', code: 'INTERNAL', message: 'failed without a recorded reason' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** True if every promise settled within `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
