// The records sohoa publishes: one per document, one per dossier (the commit marker), one report per batch.
import type { BatchSplitReport, DossierKind } from './batch.ts';
import type { WarningCode } from './error-codes.ts';
import type { ErrorReport } from './errors.ts';
import type { PdfSignature } from './signature.ts';
import type { FieldConflict, FieldValue } from './metadata/model.ts';
import type { PartialField } from './metadata/partial.ts';
import type { Box, ColourMode, OrientationSource } from './page.ts';

export const documentRecordSchema = 'sohoa.document/2';
export const dossierRecordSchema = 'sohoa.dossier/2';
export const batchReportSchema = 'sohoa.report/3';

export interface SourceFileRecord {
  file: string;
  sha256: string;
  sizeBytes: number;
  /** Key of the file kept unchanged in the store (pipeline `store.keepOriginals`); its SHA-256 is the one above. */
  storedAs?: string;
}

export interface OutputRecord {
  key: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export interface PageRecord {
  pageNumber: number;
  file: string;
  filePageNumber: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
  dpiAssumed: boolean;
  /** The sheet an assumed `dpi` was inferred from ("A4 portrait"). */
  dpiInferredFrom?: string;
  colourMode: ColourMode;
  rotationDeg: number;
  orientation: { source: OrientationSource; confidence?: number };
  skewDeg: number;
  meanConfidence: number;
  wordCount: number;
  /**
   * What the page weighed in its input: an image file's bytes spread over its pages (a multi-page TIFF's own bytes
   * per page), or a PDF page's content streams plus the images and forms it draws (see `pageInputBytes`).
   */
  inputBytes: number;
  /** Encoded bytes of the page's image stream in the PDF; with `inputBytes`, what storing the page cost. */
  outputBytes: number;
  /** Encoded bytes of the page's content stream in the PDF: the image placement and the invisible text layer. */
  textLayerBytes: number;
  /** Reasons a person should look at the page again; the page itself is kept. */
  flags: string[];
  warnings: string[];
}

export interface EngineRecord {
  engine: string;
  engineVersion: string;
  languages: string[];
  model: string;
}

export interface ProvenanceRecord {
  software: { name: 'sohoa'; version: string };
  pipeline: { name: string; sha256: string };
  ocr: EngineRecord;
}

/** A QR code found on a page: where, what it said, and what could not be read from it. */
export interface QrRecord {
  pageNumber: number;
  /** In pixels of the page image, origin top-left. */
  box: Box;
  format: string;
  /** The content as decoded; it may carry a personal ID number, so it stays in records, never in logs. */
  text: string;
  /** Keys the content carried that sohoa does not know: kept, never dropped silently. */
  unrecognised: string[];
  problems: string[];
}

/** A digital signature found in an input PDF (see src/pdf/pdf-signatures.ts), with the file it is in. */
export type SignatureRecord = PdfSignature & { file: string };

/**
 * A document's record. Its bytes depend only on the inputs, the pipeline and the software: timings live in the
 * batch report, and `createdAt` is the newest modification time of the dossier's input files, so a dossier
 * redone after a crash is published byte for byte as an uninterrupted run would have published it.
 */
export interface DocumentRecord {
  schema: typeof documentRecordSchema;
  batchId: string;
  dossierId: string;
  documentId: string;
  title?: string;
  /** Every field with its value and where it came from (manifest, qr, ocr with page/box/confidence, derived). */
  metadata: Record<string, FieldValue>;
  /** Values the sources disagree on, for a person to review; the chosen value is in `metadata`. */
  conflicts: FieldConflict[];
  qrCodes: QrRecord[];
  sources: SourceFileRecord[];
  /** The digital signatures of its PDF inputs; absent when there are none. */
  signatures?: SignatureRecord[];
  pageCount: number;
  pages: PageRecord[];
  meanConfidence: number;
  provenance: ProvenanceRecord;
  outputs: OutputRecord[];
  warnings: string[];
  createdAt: string;
}

export interface DossierDocumentEntry {
  documentId: string;
  title?: string;
  status: 'done' | 'failed';
  pageCount: number;
  record?: OutputRecord;
  outputs: OutputRecord[];
  errors: string[];
}

export interface DossierRecord {
  schema: typeof dossierRecordSchema;
  batchId: string;
  dossierId: string;
  code?: string;
  title?: string;
  kind: DossierKind;
  metadata: Record<string, FieldValue>;
  conflicts: FieldConflict[];
  /** Decides whether a later run can skip the dossier: same inputs, same pipeline, same software. */
  fingerprint: string;
  provenance: ProvenanceRecord;
  documents: DossierDocumentEntry[];
  /** The dossier and its documents as XML after the Decree 30/2020 Appendix VI input standard. */
  exports: OutputRecord[];
  /** See DocumentRecord.createdAt: from the inputs, not the clock. */
  createdAt: string;
}

/** `not-started`: the run was interrupted (Ctrl-C, SIGTERM) before the page was published; the next run does it. */
export type PageStatus = 'done' | 'failed' | 'not-started';

/** A warning on a page that was kept: a stable code (error-codes.ts, kind "warning") and a message with the numbers. */
export interface PageWarning {
  code: WarningCode;
  message: string;
}

export interface PageReport {
  pageNumber: number;
  file: string;
  filePageNumber?: number;
  status: PageStatus;
  meanConfidence?: number;
  flags: string[];
  /** Warnings with a code, present when there are any; the page's other warnings are in its document record. */
  warnings?: PageWarning[];
  /** Why the page failed: a stable code (error-codes.ts), its kind, and the message naming file, page and fix. */
  error?: ErrorReport;
  timings?: { normalizeMs: number; recognizeMs: number };
}

export interface DocumentReport {
  documentId: string;
  status: 'done' | 'failed' | 'not-started';
  pages: PageReport[];
  /** Why the document was not stored: its failed pages' errors, or one of its own. */
  errors: ErrorReport[];
  /** Metadata values the sources disagree on, one line each (personal data masked). */
  conflicts?: string[];
  /** Fields read in part (a hand-written number, a blank day), with what a person must enter. */
  partial?: PartialField[];
  /** The digital signatures of its PDF inputs: who signed, when, and whether the signature holds. */
  signatures?: { file: string; signer?: string; organization?: string; signingTime?: string; valid: boolean | null }[];
  timings?: { pagesMs: number; extractMs: number; assembleMs: number };
}

export interface DossierReport {
  dossierId: string;
  /** `not-started`: the run was interrupted before its `dossier.json` was written; running again does it. */
  status: 'done' | 'failed' | 'skipped' | 'not-started';
  /** Why a dossier was skipped, not started or failed as a whole. */
  reason?: string;
  /** The error that failed the dossier as a whole (its retries ran out, its worker was lost, a bug). */
  error?: ErrorReport;
  documents: DocumentReport[];
  durationMs: number;
}

export interface BatchReport {
  schema: typeof batchReportSchema;
  batchId: string;
  pipeline: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  totals: {
    dossiers: number;
    documents: number;
    pages: number;
    pagesDone: number;
    pagesFailed: number;
    documentsFailed: number;
    dossiersSkipped: number;
    /** Dossiers and pages an interrupted run did not publish. */
    dossiersNotStarted: number;
    documentsNotStarted: number;
    pagesNotStarted: number;
  };
  dossiers: DossierReport[];
  warnings: string[];
  /** How each scanned stack was cut, when the batch was split. */
  split?: BatchSplitReport;
  /** Set when the run was stopped by a signal before the batch was done. */
  interrupted?: { signal: string };
}

/** Flags a page for review without changing it. */
export function pageFlags(
  page: { meanConfidence: number; wordCount: number; dpi: number; dpiAssumed: boolean; dpiInferredFrom?: string; rotationDeg: number; skewDeg: number; blank?: boolean },
  lowConfidence: number,
): string[] {
  const flags: string[] = [];
  if (page.blank) flags.push('blank');
  if (page.wordCount === 0 && !page.blank) flags.push('no-text');
  else if (page.meanConfidence < lowConfidence) flags.push('low-confidence');
  // The national rule for digitized paper asks for at least 200 dpi.
  if (page.dpi < 200) flags.push('under-200-dpi');
  if (page.dpiInferredFrom) flags.push('dpi-inferred');
  else if (page.dpiAssumed) flags.push('dpi-assumed');
  if (page.rotationDeg !== 0) flags.push('rotated');
  if (Math.abs(page.skewDeg) >= 0.1) flags.push('deskewed');
  return flags;
}

/**
 * A stored page may take at most this many times its input's bytes before it is reported: a page stored in colour
 * when its scan was 1-bit, or drawn at a finer resolution than its scan, is several times larger; what JPEG
 * re-encoding, a G4 strip's framing and a text layer add stays well below it.
 */
export const maxOutputToInputRatio = 1.5;

/**
 * PAGE_OUTPUT_LARGER when the page's image and text layer in the PDF exceed `maxOutputToInputRatio` times its input
 * bytes. Pages whose input size is unknown (0) are not judged.
 */
const colourWords: Record<ColourMode, string> = { bitonal: 'black-and-white', gray: 'gray', colour: 'colour' };

export function outputSizeWarning(page: Pick<PageRecord, 'inputBytes' | 'outputBytes' | 'textLayerBytes' | 'colourMode' | 'dpi'>): PageWarning | undefined {
  const stored = page.outputBytes + page.textLayerBytes;
  if (page.inputBytes <= 0 || stored <= maxOutputToInputRatio * page.inputBytes) return undefined;
  const ratio = (stored / page.inputBytes).toFixed(1);
  return {
    code: 'PAGE_OUTPUT_LARGER',
    message:
      `the page takes ${stored} bytes in the PDF (image ${page.outputBytes}, text layer ${page.textLayerBytes}), ${ratio} times its ${page.inputBytes} input bytes; ` +
      `it is stored as a ${colourWords[page.colourMode]} page at ${page.dpi} dpi: if its scan is black and white or gray, or coarser, send the input file to the operators`,
  };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
