// An S3 prefix as the watcher's inbox, against a real S3-compatible server (fauxqs on 127.0.0.1): what a poll costs.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3InboxClient } from '../../src/storage/s3-inbox-client.ts';
import { startS3Server, testCredentials, testRegion, type S3TestServer } from '../support/s3-server.ts';

let server: S3TestServer;
let raw: S3Client;

beforeAll(async () => {
  server = await startS3Server();
  raw = new S3Client({ endpoint: server.endpoint, region: testRegion, forcePathStyle: true, credentials: testCredentials });
});
afterAll(async () => {
  raw?.destroy();
  await server?.stop();
});

const inboxOn = (bucket: string, prefix: string) =>
  new S3InboxClient({ bucket, prefix, endpoint: server.endpoint, region: testRegion, forcePathStyle: true, credentials: testCredentials, requestTimeoutMs: 5_000 });

async function upload(bucket: string, key: string, body: string): Promise<void> {
  await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Runs `tasks` with at most `limit` at once (uploads of a large inbox). */
async function inTurns(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  }));
}

describe('S3InboxClient', () => {
  it('lists 1,500 batch prefixes in ceil(1500/1000) list requests, whatever each holds', async () => {
    await server.createBucket('inbox-many');
    const names = Array.from({ length: 1_500 }, (_, i) => `lo-${String(i).padStart(4, '0')}`);
    await inTurns(names.flatMap((name) => [() => upload('inbox-many', `scans/${name}/manifest.json`, '{}'), () => upload('inbox-many', `scans/${name}/p1.tif`, 'x')]), 16);
    await upload('inbox-many', 'scans/loose-file.txt', 'not a batch');
    await upload('inbox-many', 'elsewhere/lo-9999/p1.tif', 'outside the inbox');
    const inbox = inboxOn('inbox-many', 'scans');
    try {
      const listed = await inbox.batchNames();
      expect(listed).toEqual(names);
      expect(inbox.listRequests).toBe(Math.ceil(1_500 / 1_000));
      // The full rescan: one request per 1,000 objects (3,001 here), grouped by batch.
      const before = inbox.listRequests;
      const everything = await inbox.everything();
      expect(inbox.listRequests - before).toBe(Math.ceil(3_001 / 1_000));
      expect(everything.size).toBe(1_500);
      expect(everything.get('lo-0042')?.map((f) => f.path).sort()).toEqual(['manifest.json', 'p1.tif']);
    } finally {
      inbox.close();
    }
  }, 120_000);

  it('gives a batch its objects with sizes and ETags, reads its manifest, and moves or deletes it whole', async () => {
    await server.createBucket('inbox-one');
    await upload('inbox-one', 'in/HS 01/manifest.json', '{"dossiers":[]}');
    await upload('inbox-one', 'in/HS 01/hồ sơ/trang 1.tif', 'page one');
    await upload('inbox-one', 'in/HS 02/p.tif', 'other');
    const inbox = inboxOn('inbox-one', 'in');
    try {
      const files = await inbox.batchObjects('HS 01');
      expect(files.map((f) => [f.path, f.sizeBytes]).sort()).toEqual([['hồ sơ/trang 1.tif', 8], ['manifest.json', 15]]);
      expect(files.every((f) => typeof f.etag === 'string' && f.etag.length > 0 && f.modifiedMs > 0)).toBe(true);
      expect(await inbox.readText('HS 01', 'manifest.json')).toBe('{"dossiers":[]}');

      await inbox.moveObjects('HS 01', files.map((f) => f.path), 'archive/done');
      expect(await inbox.batchNames()).toEqual(['HS 02']);
      const archive = inboxOn('inbox-one', 'archive/done');
      expect((await archive.batchObjects('HS 01')).map((f) => f.path).sort()).toEqual(['hồ sơ/trang 1.tif', 'manifest.json']);
      archive.close();

      await inbox.deleteObjects('HS 02', ['p.tif']);
      expect(await inbox.batchNames()).toEqual([]);
    } finally {
      inbox.close();
    }
  });
});
