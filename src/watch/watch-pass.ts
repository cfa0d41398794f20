// One look at the inbox: every batch listed judged, the ready ones taken once, a bad one reported, the rest left to settle.
import type { Logger } from 'pino';
import { ConfigError, describeError, InputError } from '../domain/errors.ts';
import type { WatchLedger } from '../domain/watch-ledger.ts';
import { batchFiles, batchFingerprint, type InboxFile } from './inbox-batch.ts';
import { judgeReadiness, manifestOf, rememberSettling, type ReadinessRules, type SettleMemory } from './readiness.ts';
import { nextStep } from './watch-state.ts';

/** What a taken batch came to. `clean`: every page done, nothing failed, not interrupted (only then --on-done acts). */
export interface TakeOutcome {
  clean: boolean;
}

export interface WatchActions {
  /** Runs (or enqueues) one ready batch. A ConfigError stops the watcher; any other error leaves it to the next look. */
  take(batch: string, files: readonly InboxFile[]): Promise<TakeOutcome>;
  /** Writes the report of a batch that cannot be run, with its reasons. */
  reportBad(batch: string, reasons: string[]): Promise<void>;
  /**
   * After a clean take: what --on-done says to do with the originals. `fingerprint` is the run's, to check the
   * batch did not change meanwhile; absent when a cut-short finish is resumed (the files are then its rest).
   */
  finish?(batch: string, fingerprint?: string): Promise<void>;
}

export interface PassInput {
  /** The batches this look lists, with their files. */
  listing: ReadonlyMap<string, readonly InboxFile[]>;
  readText(batch: string, file: string): Promise<string>;
  /** Each batch's settling from the looks before. */
  memory: ReadonlyMap<string, SettleMemory>;
  nowMs: number;
}

export interface PassDeps {
  ledger: WatchLedger;
  actions: WatchActions;
  rules: ReadinessRules;
  log: Logger;
  /** Aborted when the watcher is stopping: no batch is taken after it. */
  stop?: AbortSignal;
}

export interface PassResult {
  /** The settling of each batch listed, for the next look. */
  memory: Map<string, SettleMemory>;
  taken: string[];
  bad: string[];
  waiting: string[];
  /** Taken but not finished (a fault of the moment); tried again on the next look. */
  failed: string[];
  /** Ready, but held by another watcher of the same inbox (distributed mode). */
  elsewhere: string[];
  /** Finished with the files listed (done or bad, now or before): a cheap look need not list them again. */
  settled: string[];
}

export async function watchPass(input: PassInput, deps: PassDeps): Promise<PassResult> {
  const { ledger, actions, rules, log } = deps;
  const result: PassResult = { memory: new Map(), taken: [], bad: [], waiting: [], failed: [], elsewhere: [], settled: [] };
  for (const [batch, files] of input.listing) {
    if (deps.stop?.aborted) break;
    const fingerprint = batchFingerprint(files);
    const record = await ledger.get(batch);
    const step = nextStep(record, fingerprint);
    if (step === 'skip') {
      result.settled.push(batch);
      continue;
    }
    if (step === 'finish' && record) {
      if (await finishOne(batch, undefined, record.fingerprint, deps)) result.settled.push(batch);
      continue;
    }
    const settling = rememberSettling(input.memory.get(batch) ?? new Map(), files, input.nowMs);
    result.memory.set(batch, settling);
    const manifest = manifestOf(batchFiles(files));
    const text = manifest ? await input.readText(batch, manifest.path).catch(() => undefined) : undefined;
    const judged = judgeReadiness(files, rules, settling, input.nowMs, text);
    if (judged.state === 'waiting') {
      result.waiting.push(batch);
      log.debug({ event: 'watch.waiting', batch, reason: judged.reason, missing: judged.missing?.slice(0, 10) }, 'watch.waiting');
      continue;
    }
    const at = new Date(input.nowMs).toISOString();
    if (judged.state === 'bad') {
      log.warn({ event: 'watch.bad', batch, manifest: judged.manifest, problems: judged.problems.length }, `watch.bad: ${batch}: ${judged.problems[0] ?? ''}`);
      await actions.reportBad(batch, judged.problems);
      await ledger.mark({ batch, fingerprint, state: 'bad', at, reasons: judged.problems });
      result.bad.push(batch);
      result.settled.push(batch);
      continue;
    }
    // Written before the run, so a watcher killed during it finds the batch taken and runs it again to the end.
    if (!(await ledger.take(batch, fingerprint, at))) {
      // Another watcher on the same queue holds it, or has just handed it over: nothing to do here.
      result.elsewhere.push(batch);
      continue;
    }
    log.info({ event: 'watch.taken', batch, files: judged.files.length, resumed: step === 'resume' }, 'watch.taken');
    const ended = await takeOne(batch, judged.files, fingerprint, deps);
    if (ended === 'failed') result.failed.push(batch);
    else {
      (ended === 'done' ? result.taken : result.bad).push(batch);
      result.memory.delete(batch);
      // A finish cut short (a file locked for a moment) is looked at again on the next cheap look.
      if ((await ledger.get(batch))?.state !== 'finishing') result.settled.push(batch);
    }
  }
  return result;
}

/** Runs one taken batch. `failed`: it must be tried again (the batch stays taken). */
async function takeOne(batch: string, files: readonly InboxFile[], fingerprint: string, deps: PassDeps): Promise<'done' | 'bad' | 'failed'> {
  const { ledger, actions, log } = deps;
  let outcome: TakeOutcome;
  try {
    outcome = await actions.take(batch, files);
  } catch (err) {
    if (err instanceof InputError) {
      // The batch itself is wrong (what only loading it finds: two dossiers with one id, a file type it cannot read).
      const reasons = [`${err.code}: ${err.message}`];
      log.warn({ event: 'watch.bad', batch, code: err.code }, `watch.bad: ${batch}: ${reasons[0]}`);
      await actions.reportBad(batch, reasons);
      await ledger.mark({ batch, fingerprint, state: 'bad', at: new Date().toISOString(), reasons });
      return 'bad';
    }
    // A fault of the moment (the store, the queue), or a setting one batch trips on (an object it may not read):
    // the batch stays taken, the watcher goes on with the others, and the next look runs it again.
    const code = err instanceof ConfigError ? { code: err.code } : {};
    log.error({ event: 'watch.failed', batch, ...code, reason: describeError(err) }, 'watch.failed: the batch stays taken and is tried again on the next look');
    return 'failed';
  }
  if (!outcome.clean || !actions.finish) {
    await ledger.mark({ batch, fingerprint, state: 'done', at: new Date().toISOString() });
    return 'done';
  }
  await finishOne(batch, fingerprint, fingerprint, deps);
  return 'done';
}

/**
 * Moves or deletes a done batch's originals. `finishing` is recorded first: a watcher killed part-way, or a file
 * locked for a moment, leaves the record so, and the next look finishes the rest instead of taking it as a batch.
 */
async function finishOne(batch: string, runFingerprint: string | undefined, fingerprint: string, deps: PassDeps): Promise<boolean> {
  const { ledger, actions, log } = deps;
  await ledger.mark({ batch, fingerprint, state: 'finishing', at: new Date().toISOString() });
  try {
    await actions.finish!(batch, runFingerprint);
  } catch (err) {
    log.error({ event: 'watch.on_done_failed', batch, reason: describeError(err) }, 'watch.on_done_failed: the rest of the batch is moved or deleted at the next look');
    return false;
  }
  await ledger.mark({ batch, fingerprint, state: 'done', at: new Date().toISOString() });
  return true;
}
