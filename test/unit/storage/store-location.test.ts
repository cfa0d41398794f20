import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/errors.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import { LazyObjectStore } from '../../../src/storage/lazy-object-store.ts';
import { bucketNameProblem, openObjectStore, parseStoreLocation } from '../../../src/storage/store-location.ts';

describe('parseStoreLocation', () => {
  it('reads s3://bucket/prefix with any slashes at the ends', () => {
    expect(parseStoreLocation('s3://so-hoa.archive/out/2024/')).toEqual({ kind: 's3', bucket: 'so-hoa.archive', prefix: 'out/2024' });
    expect(parseStoreLocation('s3://archive')).toEqual({ kind: 's3', bucket: 'archive', prefix: '' });
    expect(parseStoreLocation('S3://archive/')).toEqual({ kind: 's3', bucket: 'archive', prefix: '' });
  });

  it('treats everything without a scheme as a folder', () => {
    expect(parseStoreLocation('out')).toEqual({ kind: 'local', path: 'out' });
    expect(parseStoreLocation('/srv/sohoa/out')).toEqual({ kind: 'local', path: '/srv/sohoa/out' });
    expect(parseStoreLocation('./s3-copy')).toEqual({ kind: 'local', path: './s3-copy' });
  });

  it('names the value and the broken rule for bad buckets, prefixes and schemes', () => {
    for (const [value, rule] of [
      ['s3://ab/x', /3–63/],
      ['s3://Archive/x', /lowercase/],
      ['s3://archive_1', /lowercase/],
      ['s3://-archive', /begin and end/],
      ['s3://a..b', /adjacent periods/],
      ['s3://192.168.1.1', /IP address/],
      ['s3://xn--abc', /xn--/],
      ['s3://bucket-s3alias', /-s3alias/],
      ['s3://', /3–63/],
      ['s3://archive/a/../b', /not a plain path/],
      ['gs://archive/x', /gs:\/\/ scheme is not supported/],
      ['  ', /empty/],
    ] as const) {
      let thrown: unknown;
      try {
        parseStoreLocation(value);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, value).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(rule);
      if (value.trim()) expect((thrown as Error).message).toContain(JSON.stringify(value));
    }
    expect(bucketNameProblem('a'.repeat(63))).toBeUndefined();
    expect(bucketNameProblem('a'.repeat(64))).toMatch(/63/);
  });
});

describe('openObjectStore', () => {
  it('opens a folder store or an S3 store', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sohoa-open-'));
    try {
      const local = openObjectStore(root);
      expect(local).toBeInstanceOf(LocalObjectStore);
      expect(local.location).toBe(root);
      const s3 = openObjectStore('s3://archive/out', { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', maxAttempts: 1 });
      // The AWS SDK is loaded on first use; a closed store refuses calls whether or not it was ever opened.
      expect(s3).toBeInstanceOf(LazyObjectStore);
      expect(s3.location).toBe('s3://archive/out');
      await expect(s3.exists('x')).rejects.toThrow();
      await s3.close();
      await expect(s3.exists('x')).rejects.toThrow(/closed/u);
      await local.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('LazyObjectStore', () => {
  it('opens its store once, on first use, and closes cleanly even when opening failed', async () => {
    let opened = 0;
    const failing = new LazyObjectStore('s3://nowhere', async () => {
      opened++;
      throw new Error('the SDK could not load');
    });
    expect(opened).toBe(0);
    await expect(failing.exists('a')).rejects.toThrow('the SDK could not load');
    await expect(failing.get('a')).rejects.toThrow('the SDK could not load');
    expect(opened).toBe(1);
    await expect(failing.close()).resolves.toBeUndefined();
    const unused = new LazyObjectStore('s3://unused', async () => {
      throw new Error('never opened');
    });
    await expect(unused.close()).resolves.toBeUndefined();
  });
});
