// A recording HTTP proxy on 127.0.0.1 that can fail a deterministic share of requests, to test retries end to end.
/*
 * Put it between a client and the test S3 server: `endpoint` replaces the server's endpoint in the client.
 * Every request is recorded (method, path, headers as received) and forwarded with its body streamed.
 *
 * With `failRatio > 0`, requests are picked by a seeded pseudo-random sequence (same seed, same order of
 * requests → same failures) and fail in one of `modes`:
 * - '503': answered 503 SlowDown (S3's throttling error) without forwarding; the server never sees it.
 * - 'reset': the client socket is destroyed without forwarding; the client sees ECONNRESET / socket hang up.
 * - 'reset-after': forwarded, the server's whole answer read, then the client socket destroyed. The write has
 *   happened but the client does not know and retries it: the case that proves retried writes are harmless.
 *   A retried CompleteMultipartUpload then finds its upload gone (fauxqs: NoSuchUpload), so keep this mode for
 *   single-request writes or expect the whole put to be redone by the caller.
 * The default modes are ['503', 'reset'], which never leave a half-applied write.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../samples/render/seeded-random.ts';

export type FaultMode = '503' | 'reset' | 'reset-after';

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/bucket/key?uploadId=…&partNumber=2`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The fault injected into this request, if any. */
  fault?: FaultMode;
}

export interface FaultProxyCounts {
  /** Requests per HTTP method, faulted ones included (multipart uploads show up as POST + PUT). */
  byMethod: Record<string, number>;
  /** PUT requests, faulted ones included. */
  puts: number;
  /** Requests that got a fault. */
  failures: number;
  requests: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  counts: FaultProxyCounts;
  /** Every request in arrival order. */
  log: RecordedRequest[];
  /** Changes the share of failed requests from now on (e.g. 0 to let a clean-up through). */
  setFailRatio(ratio: number): void;
  /** Clears counts and log (the pseudo-random sequence goes on). */
  reset(): void;
  /** Calls `listener` for each request as it arrives, before it is forwarded: a test can act at an exact point. */
  onRequest(listener: ((request: RecordedRequest) => void) | undefined): void;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** `http://127.0.0.1:PORT` of the real server. */
  target: string;
  /** Share of requests to fail, 0–1; default 0 (record only). */
  failRatio?: number;
  seed?: number;
  modes?: FaultMode[];
}

const slowDownXml =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate. (fault proxy)</Message><RequestId>FAULTPROXY</RequestId></Error>';

function emptyCounts(): FaultProxyCounts {
  return { byMethod: {}, puts: 0, failures: 0, requests: 0 };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.hostname !== '127.0.0.1') throw new Error(`fault proxy target must be on 127.0.0.1, got ${options.target}`);
  const random = seededRandom(options.seed ?? 1);
  const modes: FaultMode[] = options.modes ?? ['503', 'reset'];
  let failRatio = options.failRatio ?? 0;
  const counts = emptyCounts();
  const log: RecordedRequest[] = [];
  let listener: ((request: RecordedRequest) => void) | undefined;

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    // Two draws per request whatever happens, so the pattern depends only on the order of requests.
    const roll = random();
    const pick = random();
    const fault = failRatio > 0 && roll < failRatio ? modes[Math.floor(pick * modes.length)] : undefined;
    counts.requests++;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    if (method === 'PUT') counts.puts++;
    if (fault) counts.failures++;
    const recorded: RecordedRequest = { method, path: req.url ?? '/', headers: req.headers, ...(fault ? { fault } : {}) };
    log.push(recorded);
    listener?.(recorded);

    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === '503') {
      // Read the body first so the connection stays usable for the client's retry.
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(slowDownXml) });
        res.end(slowDownXml);
      });
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method, path: req.url, headers: req.headers },
      (answer) => {
        if (fault === 'reset-after') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The server is gone or broke the connection: pass that on as a reset, which is what the client would see.
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    log,
    setFailRatio(ratio) {
      failRatio = ratio;
    },
    reset() {
      Object.assign(counts, emptyCounts());
      log.length = 0;
    },
    onRequest(next) {
      listener = next;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
