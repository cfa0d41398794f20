// Wraps a PDF's Group 4 stream in a minimal TIFF, so libtiff (in sharp) reads the scan without it expanding on disk.

/** Parameters of a CCITT stream as the TIFF wrapper needs them. */
export interface CcittParams {
  widthPx: number;
  heightPx: number;
  /** PDF K: < 0 is Group 4. */
  k: number;
  /** The picture shows 0 bits as white (TIFF WhiteIsZero); false inverts, as BlackIs1 or /Decode [1 0] do. */
  whiteIsZero: boolean;
  dpi: number;
}

/**
 * A minimal little-endian single-strip TIFF around a Group 4 stream: libtiff (in sharp) decodes it, and the
 * 1-bit data never expands on disk.
 */
export function buildCcittTiff(data: Uint8Array, params: CcittParams): Uint8Array {
  const entries: [tag: number, type: 3 | 4 | 5, value: number][] = [
    [256, 4, params.widthPx],
    [257, 4, params.heightPx],
    [258, 3, 1],
    [259, 3, 4],
    [262, 3, params.whiteIsZero ? 0 : 1],
    [273, 4, 0], // StripOffsets: patched below
    [277, 3, 1],
    [278, 4, params.heightPx],
    [279, 4, data.length],
    [282, 5, 0], // XResolution: points at the rational
    [283, 5, 0],
    [293, 4, 0], // T6Options: no uncompressed mode
    [296, 3, 2], // inches
  ];
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  const rationalOffset = ifdOffset + ifdSize;
  const dataOffset = rationalOffset + 8;
  const out = new Uint8Array(dataOffset + data.length);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0], 0);
  view.setUint32(4, ifdOffset, true);
  view.setUint16(ifdOffset, entries.length, true);
  entries.forEach(([tag, type, value], index) => {
    const at = ifdOffset + 2 + index * 12;
    const resolved = tag === 273 ? dataOffset : type === 5 ? rationalOffset : value;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, resolved, true);
    else view.setUint32(at + 8, resolved, true);
  });
  view.setUint32(ifdOffset + 2 + entries.length * 12, 0, true);
  // One rational for both resolutions, in hundredths of a dpi.
  view.setUint32(rationalOffset, Math.round(params.dpi * 100), true);
  view.setUint32(rationalOffset + 4, 100, true);
  out.set(data, dataOffset);
  return out;
}
