// Metrics of a real run: scraped while `sohoa run --metrics-port` digitizes the samples, and readiness against a dead store.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleBatchDir } from '../fixtures/index.ts';
import { startCli, type CliRun } from '../support/cli.ts';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-metrics-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The URL the command logs in its `metrics.listening` event. */
function metricsUrl(child: ReturnType<typeof startCli>['child']): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no metrics.listening event within 60 s')), 60_000);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"event":"metrics\.listening","url":"([^"]+)"/u.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('0.0.0.0', '127.0.0.1'));
      }
    });
  });
}

/** One sample of a counter or gauge without labels from the exposition text. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('sohoa run --metrics-port', () => {
  it('serves metrics that change as pages complete, with health and readiness on the same port', async () => {
    const run = startCli(['run', sampleBatchDir, '--out', path.join(scratch, 'out'), '--no-progress', '--metrics-port', '0', '--metrics-host', '127.0.0.1']);
    const url = await metricsUrl(run.child);
    const seen: number[] = [];
    let ready: number | undefined;
    let healthy: number | undefined;
    let last = '';
    let ended: CliRun | undefined;
    void run.done.then((r) => (ended = r));
    while (!ended) {
      try {
        last = await (await fetch(`${url}/metrics`)).text();
        const pages = sample(last, 'sohoa_pages_processed_total');
        if (pages !== undefined && pages !== seen.at(-1)) seen.push(pages);
        ready ??= (await fetch(`${url}/readyz`)).status;
        healthy ??= (await fetch(`${url}/healthz`)).status;
      } catch {
        // The server closes as the run ends.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ended.code, ended.stderr).toBe(0);
    expect(healthy).toBe(200);
    expect(ready).toBe(200);
    // Seen rising page by page (several distinct values, never going down, never past the 11 pages); the server
    // closes with the run, so the very last page may land after the last scrape.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(8);
    expect(seen.at(-1)).toBeLessThanOrEqual(11);
    // The last scrape before the end carries the other families with real values.
    expect(sample(last, 'sohoa_input_bytes_total')).toBeGreaterThan(0);
    expect(last).toMatch(/sohoa_stage_duration_seconds_count\{stage="recognize"\} (?:[1-9]|1[01])\n/u);
    expect(last).toMatch(/sohoa_page_ocr_confidence_ratio_count \d+/u);
    expect(last).toMatch(/process_resident_memory_bytes \d+/u);
  }, 300_000);

  it('is not ready while the output store does not answer, and names the store', async () => {
    // An endpoint that accepts connections and never answers: the run waits on it, so the probe can be asked.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const deadPort = (silent.address() as net.AddressInfo).port;
    const run = startCli(['run', sampleBatchDir, '--out', 's3://archive/x', '--s3-endpoint', `http://127.0.0.1:${deadPort}`, '--s3-path-style', '--no-progress', '--metrics-port', '0', '--metrics-host', '127.0.0.1'], {
      AWS_ACCESS_KEY_ID: 'sohoa-test',
      AWS_SECRET_ACCESS_KEY: 'sohoa-test-secret',
      AWS_REGION: 'us-east-1',
    });
    try {
      const url = await metricsUrl(run.child);
      const healthz = await fetch(`${url}/healthz`);
      const readyz = await fetch(`${url}/readyz`);
      expect(healthz.status).toBe(200);
      expect(readyz.status).toBe(503);
      const body = (await readyz.json()) as { ok: boolean; checks: Record<string, string> };
      expect(body.ok).toBe(false);
      expect(body.checks['store']).toMatch(/timed out after \d+ ms/u);
    } finally {
      run.child.kill('SIGKILL');
      await run.done;
      silent.close();
    }
  }, 120_000);
});
