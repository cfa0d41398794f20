// Personal ID numbers and names reach the records, never the logs: an end-to-end run whose logs are scanned for them.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord, DossierRecord } from '../../src/domain/record.ts';
import { sampleBatchDir } from '../fixtures/index.ts';
import { runCli, type CliRun } from '../support/cli.ts';

// Invented, structurally valid: province 001, century/sex digit 0, born '85.
const ownerId = '001085012345';
const qrOwnerId = '079185067890';
const ownerName = 'Trần Thị Mẫu Thử';
const signer = 'Lê Văn Minh Họa';

let batch: string;
let out: string;
let run: CliRun;

beforeAll(async () => {
  batch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-pii-'));
  out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-pii-out-'));
  await cp(path.join(sampleBatchDir, 'HS-002', 'qd-15-p1.png'), path.join(batch, 'qd-15-p1.png'));
  // A QR code that names a different owner than the manifest: the conflict must be reported without the number.
  const content = JSON.stringify({ maHoSo: '000.00.16.H05-240312-0002', maTTHC: '1.000466', soDinhDanh: qrOwnerId, tenGiayTo: 'Quyết định', heThong: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai', thoiGian: '12/03/2024 09:30' });
  const qr = await QRCode.toBuffer(content, { errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  await writeFile(path.join(batch, 'qr.png'), await sharp(path.join(batch, 'qd-15-p1.png')).composite([{ input: qr, left: 120, top: 3000 }]).png().toBuffer());
  const manifest = {
    batchId: 'pii-check',
    dossiers: [
      {
        id: 'HS-PII',
        code: '000.00.16.H05-240312-0002',
        kind: 'result',
        metadata: { procedureCode: '1.000466', agencyCode: '000.00.16.H05', ownerId, ownerName },
        documents: [{ id: 'QD-15', metadata: { signer }, files: ['qr.png'] }],
      },
    ],
  };
  await writeFile(path.join(batch, 'manifest.json'), JSON.stringify(manifest, null, 2));
  run = await runCli(['run', batch, '--out', out, '--no-progress', '--log-level', 'debug']);
}, 300_000);

afterAll(async () => {
  await rm(batch, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('personal data', () => {
  it('is kept in the records, with the QR code and the manifest disagreeing on the owner', async () => {
    expect(run.code).toBe(0);
    const dossier = JSON.parse(await readFile(path.join(out, 'pii-check', 'HS-PII', 'dossier.json'), 'utf8')) as DossierRecord;
    expect(dossier.metadata['ownerId']).toMatchObject({ value: ownerId, source: 'manifest' });
    expect(dossier.metadata['ownerName']?.value).toBe(ownerName);
    expect(dossier.conflicts.map((c) => [c.key, c.other.value, c.other.source])).toContainEqual(['ownerId', qrOwnerId, 'qr']);
    const document = JSON.parse(await readFile(path.join(out, 'pii-check', 'HS-PII', 'QD-15.json'), 'utf8')) as DocumentRecord;
    expect(document.metadata['signer']?.value).toBe(signer);
    expect(document.qrCodes[0]?.text).toContain(qrOwnerId);
  });

  it('never appears in the logs, at debug level, in any form', () => {
    const logs = `${run.stdout}\n${run.stderr}`;
    expect(run.events.length).toBeGreaterThan(10);
    for (const secret of [ownerId, qrOwnerId, ownerName, signer, ownerName.normalize('NFD'), 'Mẫu Thử', 'Minh Họa']) {
      expect(logs.includes(secret), `logs contain ${JSON.stringify(secret)}`).toBe(false);
    }
    // Not even split or partly masked beyond the last three digits.
    expect(logs).not.toMatch(/001085|079185/);
  });
});
