// The plan of a scan batch: which input files make which documents of which dossiers.

/** One input file, or some of its pages, contributing pages to a document. */
export interface SourceRef {
  /** Path relative to the batch root, with forward slashes. */
  file: string;
  /** 1-based page numbers to take from a multi-page file; all pages when absent. */
  pages?: number[];
}

/** Kind of a dossier: components of an application, or the result of a procedure. */
export type DossierKind = 'component' | 'result';

export interface DocumentPlan {
  /** Safe identifier, unique within the dossier; names the output files. */
  id: string;
  title?: string;
  /** Free metadata from the manifest (document type, number, date...), kept as given. */
  metadata: Record<string, string>;
  sources: SourceRef[];
}

export interface DossierPlan {
  /** Safe identifier, unique within the batch; names the output folder. */
  id: string;
  /** Dossier code from the manifest, when given. */
  code?: string;
  title?: string;
  kind: DossierKind;
  metadata: Record<string, string>;
  documents: DocumentPlan[];
}

export interface Batch {
  id: string;
  /** Absolute path of the batch folder. */
  root: string;
  /** Which manifest was read, relative to root, or undefined when the layout was inferred. */
  manifestFile?: string;
  dossiers: DossierPlan[];
  /** Files the manifest marks as scanned stacks, to be cut into dossiers by the split stage. */
  stacks?: string[];
  /** How the split stage made `dossiers` from stacks, when it did: the batch report shows it. */
  split?: BatchSplitReport;
}

/** One cut of a stack: the page of the file (from 1), the rule, the value read, where the pages after it went. */
export interface StackCut {
  page: number;
  rule: 'cover-sheet' | 'circular-01-2023' | 'separator';
  value: string;
  starts: 'dossier' | 'document';
  /** The sheet is not in the outputs (it stays in the batch, the provenance). */
  sheetLeftOut: boolean;
  /** Absent when no page followed the sheet. */
  dossierId?: string;
  documentId?: string;
}

export interface StackSplitReport {
  /** The stack file, relative to the batch root. */
  file: string;
  pages: number;
  /** Set when the pages were collated from two passes before the cut. */
  collated?: 'odd-then-reversed-even';
  cuts: StackCut[];
  /** Pages of the file left out as blank backs. */
  blankPagesLeftOut: number[];
  /** Doubts for a person: a code found but unreadable, a sheet followed by no page, codes that disagree… */
  review: Array<{ page?: number; kind: string; reason: string }>;
  /** The stack could not be cut (no separator, an uneven duplex pass): none of its pages were run. */
  error?: { code: string; message: string };
  durationMs: number;
}

export interface BatchSplitReport {
  stacks: StackSplitReport[];
}

export type FailedStack = StackSplitReport & { error: NonNullable<StackSplitReport['error']> };

/** The stacks of a batch that could not be cut or read: their pages are in no dossier. */
export function failedStacks(split: BatchSplitReport | undefined): FailedStack[] {
  return (split?.stacks ?? []).filter((stack): stack is FailedStack => stack.error !== undefined);
}

/** How a scanned stack is cut (declared and checked by the split stage, stages/split-stacks.ts; carried by queued jobs). */
export interface SplitOptions {
  /** A separator value, or a /pattern/. */
  separator: string;
  keepSeparator: boolean;
  dropBlankPages: boolean;
  duplex: 'none' | 'odd-then-reversed-even';
}

/** File extensions accepted as page images. */
export const imageExtensions = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff'] as const;
/** Extensions read as PDFs: each page's scan is taken out, or the page rendered (see pdf/read-scanned-pdf.ts). */
export const pdfExtensions = ['.pdf'] as const;

export function countSources(batch: Batch): number {
  return batch.dossiers.reduce((n, d) => n + d.documents.reduce((m, doc) => m + doc.sources.length, 0), 0);
}

/** Makes a string safe to use as an id and file name: NFC, ASCII-folded, [A-Za-z0-9._-]. */
export function toSafeId(value: string): string {
  const folded = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'));
  const safe = folded.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return safe.length > 0 ? safe.slice(0, 120) : 'unnamed';
}
