import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError, TransientError } from '../../../src/domain/errors.ts';
import { normalizePrefix } from '../../../src/storage/keys.ts';
import {
  classifyS3Error,
  compositeSha256Base64,
  fullObjectSha256Hex,
  putObjectInput,
  returnedChecksumMatches,
  S3ObjectStore,
  sha256Of,
  type PutRequest,
} from '../../../src/storage/s3-object-store.ts';

const context = { operation: 'put', key: 'b/d/x.pdf', location: 's3://bucket/p' };

function sdkError(name: string, httpStatusCode?: number, extra: object = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...(httpStatusCode ? { $metadata: { httpStatusCode, attempts: 6 } } : {}), ...extra });
}

const base: PutRequest = {
  bucket: 'archive',
  objectKey: 'p/b/d/x.pdf',
  body: new Uint8Array([1, 2, 3]),
  contentType: 'application/pdf',
  wireMetadata: { sha256: 'ab' },
  checksumSha256Base64: 'c2hh',
};

describe('putObjectInput', () => {
  it('asks for SHA-256 checksums and carries no SSE or object lock unless told', () => {
    const input = putObjectInput(base);
    expect(input).toMatchObject({ Bucket: 'archive', Key: 'p/b/d/x.pdf', ChecksumAlgorithm: 'SHA256', ChecksumSHA256: 'c2hh', ContentType: 'application/pdf' });
    for (const field of ['ServerSideEncryption', 'SSEKMSKeyId', 'ObjectLockMode', 'ObjectLockRetainUntilDate'] as const) expect(input[field]).toBeUndefined();
  });

  it('passes SSE-S3, SSE-KMS with a key, and object-lock retention through', () => {
    expect(putObjectInput({ ...base, sse: { kind: 'AES256' } }).ServerSideEncryption).toBe('AES256');
    const kms = putObjectInput({ ...base, sse: { kind: 'aws:kms', keyId: 'arn:aws:kms:ap-southeast-1:1:key/k' } });
    expect([kms.ServerSideEncryption, kms.SSEKMSKeyId]).toEqual(['aws:kms', 'arn:aws:kms:ap-southeast-1:1:key/k']);
    const until = new Date('2035-01-01T00:00:00Z');
    const locked = putObjectInput({ ...base, retainUntil: until, lockMode: 'COMPLIANCE' });
    expect([locked.ObjectLockMode, locked.ObjectLockRetainUntilDate]).toEqual(['COMPLIANCE', until]);
    expect(putObjectInput({ ...base, retainUntil: until }).ObjectLockMode).toBe('GOVERNANCE');
    expect(() => putObjectInput({ ...base, lockMode: 'COMPLIANCE' })).toThrow(InputError);
  });

  it('leaves the whole-object checksum out for multipart uploads (each part is checksummed instead)', () => {
    const { checksumSha256Base64: _, ...multipart } = base;
    expect(putObjectInput(multipart).ChecksumSHA256).toBeUndefined();
    expect(putObjectInput(multipart).ChecksumAlgorithm).toBe('SHA256');
  });
});

describe('checksums', () => {
  it('gives the base64 wire form and the hex record form of one SHA-256', () => {
    const body = Buffer.from('Độc lập');
    const { hex, base64 } = sha256Of(body);
    expect(hex).toBe(createHash('sha256').update(body).digest('hex'));
    expect(Buffer.from(base64, 'base64').toString('hex')).toBe(hex);
    expect(fullObjectSha256Hex(base64)).toBe(hex);
    expect(fullObjectSha256Hex(`${base64}-3`)).toBeUndefined();
    expect(fullObjectSha256Hex('abc')).toBeUndefined();
  });

  it('computes the composite checksum S3 returns for multipart uploads', () => {
    const body = Buffer.alloc(11, 7);
    const parts = [body.subarray(0, 5), body.subarray(5, 10), body.subarray(10)].map((p) => createHash('sha256').update(p).digest());
    expect(compositeSha256Base64(body, 5)).toBe(`${createHash('sha256').update(Buffer.concat(parts)).digest('base64')}-3`);
  });

  it('accepts a silent server, and otherwise only the checksum we sent', () => {
    const expected = { fullBase64: 'full', compositeBase64: 'comp-2' };
    expect(returnedChecksumMatches(undefined, expected)).toBe(true);
    expect(returnedChecksumMatches('full', expected)).toBe(true);
    expect(returnedChecksumMatches('comp-2', expected)).toBe(true);
    expect(returnedChecksumMatches('other', expected)).toBe(false);
    expect(returnedChecksumMatches('other-2', expected)).toBe(false);
    expect(returnedChecksumMatches('x-1', { fullBase64: 'full' })).toBe(false);
  });
});

describe('classifyS3Error', () => {
  it('calls wrong buckets, regions and credentials configuration problems', () => {
    for (const err of [sdkError('AccessDenied', 403), sdkError('NoSuchBucket', 404), sdkError('InvalidAccessKeyId', 403), sdkError('PermanentRedirect', 301), sdkError('InvalidRequest', 400), sdkError('CredentialsProviderError')]) {
      const classified = classifyS3Error(err, context);
      expect(classified).toBeInstanceOf(ConfigError);
      expect(classified.message).toMatch(/configuration problem/);
      expect(classified.message).toContain('s3://bucket/p');
      expect(classified.cause).toBe(err);
    }
  });

  it('calls what is left after retries transient, with what to do', () => {
    for (const err of [sdkError('SlowDown', 503), sdkError('InternalError', 500), sdkError('TimeoutError'), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), sdkError('NoSuchUpload', 404), sdkError('RequestTimeout', 408)]) {
      const classified = classifyS3Error(err, context);
      expect(classified).toBeInstanceOf(TransientError);
      expect(classified.message).toContain('b/d/x.pdf');
      expect(classified.message).toContain('AWS_ENDPOINT_URL_S3');
    }
    expect(classifyS3Error(sdkError('SlowDown', 503), context).message).toContain('after 6 attempts');
  });

  it('passes our own errors through', () => {
    const own = new InputError('ID_UNSAFE', 'bad key');
    expect(classifyS3Error(own, context)).toBe(own);
  });
});

describe('S3ObjectStore keys', () => {
  it('normalizes the prefix and refuses prefixes that are not plain paths', () => {
    expect(normalizePrefix('/a/b/')).toBe('a/b');
    expect(normalizePrefix('')).toBe('');
    expect(normalizePrefix('///')).toBe('');
    for (const bad of ['a//b', 'a/../b', 'a/./b']) expect(() => normalizePrefix(bad)).toThrow(ConfigError);
  });

  it('names its location and refuses unsafe keys before any request', async () => {
    // The endpoint is never contacted: key checks come first.
    const store = new S3ObjectStore({ bucket: 'archive', prefix: '/out/2024/', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    expect(store.location).toBe('s3://archive/out/2024');
    for (const key of ['../x', '/abs', 'a//b', 'a\u0000b', '']) {
      await expect(store.put(key, new Uint8Array(1), { contentType: 'x' })).rejects.toBeInstanceOf(InputError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InputError);
    }
    await expect(store.put('a/b', new Uint8Array(1), { contentType: 'x', metadata: { Bad_Key: 'v' } })).rejects.toBeInstanceOf(InputError);
    await expect(store.put('a/b', new Uint8Array(1), { contentType: 'x', metadata: { note: 'Đ'.repeat(1200) } })).rejects.toThrow(/2048/);
    await store.close();
    await store.close();
  });
});
