// Reads a TIFF page's XResolution and YResolution tags, which sharp folds into one `density` (the X one).

/** A TIFF page's resolution as stored, in dots per inch on each axis. */
export interface TiffResolution {
  xDpi: number;
  yDpi: number;
}

/** Reads `length` bytes at `offset`; fewer at the end of the file. */
export type ReadBytes = (offset: number, length: number) => Promise<Uint8Array>;

const TAG = { xResolution: 282, yResolution: 283, resolutionUnit: 296 } as const;
const TYPE = { short: 3, rational: 5 } as const;
/** ResolutionUnit: 1 none (an aspect ratio only), 2 inch (the default), 3 centimetre. */
const UNIT = { none: 1, inch: 2, centimetre: 3 } as const;
/** Pages walked at most: a looping IFD chain in a damaged file must not hang the worker. */
const MAX_PAGES = 10_000;

/**
 * The resolution of page `pageIndex` (0-based), or undefined when the file is not a classic TIFF, the page or a
 * tag is missing, or the unit is "none". Never throws on a damaged file: sharp reports that better.
 */
export async function readTiffResolution(read: ReadBytes, pageIndex: number): Promise<TiffResolution | undefined> {
  try {
    return await readResolution(read, pageIndex);
  } catch {
    return undefined;
  }
}

async function readResolution(read: ReadBytes, pageIndex: number): Promise<TiffResolution | undefined> {
  const header = await read(0, 8);
  if (header.length < 8) return undefined;
  const order = String.fromCharCode(header[0]!, header[1]!);
  if (order !== 'II' && order !== 'MM') return undefined;
  const le = order === 'II';
  if (view(header).getUint16(2, le) !== 42) return undefined;

  let ifdOffset = view(header).getUint32(4, le);
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
    if (tag === TAG.resolutionUnit && type === TYPE.short) unit = entries.getUint16(at + 8, le);
    if ((tag === TAG.xResolution || tag === TAG.yResolution) && type === TYPE.rational) {
      const value = view(await read(entries.getUint32(at + 8, le), 8));
      const denominator = value.getUint32(4, le);
      const resolution = denominator === 0 ? undefined : value.getUint32(0, le) / denominator;
      if (tag === TAG.xResolution) x = resolution;
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
