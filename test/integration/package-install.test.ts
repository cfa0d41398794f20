// The package as people install it: `npm pack`, then `npm install -g` of the tarball into a temporary prefix with no
// registry at all (the dependencies are bundled), then the installed `sohoa` run from outside the checkout.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchReport, DossierRecord } from '../../src/domain/record.ts';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
let scratch: string;
let installed: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'sohoa-package-'));
  const packed = path.join(scratch, 'packed');
  await mkdir(packed);
  // `npm pack` builds dist/ first (prepack) and bundles the locked production dependencies.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packed], { cwd: repo, maxBuffer: 256 * 1024 * 1024 });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  const tarball = path.join(packed, path.basename(filename));
  const prefix = path.join(scratch, 'prefix');
  // --offline: the install may not reach any registry; everything must come from the tarball.
  await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: scratch, maxBuffer: 64 * 1024 * 1024 });
  installed = path.join(prefix, 'bin', 'sohoa');
}, 900_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('holds the compiled command, not the TypeScript source', async () => {
    const root = path.join(scratch, 'prefix', 'lib', 'node_modules', 'sohoa');
    const entries = await readdir(root);
    expect(entries).toEqual(expect.arrayContaining(['bin', 'dist', 'pipelines', 'package.json', 'node_modules']));
    expect(entries).not.toContain('src');
    expect(entries).not.toContain('test');
    expect(await readdir(path.join(root, 'dist'))).toEqual(expect.arrayContaining(['cli.js', 'cli.d.ts']));
    // Language data comes with it.
    expect(await readdir(path.join(root, 'node_modules', '@tesseract.js-data'))).toEqual(expect.arrayContaining(['vie', 'eng', 'osd']));
  });

  it('answers --version and digitizes a one-page batch from a folder outside the checkout', async () => {
    const version = (JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;
    const elsewhere = path.join(scratch, 'office');
    await mkdir(path.join(elsewhere, 'scans', 'HS-1'), { recursive: true });
    await cp(path.join(repo, 'samples', 'batch', 'HS-001', 'cv-125.jpg'), path.join(elsewhere, 'scans', 'HS-1', 'cv-125.jpg'));
    const env = { ...process.env, SOHOA_POOL_SIZE: '1' };
    expect((await run(installed, ['--version'], { cwd: elsewhere, env })).stdout.trim()).toBe(version);

    await run(installed, ['run', 'scans', '--out', 'archive', '--no-progress'], { cwd: elsewhere, env, maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(await readFile(path.join(elsewhere, 'archive', 'scans', 'report.json'), 'utf8')) as BatchReport;
    expect(report.totals).toMatchObject({ pages: 1, pagesDone: 1, pagesFailed: 0, documentsFailed: 0 });
    const dossier = JSON.parse(await readFile(path.join(elsewhere, 'archive', 'scans', 'HS-1', 'dossier.json'), 'utf8')) as DossierRecord;
    expect(dossier.documents).toMatchObject([{ documentId: 'cv-125', status: 'done' }]);
    const text = await readFile(path.join(elsewhere, 'archive', 'scans', 'HS-1', 'cv-125.txt'), 'utf8');
    expect(text.length).toBeGreaterThan(100);
    expect((await readFile(path.join(elsewhere, 'archive', 'scans', 'HS-1', 'cv-125.pdf'))).subarray(0, 5).toString()).toBe('%PDF-');
  }, 300_000);
});
