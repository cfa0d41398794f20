// A real S3-compatible server (fauxqs) on 127.0.0.1 for tests: in this process, or in a child process.
/*
 * Why not fauxqs's `startFauxqs()`: it hard-codes `listen({ host: "0.0.0.0" })`; its `host` option only names
 * the host in SQS queue URLs. Our tests may only use the loopback interface, so we build the same Fastify app
 * with the exported `buildApp()` and listen on 127.0.0.1 ourselves. What that costs: no `server.createBucket()`
 * or `reset()` helpers (they live on startFauxqs's wrapper), so buckets are made with a plain S3 CreateBucket.
 *
 * fauxqs 2.4.1 facts (checked by test/integration/s3-object-store.test.ts):
 * - request bodies over 11 MiB get a 413, so single PUTs and multipart parts must stay below that;
 * - it stores whatever x-amz-checksum-sha256 the client sends without checking it, and echoes it back;
 *   multipart uploads get a COMPOSITE checksum (`<base64 of sha256 of part sha256s>-<parts>`);
 * - it ignores If-None-Match, object-lock and SSE headers (accepted, not stored, not returned);
 * - HeadObject on a missing bucket answers 404 NotFound, like a missing key; Put/Get answer NoSuchBucket;
 * - bucket names shorter than 3 characters are refused with InvalidBucketName.
 *
 * Run this file directly (`node test/support/s3-server.ts`) to serve from a separate process: it prints one JSON
 * line `{"endpoint":…,"port":…}` and exits when its stdin closes, so it never outlives the test that spawned it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildApp } from 'fauxqs';
import { S3ObjectStore, type S3ObjectStoreOptions } from '../../src/storage/s3-object-store.ts';

export interface S3TestServer {
  /** `http://127.0.0.1:PORT`: an IP, never `localhost`, so the SDK does not try `<bucket>.localhost`. */
  endpoint: string;
  port: number;
  /** Makes a bucket; fine to call again for an existing one. */
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Dummy credentials: fauxqs does not check signatures, but the SDK must sign something and never look further. */
export const testCredentials = { accessKeyId: 'sohoa-test', secretAccessKey: 'sohoa-test-secret' } as const;
export const testRegion = 'us-east-1';

async function createBucketAt(endpoint: string, name: string): Promise<void> {
  // An unsigned path-style CreateBucket is enough for fauxqs; 409 means it already exists.
  const response = await fetch(`${endpoint}/${encodeURIComponent(name)}`, { method: 'PUT' });
  if (!response.ok && response.status !== 409) {
    throw new Error(`creating test bucket ${name} at ${endpoint} failed: HTTP ${response.status} ${await response.text()}`);
  }
}

/** Starts fauxqs in this process (default) or in a child process (`inChildProcess`), listening on 127.0.0.1 only. */
export async function startS3Server(options: { inChildProcess?: boolean } = {}): Promise<S3TestServer> {
  return options.inChildProcess ? startInChild() : startInProcess();
}

async function startInProcess(): Promise<S3TestServer> {
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs did not report a TCP address');
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped = false;
  return {
    endpoint,
    port: address.port,
    createBucket: (name) => createBucketAt(endpoint, name),
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
    },
  };
}

async function startInChild(): Promise<S3TestServer> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [string | undefined];
  if (first === undefined) throw new Error('the fauxqs child process exited before it printed its endpoint');
  const { endpoint, port } = JSON.parse(first) as { endpoint: string; port: number };
  return {
    endpoint,
    port,
    createBucket: (name) => createBucketAt(endpoint, name),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
    },
  };
}

/** Environment for a sohoa child process that should use the test server through the standard AWS variables. */
export function s3TestEnv(server: Pick<S3TestServer, 'endpoint'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
    AWS_REGION: testRegion,
    // Never let the credential chain reach for the EC2 metadata address: tests may only talk to 127.0.0.1.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** An S3ObjectStore on a fresh test bucket (created here), path-style, dummy credentials, short timeouts. */
export async function makeTestS3Store(
  server: Pick<S3TestServer, 'endpoint' | 'createBucket'>,
  bucket: string,
  options: Partial<S3ObjectStoreOptions> = {},
): Promise<S3ObjectStore> {
  await server.createBucket(bucket);
  return new S3ObjectStore({
    endpoint: server.endpoint,
    region: testRegion,
    forcePathStyle: true,
    credentials: testCredentials,
    requestTimeoutMs: 5_000,
    connectionTimeoutMs: 1_000,
    ...options,
    bucket,
  });
}

if (import.meta.main) {
  const server = await startInProcess();
  process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint, port: server.port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.stop().then(() => process.exit(0)));
}
