// The pure parts of the queue layer: job ids, error classification, retry delays, the takeover bound.
import { describe, expect, it } from 'vitest';
import { InputError, TransientError } from '../../../src/domain/errors.ts';
import { failureOf, isRetryable, jobQueueDefaults, retryDelayMs, uniqueJobs, type DossierJob } from '../../../src/queue/job-queue.ts';
import { jobData } from '../../../src/queue/pg-boss-options.ts';
import { dossierJobId, pgBossQueueDefaults, PgBossQueue, takeoverBoundMs } from '../../../src/queue/pg-boss-queue.ts';
import { describeConnection, isConnectionError } from '../../../src/queue/pg-errors.ts';

describe('dossierJobId', () => {
  it('is a well-formed UUID that depends only on batchId and dossierId', () => {
    const id = dossierJobId('2026-11-28-ubnd-phuong-1', 'HS-000123');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dossierJobId('2026-11-28-ubnd-phuong-1', 'HS-000123')).toBe(id);
    expect(dossierJobId('2026-11-28-ubnd-phuong-1', 'HS-000124')).not.toBe(id);
    // Ids holding the separator of a naive concatenation stay apart.
    expect(dossierJobId('a', 'b\nc')).not.toBe(dossierJobId('a\nb', 'c'));
    expect(dossierJobId('a', 'b\u0000c')).not.toBe(dossierJobId('a\u0000b', 'c'));
  });

  it('keeps the id of a job without a revision exactly as before revisions existed, so queued jobs are still found', () => {
    // Computed by the code before revisions were added.
    expect(dossierJobId('2026-11-28-ubnd-phuong-1', 'HS-000123')).toBe('809a380b-4d80-8908-a1b4-85d447dfd10d');
    expect(dossierJobId('2026-11-28-ubnd-phuong-1', 'HS-000123', undefined)).toBe('809a380b-4d80-8908-a1b4-85d447dfd10d');
  });

  it('gives each revision of a dossier its own id', () => {
    const r1 = dossierJobId('b', 'HS-1', 'r1');
    expect(r1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(dossierJobId('b', 'HS-1', 'r1')).toBe(r1);
    expect(dossierJobId('b', 'HS-1', 'r2')).not.toBe(r1);
    expect(r1).not.toBe(dossierJobId('b', 'HS-1'));
  });
});

describe('job revisions', () => {
  const job: DossierJob = { batchId: 'b', dossierId: 'HS-1', batchUri: '/inbox/b', outUri: '/out' };

  it('keeps one job per dossier and revision in a call, and stores the revision with the job', () => {
    const unique = uniqueJobs([job, { ...job, revision: 'r1' }, { ...job, revision: 'r1' }, { ...job, revision: 'r2' }, job]);
    expect(unique.map((j) => j.revision)).toEqual([undefined, 'r1', 'r2']);
    expect(jobData({ ...job, revision: 'r1' })).toEqual({ ...job, revision: 'r1' });
    expect(jobData(job)).not.toHaveProperty('revision');
  });

  it('refuses an empty or non-string revision, naming the job', () => {
    expect(() => uniqueJobs([job, { ...job, revision: '' }])).toThrow(/^jobs\[1\]\.revision: expected a non-empty string/);
    expect(() => uniqueJobs([{ ...job, revision: 7 as unknown as string }])).toThrow(/^jobs\[0\]\.revision: .* but received 7$/);
  });
});

describe('isConnectionError', () => {
  it('recognises refused and dropped connections and a server shutting down', () => {
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'connect failed'))).toBe(true);
  });

  it('leaves SQL mistakes, credentials and our own errors alone', () => {
    expect(isConnectionError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toBe(false);
    expect(isConnectionError(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});

describe('queue error helpers', () => {
  it('keeps the kind and message of a failure; a bug also keeps its class name', () => {
    expect(failureOf(new InputError('IMAGE_UNREADABLE', 'p2.tif: not a TIFF'))).toEqual({ kind: 'input', code: 'IMAGE_UNREADABLE', message: 'p2.tif: not a TIFF' });
    expect(failureOf(new TransientError('STORE_UNAVAILABLE', 'S3 503'))).toEqual({ kind: 'transient', code: 'STORE_UNAVAILABLE', message: 'S3 503' });
    expect(failureOf(new TypeError('x is undefined'))).toEqual({ kind: 'internal', code: 'INTERNAL', message: 'TypeError: x is undefined' });
    expect(isRetryable(new TransientError('STORE_UNAVAILABLE', 'S3 503'))).toBe(true);
    expect(isRetryable(new InputError('IMAGE_UNREADABLE', 'bad'))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('doubles the retry delay with up to 100 % jitter and caps it', () => {
    const options = { retryDelayMs: 1_000, retryDelayMaxMs: 300_000 };
    expect([1, 2, 3, 8].map((n) => retryDelayMs(n, options, () => 0))).toEqual([1_000, 2_000, 4_000, 128_000]);
    expect(retryDelayMs(1, options, () => 0.999)).toBeCloseTo(1_999, 0);
    expect(retryDelayMs(12, options, () => 0.5)).toBe(300_000);
  });

  it('bounds the takeover of a killed worker\'s dossier at 17 s with the defaults', () => {
    expect(takeoverBoundMs(pgBossQueueDefaults)).toBe(17_000);
    expect(pgBossQueueDefaults.retryLimit).toBe(jobQueueDefaults.retryLimit);
  });

  it('names the database without its password, and refuses bad settings before connecting', () => {
    expect(describeConnection('postgres://sohoa:s3cret@db.internal:5433/archive')).toBe('db.internal:5433/archive');
    expect(describeConnection('not a url')).toBe('the configured PostgreSQL');
    expect(() => new PgBossQueue({ connectionString: 'postgres://x@h/d', heartbeatSeconds: 5 })).toThrow(/heartbeatSeconds: expected an integer of at least 10/);
    expect(() => new PgBossQueue({ connectionString: 'postgres://x@h/d', schema: 'Sohoa; DROP' })).toThrow(/expected a lower-case SQL identifier/);
  });
});
