// Reads the PDF dictionary values that deciding about an image needs: numbers, names, filters and colour spaces.
import { decodePDFRawStream, PDFArray, PDFBool, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFStream, PDFString } from 'pdf-lib';
import type { PDFObject } from 'pdf-lib';
import type { ColourMode } from '../../domain/page.ts';

export function numberIn(dict: PDFDict, key: string): number | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFNumber ? value.asNumber() : undefined;
}

export function nameIn(dict: PDFDict, key: string): string | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFName ? value.decodeText() : undefined;
}

export function boolIn(dict: PDFDict, key: string): boolean | undefined {
  const value = dict.lookup(PDFName.of(key));
  return value instanceof PDFBool ? value.asBoolean() : undefined;
}

export function numbersIn(dict: PDFDict, key: string): number[] | undefined {
  const value = dict.lookup(PDFName.of(key));
  if (!(value instanceof PDFArray)) return undefined;
  return value.asArray().map((v) => {
    const resolved = dict.context.lookup(v);
    return resolved instanceof PDFNumber ? resolved.asNumber() : Number.NaN;
  });
}

/** A PDF transformation matrix [a b c d e f]. */
export type Matrix = readonly [number, number, number, number, number, number];

export function matrixIn(dict: PDFDict, key: string): Matrix | undefined {
  const values = numbersIn(dict, key);
  return values?.length === 6 && values.every(Number.isFinite) ? (values as unknown as Matrix) : undefined;
}

/** Filters and their parameters as one list (both may be a single entry or an array). */
export function filtersOf(dict: PDFDict): { name: string; params: PDFDict | undefined }[] {
  const filter = dict.lookup(PDFName.of('Filter'));
  const parms = dict.lookup(PDFName.of('DecodeParms'));
  const names = filter instanceof PDFName ? [filter] : filter instanceof PDFArray ? filter.asArray().map((f) => dict.context.lookup(f)) : [];
  return names.map((name, index) => {
    const param = parms instanceof PDFArray ? dict.context.lookup(parms.get(index)) : index === 0 ? parms : undefined;
    return { name: name instanceof PDFName ? name.decodeText() : '?', params: param instanceof PDFDict ? param : undefined };
  });
}

export type ColourSpace = { kind: 'gray' | 'rgb' } | { kind: 'indexed'; base: 'gray' | 'rgb'; hival: number; lookup: Uint8Array } | { kind: 'other'; name: string };

export function colourSpaceOf(dict: PDFDict, value: PDFObject | undefined): ColourSpace {
  const resolved = dict.context.lookup(value);
  if (resolved instanceof PDFName) {
    const name = resolved.decodeText();
    if (name === 'DeviceGray' || name === 'CalGray' || name === 'G') return { kind: 'gray' };
    if (name === 'DeviceRGB' || name === 'CalRGB' || name === 'RGB') return { kind: 'rgb' };
    return { kind: 'other', name };
  }
  if (resolved instanceof PDFArray && resolved.size() > 0) {
    const family = dict.context.lookup(resolved.get(0));
    const familyName = family instanceof PDFName ? family.decodeText() : '?';
    if (familyName === 'CalGray') return { kind: 'gray' };
    if (familyName === 'CalRGB') return { kind: 'rgb' };
    if (familyName === 'ICCBased') {
      const profile = dict.context.lookup(resolved.get(1));
      const components = profile instanceof PDFStream ? numberIn(profile.dict, 'N') : undefined;
      if (components === 1) return { kind: 'gray' };
      if (components === 3) return { kind: 'rgb' };
      return { kind: 'other', name: `ICCBased with ${components ?? '?'} components` };
    }
    if (familyName === 'Indexed' && resolved.size() === 4) {
      const base = colourSpaceOf(dict, resolved.get(1));
      const hival = dict.context.lookup(resolved.get(2));
      const lookup = lookupBytes(dict.context.lookup(resolved.get(3)));
      if ((base.kind === 'gray' || base.kind === 'rgb') && hival instanceof PDFNumber && lookup !== undefined) {
        return { kind: 'indexed', base: base.kind, hival: hival.asNumber(), lookup };
      }
    }
    return { kind: 'other', name: familyName };
  }
  return { kind: 'other', name: 'none' };
}

function lookupBytes(value: PDFObject | undefined): Uint8Array | undefined {
  if (value instanceof PDFString || value instanceof PDFHexString) return value.asBytes();
  if (value instanceof PDFRawStream) {
    try {
      return decodePDFRawStream(value).decode();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function describeSpace(space: ColourSpace): string {
  return space.kind === 'other' ? space.name : space.kind;
}

/**
 * What an image XObject's pixels can show. Stencil masks, CCITT and JBIG2 (which codes nothing but 1-bit images)
 * and 1-bit gray images are bitonal; gray spaces and palettes of grays are gray; everything else, including a
 * colour space not understood here, is colour, which leaves the decision to the rendered pixels.
 */
export function imageColourMode(dict: PDFDict): ColourMode {
  if (boolIn(dict, 'ImageMask') === true) return 'bitonal';
  const filters = filtersOf(dict).map((f) => f.name);
  if (filters.includes('JBIG2Decode') || filters.includes('CCITTFaxDecode')) return 'bitonal';
  const space = colourSpaceOf(dict, dict.get(PDFName.of('ColorSpace')));
  const gray = space.kind === 'gray' || (space.kind === 'indexed' && (space.base === 'gray' || isGrayPalette(space.lookup, space.hival)));
  if (!gray) return 'colour';
  return numberIn(dict, 'BitsPerComponent') === 1 ? 'bitonal' : 'gray';
}

/** An RGB palette whose entries all have R = G = B. */
function isGrayPalette(lookup: Uint8Array, hival: number): boolean {
  for (let i = 0; i <= hival && i * 3 + 2 < lookup.length; i++) {
    if (lookup[i * 3] !== lookup[i * 3 + 1] || lookup[i * 3] !== lookup[i * 3 + 2]) return false;
  }
  return true;
}
