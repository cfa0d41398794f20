// Building and checking the language-data folder that tesseract.js workers read from.
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/errors.ts';
import {
  buildNpmLangData,
  npmOsdLangPath,
  traineddataProblem,
  useLangDataDir,
} from '../../../src/ocr/lang-data.ts';

const require = createRequire(import.meta.url);
const npmFile = (lang: string) =>
  join(require.resolve(`@tesseract.js-data/${lang}/package.json`), '..', '4.0.0_best_int', `${lang}.traineddata.gz`);

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'sohoa-lang-data-test-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('buildNpmLangData', () => {
  it('links every language into one folder, once, and returns the same folder again', async () => {
    const first = await buildNpmLangData(['vie', 'eng'], { cacheDir: folder });
    expect(first).toMatchObject({ gzip: true, model: '4.0.0_best_int', languages: ['vie', 'eng'] });
    expect((await readdir(first.langPath)).sort()).toEqual(['eng.traineddata.gz', 'vie.traineddata.gz']);
    const linkedAt = (await lstat(join(first.langPath, 'vie.traineddata.gz'))).mtimeMs;

    const second = await buildNpmLangData(['vie', 'eng'], { cacheDir: folder });
    expect(second).toEqual(first);
    expect((await lstat(join(first.langPath, 'vie.traineddata.gz'))).mtimeMs).toBe(linkedAt);
    expect(await readdir(folder)).toEqual([first.langPath.slice(folder.length + 1)]);
  });

  it('ends with one complete folder when several builds race', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => buildNpmLangData(['vie', 'eng'], { cacheDir: folder })),
    );
    expect(new Set(results.map((r) => r.langPath)).size).toBe(1);
    expect(await readdir(folder)).toHaveLength(1); // no half-built folders left behind
    expect((await readdir(results[0]?.langPath as string)).sort()).toEqual(['eng.traineddata.gz', 'vie.traineddata.gz']);
  });

  it('rebuilds a folder whose links point elsewhere', async () => {
    const built = await buildNpmLangData(['vie'], { cacheDir: folder });
    const link = join(built.langPath, 'vie.traineddata.gz');
    await rm(link);
    await symlink(npmFile('eng'), link);

    await buildNpmLangData(['vie'], { cacheDir: folder });
    expect(await readlink(link)).toBe(npmFile('vie'));
    expect(await readdir(folder)).toHaveLength(1);
  });

  it('keys the folder by the language set', async () => {
    const vie = await buildNpmLangData(['vie'], { cacheDir: folder });
    const both = await buildNpmLangData(['vie', 'eng'], { cacheDir: folder });
    expect(vie.langPath).not.toBe(both.langPath);
  });

  it('says which package to install for a language without one', async () => {
    await expect(buildNpmLangData(['khm'], { cacheDir: folder })).rejects.toThrow(ConfigError);
    await expect(buildNpmLangData(['khm'], { cacheDir: folder })).rejects.toThrow(/@tesseract\.js-data\/khm/u);
    await expect(buildNpmLangData(['../vie'], { cacheDir: folder })).rejects.toThrow(/language code/u);
  });
});

describe('useLangDataDir', () => {
  it('detects plain files (Debian) and gzipped files', async () => {
    const plain = join(folder, 'plain');
    const gz = join(folder, 'gz');
    await mkdir(plain);
    await mkdir(gz);
    await writeFile(join(plain, 'vie.traineddata'), gunzipSync(await readFile(npmFile('vie'))));
    await writeFile(join(gz, 'vie.traineddata.gz'), await readFile(npmFile('vie')));

    expect(await useLangDataDir(plain, ['vie'])).toEqual({ langPath: plain, gzip: false, model: 'plain', languages: ['vie'] });
    expect(await useLangDataDir(gz, ['vie'])).toMatchObject({ langPath: gz, gzip: true });
  });

  it('names the folder and the missing language', async () => {
    await writeFile(join(folder, 'vie.traineddata.gz'), await readFile(npmFile('vie')));
    const using = useLangDataDir(folder, ['vie', 'eng']);
    await expect(using).rejects.toThrow(ConfigError);
    await expect(using).rejects.toThrow(`Language data folder ${folder} has no eng.traineddata`);
  });

  it('refuses a folder that mixes gzipped and plain files', async () => {
    await writeFile(join(folder, 'vie.traineddata.gz'), await readFile(npmFile('vie')));
    await writeFile(join(folder, 'eng.traineddata'), gunzipSync(await readFile(npmFile('eng'))));
    await expect(useLangDataDir(folder, ['vie', 'eng'])).rejects.toThrow(/mixes gzipped and plain/u);
  });

  it('refuses a damaged file before any worker sees it (tesseract.js would crash the process)', async () => {
    await writeFile(join(folder, 'vie.traineddata'), 'not a model');
    await expect(useLangDataDir(folder, ['vie'])).rejects.toThrow(/vie.*not Tesseract traineddata/u);
    const truncated = gunzipSync(await readFile(npmFile('vie'))).subarray(0, 100_000);
    await writeFile(join(folder, 'vie.traineddata'), truncated);
    await expect(useLangDataDir(folder, ['vie'])).rejects.toThrow(/truncated or damaged/u);
  });

  it('names a folder that does not exist', async () => {
    await expect(useLangDataDir(join(folder, 'nope'), ['vie'])).rejects.toThrow(/nope cannot be read/u);
  });
});

describe('traineddataProblem', () => {
  it('accepts the npm models and the OSD model', async () => {
    expect(traineddataProblem(gunzipSync(await readFile(npmFile('vie'))))).toBeUndefined();
    const osd = join(await npmOsdLangPath(), 'osd.traineddata.gz');
    expect(traineddataProblem(gunzipSync(await readFile(osd)))).toBeUndefined();
  });
});
