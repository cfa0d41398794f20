// Reads TIFF files without decoding pixels: the strips of the first page (CCITT G4 data goes into a PDF as it is),
// each page's share of the file's bytes, and a page's X and Y resolutions.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { InputError } from '../domain/errors.ts';

/** The first image of a TIFF as stored: its tags that matter for passing data through, and its strips. */
export interface TiffStrips {
  widthPx: number;
  heightPx: number;
  /** TIFF Compression tag: 1 none, 3 CCITT G3, 4 CCITT G4, 5 LZW, 7 JPEG, 8 Deflate... */
  compression: number;
  /** TIFF PhotometricInterpretation: 0 = WhiteIsZero (min-is-white), 1 = BlackIsZero (min-is-black). */
  photometric: number;
  bitsPerSample: number;
  /** 1 = most significant bit first (what PDF filters read), 2 = least significant first. */
  fillOrder: number;
  rowsPerStrip: number;
  /** Encoded bytes of each strip, top to bottom; views into the input, not copies. */
  strips: Uint8Array[];
}

/** One CCITT G4 stream for a whole bitonal page, with the polarity a PDF CCITTFaxDecode filter needs. */
export interface G4Page {
  bytes: Uint8Array;
  widthPx: number;
  heightPx: number;
  /**
   * G4 codes white and black runs; libtiff codes 0 bits as "white" runs. With min-is-white data those are paper
   * (BlackIs1 false, PDF's default); with min-is-black data the "white" runs are ink, so the PDF must say BlackIs1.
   */
  blackIs1: boolean;
}

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  fillOrder: 266,
  stripOffsets: 273,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  tileWidth: 322,
} as const;

/** Bytes per value of the TIFF field types used by the tags read here (BYTE, SHORT, LONG). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 3: 2, 4: 4 };

function fail(why: string): never {
  throw new InputError('PAGE_IMAGE_UNSUPPORTED', `The TIFF cannot be passed through (${why}); decode and re-encode it instead`);
}

/** The 8-byte header of a classic (not Big) TIFF: byte order and where the first directory is; else why not. */
function readTiffHeader(bytes: Uint8Array): { le: boolean; firstDirectory: number } | { problem: string } {
  if (bytes.length < 8) return { problem: 'shorter than a TIFF header' };
  const order = String.fromCharCode(bytes[0]!, bytes[1]!);
  if (order !== 'II' && order !== 'MM') return { problem: 'no byte-order mark' };
  const le = order === 'II';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(2, le) !== 42) return { problem: 'not a classic TIFF (BigTIFF or another format)' };
  return { le, firstDirectory: view.getUint32(4, le) };
}

/** Parses the header and first IFD of a classic (not Big) TIFF, either byte order. */
export function readTiffStrips(bytes: Uint8Array): TiffStrips {
  const header = readTiffHeader(bytes);
  if ('problem' in header) fail(header.problem);
  const { le } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tags = readIfd(view, header.firstDirectory, le);
  const scalar = (tag: number, fallback?: number): number => {
    const value = tags.get(tag)?.[0] ?? fallback;
    if (value === undefined) fail(`tag ${tag} missing`);
    return value;
  };
  if (tags.has(TAG.tileWidth)) fail('tiled, not stripped');
  const widthPx = scalar(TAG.width);
  const heightPx = scalar(TAG.height);
  const offsets = tags.get(TAG.stripOffsets) ?? fail('no strip offsets');
  const counts = tags.get(TAG.stripByteCounts) ?? fail('no strip byte counts');
  if (offsets.length !== counts.length) fail('strip offsets and byte counts differ in number');
  const strips = offsets.map((offset, i) => {
    const end = offset + counts[i]!;
    if (end > bytes.length) fail(`strip ${i} runs past the end of the file`);
    return bytes.subarray(offset, end);
  });
  return {
    widthPx,
    heightPx,
    compression: scalar(TAG.compression, 1),
    photometric: scalar(TAG.photometric),
    bitsPerSample: scalar(TAG.bitsPerSample, 1),
    fillOrder: scalar(TAG.fillOrder, 1),
    // The TIFF default (2^32 − 1) means "one strip".
    rowsPerStrip: scalar(TAG.rowsPerStrip, 0xffffffff),
    strips,
  };
}

function readIfd(view: DataView, offset: number, le: boolean): Map<number, number[]> {
  if (offset + 2 > view.byteLength) fail('the first directory lies past the end of the file');
  const entryCount = view.getUint16(offset, le);
  if (offset + 2 + entryCount * 12 > view.byteLength) fail('the first directory is cut off');
  const tags = new Map<number, number[]>();
  for (let i = 0; i < entryCount; i++) {
    const entry = offset + 2 + i * 12;
    const type = view.getUint16(entry + 2, le);
    const size = TYPE_SIZE[type];
    if (size === undefined) continue; // rationals, strings and the like: none of the tags read here
    const count = view.getUint32(entry + 4, le);
    const start = count * size <= 4 ? entry + 8 : view.getUint32(entry + 8, le);
    if (start + count * size > view.byteLength) fail(`tag ${view.getUint16(entry, le)} points past the end of the file`);
    const values: number[] = [];
    for (let k = 0; k < count; k++) {
      const at = start + k * size;
      values.push(size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at, le) : view.getUint32(at, le));
    }
    tags.set(view.getUint16(entry, le), values);
  }
  return tags;
}

/**
 * The page's G4 data when it is one strip: a G4 strip is coded against the strip's own first line, so strips
 * cannot be joined into one stream. Write the TIFF with rows-per-strip ≥ height (sharp: `tileHeight`).
 */
export function readSingleG4Strip(bytes: Uint8Array): G4Page {
  return singleG4Strip(readTiffStrips(bytes));
}

/** As `readSingleG4Strip`, for a TIFF already parsed. */
export function singleG4Strip(tiff: TiffStrips): G4Page {
  if (tiff.compression !== 4) fail(`compression ${tiff.compression}, not CCITT G4 (4)`);
  if (tiff.bitsPerSample !== 1) fail(`${tiff.bitsPerSample} bits per sample, not 1`);
  if (tiff.fillOrder !== 1) fail('bits stored least significant first, which PDF filters do not read');
  if (tiff.photometric !== 0 && tiff.photometric !== 1) fail(`photometric interpretation ${tiff.photometric}, not black and white`);
  if (tiff.strips.length !== 1) fail(`${tiff.strips.length} strips; one strip for the whole page is needed`);
  return { bytes: tiff.strips[0]!, widthPx: tiff.widthPx, heightPx: tiff.heightPx, blackIs1: tiff.photometric === 1 };
}

/** Reads `length` bytes of a file at `offset` (fewer at its end). */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

/** A `ByteReader` over an open file of `sizeBytes`: a read never allocates past the file's end. */
function fileReader(handle: FileHandle, sizeBytes: number): ByteReader {
  return async (offset, length) => {
    const buffer = Buffer.alloc(Math.max(0, Math.min(length, sizeBytes - offset)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  };
}

/** `tiffPageBytes` of a file on disk, read through a file handle so a large TIFF never sits in memory whole. */
export async function readTiffPageBytes(filePath: string, sizeBytes: number): Promise<number[] | undefined> {
  const handle = await open(filePath, 'r');
  try {
    return await tiffPageBytes(fileReader(handle, sizeBytes), sizeBytes);
  } finally {
    await handle.close();
  }
}

const IMAGE_DATA_COUNT_TAGS = new Set([279 /* StripByteCounts */, 325 /* TileByteCounts */]);
/** More directories than any scanner writes; a longer chain is a loop or damage. */
const MAX_DIRECTORIES = 100_000;

/**
 * What each page of a classic TIFF costs: its encoded strips or tiles, plus an even share of the rest (header,
 * directories, tags), so the pages add up to the file. Follows the directory chain reading only directories and
 * byte-count arrays, never image data. Undefined for a BigTIFF or a chain that is damaged or loops: the caller
 * then splits the file evenly.
 */
export async function tiffPageBytes(read: ByteReader, sizeBytes: number): Promise<number[] | undefined> {
  const header = readTiffHeader(await read(0, 8));
  if ('problem' in header) return undefined;
  const { le } = header;

  const data: number[] = [];
  const seen = new Set<number>();
  let offset = header.firstDirectory;
  while (offset !== 0) {
    if (seen.has(offset) || seen.size >= MAX_DIRECTORIES || offset + 2 > sizeBytes) return undefined;
    seen.add(offset);
    const countBytes = await read(offset, 2);
    if (countBytes.length < 2) return undefined;
    const entryCount = new DataView(countBytes.buffer, countBytes.byteOffset, 2).getUint16(0, le);
    const directory = await read(offset + 2, entryCount * 12 + 4);
    if (directory.length < entryCount * 12 + 4) return undefined;
    const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
    let pageData = 0;
    for (let i = 0; i < entryCount; i++) {
      const entry = i * 12;
      if (!IMAGE_DATA_COUNT_TAGS.has(view.getUint16(entry, le))) continue;
      const size = TYPE_SIZE[view.getUint16(entry + 2, le)];
      if (size !== 2 && size !== 4) return undefined;
      const count = view.getUint32(entry + 4, le);
      const values = count * size <= 4 ? directory.subarray(entry + 8, entry + 12) : await read(view.getUint32(entry + 8, le), count * size);
      if (values.length < count * size) return undefined;
      const valuesView = new DataView(values.buffer, values.byteOffset, values.byteLength);
      for (let k = 0; k < count; k++) pageData += size === 2 ? valuesView.getUint16(k * 2, le) : valuesView.getUint32(k * 4, le);
    }
    data.push(pageData);
    offset = view.getUint32(entryCount * 12, le);
  }
  const rest = sizeBytes - data.reduce((sum, n) => sum + n, 0);
  if (data.length === 0 || rest < 0) return undefined;
  return data.map((n, i) => n + Math.floor(rest / data.length) + (i < rest % data.length ? 1 : 0));
}

// ── Resolution ──────────────────────────────────────────────────────────────────────────────────────────
// sharp folds a TIFF's XResolution and YResolution into one `density` (the X one); fax pages differ on the two.

/** A TIFF page's resolution as stored, in dots per inch on each axis. */
export interface TiffResolution {
  xDpi: number;
  yDpi: number;
}

const RESOLUTION_TAG = { xResolution: 282, yResolution: 283, resolutionUnit: 296 } as const;
const RESOLUTION_TYPE = { short: 3, rational: 5 } as const;
/** ResolutionUnit: 1 none (an aspect ratio only), 2 inch (the default), 3 centimetre. */
const UNIT = { none: 1, inch: 2, centimetre: 3 } as const;
/** Pages walked at most: a looping IFD chain in a damaged file must not hang the worker. */
const MAX_PAGES = 10_000;

/**
 * The resolution of page `pageIndex` (0-based), or undefined when the file is not a classic TIFF, the page or a
 * tag is missing, or the unit is "none". Never throws on a damaged file: sharp reports that better.
 */
export async function readTiffResolution(read: ByteReader, pageIndex: number): Promise<TiffResolution | undefined> {
  try {
    return await readResolution(read, pageIndex);
  } catch {
    return undefined;
  }
}

/** `readTiffResolution` of a file on disk, reading only its directories and resolution tags. */
export async function readTiffResolutionOf(filePath: string, pageIndex: number): Promise<TiffResolution | undefined> {
  const handle = await open(filePath, 'r');
  try {
    return await readTiffResolution(fileReader(handle, (await handle.stat()).size), pageIndex);
  } finally {
    await handle.close();
  }
}

async function readResolution(read: ByteReader, pageIndex: number): Promise<TiffResolution | undefined> {
  const header = readTiffHeader(await read(0, 8));
  if ('problem' in header) return undefined;
  const { le } = header;

  let ifdOffset = header.firstDirectory;
  for (let page = 0; page < pageIndex; page++) {
    if (ifdOffset === 0 || page >= MAX_PAGES) return undefined;
    const count = view(await read(ifdOffset, 2)).getUint16(0, le);
    ifdOffset = view(await read(ifdOffset + 2 + count * 12, 4)).getUint32(0, le);
  }
  if (ifdOffset === 0) return undefined;

  const count = view(await read(ifdOffset, 2)).getUint16(0, le);
  const entries = view(await read(ifdOffset + 2, count * 12));
  let x: number | undefined;
  let y: number | undefined;
  let unit: number = UNIT.inch;
  for (let i = 0; i < count; i++) {
    const at = i * 12;
    const tag = entries.getUint16(at, le);
    const type = entries.getUint16(at + 2, le);
    if (tag === RESOLUTION_TAG.resolutionUnit && type === RESOLUTION_TYPE.short) unit = entries.getUint16(at + 8, le);
    if ((tag === RESOLUTION_TAG.xResolution || tag === RESOLUTION_TAG.yResolution) && type === RESOLUTION_TYPE.rational) {
      const value = view(await read(entries.getUint32(at + 8, le), 8));
      const denominator = value.getUint32(4, le);
      const resolution = denominator === 0 ? undefined : value.getUint32(0, le) / denominator;
      if (tag === RESOLUTION_TAG.xResolution) x = resolution;
      else y = resolution;
    }
  }
  if (x === undefined || y === undefined || !(x > 0) || !(y > 0) || unit === UNIT.none) return undefined;
  const perInch = unit === UNIT.centimetre ? 2.54 : 1;
  return { xDpi: x * perInch, yDpi: y * perInch };
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
