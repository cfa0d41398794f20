// sohoa watch on a real hot folder, with the real pipeline: a complete batch taken once, junk ignored, the same
// batch again left alone, a bad manifest reported with its reasons, and an output inside the inbox refused.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.ts';

const sampleBatch = path.resolve(import.meta.dirname, '../../samples/batch');
let work: string;
let inbox: string;
let out: string;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sohoa-watch-'));
  inbox = path.join(work, 'inbox');
  out = path.join(work, 'out');
  cpSync(sampleBatch, path.join(inbox, 'B1'), { recursive: true });
  writeFileSync(path.join(inbox, 'B1', 'Thumbs.db'), 'junk a share leaves');
  writeFileSync(path.join(inbox, 'B1', '.DS_Store'), 'junk a Mac leaves');
  mkdirSync(path.join(inbox, 'B2'), { recursive: true });
  writeFileSync(path.join(inbox, 'B2', 'manifest.json'), '{ "dossiers": [ { "id": "HS-9", ');
  writeFileSync(path.join(inbox, 'B2', 'p1.png'), 'not read: the manifest is bad');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const watchOnce = () => startCli(['watch', inbox, '--out', out, '--once', '--settle', '0', '--log-level', 'info']).done;

describe('sohoa watch on a hot folder', () => {
  it('takes a complete batch once and reports a bad one, then leaves both alone on the next look', async () => {
    const first = await watchOnce();
    expect(first.code, first.stderr).toBe(0);
    const taken = first.events.filter((e) => e['event'] === 'watch.taken');
    expect(taken.map((e) => e['batch'])).toEqual(['B1']);
    const report = JSON.parse(readFileSync(path.join(out, 'samples-2024-03', 'report.json'), 'utf8'));
    expect(report.totals.dossiers).toBe(2);
    expect(existsSync(path.join(out, 'samples-2024-03', 'HS-001', 'dossier.json'))).toBe(true);
    const bad = JSON.parse(readFileSync(path.join(out, 'B2', 'report.json'), 'utf8'));
    expect(bad.warnings.join('\n')).toMatch(/manifest\.json/);
    expect(existsSync(path.join(out, 'B2', 'report.html'))).toBe(true);
    expect(first.events.some((e) => e['event'] === 'watch.bad' && e['batch'] === 'B2')).toBe(true);

    const recordTime = statSync(path.join(out, 'samples-2024-03', 'HS-001', 'dossier.json')).mtimeMs;
    const second = await watchOnce();
    expect(second.code, second.stderr).toBe(0);
    expect(second.events.filter((e) => e['event'] === 'watch.taken' || e['event'] === 'watch.bad')).toEqual([]);
    expect(statSync(path.join(out, 'samples-2024-03', 'HS-001', 'dossier.json')).mtimeMs).toBe(recordTime);
  });

  it('refuses an output inside the inbox before it looks', async () => {
    const run = await startCli(['watch', inbox, '--out', path.join(inbox, 'archive'), '--once', '--settle', '0']).done;
    expect(run.code).toBe(2);
    expect(run.stderr + run.stdout).toMatch(/overlap/);
    // The same for a bucket: refused before any request is sent.
    const bucket = await startCli(['watch', 's3://office/inbox', '--out', 's3://office/inbox/archive', '--once']).done;
    expect(bucket.code).toBe(2);
    expect(bucket.stderr + bucket.stdout).toMatch(/WATCH_CONFIG_INVALID|overlap/);
    const missing = await startCli(['watch', path.join(work, 'no-such-share'), '--out', out, '--once']).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr + missing.stdout).toMatch(/is not a folder/);
  });

  it('finishes a batch its watcher was SIGKILLed in, when started again: one complete output, nothing twice', async () => {
    const killInbox = path.join(work, 'kill-inbox');
    const killOut = path.join(work, 'kill-out');
    cpSync(sampleBatch, path.join(killInbox, 'B3'), { recursive: true });
    // Killed at the first document stored: the batch is taken, part of it published, its dossiers not all done.
    const watcher = startCli(['watch', killInbox, '--out', killOut, '--settle', '0', '--poll', '1', '--log-level', 'info']);
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      watcher.child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        if (/"event":"document\.stored"/u.test(buffered)) {
          watcher.child.kill('SIGKILL');
          resolve();
        }
      });
      watcher.done.then(() => reject(new Error('the watcher ended before it stored a document')), reject);
    });
    const killed = await watcher.done;
    expect(killed.code).toBeNull();
    expect(killed.events.some((e) => e['event'] === 'batch.finished')).toBe(false);

    const restarted = await startCli(['watch', killInbox, '--out', killOut, '--once', '--settle', '0', '--log-level', 'info']).done;
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.events.filter((e) => e['event'] === 'watch.taken')).toEqual([expect.objectContaining({ batch: 'B3', resumed: true })]);
    const report = JSON.parse(readFileSync(path.join(killOut, 'samples-2024-03', 'report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ dossiers: 2, documentsFailed: 0 });
    const verified = await startCli(['verify', killOut, '--json']).done;
    expect(verified.code, verified.stdout).toBe(0);

    const third = await startCli(['watch', killInbox, '--out', killOut, '--once', '--settle', '0', '--log-level', 'info']).done;
    expect(third.events.filter((e) => e['event'] === 'watch.taken')).toEqual([]);
  });
});

