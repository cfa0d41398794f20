import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/errors.ts';
import { readinessChecks, startMetricsServer, storeCheck, type MetricsServer } from '../../../src/metrics/metrics-server.ts';
import { Metrics } from '../../../src/metrics/metrics.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { S3ObjectStore } from '../../../src/storage/s3-object-store.ts';
import { parseExposition, sampleValue } from '../../support/prometheus-text.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A port on 127.0.0.1 where nothing listens: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts connections and never answers: the hung store a probe must not wait for. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function s3At(port: number): S3ObjectStore {
  return new S3ObjectStore({ bucket: 'sohoa-out', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1, connectionTimeoutMs: 500, requestTimeoutMs: 30_000 });
}

describe('startMetricsServer', () => {
  let dir: string;
  const servers: MetricsServer[] = [];
  const start = async (options: Omit<Parameters<typeof startMetricsServer>[0], 'port' | 'host'>) => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', ...options });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sohoa-metrics-server-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the metrics in the Prometheus text format, current at each scrape', async () => {
    const metrics = new Metrics();
    const server = await start({ metrics });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const first = await fetch(`${server.url}/metrics`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const before = parseExposition(await first.text());
    expect(sampleValue(before, 'sohoa_pages_processed_total')).toBe(0);
    expect(sampleValue(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    metrics.pageDone({ normalizeMs: 800, recognizeMs: 2100, meanConfidence: 91, inputBytes: 4096 });
    metrics.pageFailed('input');
    const after = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
    expect(sampleValue(after, 'sohoa_pages_processed_total')).toBe(1);
    expect(sampleValue(after, 'sohoa_pages_failed_total', { reason: 'input' })).toBe(1);
    expect(sampleValue(after, 'sohoa_input_bytes_total')).toBe(4096);
  });

  it('answers /healthz while the process runs, also to HEAD', async () => {
    const server = await start({ metrics: new Metrics({ defaultMetrics: false }), readiness: () => new Promise(() => {}) });
    const response = await fetch(`${server.url}/healthz`);
    expect([response.status, await response.text()]).toEqual([200, 'ok\n']);
    const head = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('is ready when the store answers and every other check passes', async () => {
    const store = new LocalObjectStore(path.join(dir, 'out'));
    const server = await start({ metrics: new Metrics({ defaultMetrics: false }), readiness: readinessChecks({ store: storeCheck(store), queue: async () => {} }) });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ ok: true, checks: { store: 'ok', queue: 'ok' } });
  });

  it('is not ready when the store refuses connections, and names the store', async () => {
    const store = s3At(await closedPort());
    try {
      const server = await start({ metrics: new Metrics({ defaultMetrics: false }), readiness: readinessChecks({ store: storeCheck(store), queue: async () => {} }, { timeoutMs: 5000 }) });
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { ok: boolean; checks: Record<string, string>; failed: string[] };
      expect(body.ok).toBe(false);
      expect(body.failed).toEqual(['store']);
      expect(body.checks['queue']).toBe('ok');
      expect(body.checks['store']).toMatch(/S3 head of \.sohoa-readyz .*ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });

  it('fails a check that hangs after its time limit, instead of hanging the probe', async () => {
    const silent = await silentServer();
    const store = s3At(silent.port);
    try {
      const server = await start({ metrics: new Metrics({ defaultMetrics: false }), readiness: readinessChecks({ store: storeCheck(store), queue: async () => {} }, { timeoutMs: 300 }) });
      // The silent store never answers: a probe that waited for it would hang until the test's own timeout.
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ ok: false, checks: { store: 'timed out after 300 ms', queue: 'ok' }, failed: ['store'] });
    } finally {
      await store.close();
      await silent.close();
    }
  });

  it('bounds a readiness function of its own that hangs or throws', async () => {
    const hung = await start({ metrics: new Metrics({ defaultMetrics: false }), readiness: () => new Promise(() => {}), readinessTimeoutMs: 200 });
    const response = await fetch(`${hung.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, checks: { readiness: 'timed out after 200 ms' }, failed: ['readiness'] });

    const throwing = await start({ metrics: new Metrics({ defaultMetrics: false }), readiness: () => Promise.reject(new Error('pool closed\nstack…')) });
    const failed = await fetch(`${throwing.url}/readyz`);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ ok: false, checks: { readiness: 'pool closed' }, failed: ['readiness'] });
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const server = await start({ metrics: new Metrics({ defaultMetrics: false }) });
    for (const where of ['/', '/metrics/extra', '/favicon.ico', '/constructor', '/__proto__']) {
      expect((await fetch(`${server.url}${where}`)).status, where).toBe(404);
    }
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${server.url}/readyz?verbose=1`)).status).toBe(200);
  });

  it('says which port is taken, as a configuration error', async () => {
    const first = await start({ metrics: new Metrics({ defaultMetrics: false }) });
    const clash = startMetricsServer({ port: first.port, host: '127.0.0.1', metrics: new Metrics({ defaultMetrics: false }) });
    await expect(clash).rejects.toBeInstanceOf(ConfigError);
    await expect(clash).rejects.toThrow(`metrics port 127.0.0.1:${first.port} is already in use; choose another with --metrics-port (0 picks a free one)`);
  });

  it('stops listening on close', async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', metrics: new Metrics({ defaultMetrics: false }) });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await server.close();
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
