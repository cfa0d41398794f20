// Ctrl-C and SIGTERM for `sohoa run`: the first stops the batch cleanly, a second one exits at once.
import os from 'node:os';
import type { Logger } from 'pino';

export interface Interruption {
  /** Aborted, with the signal's name as its reason, when the first SIGINT or SIGTERM arrives. */
  readonly signal: AbortSignal;
  /** The exit code the run owes its caller: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number | undefined;
  dispose(): void;
}

/**
 * The first signal aborts `signal`: the runner starts no new page, lets the pages and documents in flight end
 * their step, writes the batch report with the rest marked not started, and the command exits 130 or 143. Every
 * object is written whole and a dossier is published only by its `dossier.json`, so a second signal can exit at
 * once: what it cuts short is simply redone by the next run.
 */
export function interruptOnSignals(log: Logger, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): Interruption {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const codeOf = (signal: NodeJS.Signals) => 128 + (os.constants.signals[signal] ?? 0);
  const onSignal = (signal: NodeJS.Signals) => {
    if (received === undefined) {
      received = signal;
      log.warn({ event: 'batch.interrupted', signal }, `batch.interrupted: ${signal}; finishing the pages in flight, then writing the report (again to exit at once)`);
      controller.abort(signal);
      return;
    }
    log.warn({ event: 'batch.forced_exit', signal }, `batch.forced_exit: second ${signal}; unfinished dossiers are redone by the next run`);
    process.exit(codeOf(signal));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : codeOf(received)),
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}
