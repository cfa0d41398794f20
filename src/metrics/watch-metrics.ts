// What a watcher exports beside the process metrics: batches seen, waiting, taken, done, failed, bad, and each look's cost.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The figures of one look, as the watcher reports them (see LookSummary). */
export interface LookFigures {
  full: boolean;
  seen: number;
  waiting: number;
  oldestWaitingMs: number;
  done: number;
  bad: number;
  failed: number;
  durationMs: number;
  listRequests: number;
}

/** Seconds: a cheap look over a local folder takes milliseconds; a full rescan of a large bucket, seconds. */
const lookBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const watchOutcomes = ['taken', 'done', 'failed', 'bad'] as const;

export class WatchMetrics {
  readonly #seen: Gauge;
  readonly #waiting: Gauge;
  readonly #oldestWaiting: Gauge;
  readonly #batches: Record<(typeof watchOutcomes)[number], Counter.Internal>;
  readonly #lookSeconds: Histogram;
  readonly #listRequests: Counter;
  readonly #lookFailures: Counter;

  /** Registered on the registry of the process's Metrics, so one /metrics serves both. */
  constructor(registry: Registry) {
    const registers = [registry];
    this.#seen = new Gauge({ name: 'sohoa_watch_batches_seen', help: 'Batches in the inbox at the last look.', registers });
    this.#waiting = new Gauge({ name: 'sohoa_watch_batches_waiting', help: 'Batches waiting to settle (files still arriving or changing, or a marker not yet written).', registers });
    this.#oldestWaiting = new Gauge({ name: 'sohoa_watch_oldest_waiting_seconds', help: 'How long the batch waiting longest has waited since the watcher first saw it; 0 when none waits.', registers });
    const batches = new Counter({ name: 'sohoa_watch_batches_total', help: 'Batches by outcome: taken (claimed to run or enqueue), done, failed (tried again at the next look), bad (reported, not run).', labelNames: ['outcome'], registers });
    this.#batches = { taken: batches.labels('taken'), done: batches.labels('done'), failed: batches.labels('failed'), bad: batches.labels('bad') };
    for (const child of Object.values(this.#batches)) child.inc(0);
    this.#lookSeconds = new Histogram({ name: 'sohoa_watch_poll_duration_seconds', help: 'Time one look at the inbox took, cheap or full rescan.', labelNames: ['kind'], buckets: lookBuckets, registers });
    this.#lookSeconds.zero({ kind: 'cheap' });
    this.#lookSeconds.zero({ kind: 'full' });
    this.#listRequests = new Counter({ name: 'sohoa_watch_list_requests_total', help: 'List requests sent to the S3 inbox (0 for a folder).', registers });
    this.#lookFailures = new Counter({ name: 'sohoa_watch_look_failures_total', help: 'Looks that could not list the inbox.', registers });
  }

  looked(look: LookFigures): void {
    this.#seen.set(look.seen);
    this.#waiting.set(look.waiting);
    this.#oldestWaiting.set(look.oldestWaitingMs / 1000);
    this.#batches.taken.inc(look.done + look.failed);
    this.#batches.done.inc(look.done);
    this.#batches.failed.inc(look.failed);
    this.#batches.bad.inc(look.bad);
    this.#lookSeconds.labels(look.full ? 'full' : 'cheap').observe(look.durationMs / 1000);
    if (look.listRequests > 0) this.#listRequests.inc(look.listRequests);
  }

  lookFailed(): void {
    this.#lookFailures.inc();
  }
}
