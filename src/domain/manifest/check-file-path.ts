// Checks of the file references in a manifest: the path, the page selection, and the natural order of names.
import { posix } from 'node:path';
import { imageExtensions, pdfExtensions } from '../batch.ts';
import { quote } from './manifest-error.ts';

export const supportedList = 'JPEG, PNG, WebP or TIFF';
const expectedFile = `a ${supportedList} file (${imageExtensions.join(', ')})`;

/** 'image' for page images, 'pdf' for PDFs (planned, then refused at page listing), undefined otherwise. */
export function fileType(file: string): 'image' | 'pdf' | undefined {
  const ext = posix.extname(file).toLowerCase();
  if ((imageExtensions as readonly string[]).includes(ext)) return 'image';
  if ((pdfExtensions as readonly string[]).includes(ext)) return 'pdf';
  return undefined;
}

/**
 * Checks a file reference from a manifest and returns it normalized (NFC, `a/../b` folded), or what was wrong.
 * NFC because that is how people type; the I/O shell then matches it against NFC or NFD names on disk.
 */
export function checkFilePath(value: string, show: (v: string) => string = quote): { file: string } | { error: string } {
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.length === 0) return { error: `expected a file path relative to the batch folder, like "HS-001/p1.png", but received ${show(value)}` };
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return { error: `expected a file path without control characters but received ${show(value)}` };
  if (trimmed.startsWith('/') || trimmed.startsWith('~') || /^[A-Za-z]:/.test(trimmed) || trimmed.startsWith('\\\\')) {
    return { error: `expected a path relative to the batch folder, like "HS-001/p1.png", but received the absolute path ${show(value)}` };
  }
  if (trimmed.includes('\\')) {
    return { error: `expected forward slashes between folders but received ${show(value)}; write ${quote(trimmed.replaceAll('\\', '/'))}` };
  }
  const file = posix.normalize(trimmed);
  if (file === '..' || file.startsWith('../')) {
    return { error: `expected a path inside the batch folder but received ${show(value)}, which leads out of it; copy the file into the batch` };
  }
  if (file === '.' || file.endsWith('/')) return { error: `expected a file, not a folder, but received ${show(value)}` };
  if (fileType(file) === undefined) return { error: `expected ${expectedFile} but received ${show(value)}` };
  return { file };
}

const maxPagesPerSelection = 10_000;

/** Parses a page selection like `1-3,5` (1-based, in the order given); the error reads "expected … but received …". */
export function parsePageSelection(value: string): { pages: number[] } | { error: string } {
  const fail = (why = '') => ({ error: `expected page numbers like "1-3,5"${why} but received ${quote(value)}` });
  const pages: number[] = [];
  for (const part of value.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null) return fail();
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1) return fail(' (pages count from 1)');
    if (to < from) return fail(' (ranges go from low to high)');
    if (pages.length + (to - from + 1) > maxPagesPerSelection) return fail(` (at most ${maxPagesPerSelection} pages)`);
    for (let page = from; page <= to; page++) pages.push(page);
  }
  return checkPageList(pages) ?? { pages };
}

export function checkPageList(pages: number[]): { error: string } | undefined {
  const seen = new Set<number>();
  for (const page of pages) {
    if (seen.has(page)) return { error: `expected each page once but page ${page} is listed twice` };
    seen.add(page);
  }
  return undefined;
}

const natural = new Intl.Collator('vi', { numeric: true, sensitivity: 'variant' });

/** Natural order for file and folder names (`p2` before `p10`), stable across NFC/NFD spellings. */
export function compareNatural(a: string, b: string): number {
  const x = a.normalize('NFC');
  const y = b.normalize('NFC');
  return natural.compare(x, y) || (x < y ? -1 : x > y ? 1 : 0);
}
