// The font of the invisible text layer: DejaVu Sans, subset per document, one CID per character so text extracts exactly.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import { PDFString } from 'pdf-lib';
import type { PDFContext, PDFRef } from 'pdf-lib';

/** DejaVu Sans covers Vietnamese (precomposed letters and combining marks) and ships as an npm package. */
export const textLayerFontPath = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

let cachedProgram: Promise<Font> | undefined;

/** Parses the font file once per process; the parsed font is only read afterwards, so documents share it. */
export function loadTextLayerFontProgram(): Promise<Font> {
  cachedProgram ??= readFile(textLayerFontPath)
    .then((bytes) => fontkit.create(new Uint8Array(bytes)))
    .catch((err: unknown) => {
      cachedProgram = undefined;
      throw new Error(`Cannot load the text-layer font ${textLayerFontPath}; reinstall the dejavu-fonts-ttf package`, {
        cause: err,
      });
    });
  return cachedProgram;
}

/** A string encoded for a Tj operator, and its advance width in ems at horizontal scaling 100. */
export interface EncodedText {
  hex: string;
  widthEm: number;
}

interface CidEntry {
  codePoint: number;
  glyphId: number;
  /** Advance width in 1/1000 em, as the W array wants it. */
  width: number;
}

/**
 * Assigns CIDs to characters as a document's words are encoded, then writes the font once all pages are done.
 *
 * Why not pdf-lib's `embedFont`: it shapes text (ligatures would merge two characters into one glyph), keys
 * ToUnicode by glyph (two characters sharing a glyph would extract wrongly), names the subset with Math.random
 * (output would differ run to run) and has no answer for characters the font lacks. Here every distinct
 * character gets its own CID whose ToUnicode entry is exactly that character; a character without a glyph is
 * drawn with U+FFFD's glyph (PDF/A forbids showing .notdef) yet still extracts as itself.
 */
export class TextLayerFont {
  readonly ascentEm: number;
  readonly descentEm: number;
  private readonly font: Font;
  private readonly fallbackGlyphId: number;
  private readonly cidByCodePoint = new Map<number, number>();
  private readonly entries: CidEntry[] = [];

  constructor(font: Font) {
    this.font = font;
    this.ascentEm = font.ascent / font.unitsPerEm;
    this.descentEm = font.descent / font.unitsPerEm;
    const fallback = [0xfffd, 0x3f].find((cp) => font.hasGlyphForCodePoint(cp));
    if (fallback === undefined) throw new Error('The text-layer font has neither U+FFFD nor "?"; use another font');
    this.fallbackGlyphId = font.glyphForCodePoint(fallback).id;
  }

  /** True when the font has a real glyph for the character; otherwise it is drawn with a substitute. */
  hasGlyph(codePoint: number): boolean {
    return this.font.hasGlyphForCodePoint(codePoint);
  }

  encode(text: string): EncodedText {
    let hex = '';
    let width = 0;
    for (const char of text) {
      const entry = this.entryFor(char.codePointAt(0) as number);
      hex += entry.cidHex;
      width += entry.width;
    }
    return { hex, widthEm: width / 1000 };
  }

  /** Characters encoded so far, in CID order. */
  get codePoints(): number[] {
    return this.entries.map((e) => e.codePoint);
  }

  /** Writes the Type0 font and everything it points to, at `ref` (reserved before the pages used it). */
  async embed(context: PDFContext, ref: PDFRef): Promise<void> {
    const baseFont = `${subsetTag(this.codePoints)}+${this.font.postscriptName ?? 'DejaVuSans'}`;
    const subset = this.font.createSubset();
    const cidToGid = new Uint8Array((this.entries.length + 1) * 2);
    this.entries.forEach((entry, index) => {
      const subsetGlyphId = subset.includeGlyph(entry.glyphId);
      cidToGid[(index + 1) * 2] = subsetGlyphId >> 8;
      cidToGid[(index + 1) * 2 + 1] = subsetGlyphId & 0xff;
    });
    const fontProgram = await encodeSubset(subset);

    const scale = 1000 / this.font.unitsPerEm;
    const { minX, minY, maxX, maxY } = this.font.bbox;
    const fontFileRef = context.register(
      context.stream(deflateSync(fontProgram), { Filter: 'FlateDecode', Length1: fontProgram.length }),
    );
    const descriptorRef = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: baseFont,
        // Symbolic: glyphs are reached through CIDs, not a standard Latin encoding.
        Flags: 4,
        FontBBox: [minX, minY, maxX, maxY].map((v) => Math.round(v * scale)),
        ItalicAngle: this.font.italicAngle,
        Ascent: Math.round(this.font.ascent * scale),
        Descent: Math.round(this.font.descent * scale),
        CapHeight: Math.round((this.font.capHeight || this.font.ascent) * scale),
        StemV: 80,
        FontFile2: fontFileRef,
      }),
    );
    const cidToGidRef = context.register(context.stream(deflateSync(cidToGid), { Filter: 'FlateDecode' }));
    const cidFontRef = context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: baseFont,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptorRef,
        DW: 1000,
        W: [1, this.entries.map((e) => e.width)],
        CIDToGIDMap: cidToGidRef,
      }),
    );
    const toUnicode = new TextEncoder().encode(toUnicodeCmap(this.codePoints));
    const toUnicodeRef = context.register(context.stream(deflateSync(toUnicode), { Filter: 'FlateDecode' }));
    context.assign(
      ref,
      context.obj({
        Type: 'Font',
        Subtype: 'Type0',
        BaseFont: baseFont,
        Encoding: 'Identity-H',
        DescendantFonts: [cidFontRef],
        ToUnicode: toUnicodeRef,
      }),
    );
  }

  private entryFor(codePoint: number): CidEntry & { cidHex: string } {
    let cid = this.cidByCodePoint.get(codePoint);
    if (cid === undefined) {
      if (this.entries.length >= 0xfffe) {
        throw new Error('A document uses more than 65534 distinct characters; split it into several documents');
      }
      const glyph = this.hasGlyph(codePoint)
        ? this.font.glyphForCodePoint(codePoint)
        : this.font.getGlyph(this.fallbackGlyphId);
      this.entries.push({
        codePoint,
        glyphId: glyph.id,
        width: Math.round((glyph.advanceWidth * 1000 * 100) / this.font.unitsPerEm) / 100,
      });
      cid = this.entries.length;
      this.cidByCodePoint.set(codePoint, cid);
    }
    const entry = this.entries[cid - 1] as CidEntry;
    return { ...entry, cidHex: hex4(cid) };
  }
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** Six capital letters derived from the characters used, so the same text always names the subset the same way. */
export function subsetTag(codePoints: readonly number[]): string {
  const digest = createHash('sha256').update(codePoints.join(',')).digest();
  let tag = '';
  for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + ((digest[i] as number) % 26));
  return tag;
}

/** A ToUnicode CMap mapping CID n to the n-th code point (UTF-16BE), in blocks of at most 100 as the spec asks. */
export function toUnicodeCmap(codePoints: readonly number[]): string {
  const blocks: string[] = [];
  for (let start = 0; start < codePoints.length; start += 100) {
    const chunk = codePoints.slice(start, start + 100);
    const lines = chunk.map((cp, i) => `<${hex4(start + i + 1)}> <${utf16BeHex(cp)}>`);
    blocks.push(`${chunk.length} beginbfchar\n${lines.join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function utf16BeHex(codePoint: number): string {
  if (codePoint <= 0xffff) return hex4(codePoint);
  const offset = codePoint - 0x10000;
  return hex4(0xd800 + (offset >> 10)) + hex4(0xdc00 + (offset & 0x3ff));
}

function encodeSubset(subset: ReturnType<Font['createSubset']>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const stream = subset.encodeStream();
    stream.on('data', (bytes) => parts.push(bytes)).on('end', () => resolve(Buffer.concat(parts)));
    // fontkit's stream types omit 'error', though the stream emits it.
    (stream as unknown as { on(event: 'error', cb: (err: unknown) => void): void }).on('error', reject);
  });
}

/** For tests and reports: a readable name for a character, e.g. "中" (U+4E2D). */
export function describeChar(codePoint: number): string {
  return `"${String.fromCodePoint(codePoint)}" (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`;
}

