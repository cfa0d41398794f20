import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sohoa-store-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('LocalObjectStore', () => {
  it('writes, reads, lists in key order and deletes', async () => {
    const store = new LocalObjectStore(root);
    const body = new TextEncoder().encode('Độc lập - Tự do - Hạnh phúc');
    const stored = await store.put('b1/HS-001/QD-15.txt', body, { contentType: 'text/plain' });
    expect(stored.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(stored.sizeBytes).toBe(body.byteLength);
    await store.put('b1/HS-001/dossier.json', new Uint8Array([123, 125]), { contentType: 'application/json' });
    await store.put('b1/A/x.json', new Uint8Array([1]), { contentType: 'application/json' });
    expect(Buffer.from((await store.get('b1/HS-001/QD-15.txt'))!).toString()).toBe('Độc lập - Tự do - Hạnh phúc');
    expect(await store.get('b1/missing')).toBeUndefined();
    const keys: string[] = [];
    for await (const o of store.list('b1/')) keys.push(o.key);
    expect(keys).toEqual(['b1/A/x.json', 'b1/HS-001/QD-15.txt', 'b1/HS-001/dossier.json']);
    await store.delete(['b1/A/x.json']);
    expect(await store.exists('b1/A/x.json')).toBe(false);
  });

  it('never lists a temporary file left by a crash, and leaves none after a write', async () => {
    const store = new LocalObjectStore(root);
    await store.put('b/d/a.pdf', new Uint8Array(1000), { contentType: 'application/pdf' });
    await writeFile(path.join(root, 'b', 'd', 'a.pdf.1234.sohoa-tmp'), 'partial');
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys).toEqual(['b/d/a.pdf']);
    expect((await readdir(path.join(root, 'b', 'd'))).filter((n) => n.endsWith('.sohoa-tmp'))).toHaveLength(1);
  });

  it('refuses keys that could escape its folder', async () => {
    const store = new LocalObjectStore(root);
    for (const key of ['../x', '/etc/passwd', 'a//b', 'a/./b', 'a\u0000b', 'a\\b', '']) {
      await expect(store.put(key, new Uint8Array(1), { contentType: 'x' })).rejects.toBeInstanceOf(InputError);
    }
  });

  it('rejects a body whose checksum differs from the one the caller expects', async () => {
    const store = new LocalObjectStore(root);
    await expect(store.put('a/b', new Uint8Array([1]), { contentType: 'x', sha256: '0'.repeat(64) })).rejects.toThrow(/differs from the expected/);
    expect(await store.exists('a/b')).toBe(false);
  });

  it('heads an object by hashing it, keeps no metadata, and answers undefined for a missing key', async () => {
    const store = new LocalObjectStore(root);
    const body = new TextEncoder().encode('Quyết định');
    await store.put('b/d/a.txt', body, { contentType: 'text/plain', metadata: { dossierId: 'd' } });
    expect(await store.head('b/d/a.txt')).toEqual({
      key: 'b/d/a.txt',
      sizeBytes: body.byteLength,
      sha256: createHash('sha256').update(body).digest('hex'),
      metadata: {},
    });
    expect(await store.head('b/d/missing.txt')).toBeUndefined();
    expect(await store.head('b/d')).toBeUndefined();
    await expect(store.head('../x')).rejects.toBeInstanceOf(InputError);
    await store.close();
  });
});
