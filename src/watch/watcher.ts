// The watcher's loop: cheap looks at the names, listings only for batches not yet finished, a full rescan as the net.
import type { Logger } from 'pino';
import { describeError, ConfigError } from '../domain/errors.ts';
import type { WatchLedger } from '../domain/watch-ledger.ts';
import type { InboxFile } from './inbox-batch.ts';
import type { Inbox } from './inbox.ts';
import type { ReadinessRules, SettleMemory } from './readiness.ts';
import { watchPass, type PassResult, type WatchActions } from './watch-pass.ts';

export interface WatcherOptions {
  inbox: Inbox;
  ledger: WatchLedger;
  actions: WatchActions;
  rules: ReadinessRules;
  /** Between cheap looks when no event and no settle deadline comes sooner. */
  pollMs: number;
  /** Between full rescans, which list every batch's files and so see a finished batch that changed. */
  rescanMs: number;
  log: Logger;
  /** The test's clock, or Date.now. */
  clock?: () => number;
  /** Told of every look (the metrics, the readiness probe). */
  observer?: WatchObserver;
}

/** What one look found, for the log, the metrics and the loop's next wake-up. */
export interface LookSummary {
  full: boolean;
  /** Batches in the inbox. */
  seen: number;
  /** Batches whose files this look listed. */
  listed: number;
  waiting: number;
  /** Age of the batch waiting longest (ms since the watcher first saw it waiting), 0 when none waits. */
  oldestWaitingMs: number;
  /** Taken and run (or enqueued) to the end. */
  done: number;
  bad: number;
  /** Taken, then stopped by a fault of the moment: tried again at the next look. */
  failed: number;
  elsewhere: number;
  durationMs: number;
  /** List requests this look sent (S3). */
  listRequests: number;
  /** When a waiting batch may become ready (a file's settle time ends, or the wait for a missing file). */
  nextDeadlineMs?: number;
  /** The first of those that is a settle time (what --once waits for). */
  nextSettleMs?: number;
}

export interface WatchObserver {
  looked(summary: LookSummary): void;
  lookFailed(): void;
}

/** What a run came to, for the exit code of --once: looks that could not list the inbox, batches left to retry. */
export interface RunOutcome {
  looksFailed: number;
  batchesFailed: number;
}

/** setTimeout's limit (about 24.8 days): a longer wait would fire at once. */
const maxTimerMs = 2 ** 31 - 1;

/** Events arrive in bursts (one per block written); one look after the burst is enough. */
export const eventDebounceMs = 250;

export class Watcher {
  readonly #options: WatcherOptions;
  readonly #clock: () => number;
  readonly #memory = new Map<string, SettleMemory>();
  /** Batches finished with the files last listed: a cheap look skips them until an event or a rescan says otherwise. */
  readonly #settled = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #waitingSince = new Map<string, number>();
  #everythingDirty = false;
  #lastFullMs = Number.NEGATIVE_INFINITY;
  #wake: (() => void) | undefined;
  #stop: AbortSignal | undefined;
  #looked = false;

  constructor(options: WatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** Something in the inbox changed (an event): the batch is listed at the next look, finished or not. */
  changed(batch: string | undefined): void {
    if (batch === undefined) this.#everythingDirty = true;
    else this.#dirty.add(batch);
    this.#wake?.();
  }

  /** One look: full when the rescan is due (the first look always is), else names plus the unfinished batches. */
  async look(full = this.#clock() - this.#lastFullMs >= this.#options.rescanMs): Promise<LookSummary> {
    const { inbox, ledger, actions, rules, log } = this.#options;
    const started = performance.now();
    const requestsBefore = inbox.listRequests();
    const nowMs = this.#clock();
    const { listing, names } = await this.#list(full, nowMs);
    const result = await watchPass({ listing, readText: (batch, file) => inbox.readText(batch, file), memory: this.#memory, nowMs }, { ledger, actions, rules, log, ...(this.#stop ? { stop: this.#stop } : {}) });
    this.#remember(listing, names, result, nowMs);
    const summary: LookSummary = {
      full,
      seen: names.size,
      listed: listing.size,
      waiting: this.#waitingSince.size,
      oldestWaitingMs: this.#waitingSince.size === 0 ? 0 : nowMs - earliest(this.#waitingSince.values()),
      done: result.taken.length,
      bad: result.bad.length,
      failed: result.failed.length,
      elsewhere: result.elsewhere.length,
      durationMs: Math.round(performance.now() - started),
      listRequests: inbox.listRequests() - requestsBefore,
      ...this.#nextDeadline(result.waiting, nowMs),
    };
    log.info({ event: 'watch.looked', ...summary }, 'watch.looked');
    this.#options.observer?.looked(summary);
    return summary;
  }

  async #list(full: boolean, nowMs: number): Promise<{ listing: Map<string, InboxFile[]>; names: Set<string> }> {
    const { inbox } = this.#options;
    // Taken before listing: an event that arrives while the listing runs marks the batch for the next look.
    const dirty = new Set(this.#dirty);
    const everythingDirty = this.#everythingDirty;
    this.#dirty.clear();
    this.#everythingDirty = false;
    try {
      if (full) {
        const listing = await inbox.everything();
        this.#lastFullMs = nowMs;
        return { listing, names: new Set(listing.keys()) };
      }
      const names = new Set(await inbox.batchNames());
      const listing = new Map<string, InboxFile[]>();
      for (const name of names) {
        if (this.#settled.has(name) && !everythingDirty && !dirty.has(name)) continue;
        listing.set(name, await inbox.batchFiles(name));
      }
      return { listing, names };
    } catch (err) {
      // The listing failed: the events it was to answer are kept for the next look.
      for (const batch of dirty) this.#dirty.add(batch);
      this.#everythingDirty ||= everythingDirty;
      throw err;
    }
  }

  #remember(listing: ReadonlyMap<string, readonly InboxFile[]>, names: ReadonlySet<string>, result: PassResult, nowMs: number): void {
    // A batch gone from the inbox (moved, deleted) is forgotten; its record stays, so the same files again do nothing.
    for (const known of [...this.#memory.keys(), ...this.#settled, ...this.#waitingSince.keys()]) {
      if (names.has(known)) continue;
      this.#memory.delete(known);
      this.#settled.delete(known);
      this.#waitingSince.delete(known);
    }
    for (const batch of listing.keys()) {
      this.#settled.delete(batch);
      const settling = result.memory.get(batch);
      if (settling) this.#memory.set(batch, settling);
      else this.#memory.delete(batch);
    }
    for (const batch of result.settled) this.#settled.add(batch);
    const waiting = new Set(result.waiting);
    for (const batch of listing.keys()) {
      if (!waiting.has(batch)) this.#waitingSince.delete(batch);
      else if (!this.#waitingSince.has(batch)) this.#waitingSince.set(batch, nowMs);
    }
  }

  /**
   * When a waiting batch may change state: a file's settle time ends, or the wait for a missing file runs out.
   * Only times still ahead count, so a batch that cannot move (a marker that never comes) never spins the loop.
   */
  #nextDeadline(waiting: readonly string[], nowMs: number): { nextDeadlineMs?: number; nextSettleMs?: number } {
    const { settleMs, giveUpMs } = this.#options.rules;
    let settle = Number.POSITIVE_INFINITY;
    let giveUp = Number.POSITIVE_INFINITY;
    for (const batch of waiting) {
      let lastChange = Number.NEGATIVE_INFINITY;
      for (const file of this.#memory.get(batch)?.values() ?? []) {
        if (file.sinceMs + settleMs > nowMs) settle = Math.min(settle, file.sinceMs + settleMs);
        lastChange = Math.max(lastChange, file.sinceMs);
      }
      if (giveUpMs !== undefined && lastChange + giveUpMs > nowMs) giveUp = Math.min(giveUp, lastChange + giveUpMs);
    }
    const next = Math.min(settle, giveUp);
    return { ...(Number.isFinite(next) ? { nextDeadlineMs: next } : {}), ...(Number.isFinite(settle) ? { nextSettleMs: settle } : {}) };
  }

  /**
   * Looks until `stop` is aborted. The next look comes at the first of: an event (after a short debounce), a
   * waiting batch's settle deadline, the poll, the rescan; after a failed look, at the poll. With `once`, it
   * looks again only while some batch is settling (not for the give-up time), then returns what it found.
   */
  async run(stop: AbortSignal, options: { once?: boolean } = {}): Promise<RunOutcome> {
    const { inbox, log, pollMs, rescanMs } = this.#options;
    this.#stop = stop;
    const outcome: RunOutcome = { looksFailed: 0, batchesFailed: 0 };
    const unwatch = inbox.watchChanges?.(
      (batch) => this.changed(batch),
      (err) => log.warn({ event: 'watch.events_failed', reason: describeError(err) }, 'watch.events_failed: file system events stopped; the watcher goes on by polling'),
    );
    try {
      while (!stop.aborted) {
        const summary = await this.#safeLook(outcome);
        const nowMs = this.#clock();
        if (options.once) {
          if (summary) outcome.batchesFailed = summary.failed;
          if (summary?.nextSettleMs === undefined) return outcome;
          await this.#sleep(Math.max(0, summary.nextSettleMs - nowMs), stop);
          continue;
        }
        const due = summary ? Math.min(summary.nextDeadlineMs ?? Number.POSITIVE_INFINITY, nowMs + pollMs, this.#lastFullMs + rescanMs) : nowMs + pollMs;
        await this.#sleep(Math.min(maxTimerMs, Math.max(0, due - nowMs)), stop);
      }
      return outcome;
    } finally {
      unwatch?.();
    }
  }

  /**
   * A look that fails (the inbox unreachable for a moment) is logged; the next one tries again. A ConfigError
   * before any look succeeded is a wrong setting (no such bucket, no permission): the watcher stops on it.
   */
  async #safeLook(outcome: RunOutcome): Promise<LookSummary | undefined> {
    try {
      const summary = await this.look();
      this.#looked = true;
      return summary;
    } catch (err) {
      if (err instanceof ConfigError && !this.#looked) throw err;
      outcome.looksFailed += 1;
      this.#options.observer?.lookFailed();
      this.#options.log.error({ event: 'watch.look_failed', inbox: this.#options.inbox.location, reason: describeError(err) }, 'watch.look_failed: the inbox could not be listed; the watcher tries again at the next poll');
      return undefined;
    }
  }

  #sleep(ms: number, stop: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (stop.aborted) return resolve();
      let debounce: NodeJS.Timeout | undefined;
      const timer = setTimeout(done, ms);
      const pending = this.#everythingDirty || this.#dirty.size > 0;
      this.#wake = () => {
        debounce ??= setTimeout(done, eventDebounceMs);
      };
      if (pending) this.#wake();
      stop.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        if (debounce) clearTimeout(debounce);
        stop.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}

function earliest(times: Iterable<number>): number {
  let first = Number.POSITIVE_INFINITY;
  for (const time of times) first = Math.min(first, time);
  return first;
}
