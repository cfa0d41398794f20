// S3ObjectStore against a real S3-compatible server (fauxqs on 127.0.0.1), directly and through a fault proxy.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError, TransientError } from '../../src/domain/errors.ts';
import { S3ObjectStore } from '../../src/storage/s3-object-store.ts';
import { seededRandom } from '../../samples/render/seeded-random.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { makeTestS3Store, s3TestEnv, startS3Server, testCredentials, testRegion, type S3TestServer } from '../support/s3-server.ts';

let server: S3TestServer;
let raw: S3Client;
let bucketNumber = 0;
const newBucket = () => `sohoa-test-${++bucketNumber}`;

beforeAll(async () => {
  server = await startS3Server();
  raw = new S3Client({ endpoint: server.endpoint, region: testRegion, forcePathStyle: true, credentials: testCredentials });
});
afterAll(async () => {
  raw?.destroy();
  await server?.stop();
});

function bytes(sizeBytes: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const out = Buffer.alloc(Math.ceil(sizeBytes / 4) * 4);
  for (let i = 0; i < out.byteLength; i += 4) out.writeUInt32LE(Math.floor(random() * 2 ** 32), i);
  return out.subarray(0, sizeBytes);
}
const hex = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');
const base64ToHex = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('hex');

async function keysOf(store: S3ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

/** Runs `task` over the items with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

describe('S3ObjectStore on fauxqs', () => {
  it('puts, heads, gets, lists in key order and deletes under its prefix', async () => {
    const bucket = newBucket();
    const store = await makeTestS3Store(server, bucket, { prefix: '/out/run-1/' });
    const neighbour = await makeTestS3Store(server, bucket, { prefix: 'out/run-10' });
    const pdf = bytes(40_000, 1);
    const stored = await store.put('b1/HS-001/QD-15.pdf', pdf, { contentType: 'application/pdf', metadata: { dossierId: 'HS-001' } });
    expect(stored).toEqual({ key: 'b1/HS-001/QD-15.pdf', sizeBytes: 40_000, sha256: hex(pdf), contentType: 'application/pdf' });
    await store.put('b1/HS-001/dossier.json', Buffer.from('{}'), { contentType: 'application/json' });
    await store.put('b1/A/x.txt', Buffer.from('Độc lập'), { contentType: 'text/plain; charset=utf-8' });
    await neighbour.put('b1/HS-001/other.pdf', Buffer.from('x'), { contentType: 'application/pdf' });

    // The prefix is a real key prefix on the server, and `run-10` is not mistaken for `run-1`.
    const rawHead = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'out/run-1/b1/HS-001/QD-15.pdf' }));
    expect(rawHead.ContentLength).toBe(40_000);
    expect(await keysOf(store, 'b1/')).toEqual(['b1/A/x.txt', 'b1/HS-001/QD-15.pdf', 'b1/HS-001/dossier.json']);
    expect(await keysOf(store, 'b1/HS-001/')).toEqual(['b1/HS-001/QD-15.pdf', 'b1/HS-001/dossier.json']);
    expect(await keysOf(store, '')).toHaveLength(3);

    expect(await store.head('b1/HS-001/QD-15.pdf')).toEqual({
      key: 'b1/HS-001/QD-15.pdf',
      sizeBytes: 40_000,
      sha256: hex(pdf),
      contentType: 'application/pdf',
      metadata: { dossierId: 'HS-001' },
    });
    expect(Buffer.from((await store.get('b1/HS-001/QD-15.pdf'))!).equals(pdf)).toBe(true);
    expect(Buffer.from((await store.get('b1/A/x.txt'))!).toString()).toBe('Độc lập');
    expect(await store.exists('b1/A/x.txt')).toBe(true);

    await store.delete(['b1/A/x.txt', 'b1/never-written.pdf']);
    expect(await store.get('b1/A/x.txt')).toBeUndefined();
    expect(await store.head('b1/A/x.txt')).toBeUndefined();
    expect(await store.exists('b1/A/x.txt')).toBe(false);
    expect(await keysOf(neighbour, '')).toEqual(['b1/HS-001/other.pdf']);
    await store.close();
    await neighbour.close();
  });

  it('lists past one page and deletes more than 1000 keys', async () => {
    const proxy = await startFaultProxy({ target: server.endpoint });
    const store = await makeTestS3Store({ ...server, endpoint: proxy.endpoint }, newBucket(), { prefix: 'many' });
    const keys = Array.from({ length: 1005 }, (_, i) => `b/d/${String(i).padStart(4, '0')}.txt`);
    await inParallel(keys, 16, async (key) => {
      await store.put(key, Buffer.from(key), { contentType: 'text/plain' });
    });
    proxy.reset();
    expect(await keysOf(store, 'b/')).toEqual(keys);
    expect(proxy.log.filter((r) => r.method === 'GET' && r.path.includes('list-type=2'))).toHaveLength(2);
    proxy.reset();
    await store.delete(keys);
    expect(proxy.log.filter((r) => r.method === 'POST' && r.path.includes('delete'))).toHaveLength(2);
    expect(await keysOf(store, '')).toEqual([]);
    await store.close();
    await proxy.stop();
  });

  it("records the SHA-256 that the server returns as the object's checksum", async () => {
    const bucket = newBucket();
    const store = await makeTestS3Store(server, bucket);
    const body = bytes(100_000, 2);
    const stored = await store.put('b/d/doc.pdf', body, { contentType: 'application/pdf' });
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'b/d/doc.pdf', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumType).toBe('FULL_OBJECT');
    expect(base64ToHex(head.ChecksumSHA256)).toBe(stored.sha256);
    expect(head.Metadata?.sha256).toBe(stored.sha256);
    expect((await store.head('b/d/doc.pdf'))?.sha256).toBe(stored.sha256);
    await store.close();
  });

  it('uploads a body over the multipart threshold in parts and reads it back whole', async () => {
    const bucket = newBucket();
    const proxy = await startFaultProxy({ target: server.endpoint });
    const partSizeBytes = 5 * 1024 * 1024;
    const store = await makeTestS3Store({ ...server, endpoint: proxy.endpoint }, bucket, { multipartThresholdBytes: 6 * 1024 * 1024, partSizeBytes, partConcurrency: 2 });
    const body = bytes(12 * 1024 * 1024, 3);
    const stored = await store.put('b/d/big.pdf', body, { contentType: 'application/pdf', metadata: { title: 'Hồ sơ địa chính' } });
    expect(stored.sha256).toBe(hex(body));
    // CreateMultipartUpload + CompleteMultipartUpload are POSTs, the three parts PUTs.
    expect(proxy.counts.byMethod).toEqual({ POST: 2, PUT: 3 });
    const partChecksums = proxy.log.filter((r) => r.method === 'PUT').map((r) => r.headers['x-amz-checksum-sha256']);
    expect(partChecksums).toEqual([0, 1, 2].map((i) => createHash('sha256').update(body.subarray(i * partSizeBytes, (i + 1) * partSizeBytes)).digest('base64')));

    const rawHead = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'b/d/big.pdf', ChecksumMode: 'ENABLED' }));
    expect(rawHead.ChecksumType).toBe('COMPOSITE');
    expect(rawHead.ChecksumSHA256).toMatch(/-3$/);
    const head = await store.head('b/d/big.pdf');
    expect(head).toMatchObject({ sizeBytes: body.byteLength, sha256: hex(body), contentType: 'application/pdf', metadata: { title: 'Hồ sơ địa chính' } });
    expect(Buffer.from((await store.get('b/d/big.pdf'))!).equals(body)).toBe(true);
    await store.close();
    await proxy.stop();
  });

  it('sends Vietnamese metadata as ASCII headers and reads it back decoded', async () => {
    const bucket = newBucket();
    const proxy = await startFaultProxy({ target: server.endpoint });
    const store = await makeTestS3Store({ ...server, endpoint: proxy.endpoint }, bucket);
    const title = `Quyết định về việc giao đất cho hộ ông ${'Đỗ Văn Hùng, '.repeat(6)}xã Phú Thượng`;
    const metadata = { dossierId: 'HS-001', title, signerName: 'Đỗ'.normalize('NFC'), note: '' };
    await store.put('b/d/a.json', Buffer.from('{}'), { contentType: 'application/json', metadata });

    const put = proxy.log.find((r) => r.method === 'PUT')!;
    const metaHeaders = Object.entries(put.headers).filter(([name]) => name.startsWith('x-amz-meta-'));
    expect(metaHeaders.map(([name]) => name).sort()).toEqual(['x-amz-meta-dossier-id', 'x-amz-meta-note', 'x-amz-meta-sha256', 'x-amz-meta-signer-name', 'x-amz-meta-title']);
    for (const [, value] of metaHeaders) expect(value).toMatch(/^[\x20-\x7e]+$/);
    expect(put.headers['x-amz-meta-title']).toMatch(/^=\?UTF-8\?B\?/);
    expect(put.headers['x-amz-meta-dossier-id']).toBe('HS-001');

    // What the server keeps is the ASCII form; the store decodes it.
    const rawHead = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'b/d/a.json' }));
    expect(rawHead.Metadata?.['signer-name']).toBe('=?UTF-8?B?xJDhu5c=?=');
    expect((await store.head('b/d/a.json'))?.metadata).toEqual(metadata);
    await store.close();
    await proxy.stop();
  });

  it('puts SSE and object-lock headers on the wire only when asked', async () => {
    const bucket = newBucket();
    const proxy = await startFaultProxy({ target: server.endpoint });
    const endpoint = { ...server, endpoint: proxy.endpoint };
    const plain = await makeTestS3Store(endpoint, bucket);
    const sse = await makeTestS3Store(endpoint, bucket, { sse: { kind: 'AES256' } });
    const kms = await makeTestS3Store(endpoint, bucket, { sse: { kind: 'aws:kms', keyId: 'alias/sohoa' } });
    const until = new Date('2040-06-30T00:00:00Z');
    await plain.put('a', Buffer.from('1'), { contentType: 'text/plain' });
    await sse.put('b', Buffer.from('2'), { contentType: 'text/plain', retainUntil: until, lockMode: 'COMPLIANCE' });
    await kms.put('c', Buffer.from('3'), { contentType: 'text/plain' });
    const [a, b, c] = proxy.log.filter((r) => r.method === 'PUT').map((r) => r.headers);
    expect(Object.keys(a!).filter((h) => /encryption|object-lock/.test(h))).toEqual([]);
    expect(b!['x-amz-server-side-encryption']).toBe('AES256');
    expect(b!['x-amz-object-lock-mode']).toBe('COMPLIANCE');
    expect(new Date(String(b!['x-amz-object-lock-retain-until-date'])).getTime()).toBe(until.getTime());
    expect(c!['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(c!['x-amz-server-side-encryption-aws-kms-key-id']).toBe('alias/sohoa');
    for (const store of [plain, sse, kms]) await store.close();
    await proxy.stop();
  });

  it('gets every byte right through 20% throttling and connection resets', async () => {
    const bucket = newBucket();
    const proxy = await startFaultProxy({ target: server.endpoint, failRatio: 0.2, seed: 7, modes: ['503', 'reset'] });
    const logLines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });
    const store = await makeTestS3Store({ ...server, endpoint: proxy.endpoint }, bucket, { logger });
    const bodies = Array.from({ length: 50 }, (_, i) => ({ key: `b/d${i % 5}/doc-${i}.pdf`, body: bytes(1_000 + i * 3_000, 100 + i) }));
    const startedMs = performance.now();
    await inParallel(bodies, 5, async ({ key, body }) => {
      expect((await store.put(key, body, { contentType: 'application/pdf', metadata: { title: `Văn bản ${key}` } })).sha256).toBe(hex(body));
    });
    await inParallel(bodies, 5, async ({ key, body }) => {
      expect(Buffer.from((await store.get(key))!).equals(body)).toBe(true);
    });
    const elapsedMs = performance.now() - startedMs;
    expect(proxy.counts.failures).toBeGreaterThan(10);
    expect(proxy.counts.requests).toBe(100 + proxy.counts.failures);
    const faults = new Set(proxy.log.map((r) => r.fault).filter(Boolean));
    expect(faults).toEqual(new Set(['503', 'reset']));
    const retried = logLines.map((line) => JSON.parse(line) as { event: string; attempts: number }).filter((entry) => entry.event === 's3.retried');
    expect(retried.length).toBeGreaterThan(5);
    expect(retried.every((entry) => entry.attempts >= 2)).toBe(true);
    console.info(`fault proxy: ${proxy.counts.failures} of ${proxy.counts.requests} requests failed, 100 operations in ${Math.round(elapsedMs)} ms`);
    await store.close();
    await proxy.stop();
  });

  it('makes a retried write harmless when the server applied it but the answer was lost', async () => {
    const bucket = newBucket();
    const proxy = await startFaultProxy({ target: server.endpoint, failRatio: 0.3, seed: 11, modes: ['reset-after'] });
    const store = await makeTestS3Store({ ...server, endpoint: proxy.endpoint }, bucket);
    const bodies = Array.from({ length: 20 }, (_, i) => ({ key: `b/d/doc-${i}.pdf`, body: bytes(5_000 + i, 200 + i) }));
    await inParallel(bodies, 4, async ({ key, body }) => {
      await store.put(key, body, { contentType: 'application/pdf' });
    });
    expect(proxy.log.filter((r) => r.method === 'PUT' && r.fault === 'reset-after').length).toBeGreaterThan(0);
    expect(proxy.counts.puts).toBeGreaterThan(20);
    for (const { key, body } of bodies) {
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      expect(base64ToHex(head.ChecksumSHA256)).toBe(hex(body));
    }
    await store.close();
    await proxy.stop();
  });

  it('gives up with a TransientError after bounded retries when the server is gone', async () => {
    const doomed = await startS3Server();
    await doomed.createBucket('sohoa-gone');
    const proxy = await startFaultProxy({ target: doomed.endpoint });
    const store = await makeTestS3Store({ ...doomed, endpoint: proxy.endpoint }, 'sohoa-gone', { maxAttempts: 3, requestTimeoutMs: 1_000, connectionTimeoutMs: 500 });
    await store.put('b/d/ok.txt', Buffer.from('ok'), { contentType: 'text/plain' });
    await doomed.stop();
    proxy.reset();
    const startedMs = performance.now();
    const failure = await store.put('b/d/late.txt', Buffer.from('late'), { contentType: 'text/plain' }).catch((err: unknown) => err);
    const elapsedMs = performance.now() - startedMs;
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toMatch(/S3 put of b\/d\/late\.txt at s3:\/\/sohoa-gone failed/);
    expect((failure as Error).message).toContain('AWS_ENDPOINT_URL_S3');
    // Bounded by attempts (3), not by the clock: how long they take depends on the machine's load.
    expect(proxy.counts.requests).toBe(3);

    // Without the proxy the connection is refused outright; same outcome.
    const direct = new S3ObjectStore({ bucket: 'sohoa-gone', endpoint: doomed.endpoint, region: testRegion, forcePathStyle: true, credentials: testCredentials, maxAttempts: 3 });
    await expect(direct.get('b/d/ok.txt')).rejects.toBeInstanceOf(TransientError);
    console.info(`server gone: put failed after ${Math.round(elapsedMs)} ms and 3 attempts`);
    await store.close();
    await direct.close();
    await proxy.stop();
  }, 15_000);

  it('times out a server that accepts and never answers, and retries the request', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const store = new S3ObjectStore({ bucket: 'sohoa-silent', endpoint: `http://127.0.0.1:${port}`, region: testRegion, forcePathStyle: true, credentials: testCredentials, maxAttempts: 2, requestTimeoutMs: 300 });
    // The request timeout ends each silent attempt (the test's own timeout would catch a hang); two attempts, two sockets.
    await expect(store.put('a/b', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(TransientError);
    expect(sockets.length).toBe(2);
    await store.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }, 15_000);

  it('calls a missing bucket a configuration problem', async () => {
    const store = new S3ObjectStore({ bucket: 'sohoa-no-such-bucket', endpoint: server.endpoint, region: testRegion, forcePathStyle: true, credentials: testCredentials });
    const failure = await store.put('a/b', Buffer.from('x'), { contentType: 'text/plain' }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(/configuration problem, NoSuchBucket/);
    await expect(store.get('a/b')).rejects.toBeInstanceOf(ConfigError);
    // fauxqs answers HEAD on a missing bucket with a bare 404, which reads as a missing object.
    expect(await store.head('a/b')).toBeUndefined();
    await store.close();
  });

  it('refuses to return bytes that differ from what was stored', async () => {
    const bucket = newBucket();
    const store = await makeTestS3Store(server, bucket);
    // fauxqs keeps a wrong x-amz-checksum-sha256 as given; the SDK's response check catches it on read.
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/wrong-checksum', Body: Buffer.from('abc'), ChecksumSHA256: createHash('sha256').update('abd').digest('base64') }));
    await expect(store.get('a/wrong-checksum')).rejects.toBeInstanceOf(TransientError);
    // An object whose recorded sha256 metadata disagrees with its bytes: our own check catches it.
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/wrong-record', Body: Buffer.from('abc'), Metadata: { sha256: hex(Buffer.from('abd')) } }));
    await expect(store.get('a/wrong-record')).rejects.toThrow(/was stored with/);
    await store.close();
  });

  it('rejects unsafe keys before sending anything', async () => {
    const proxy = await startFaultProxy({ target: server.endpoint });
    const store = await makeTestS3Store({ ...server, endpoint: proxy.endpoint }, newBucket());
    for (const key of ['../x', '/etc/passwd', 'a//b', 'a/./b', 'a\u0000b', 'a\\b', '']) {
      await expect(store.put(key, Buffer.from('x'), { contentType: 'x' })).rejects.toBeInstanceOf(InputError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InputError);
      await expect(store.head(key)).rejects.toBeInstanceOf(InputError);
      await expect(store.delete([key])).rejects.toBeInstanceOf(InputError);
    }
    expect(proxy.counts.requests).toBe(0);
    await store.close();
    await proxy.stop();
  });

  it('finds the endpoint in AWS_ENDPOINT_URL_S3 when none is given', async () => {
    const bucket = newBucket();
    await server.createBucket(bucket);
    const env = s3TestEnv(server);
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    try {
      const store = new S3ObjectStore({ bucket, forcePathStyle: true });
      await store.put('a/b.txt', Buffer.from('từ biến môi trường'), { contentType: 'text/plain' });
      expect(Buffer.from((await store.get('a/b.txt'))!).toString()).toBe('từ biến môi trường');
      await store.close();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('serves from a child process too', async () => {
    const child = await startS3Server({ inChildProcess: true });
    try {
      expect(child.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const store = await makeTestS3Store(child, 'sohoa-child');
      await store.put('a/b', Buffer.from('child'), { contentType: 'text/plain' });
      expect(Buffer.from((await store.get('a/b'))!).toString()).toBe('child');
      await store.close();
    } finally {
      await child.stop();
    }
  });
});
