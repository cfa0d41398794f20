// The PDFs a batch run has open: each input parsed and checked once, shared by its users, closed after the last.
import { stat } from 'node:fs/promises';
import { InputError } from '../domain/errors.ts';
import { inspectPdf, openScannedPdf, type ScannedPdf } from './read-scanned-pdf.ts';

/** How the cache reads a PDF; tests count the calls (each one is a parse of the whole file). */
export interface PdfOpener {
  /** Parses and checks a PDF for its page count, keeping nothing (`inspectPdf`). */
  inspect(filePath: string, name: string): Promise<{ pageCount: number }>;
  /** Parses a PDF to take its pages out; `checked`: this very file already passed the checks (`openScannedPdf`). */
  open(filePath: string, options: { name: string; checked: boolean }): Promise<ScannedPdf>;
}

export const scannedPdfOpener: PdfOpener = {
  inspect: (filePath, name) => inspectPdf(filePath, { name }),
  open: (filePath, options) => openScannedPdf(filePath, options),
};

/** One user's hold on a PDF: `pdf()` parses it on first need (once for all users), `release()` lets it go. */
export interface PdfLease {
  pdf(): Promise<ScannedPdf>;
  release(): Promise<void>;
}

/** The PDFs of one document's pages: each leased on first need, all released together when its pages are read. */
export interface DocumentPdfs {
  open(filePath: string, name: string): Promise<ScannedPdf>;
  /** The PDFs opened, in the order they were first needed. */
  opened(): Promise<ScannedPdf>[];
  release(): Promise<void>;
}

/** Parses kept from ingest for their first user, at most this many bytes of PDF at once (see `PdfCache`). */
export const defaultKeptBytes = 32 * 1024 * 1024;

interface Entry {
  /** Size and modification time of the file when it was parsed. */
  identity: string | undefined;
  opened: Promise<ScannedPdf> | undefined;
  users: number;
  /** Bytes of a parse ingest kept and no user has taken yet; 0 otherwise. */
  keptBytes: number;
}

/**
 * Owned by the batch run (`runBatch`, `runBatchDossier`) and closed when it ends. Ingest's page count comes first,
 * for the whole batch: it must be the full check (pdf-lib's parse, %%EOF, a password, JavaScript), since a refused
 * file fails its document in the plan, before any page runs. What costs is the parse: pdf-lib took 5–55 ms on the
 * real samples (0.2–3 MB), the JavaScript walk 0.1–2 ms, pdf.js's lazy open 1–4 ms; keeping every parse until its
 * document runs would hold the whole batch in memory. So ingest's parse is kept for the document only while the
 * parses kept stay under `keptBytes` (the first dossiers, and all of a queue job, which plans one dossier: those
 * files are parsed once in all); past that, the cache keeps the verdict alone (file path, size, modification time)
 * and the document's open parses again without checking again. A document leases its PDFs while its pages are
 * taken out; the report leases a file until its last picture; a PDF is closed when its last lease is released.
 */
export class PdfCache {
  readonly #opener: PdfOpener;
  readonly #keptBytesLimit: number;
  readonly #entries = new Map<string, Entry>();
  /** Files that passed ingest's checks, by path: the identity they had then. */
  readonly #checked = new Map<string, string>();
  #keptBytes = 0;

  constructor(options: { opener?: PdfOpener; keptBytes?: number } = {}) {
    this.#opener = options.opener ?? scannedPdfOpener;
    this.#keptBytesLimit = options.keptBytes ?? defaultKeptBytes;
  }

  /** Ingest's page count, refusing what `inspectPdf` refuses; the parse is kept for the file's first user when it fits. */
  async inspect(filePath: string, name: string): Promise<{ pageCount: number }> {
    const file = await identityOf(filePath);
    const key = entryKey(filePath, name);
    const listed = this.#entries.get(key);
    // A file listed twice (two documents of its pages) is counted from the parse already kept.
    if (file !== undefined && listed?.opened !== undefined && listed.identity === file.identity) return { pageCount: (await listed.opened).pageCount };
    if (file === undefined || listed !== undefined || this.#keptBytes + file.sizeBytes > this.#keptBytesLimit) return this.#inspectOnly(filePath, name, file?.identity);
    let pdf: ScannedPdf;
    try {
      pdf = await this.#opener.open(filePath, { name, checked: this.#checked.get(filePath) === file.identity });
    } catch (err) {
      if (err instanceof InputError) throw err;
      // Not a refusal but a failure of the open itself: the count is left to the plain check, the failure to the pages.
      return this.#inspectOnly(filePath, name, file.identity);
    }
    this.#checked.set(filePath, file.identity);
    this.#entries.set(key, { identity: file.identity, opened: Promise.resolve(pdf), users: 0, keptBytes: file.sizeBytes });
    this.#keptBytes += file.sizeBytes;
    return { pageCount: pdf.pageCount };
  }

  async #inspectOnly(filePath: string, name: string, identity: string | undefined): Promise<{ pageCount: number }> {
    const counted = await this.#opener.inspect(filePath, name);
    if (identity !== undefined) this.#checked.set(filePath, identity);
    return counted;
  }

  /** A hold on the PDF at `filePath`, shown as `name` in errors and records; nothing is read until `pdf()`. */
  lease(filePath: string, name: string): PdfLease {
    const key = entryKey(filePath, name);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { identity: undefined, opened: undefined, users: 0, keptBytes: 0 };
      this.#entries.set(key, entry);
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      pdf: () => this.#openEntry(filePath, name, held),
      release: async () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users === 0) await this.#drop(key, held);
      },
    };
  }

  /** A document's PDFs, one lease per file, as its pages need them. */
  forDocument(): DocumentPdfs {
    const leases = new Map<string, { lease: PdfLease; pdf: Promise<ScannedPdf> }>();
    return {
      open: (filePath, name) => {
        let held = leases.get(filePath);
        if (held === undefined) {
          const lease = this.lease(filePath, name);
          held = { lease, pdf: lease.pdf() };
          leases.set(filePath, held);
        }
        return held.pdf;
      },
      opened: () => [...leases.values()].map((held) => held.pdf),
      release: async () => {
        await Promise.all([...leases.values()].map((held) => held.lease.release()));
      },
    };
  }

  /** Closes every PDF still open, kept or leased: the run is over. */
  async close(): Promise<void> {
    const entries = [...this.#entries];
    await Promise.all(entries.map(([key, entry]) => this.#drop(key, entry)));
  }

  #openEntry(filePath: string, name: string, entry: Entry): Promise<ScannedPdf> {
    if (entry.opened !== undefined && entry.keptBytes === 0) return entry.opened;
    const kept = entry.opened;
    this.#keptBytes -= entry.keptBytes;
    entry.keptBytes = 0;
    entry.opened = this.#open(filePath, name, entry, kept);
    // Awaited by the users; a failure reaches each of them, never as an unobserved rejection here.
    entry.opened.catch(() => undefined);
    return entry.opened;
  }

  /** Ingest's parse when the file is still the one it parsed, else a new one (checked again if the file changed). */
  async #open(filePath: string, name: string, entry: Entry, kept: Promise<ScannedPdf> | undefined): Promise<ScannedPdf> {
    const file = await identityOf(filePath);
    if (kept !== undefined) {
      if (file !== undefined && file.identity === entry.identity) return kept;
      await (await kept).close();
    }
    entry.identity = file?.identity;
    const checked = file !== undefined && this.#checked.get(filePath) === file.identity;
    return this.#opener.open(filePath, { name, checked });
  }

  async #drop(key: string, entry: Entry): Promise<void> {
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    this.#keptBytes -= entry.keptBytes;
    entry.keptBytes = 0;
    const opened = entry.opened;
    entry.opened = undefined;
    if (opened !== undefined) await opened.then((pdf) => pdf.close(), () => undefined);
  }
}

function entryKey(filePath: string, name: string): string {
  return `${filePath}\u0000${name}`;
}

/**
 * What tells a file from a changed copy at the same path without reading it: its size and modification time. A
 * reopen of a file with the same identity skips the checks ingest made (%PDF, %%EOF, pages, JavaScript): a copy
 * swapped in with the same size and time would escape them for the run. Hashing the file again would close that
 * gap at the cost of a second read of every PDF; the dossier's checksums, taken at the start, still name the
 * bytes the records were made from, and with originals kept the store refuses one whose bytes changed (FILE_CHANGED).
 */
async function identityOf(filePath: string): Promise<{ identity: string; sizeBytes: number } | undefined> {
  const info = await stat(filePath).catch(() => undefined);
  return info === undefined ? undefined : { identity: `${info.size}:${info.mtimeMs}`, sizeBytes: info.size };
}
