// The settings of PgBossQueue, their defaults, the bound they put on a takeover, and how a dossier becomes a pg-boss job.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { jobQueueDefaults, type DossierJob } from './job-queue.ts';

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

/**
 * The job id of a dossier: the same on every machine and every enqueue, so a second enqueue finds it. A revision
 * (the dossier's input fingerprint, set by the watcher) makes a re-scanned dossier a new job; without one the id
 * is exactly what it was before revisions existed, so jobs already in a queue are still found.
 */
export function dossierJobId(batchId: string, dossierId: string, revision?: string): string {
  // JSON keeps the ids apart whatever characters they hold.
  const parts = revision === undefined ? ['sohoa-dossier', batchId, dossierId] : ['sohoa-dossier', batchId, dossierId, revision];
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest();
  // RFC 9562 version 8 (custom) with the RFC variant bits, so it is a well-formed UUID.
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The data a dossier's job stores: only the known fields, so a caller's extra properties never reach the queue. */
export function jobData(job: DossierJob): DossierJob {
  return {
    batchId: job.batchId,
    dossierId: job.dossierId,
    batchUri: job.batchUri,
    outUri: job.outUri,
    ...(job.pipeline !== undefined ? { pipeline: job.pipeline } : {}),
    ...(job.force ? { force: true } : {}),
    ...(job.revision !== undefined ? { revision: job.revision } : {}),
  };
}

/** pg-boss's per-job settings from ours: its retry delays are in whole seconds. */
export function bossJobOptions(o: PgBossQueueOptions) {
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
