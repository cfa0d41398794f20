// The operators' HTTP port: Prometheus metrics, liveness and readiness, on node:http with no framework.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, describeError } from '../domain/errors.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Metrics } from './metrics.ts';

/** Each check's result: "ok", or why it failed ("timed out after 2000 ms", the error's message). */
export interface ReadinessResult {
  ok: boolean;
  checks: Record<string, string>;
}

export type Readiness = () => Promise<ReadinessResult>;

/** A check passes when it resolves and fails when it rejects (or, under `readinessChecks`, when it is too slow). */
export type ReadinessCheck = () => Promise<unknown>;

export interface MetricsServerOptions {
  /** 0 picks a free port (tests); the chosen one is in the result. */
  port: number;
  /** Interface to listen on; all interfaces by default, since Prometheus and the orchestrator scrape from elsewhere. */
  host?: string;
  metrics: Metrics;
  /** Absent: always ready. */
  readiness?: Readiness;
  /** Upper bound on one /readyz answer, whatever the readiness function does. */
  readinessTimeoutMs?: number;
}

export interface MetricsServer {
  port: number;
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  /** Stops listening and drops open connections (Prometheus keeps them alive). */
  close(): Promise<void>;
}

export const metricsServerDefaults = { host: '0.0.0.0', readinessTimeoutMs: 3000 } as const;

/** Bound on each check of `readinessChecks`; below the server's bound so a slow check is named, not just "timeout". */
export const readinessCheckDefaults = { timeoutMs: 2000 } as const;

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? metricsServerDefaults.host;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? metricsServerDefaults.readinessTimeoutMs;
  const readiness = options.readiness ?? (async () => ({ ok: true, checks: {} }));

  const server = createServer((request, response) => {
    handle(request, response, options.metrics, readiness, readinessTimeoutMs).catch((err: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `internal error: ${(err as Error)?.message ?? String(err)}\n`);
      else response.destroy();
    });
  });
  // Probes and scrapes are small; a client that stalls must not hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use' : err.code === 'EACCES' ? 'needs privileges' : `failed (${err.message})`;
      reject(new ConfigError('METRICS_PORT_UNAVAILABLE', `metrics port ${host}:${options.port} ${why}; choose another with --metrics-port (0 picks a free one)`, { field: 'metricsPort' }, { cause: err }));
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://${shownHost}:${port}`,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, metrics: Metrics, readiness: Readiness, timeoutMs: number): Promise<void> {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  const routes: Record<string, () => Promise<void>> = {
    '/metrics': async () => send(response, 200, metrics.contentType, await metrics.text()),
    '/healthz': async () => send(response, 200, 'text/plain; charset=utf-8', 'ok\n'),
    '/readyz': async () => {
      const result = await withTimeout(readiness(), timeoutMs).then(
        (answer) => answer ?? { ok: false, checks: { readiness: `timed out after ${timeoutMs} ms` } },
        (err: unknown) => ({ ok: false, checks: { readiness: probeReason(err) } }),
      );
      const failed = Object.entries(result.checks).filter(([, status]) => status !== 'ok').map(([name]) => name);
      const ok = result.ok && failed.length === 0;
      send(response, ok ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify({ ok, checks: result.checks, ...(ok ? {} : { failed }) })}\n`);
    },
  };
  const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
  if (!route) return send(response, 404, 'text/plain; charset=utf-8', 'not found; try /metrics, /healthz or /readyz\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  await route();
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/**
 * Runs named checks at once, each bounded by `timeoutMs`, so one hung dependency (a store that accepts the
 * connection and never answers) fails its own check by name instead of hanging the probe.
 */
export function readinessChecks(checks: Record<string, ReadinessCheck>, options: { timeoutMs?: number } = {}): Readiness {
  const timeoutMs = options.timeoutMs ?? readinessCheckDefaults.timeoutMs;
  return async () => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]): Promise<[string, string]> => {
        try {
          const answered = await withTimeout(Promise.resolve().then(check).then(() => true), timeoutMs);
          return [name, answered ? 'ok' : `timed out after ${timeoutMs} ms`];
        } catch (err) {
          return [name, probeReason(err)];
        }
      }),
    );
    const results = Object.fromEntries(entries);
    return { ok: entries.every(([, status]) => status === 'ok'), checks: results };
  };
}

/**
 * Reachability of an object store: one HEAD of a key that need not exist. "Not found" is an answer, so it
 * passes; a refused or hung connection and refused credentials fail the check. (S3 answers a HEAD in a missing
 * bucket with a bare 404 too, so a deleted bucket shows only when the first write fails.)
 */
export function storeCheck(store: ObjectStore): ReadinessCheck {
  return () => store.head('.sohoa-readyz');
}

/** The promise's value, or undefined when it has not settled within `timeoutMs`. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One line, bounded: this goes into a probe's JSON body, not a log. */
function probeReason(err: unknown): string {
  return (describeError(err).split('\n', 1)[0] ?? '').slice(0, 300) || 'failed';
}
