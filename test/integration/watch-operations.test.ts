// sohoa watch as operators run it: /metrics, /healthz and /readyz while it watches, a batch dropped in woken by
// file system events, and SIGTERM draining the running batch to the end before the watcher exits.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleBatchDir } from '../fixtures/index.ts';
import { startCli } from '../support/cli.ts';
import { parseExposition } from '../support/prometheus-text.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'sohoa-watch-ops-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Resolves with the first log event that `match` accepts, from the watcher's stdout as it comes. */
function nextEvent(child: ReturnType<typeof startCli>['child'], match: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as Record<string, unknown>;
        if (match(event)) {
          child.stdout!.off('data', onData);
          resolve(event);
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', () => reject(new Error('the watcher ended before the awaited event')));
  });
}

describe('sohoa watch in operation', () => {
  it('serves its metrics and probes, wakes on a dropped batch, and drains it on SIGTERM', async () => {
    const inbox = path.join(work, 'inbox');
    const out = path.join(work, 'out');
    mkdirSync(path.join(inbox, 'B2'), { recursive: true });
    writeFileSync(path.join(inbox, 'B2', 'manifest.csv'), 'dossier,document,file\n');
    // --poll 3600: only a file system event can bring the second batch in while the test waits.
    const watcher = startCli(['watch', inbox, '--out', out, '--settle', '0', '--poll', '3600', '--metrics-port', '0', '--metrics-host', '127.0.0.1', '--drain-timeout', '600', '--log-level', 'info']);
    const listening = nextEvent(watcher.child, (e) => e['event'] === 'metrics.listening');
    const firstLook = nextEvent(watcher.child, (e) => e['event'] === 'watch.looked');
    const url = String((await listening)['url']);
    expect(await firstLook).toMatchObject({ seen: 1, bad: 1 });

    const metrics = parseExposition(await (await fetch(`${url}/metrics`)).text());
    const value = (name: string, labels: Record<string, string> = {}) => metrics.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('sohoa_watch_batches_seen')).toBe(1);
    expect(value('sohoa_watch_batches_total', { outcome: 'bad' })).toBe(1);
    expect(value('sohoa_watch_batches_waiting')).toBe(0);
    expect(value('sohoa_watch_poll_duration_seconds_count', { kind: 'full' })).toBe(1);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // The office's upload script copies the batch beside the inbox, then moves it in whole.
    cpSync(sampleBatchDir, path.join(work, 'B1'), { recursive: true });
    const stored = nextEvent(watcher.child, (e) => e['event'] === 'document.stored');
    renameSync(path.join(work, 'B1'), path.join(inbox, 'B1'));
    await stored;
    watcher.child.kill('SIGTERM');
    const run = await watcher.done;
    expect(run.code).toBe(143);
    const names = run.events.map((e) => e['event']);
    // Drained: the batch running at SIGTERM ran to its end, then the watcher stopped.
    expect(names.indexOf('watch.stopping')).toBeLessThan(names.indexOf('batch.finished'));
    expect(names.indexOf('batch.finished')).toBeLessThan(names.indexOf('watch.stopped'));
    const report = JSON.parse(readFileSync(path.join(out, 'samples-2024-03', 'report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ dossiers: 2, dossiersNotStarted: 0, documentsFailed: 0 });
    expect(report.interrupted).toBeUndefined();

    const again = await startCli(['watch', inbox, '--out', out, '--once', '--settle', '0', '--log-level', 'info']).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.events.filter((e) => e['event'] === 'watch.taken')).toEqual([]);
  }, 600_000);
});
