// SIGTERM for `sohoa watch`, as the worker drains: stop looking, give the running batch the drain time, then stop it.
import os from 'node:os';
import type { Logger } from 'pino';

export interface WatchStopping {
  /** Aborted at the first signal: no new look, no new batch. */
  readonly looking: AbortSignal;
  /** Aborted once the drain time is over, or at a second signal: the running batch stops where it is. */
  readonly run: AbortSignal;
  /** 128 + the signal's number once one arrived. */
  exitCode(): number | undefined;
  dispose(): void;
}

/**
 * A batch stopped part-way stays taken, and the next start finishes it (its completed dossiers are kept by the
 * skip rule), so stopping early loses nothing; the drain time only saves redoing the pages in flight.
 */
export function stopOnSignals(log: Logger, drainTimeoutMs: number, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): WatchStopping {
  const looking = new AbortController();
  const run = new AbortController();
  let received: NodeJS.Signals | undefined;
  let timer: NodeJS.Timeout | undefined;
  const codeOf = (signal: NodeJS.Signals) => 128 + (os.constants.signals[signal] ?? 0);
  const onSignal = (signal: NodeJS.Signals) => {
    if (received === undefined) {
      received = signal;
      log.warn({ event: 'watch.stopping', signal, drainTimeoutMs }, `watch.stopping: ${signal}; no new batch is taken, the running one has ${Math.round(drainTimeoutMs / 1000)} s to finish (again to stop it now)`);
      looking.abort(signal);
      timer = setTimeout(() => run.abort(signal), drainTimeoutMs);
      timer.unref();
      return;
    }
    if (!run.signal.aborted) {
      log.warn({ event: 'watch.stopping_now', signal }, `watch.stopping_now: second ${signal}; the running batch stops after its pages in flight (a third exits at once)`);
      run.abort(signal);
      return;
    }
    process.exit(codeOf(signal));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return {
    looking: looking.signal,
    run: run.signal,
    exitCode: () => (received === undefined ? undefined : codeOf(received)),
    dispose: () => {
      clearTimeout(timer);
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
