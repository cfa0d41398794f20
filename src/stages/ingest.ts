// Reads a scan batch folder and its manifest into a plan, and lists the pages of each document.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { toSafeId } from '../domain/batch.ts';
import type { Batch, DocumentPlan, DossierPlan } from '../domain/batch.ts';
import type { ErrorCode } from '../domain/error-codes.ts';
import { ConfigError, describeError, InputError } from '../domain/errors.ts';
import {
  fileType,
  manifestFileNames,
  ManifestError,
  parseManifest,
  planFromFolders,
  withResolvedFiles,
} from '../domain/manifest.ts';
import type { FileReference, FolderListing, ManifestProblem } from '../domain/manifest.ts';
import { shareOfBytes, type PageRef, type PageSource } from '../domain/page.ts';
import { readTiffPageBytes } from '../image/tiff.ts';
import type { PdfCache } from '../pdf/pdf-cache.ts';
import { inspectPdf } from '../pdf/read-scanned-pdf.ts';

export type { PageSource } from '../domain/page.ts';
export { shareOfBytes } from '../domain/page.ts';

/** A file or page of a document that cannot be used; the document fails, the batch goes on. */
export interface PageProblem {
  file: string;
  /** 1-based page of the file, when one page is at fault. */
  pageNumber?: number;
  error: InputError;
}

export interface LoadedBatch {
  batch: Batch;
  warnings: string[];
}

/**
 * Plans a batch from its manifest, or from its folder layout when it has none. Throws ConfigError when the
 * folder is missing, ManifestError with every mistake of the manifest (including files that do not exist),
 * and InputError when a batch without manifest holds no page files.
 */
export async function loadBatch(root: string, options: { batchId?: string } = {}): Promise<LoadedBatch> {
  const rootPath = path.resolve(root);
  await requireFolder(rootPath);
  const folderName = path.basename(rootPath);
  const entries = await readdir(rootPath, { withFileTypes: true });
  const manifests = entries
    .filter((e) => e.isFile() && (manifestFileNames as readonly string[]).includes(e.name.toLowerCase()))
    .map((e) => e.name)
    .sort();
  if (manifests.length > 1) {
    throw new ManifestError(folderName, [
      {
        where: '',
        field: '',
        code: 'MANIFEST_DUPLICATE',
        message: `found ${manifests.map((m) => `"${m}"`).join(' and ')}; a batch has one manifest: keep one and remove or rename the other`,
      },
    ]);
  }
  const manifestFile = manifests[0];
  const fallbackId = options.batchId ?? toSafeId(folderName);
  if (manifestFile === undefined) {
    const folders = await listFolders(rootPath, entries);
    const { dossiers, warnings } = planFromFolders(folderName, folders.listings);
    if (dossiers.length === 0) {
      throw new InputError('BATCH_NO_PAGES',
        `no page files found in ${rootPath}; expected JPEG, PNG, WebP or TIFF files, or a manifest.json / manifest.csv`,
        { file: rootPath },
      );
    }
    return { batch: { id: fallbackId, root: rootPath, dossiers }, warnings: [...warnings, ...folders.warnings] };
  }

  const text = decodeManifest(await readFile(path.join(rootPath, manifestFile)));
  if (typeof text !== 'string') throw new ManifestError(manifestFile, [text]);
  const plan = parseManifest(manifestFile, text);
  const { onDisk, problems } = await resolveReferences(rootPath, plan.references);
  const allProblems = [...plan.problems, ...problems];
  if (allProblems.length > 0) throw new ManifestError(manifestFile, sortProblems(allProblems));
  return {
    batch: {
      id: plan.batchId ?? fallbackId,
      root: rootPath,
      manifestFile,
      dossiers: withResolvedFiles(plan.dossiers, onDisk),
      ...(plan.stacks ? { stacks: plan.stacks.map((file) => onDisk.get(file) ?? file) } : {}),
    },
    warnings: plan.warnings,
  };
}

async function requireFolder(rootPath: string): Promise<void> {
  const info = await stat(rootPath).catch(() => undefined);
  if (info === undefined) {
    throw new ConfigError('BATCH_FOLDER_MISSING', `batch folder ${rootPath} does not exist; pass the folder that holds the page files and the manifest`, { file: rootPath });
  }
  if (!info.isDirectory()) {
    throw new ConfigError('BATCH_FOLDER_MISSING', `batch ${rootPath} is a file, not a folder; pass the folder that holds the page files and the manifest`, { file: rootPath });
  }
}

/** Strict UTF-8, because a manifest saved as Windows-1258 or UTF-16 would otherwise turn names into mojibake. */
function decodeManifest(bytes: Buffer): string | ManifestProblem {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return {
      where: '',
      field: '',
      code: 'MANIFEST_ENCODING',
      message: 'expected UTF-8 text but the file is in another encoding; save it as "CSV UTF-8" (Excel) or UTF-8 (text editors)',
    };
  }
}

/** CSV problems by row, JSON problems in the order found (already document order), then missing files. */
function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.row ?? 0) - (b.p.row ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

/**
 * The root and its sub-folders one level down; hidden folders and links are skipped, as a scanner never makes
 * them. Deeper folders are not read, and said so, since an office may expect them to become documents.
 */
async function listFolders(rootPath: string, entries: Dirent[]): Promise<{ listings: FolderListing[]; warnings: string[] }> {
  const listings: FolderListing[] = [{ folder: '', files: entries.filter((e) => e.isFile()).map((e) => e.name) }];
  const deeper: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const inside = await readdir(path.join(rootPath, entry.name), { withFileTypes: true });
    listings.push({ folder: entry.name, files: inside.filter((e) => e.isFile()).map((e) => e.name) });
    for (const e of inside) if (e.isDirectory() && !e.name.startsWith('.')) deeper.push(`"${entry.name}/${e.name}"`.normalize('NFC'));
  }
  const warnings =
    deeper.length === 0
      ? []
      : [`ignored folders inside dossier folders: ${deeper.join(', ')}; move their files up a level or list them in a manifest`];
  return { listings, warnings };
}

/**
 * Finds each referenced file on disk. Names are compared in NFC, so a manifest typed on Windows (NFC) finds
 * files copied from a Mac (NFD) and the other way round; the plan keeps the on-disk spelling so it opens.
 */
async function resolveReferences(
  rootPath: string,
  references: FileReference[],
): Promise<{ onDisk: Map<string, string>; problems: ManifestProblem[] }> {
  const onDisk = new Map<string, string>();
  const problems: ManifestProblem[] = [];
  const listings = new Map<string, Promise<string[]>>();
  const realRoot = await realpath(rootPath);
  const failures = new Map<string, string>();
  for (const reference of references) {
    if (!onDisk.has(reference.file) && !failures.has(reference.file)) {
      const found = await findOnDisk(rootPath, realRoot, reference.file, listings);
      if ('file' in found) onDisk.set(reference.file, found.file);
      else failures.set(reference.file, found.error);
    }
    const error = failures.get(reference.file);
    if (error !== undefined) {
      const { where, row, field } = reference;
      const problem: ManifestProblem = { where, field, message: error, code: 'MANIFEST_FILE_MISSING' };
      problems.push(row === undefined ? problem : { ...problem, row });
    }
  }
  return { onDisk, problems };
}

async function findOnDisk(
  rootPath: string,
  realRoot: string,
  file: string,
  listings: Map<string, Promise<string[]>>,
): Promise<{ file: string } | { error: string }> {
  const parts: string[] = [];
  for (const wanted of file.split('/')) {
    const folder = path.join(rootPath, ...parts);
    let names = listings.get(folder);
    if (names === undefined) {
      names = readdir(folder).catch(() => []);
      listings.set(folder, names);
    }
    const list = await names;
    const exact = list.find((n) => n === wanted) ?? list.find((n) => n.normalize('NFC') === wanted);
    if (exact === undefined) {
      const sameLetters = list.find((n) => n.normalize('NFC').toLowerCase() === wanted.toLowerCase());
      const hint =
        sameLetters === undefined
          ? 'check the name and the folder'
          : `did you mean "${[...parts, sameLetters].join('/').normalize('NFC')}"? Names are case-sensitive`;
      return { error: `file "${file}" was not found in the batch folder; ${hint}` };
    }
    parts.push(exact);
  }
  const absolute = path.join(rootPath, ...parts);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined || !info.isFile()) return { error: `expected a file but "${file}" is ${info?.isDirectory() ? 'a folder' : 'not a regular file'}` };
  const real = await realpath(absolute);
  if (!real.startsWith(realRoot + path.sep)) return { error: `"${file}" is a link that leads out of the batch folder; copy the file into the batch instead` };
  return { file: parts.join('/') };
}

/**
 * Lists the pages of a document in order: every page of each file, or the pages its manifest entry selects.
 * Files that cannot be used (unreadable images; encrypted, damaged or scripted PDFs; pages beyond the end) come
 * back as problems.
 */
export async function listDocumentPages(
  batch: Batch,
  dossier: DossierPlan,
  document: DocumentPlan,
  options: { pdfs?: PdfCache } = {},
): Promise<{ pages: PageSource[]; problems: PageProblem[] }> {
  const pages: PageSource[] = [];
  const problems: PageProblem[] = [];
  for (const source of document.sources) {
    const shown = source.file.normalize('NFC');
    const filePath = path.join(batch.root, source.file);
    const probed = fileType(source.file) === 'pdf' ? await probePdf(filePath, shown, options.pdfs) : await probe(filePath, shown);
    if ('error' in probed) {
      problems.push({ file: shown, error: probed.error });
      continue;
    }
    const selected = source.pages ?? Array.from({ length: probed.pageCount }, (_, i) => i + 1);
    for (const filePageNumber of selected) {
      if (filePageNumber > probed.pageCount) {
        const has = probed.pageCount === 1 ? 'has 1 page' : `has ${probed.pageCount} pages`;
        problems.push({
          file: shown,
          pageNumber: filePageNumber,
          error: new InputError('PAGE_NOT_IN_FILE',
            `"${shown}" page ${filePageNumber} was asked for but the file ${has}; fix the "pages" of this file in ${batch.manifestFile ?? 'the manifest'}`,
            { file: shown, pageNumber: filePageNumber },
          ),
        });
        continue;
      }
      pages.push({
        ref: { dossierId: dossier.id, documentId: document.id, pageNumber: pages.length + 1, file: source.file, filePageNumber },
        path: filePath,
        pageIndex: filePageNumber - 1,
        inputBytes: probed.pageBytes?.[filePageNumber - 1] ?? shareOfBytes(probed.sizeBytes, probed.pageCount, filePageNumber - 1),
      });
    }
  }
  return { pages, problems };
}

function fileError(code: ErrorCode, file: string, reason: string): InputError {
  return new InputError(code, `"${file}": ${reason}`, { file });
}

interface ProbedFile {
  pageCount: number;
  sizeBytes: number;
  /** Bytes of each page where the file says (a multi-page TIFF); an even split otherwise. */
  pageBytes?: number[];
}

/**
 * Page count from the header only (sharp reads no pixels for metadata), so listing a batch stays cheap. A
 * multi-page TIFF's pages differ in size (a blank back against a dense form), so each gets its own bytes.
 */
async function probe(filePath: string, shown: string): Promise<ProbedFile | { error: InputError }> {
  try {
    const [info, metadata] = await Promise.all([stat(filePath), sharp(filePath).metadata()]);
    const pageCount = Math.max(1, metadata.pages ?? 1);
    const pageBytes = metadata.format === 'tiff' && pageCount > 1 ? await readTiffPageBytes(filePath, info.size) : undefined;
    return { pageCount, sizeBytes: info.size, ...(pageBytes?.length === pageCount ? { pageBytes } : {}) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') return { error: fileError('FILE_MISSING', shown, 'the file is no longer in the batch folder; put it back or remove it from the manifest') };
    const reason = describeError(err);
    return { error: fileError('IMAGE_UNREADABLE', shown, `could not be read as an image (${reason}); re-scan it or export it again as JPEG, PNG or TIFF`) };
  }
}

/**
 * Page count from the PDF's objects; refusals (encrypted, damaged, JavaScript) arrive as InputErrors naming the file.
 * Through the run's `pdfs`, the file is not checked again when its pages are taken out.
 */
async function probePdf(filePath: string, shown: string, pdfs: PdfCache | undefined): Promise<ProbedFile | { error: InputError }> {
  try {
    const { pageCount } = await (pdfs ? pdfs.inspect(filePath, shown) : inspectPdf(filePath, { name: shown }));
    return { pageCount, sizeBytes: (await stat(filePath)).size };
  } catch (err) {
    if (err instanceof InputError) return { error: err };
    throw err;
  }
}


/** SHA-256 of a file, hex, read as a stream so large TIFFs never sit in memory whole. */
export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}
