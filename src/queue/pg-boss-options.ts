// The settings of PgBossQueue, their defaults, the bound they put on a takeover, and the job id of a dossier.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { jobQueueDefaults } from './job-queue.ts';

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
