// Language data for the tesseract command: plain traineddata files, so both engines can read the same models.
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError } from '../domain/errors.ts';
import {
  checkLanguageCodes, checkTraineddata, mustExist, NPM_MODEL, NPM_OSD_MODEL, npmPackageVersion, npmTraineddataPath,
  publishFolder, useLangDataDir,
} from './lang-data.ts';

/** Where a tesseract process reads its models: `--tessdata-dir` for recognition and for orientation. */
export interface NativeLangData {
  /** Folder holding `<lang>.traineddata` for every language. */
  tessdataDir: string;
  /** Folder holding `osd.traineddata` (the same folder when it has one). */
  osdDir: string;
  /** Name of the data set, e.g. "4.0.0_best_int", or the folder name for a user-given folder. */
  model: string;
  languages: string[];
}

export interface NativeLangDataOptions {
  /** A folder of plain `<lang>.traineddata` files (e.g. Debian's `/usr/share/tesseract-ocr/5/tessdata`). */
  langDataDir?: string | undefined;
  /** The folder the binary reads by default, taken when it holds every language (see `resolveNativeLangData`). */
  systemDir?: string | undefined;
  /** Parent of the folder the npm models are unpacked into; the OS temp folder by default. */
  cacheDir?: string | undefined;
}

/**
 * The models for `languages`: a given folder as it is (it must hold plain files: the tesseract command does not
 * read `.gz`); else the models installed with the binary (`systemDir`) when they hold every language, since a
 * packager's models are the ones its Tesseract was built and tested with (Debian's `vie` reads the samples faster
 * and better than the npm one: CER 1.21 % against 1.40 %); else the `@tesseract.js-data` packages' models, the
 * ones tesseract.js reads, unpacked once. Orientation uses the folder's `osd.traineddata` when it has one, else
 * the npm package's.
 */
export async function resolveNativeLangData(languages: readonly string[], options: NativeLangDataOptions = {}): Promise<NativeLangData> {
  checkLanguageCodes(languages);
  const { systemDir } = options;
  const langDataDir = options.langDataDir ?? (systemDir !== undefined && (await holdsPlain(systemDir, languages)) ? systemDir : undefined);
  if (langDataDir === undefined) {
    const tessdataDir = await unpackNpmModels([...languages.map((lang) => ({ lang, model: NPM_MODEL })), { lang: 'osd', model: NPM_OSD_MODEL }], options.cacheDir);
    return { tessdataDir, osdDir: tessdataDir, model: NPM_MODEL, languages: [...languages] };
  }
  const given = await useLangDataDir(langDataDir, languages);
  if (given.gzip) {
    throw new ConfigError('LANG_DATA_INVALID',
      `Language data folder ${given.langPath} holds only gzipped traineddata for ${languages.join(', ')}: the tesseract ` +
        'command reads plain files, so gunzip them, or choose --engine tesseract.js.',
      { field: 'langDataDir' },
    );
  }
  const names = new Set(await readdir(given.langPath));
  const osdDir = names.has('osd.traineddata') ? given.langPath : await unpackNpmModels([{ lang: 'osd', model: NPM_OSD_MODEL }], options.cacheDir);
  return { tessdataDir: given.langPath, osdDir, model: given.model, languages: [...languages] };
}

async function holdsPlain(folder: string, languages: readonly string[]): Promise<boolean> {
  try {
    const names = new Set(await readdir(folder));
    return languages.every((lang) => names.has(`${lang}.traineddata`));
  } catch {
    return false;
  }
}

interface NpmModel {
  lang: string;
  model: string;
}

/**
 * Gunzips the npm models into a folder named by a hash of their packages, versions and paths, built under a
 * temporary name and renamed, so that two processes starting at once both end with a complete folder. A folder
 * is reused when it is this user's and every file has the size its gzip trailer promises.
 */
async function unpackNpmModels(models: readonly NpmModel[], cacheDir: string | undefined): Promise<string> {
  const sources = models.map(({ lang, model }) => ({ lang, file: npmTraineddataPath(lang, model) }));
  for (const { lang, file } of sources) await mustExist(file, lang, dirname(file));
  const key = createHash('sha256')
    .update(JSON.stringify(sources.map(({ lang, file }) => [lang, npmPackageVersion(lang), file])))
    .digest('hex')
    .slice(0, 16);
  const parent = resolve(cacheDir ?? tmpdir());
  const folder = join(parent, `sohoa-tessdata-plain-${key}`);
  const entries = await Promise.all(sources.map(async ({ lang, file }) => ({ lang, file, size: await gzipInflatedSize(file) })));
  const complete = () => folderComplete(folder, entries);
  if (!(await complete())) {
    await mkdir(parent, { recursive: true });
    const building = `${folder}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(building);
    try {
      for (const { lang, file } of sources) await writeFile(join(building, `${lang}.traineddata`), gunzipSync(await readFile(file)));
      await publishFolder(building, folder, complete);
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }
  for (const { lang } of sources) await checkTraineddata(join(folder, `${lang}.traineddata`), lang, folder);
  return folder;
}

async function folderComplete(folder: string, entries: ReadonlyArray<{ lang: string; size: number }>): Promise<boolean> {
  try {
    const uid = process.getuid?.();
    if (uid !== undefined && (await lstat(folder)).uid !== uid) return false;
    for (const { lang, size } of entries) {
      const file = await stat(join(folder, `${lang}.traineddata`));
      if (!file.isFile() || file.size % 2 ** 32 !== size) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** A gzip file's last four bytes: the inflated size modulo 2^32 (RFC 1952), read without inflating. */
async function gzipInflatedSize(file: string): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const trailer = Buffer.alloc(4);
    await handle.read(trailer, 0, 4, size - 4);
    return trailer.readUInt32LE(0);
  } catch (err) {
    throw new ConfigError('LANG_DATA_INVALID', `Language data file ${basename(file)} cannot be read: reinstall its npm package.`, { field: 'languages' }, { cause: err });
  } finally {
    await handle.close();
  }
}
