// The JobQueue port: one job per dossier, shared by every worker; the queue owns claims, retries and stalls.
import type { SplitOptions } from '../domain/batch.ts';
import type { ErrorCode } from '../domain/error-codes.ts';
import { describeError, errorCode, errorKind, InputError, SohoaError, type ErrorKind } from '../domain/errors.ts';

/** What one job carries: enough for any worker on any machine to find the dossier and its outputs. */
export interface DossierJob {
  batchId: string;
  dossierId: string;
  /** Where the batch is: a folder path (shared by every worker) or an `s3://bucket/prefix`. */
  batchUri: string;
  /** Where the outputs go: a folder path or an `s3://bucket/prefix`. */
  outUri: string;
  /** Pipeline name (`dossier`, `result`) or path to a pipeline file; absent: chosen by the dossier's kind. */
  pipeline?: string;
  /** Redo the dossier even when its record says it is complete with the same inputs. */
  force?: boolean;
  /**
   * The dossier's input fingerprint, set by `sohoa watch`: a re-scanned dossier is a new job, an unchanged one is
   * not. Absent for `sohoa enqueue`, whose dossiers are one job each whatever their files.
   */
  revision?: string;
  /** How the batch's stacks are cut (the split stage's options), when the batch was planned with splitting on. */
  split?: SplitOptions;
}

export type JobState = 'waiting' | 'active' | 'retrying' | 'done' | 'failed';
export const jobStates: readonly JobState[] = ['waiting', 'active', 'retrying', 'done', 'failed'];

/** Which attempt of a job a handler is running. */
export interface JobAttempt {
  /** The queue's id for the job: the same for every attempt, derived from batchId, dossierId and revision. */
  jobId: string;
  /** 1 for the first run; takeovers after a lost worker and shutdown releases count as attempts too. */
  attempt: number;
  /** The last attempt a transient fault may use; after it the dossier fails. */
  maxAttempts: number;
}

/**
 * Business code: run one dossier. Resolve when it is complete, with what the batch report says of it (kept by
 * the queue as the job's outcome, read back by `outcomes`); throw an InputError (fails now, no retry, reason
 * kept), a TransientError (retried with backoff) or anything else (a bug: failed as internal, stack logged).
 * Stop soon after `signal` aborts: the job was released by a stopping worker or taken over by another.
 */
export type DossierHandler = (job: DossierJob, signal: AbortSignal) => Promise<object | void>;

/** What a queue calls; a DossierHandler fits it (the attempt is for logs). */
export type QueueHandler = (job: DossierJob, signal: AbortSignal, attempt: JobAttempt) => Promise<object | void>;

export interface WorkOptions {
  /** Dossiers run at once by this process. */
  concurrency: number;
  /** Abort to stop: no new job is taken, active ones get `drainTimeoutMs` to finish, then they are released. */
  signal: AbortSignal;
  /** How long active jobs may run on after `signal` aborts before they are released to other workers. */
  drainTimeoutMs?: number;
  /** Also stop once no job is waiting, retrying or active (`sohoa run`, or a worker that exits when idle). */
  stopWhenIdle?: boolean;
}

export interface EnqueueResult {
  /** Jobs new in the queue. */
  created: number;
  /** Jobs that were already there (same batchId, dossierId and revision), left as they were. */
  existing: number;
}

/** Why a dossier failed, as kept by the queue for `sohoa status`. */
export interface FailureReason {
  /** `transient` here means the retries ran out (a fault that lasted, or workers lost again and again). */
  kind: ErrorKind;
  /** The stable code of error-codes.ts (absent in reasons stored before codes existed). */
  code?: ErrorCode;
  message: string;
  /** What the batch report says of a dossier that ran to its end with failed documents (see DossierFailed). */
  outcome?: object;
}

/**
 * A dossier that ran to its end but has documents that failed on bad input: it fails at once (no retry), and the
 * queue keeps its report (`outcome`) with the reasons, so the batch report still lists every page.
 */
export class DossierFailed extends InputError {
  readonly outcome: object;
  constructor(message: string, outcome: object) {
    super('DOSSIER_DOCUMENTS_FAILED', message);
    this.name = 'DossierFailed';
    this.outcome = outcome;
  }
}

export interface FailedDossier extends FailureReason {
  dossierId: string;
  /** Attempts made, the failing one included. */
  attempts: number;
  failedAt?: string;
}

/** How one dossier of a batch ended (or where it stands), for the batch report. */
export interface DossierOutcome {
  job: DossierJob;
  state: JobState;
  /** What the handler resolved with, for a done dossier. */
  result?: unknown;
  /** Why it failed, for a failed one. */
  failure?: FailureReason;
  attempts: number;
}

export interface BatchStatus {
  batchId: string;
  /** Jobs the queue holds for the batch (0: unknown batch, or its jobs were removed after their retention). */
  total: number;
  counts: Record<JobState, number>;
  /** Failed dossiers, by dossierId. */
  failed: FailedDossier[];
  /** Every job is done or failed. */
  complete: boolean;
  /** The batch report of this completion has been written (see claimBatchCompletion). */
  reported: boolean;
}

/**
 * The right to write one batch report. `token` is a fencing token: it grows with every claim and every new
 * completion of the batch, and the queue accepts renewals and the report's confirmation only from the holder of
 * the newest one, so a holder whose lease lapsed while it was still working cannot mark the report done.
 */
export interface BatchClaim {
  batchId: string;
  token: number;
}

export interface JobQueue {
  /** A batch-completion claim neither renewed nor confirmed within this is offered again. */
  readonly reportLeaseMs: number;
  /**
   * One job per dossier and revision; a job already in the queue (same batchId + dossierId + revision) is left
   * alone. A new revision of a dossier supersedes the older ones: status and outcomes show only its newest job.
   */
  enqueueDossiers(jobs: readonly DossierJob[]): Promise<EnqueueResult>;
  /** Takes jobs and runs `handler` until `options.signal` aborts (or the queue is idle with `stopWhenIdle`). */
  work(handler: QueueHandler, options: WorkOptions): Promise<void>;
  /** Puts the failed dossiers of a batch (or one of them) back in the queue; returns how many. */
  retryFailed(batchId: string, dossierId?: string): Promise<number>;
  status(batchId: string): Promise<BatchStatus>;
  /** Resolves when the queue's database answers (the readiness check). */
  ping(): Promise<void>;
  /** Jobs waiting (or waiting for a retry) and active in the whole queue, for the metrics. */
  jobCounts(): Promise<{ waiting: number; active: number }>;
  /** The pipelines named by jobs not yet finished, each once: a worker checks them before it takes a job. */
  namedPipelines(): Promise<string[]>;
  /** Every dossier of the batch with its state and outcome, in dossier order. */
  outcomes(batchId: string): Promise<DossierOutcome[]>;
  /**
   * A claim for exactly one caller once every dossier of the batch is done or failed: that caller writes the batch
   * report, renews the claim while it writes, then calls markBatchReported. A claim not renewed within the report
   * lease is offered again (its holder died, stalled or failed), and the new claim fences the old one out: only
   * the current holder's renewBatchClaim and markBatchReported succeed. Retrying failed dossiers or enqueueing new
   * ones opens a new completion, which fences out any claim made before it. Undefined when not claimable now.
   */
  claimBatchCompletion(batchId: string): Promise<BatchClaim | undefined>;
  /** claimBatchCompletion for every batch that is complete and unclaimed; returns the claims made. */
  claimCompletedBatches(): Promise<BatchClaim[]>;
  /** Restarts the claim's lease; false if the claim was fenced out (another caller holds the completion now). */
  renewBatchClaim(claim: BatchClaim): Promise<boolean>;
  /** Records the report as written; false (and nothing recorded) if the claim was fenced out. */
  markBatchReported(claim: BatchClaim): Promise<boolean>;
  close(): Promise<void>;
}

/** Retry and shutdown settings shared by every queue; one object, so the numbers live in one place. */
export const jobQueueDefaults = {
  /** Retries after the first attempt: transient faults, lost workers and shutdown releases all use them. */
  retryLimit: 8,
  /** Retry n waits this × 2^(n-1) × (1..2): 1–2 s, 2–4 s … 128–256 s; 8 retries span about 4 to 8.5 minutes. */
  retryDelayMs: 1_000,
  retryDelayMaxMs: 300_000,
  /** SIGTERM: how long active dossiers may run on before they are released to another worker. */
  drainTimeoutMs: 30_000,
  /** A batch-completion claim neither renewed nor confirmed within this is offered again. */
  reportLeaseMs: 600_000,
} as const;

/** What the queue keeps about a failed attempt; the stack goes to the log, never to the database. */
export function failureOf(err: unknown): FailureReason {
  const kind = errorKind(err);
  const code = errorCode(err);
  const message = describeError(err);
  if (err instanceof DossierFailed) return { kind, code, message, outcome: err.outcome };
  if (kind === 'internal') {
    const name = err instanceof Error ? err.name : typeof err;
    return { kind, code, message: `${name}: ${message}` };
  }
  return { kind, code, message };
}

/** The code of a kept failure; one kept before codes existed gets the code its kind most likely had. */
export function failureCode(failure: FailureReason): ErrorCode {
  if (failure.code) return failure.code;
  return failure.kind === 'internal' ? 'INTERNAL' : failure.kind === 'transient' ? 'WORKER_LOST' : failure.kind === 'config' ? 'CONFIG_INVALID' : 'DOSSIER_DOCUMENTS_FAILED';
}

/** Whether a failure may be retried: only transient faults are (see src/domain/errors.ts). */
export function isRetryable(err: unknown): boolean {
  return err instanceof SohoaError && err.retryable;
}

/** The delay before retry number `retry` (1-based), with the same jitter as pg-boss: base × 2^(retry-1) × (1..2). */
export function retryDelayMs(retry: number, options: { retryDelayMs: number; retryDelayMaxMs: number }, random: () => number = Math.random): number {
  const exponent = Math.min(16, Math.max(0, retry - 1));
  return Math.min(options.retryDelayMaxMs, options.retryDelayMs * 2 ** exponent * (1 + random()));
}

/** Checks a job before it goes into a queue; the message names the field and what it held. */
export function assertDossierJob(job: DossierJob, index: number): void {
  for (const field of ['batchId', 'dossierId', 'batchUri', 'outUri'] as const) {
    const value: unknown = job[field];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TypeError(`jobs[${index}].${field}: expected a non-empty string but received ${JSON.stringify(value)} (${typeof value})`);
    }
  }
  if (job.pipeline !== undefined && (typeof job.pipeline !== 'string' || job.pipeline === '')) {
    throw new TypeError(`jobs[${index}].pipeline: expected a pipeline name or path but received ${JSON.stringify(job.pipeline)}`);
  }
  if (job.revision !== undefined && (typeof job.revision !== 'string' || job.revision === '')) {
    throw new TypeError(`jobs[${index}].revision: expected a non-empty string (the dossier's input fingerprint) or none but received ${JSON.stringify(job.revision)}`);
  }
}

/** The jobs of one call without repeats (same batchId + dossierId + revision): the first one wins. */
export function uniqueJobs(jobs: readonly DossierJob[]): DossierJob[] {
  const seen = new Set<string>();
  const out: DossierJob[] = [];
  jobs.forEach((job, index) => {
    assertDossierJob(job, index);
    const key = JSON.stringify([job.batchId, job.dossierId, job.revision ?? null]);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(job);
  });
  return out;
}

/**
 * Resolves with the handler's promise, or rejects with the signal's reason as soon as the signal aborts (a
 * release): the queue then moves on while a handler that ignores its signal finishes in the background.
 */
export async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // A handler that goes on after a release must not turn its later rejection into an unhandled one.
  promise.catch(() => {});
  signal.throwIfAborted();
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function emptyCounts(): Record<JobState, number> {
  return { waiting: 0, active: 0, retrying: 0, done: 0, failed: 0 };
}

/** True if every promise settled within `ms`. */
export async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([Promise.allSettled(promises).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
