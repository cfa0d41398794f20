// One look at the inbox: every batch judged, the ready ones taken once, a bad one reported, the rest left to settle.
import type { Logger } from 'pino';
import { ConfigError, describeError } from '../domain/errors.ts';
import { batchFiles, batchFingerprint, type InboxFile } from './inbox-batch.ts';
import { judgeReadiness, manifestOf, rememberSettling, type ReadinessRules, type SettleMemory } from './readiness.ts';
import type { WatchLedger } from '../domain/watch-ledger.ts';
import { nextStep } from './watch-state.ts';

export interface WatchInbox {
  list(): Promise<Map<string, InboxFile[]>>;
  readText(batch: string, file: string): Promise<string>;
}

export interface WatchActions {
  /** Runs (or enqueues) one ready batch. A ConfigError stops the watcher; any other error leaves it to the next look. */
  take(batch: string): Promise<void>;
  /** Writes the report of a batch that cannot be run, with its reasons. */
  reportBad(batch: string, reasons: string[]): Promise<void>;
}

export interface PassResult {
  memory: Map<string, SettleMemory>;
  taken: string[];
  bad: string[];
  waiting: string[];
  /** Taken but not finished (a fault of the moment); tried again on the next look. */
  failed: string[];
  /** Ready, but held by another watcher of the same inbox (distributed mode). */
  elsewhere: string[];
}

/** Looks once. `memory` holds each batch's settling from the looks before; the result holds it for the next. */
export async function watchPass(inbox: WatchInbox, state: WatchLedger, actions: WatchActions, rules: ReadinessRules, memory: ReadonlyMap<string, SettleMemory>, log: Logger, nowMs: number): Promise<PassResult> {
  const result: PassResult = { memory: new Map(), taken: [], bad: [], waiting: [], failed: [], elsewhere: [] };
  for (const [batch, files] of await inbox.list()) {
    const settling = rememberSettling(memory.get(batch) ?? new Map(), files, nowMs);
    result.memory.set(batch, settling);
    const fingerprint = batchFingerprint(files);
    const record = await state.get(batch);
    const step = nextStep(record, fingerprint);
    if (step === 'skip') continue;
    const manifest = manifestOf(batchFiles(files));
    const text = manifest ? await inbox.readText(batch, manifest.path).catch(() => undefined) : undefined;
    const judged = judgeReadiness(files, rules, settling, nowMs, text);
    if (judged.state === 'waiting') {
      result.waiting.push(batch);
      log.debug({ event: 'watch.waiting', batch, reason: judged.reason, missing: judged.missing?.slice(0, 10) }, 'watch.waiting');
      continue;
    }
    const at = new Date(nowMs).toISOString();
    if (judged.state === 'bad') {
      log.warn({ event: 'watch.bad', batch, manifest: judged.manifest, problems: judged.problems.length }, `watch.bad: ${batch}: ${judged.problems[0] ?? ''}`);
      await actions.reportBad(batch, judged.problems);
      await state.mark({ batch, fingerprint, state: 'bad', at, reasons: judged.problems });
      result.bad.push(batch);
      continue;
    }
    // Written before the run, so a watcher killed during it finds the batch taken and runs it again to the end.
    if (!(await state.take(batch, fingerprint, at))) {
      // Another watcher on the same queue holds it, or has just handed it over: nothing to do here.
      result.elsewhere.push(batch);
      continue;
    }
    log.info({ event: 'watch.taken', batch, files: judged.files.length, resumed: step === 'resume' }, 'watch.taken');
    try {
      await actions.take(batch);
    } catch (err) {
      // A fault of the moment (the store, the queue): the batch stays taken and the next look runs it again.
      if (err instanceof ConfigError) throw err;
      log.error({ event: 'watch.failed', batch, reason: describeError(err) }, 'watch.failed: the batch stays taken and is tried again on the next look');
      result.failed.push(batch);
      continue;
    }
    await state.mark({ batch, fingerprint, state: 'done', at: new Date().toISOString() });
    result.taken.push(batch);
  }
  return result;
}
