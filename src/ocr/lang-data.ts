// Finds and checks Tesseract language data on disk, so workers start from local files and never from a CDN.
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, copyFile, lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError, describeError } from '../domain/errors.ts';

/** The npm data folder used for recognition: LSTM-only integer models, same accuracy as `4.0.0`, faster start. */
export const NPM_MODEL = '4.0.0_best_int';
/** The OSD model needs the legacy engine, which only the full `4.0.0` folder carries. */
export const NPM_OSD_MODEL = '4.0.0';

/** Where a tesseract.js worker reads its languages from: one folder, one file-name convention. */
export interface LangData {
  /** Folder holding `<lang>.traineddata[.gz]` for every language. */
  langPath: string;
  /** True when the files are `*.traineddata.gz` (tesseract.js picks the file name from this flag). */
  gzip: boolean;
  /** Name of the data set, e.g. "4.0.0_best_int", or the folder name for a user-given folder. */
  model: string;
  languages: string[];
}

export interface NpmLangDataOptions {
  /** Parent folder of the built language folder; defaults to the OS temp folder. */
  cacheDir?: string;
}

const require = createRequire(import.meta.url);
const LANG_CODE = /^[a-z][a-z0-9_]*$/u;

/** Language data for `languages`: from `langDataDir` when given, else from the `@tesseract.js-data/*` packages. */
export async function resolveLangData(
  languages: readonly string[],
  options: { langDataDir?: string | undefined; cacheDir?: string | undefined } = {},
): Promise<LangData> {
  if (options.langDataDir !== undefined) return useLangDataDir(options.langDataDir, languages);
  return buildNpmLangData(languages, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
}

/**
 * Makes (once) a folder linking `<lang>.traineddata.gz` from each `@tesseract.js-data/<lang>` package, because
 * tesseract.js reads all languages from a single `langPath`. The folder name hashes the package versions and
 * paths, so another checkout or upgrade gets its own folder; it is built under a temporary name and renamed,
 * so two processes building it at once both end up with a complete folder.
 */
export async function buildNpmLangData(
  languages: readonly string[],
  options: NpmLangDataOptions = {},
): Promise<LangData> {
  checkLanguageCodes(languages);
  const sources = languages.map((lang) => ({ lang, file: npmTraineddataPath(lang, NPM_MODEL) }));
  for (const { lang, file } of sources) await mustExist(file, lang, dirname(file));

  const key = createHash('sha256')
    .update(JSON.stringify(sources.map(({ lang, file }) => [lang, npmPackageVersion(lang), file])))
    .digest('hex')
    .slice(0, 16);
  const parent = resolve(options.cacheDir ?? tmpdir());
  const langPath = join(parent, `sohoa-tessdata-${NPM_MODEL}-${key}`);
  const entries = sources.map(({ lang, file }) => ({ name: `${lang}.traineddata.gz`, source: file }));

  if (!(await folderMatches(langPath, entries))) {
    await mkdir(parent, { recursive: true });
    const building = `${langPath}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
    await mkdir(building);
    try {
      for (const { lang, file } of sources) await linkOrCopy(file, join(building, `${lang}.traineddata.gz`));
      await publishFolder(building, langPath, () => folderMatches(langPath, entries));
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }
  for (const { lang, file } of sources) await checkTraineddata(file, lang, langPath);
  return { langPath, gzip: true, model: NPM_MODEL, languages: [...languages] };
}

/**
 * Checks a user-given tessdata folder (e.g. Debian's `/usr/share/tesseract-ocr/5/tessdata`, plain "fast"
 * models) and tells whether its files are gzipped. tesseract.js has one gzip flag per worker, so all
 * languages must use the same convention.
 */
export async function useLangDataDir(langDataDir: string, languages: readonly string[]): Promise<LangData> {
  checkLanguageCodes(languages);
  const langPath = resolve(langDataDir);
  let names: Set<string>;
  try {
    names = new Set(await readdir(langPath));
  } catch (err) {
    throw new ConfigError('LANG_DATA_MISSING',
      `Language data folder ${langPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}): ` +
        'pass an existing folder holding <lang>.traineddata or <lang>.traineddata.gz files.',
      { field: 'langDataDir' },
      { cause: err },
    );
  }
  const plain = languages.every((lang) => names.has(`${lang}.traineddata`));
  const gzipped = languages.every((lang) => names.has(`${lang}.traineddata.gz`));
  if (!plain && !gzipped) {
    const missing = languages.filter(
      (lang) => !names.has(`${lang}.traineddata`) && !names.has(`${lang}.traineddata.gz`),
    );
    if (missing.length > 0) {
      throw new ConfigError('LANG_DATA_MISSING',
        `Language data folder ${langPath} has no ${missing.map((l) => `${l}.traineddata`).join(', ')} ` +
          `(nor .gz): add the missing language file${missing.length > 1 ? 's' : ''} (e.g. apt install ` +
          `${missing.map((l) => `tesseract-ocr-${l}`).join(' ')}) or remove ${missing.join(', ')} from the languages.`,
        { field: 'langDataDir' },
      );
    }
    throw new ConfigError('LANG_DATA_INVALID',
      `Language data folder ${langPath} mixes gzipped and plain traineddata files for ${languages.join(', ')}: ` +
        'tesseract.js reads one kind per worker, so gzip or gunzip them all.',
      { field: 'langDataDir' },
    );
  }
  // Plain wins when both exist: no gunzip at every worker start.
  const gzip = !plain;
  for (const lang of languages) {
    await checkTraineddata(join(langPath, `${lang}.traineddata${gzip ? '.gz' : ''}`), lang, langPath);
  }
  return { langPath, gzip, model: basename(langPath), languages: [...languages] };
}

/** Folder of the OSD model (legacy engine data) in `@tesseract.js-data/osd`. */
export async function npmOsdLangPath(): Promise<string> {
  const file = npmTraineddataPath('osd', NPM_OSD_MODEL);
  await mustExist(file, 'osd', dirname(file));
  await checkTraineddata(file, 'osd', dirname(file));
  return dirname(file);
}

/** Version of the tesseract.js package in use, for the engine info recorded with every page. */
export function tesseractJsVersion(): string {
  return readPackageVersion('tesseract.js/package.json');
}

/** The gzipped traineddata file of `lang` in its `@tesseract.js-data` package; ConfigError when the package is missing. */
export function npmTraineddataPath(lang: string, model: string): string {
  let packageJson: string;
  try {
    packageJson = require.resolve(`@tesseract.js-data/${lang}/package.json`);
  } catch (err) {
    throw new ConfigError('LANG_DATA_MISSING',
      `No language data for "${lang}": the npm package @tesseract.js-data/${lang} is not installed. ` +
        `Install it (npm install @tesseract.js-data/${lang}) or pass a language-data folder holding ${lang}.traineddata.`,
      { field: 'languages' },
      { cause: err },
    );
  }
  return join(dirname(packageJson), model, `${lang}.traineddata.gz`);
}

export function npmPackageVersion(lang: string): string {
  return readPackageVersion(`@tesseract.js-data/${lang}/package.json`);
}

function readPackageVersion(specifier: string): string {
  const pkg: unknown = require(specifier);
  const version = (pkg as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

export function checkLanguageCodes(languages: readonly string[]): void {
  if (languages.length === 0) {
    throw new ConfigError('OCR_CONFIG_INVALID', 'Expected at least one OCR language but received none: pass e.g. ["vie", "eng"].', {
      field: 'languages',
    });
  }
  for (const lang of languages) {
    if (!LANG_CODE.test(lang)) {
      throw new ConfigError('OCR_CONFIG_INVALID',
        `Expected a Tesseract language code such as "vie" for languages but received ${JSON.stringify(lang)}.`,
        { field: 'languages' },
      );
    }
  }
}

export async function mustExist(file: string, lang: string, folder: string): Promise<void> {
  try {
    await access(file, fsConstants.R_OK);
  } catch (err) {
    throw new ConfigError('LANG_DATA_INVALID',
      `Language data folder ${folder} has no readable ${basename(file)} for "${lang}": reinstall the package or remove "${lang}" from the languages.`,
      { field: 'languages' },
      { cause: err },
    );
  }
}

interface LinkedFile {
  name: string;
  source: string;
}

/**
 * True when `folder` is ours and complete: owned by this user (the OS temp folder is shared, and its path is
 * predictable) and holding links to, or same-size copies of, exactly the expected sources.
 */
async function folderMatches(folder: string, entries: readonly LinkedFile[]): Promise<boolean> {
  try {
    const uid = process.getuid?.();
    if (uid !== undefined && (await lstat(folder)).uid !== uid) return false;
    for (const { name, source } of entries) {
      const path = join(folder, name);
      const link = await lstat(path);
      if (link.isSymbolicLink()) {
        if ((await readlink(path)) !== source) return false;
        await stat(path); // the source may have moved away since
      } else if (!link.isFile() || link.size !== (await stat(source)).size) {
        return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await symlink(source, target);
  } catch {
    // Some file systems (and Windows without developer mode) refuse links; a copy costs a few MiB once.
    await copyFile(source, target);
  }
}

/** Renames `building` to `target`; if another process got there first and its folder is complete, uses it. */
export async function publishFolder(building: string, target: string, isComplete: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await rename(building, target);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw err;
      if (await isComplete()) return;
      // A stale or foreign folder: move it aside before removing it, so a reader never sees half of one.
      const stale = `${target}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      await rename(target, stale).catch(() => undefined);
      await rm(stale, { recursive: true, force: true });
    }
  }
  throw new ConfigError('CONFIG_INVALID',
    `Could not create the language data folder ${target}: remove it, or pass another cacheDir, and start again.`,
    { field: 'cacheDir' },
  );
}

/**
 * Reads a traineddata file and checks its table of contents. tesseract.js hangs on a missing file and
 * throws an uncatchable error on a malformed one, so both must be caught here, before any worker starts.
 */
export async function checkTraineddata(file: string, lang: string, folder: string): Promise<void> {
  let data: Buffer;
  try {
    data = await readFile(file);
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
  } catch (err) {
    throw new ConfigError('LANG_DATA_INVALID',
      `Language data file ${file} for "${lang}" cannot be read (${describeError(err)}): ` +
        `replace it with a complete copy in ${folder}.`,
      { field: 'languages' },
      { cause: err },
    );
  }
  const problem = traineddataProblem(data);
  if (problem !== undefined) {
    throw new ConfigError('LANG_DATA_INVALID',
      `Language data file ${file} for "${lang}" is not Tesseract traineddata (${problem}): replace it with a ` +
        `complete copy in ${folder}.`,
      { field: 'languages' },
    );
  }
}

/** Why `data` is not a Tesseract 4/5 traineddata file, or undefined when its table of contents is sound. */
export function traineddataProblem(data: Uint8Array): string | undefined {
  if (data.length < 12) return `only ${data.length} bytes`;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entryCount = view.getInt32(0, true);
  // Tesseract 5 writes 24 entries; older versions fewer. Anything else is not a table of contents.
  if (entryCount < 1 || entryCount > 64) return `table of contents claims ${entryCount} entries`;
  const headerBytes = 4 + 8 * entryCount;
  if (data.length < headerBytes) return 'truncated table of contents';
  let present = 0;
  for (let i = 0; i < entryCount; i++) {
    const offset = view.getBigInt64(4 + 8 * i, true);
    if (offset === -1n) continue;
    if (offset < BigInt(headerBytes) || offset >= BigInt(data.length)) {
      return `entry ${i} points to byte ${offset} of ${data.length}: the file is truncated or damaged`;
    }
    present++;
  }
  return present === 0 ? 'no model in it' : undefined;
}
