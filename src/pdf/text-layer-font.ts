// The font of the invisible text layer: one blank glyph, one CID per character so text extracts exactly.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import { PDFString } from 'pdf-lib';
import type { PDFContext, PDFRef } from 'pdf-lib';

/** DejaVu Sans gives the blank glyph and the vertical metrics; it ships as an npm package. */
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
  /** The 2-byte CIDs in hex, for a `<…>` string. */
  hex: string;
  widthEm: number;
}

/**
 * Assigns CIDs to characters as a document's words are encoded, then writes the font once all pages are done.
 *
 * The text layer is never seen (rendering mode 3), so the font program holds one blank glyph, DejaVu Sans's space,
 * and every CID maps to it: ~1.7 KB a document instead of a ~12 KB subset of real outlines, which on a bitonal
 * page weighs as much as a third of the G4 image. Every character, whichever script, gets its own CID whose
 * ToUnicode entry is exactly that character, so extraction returns the OCR text. Every glyph has the same width
 * in the font program and in the PDF's widths (PDF/A asks that they agree); words are fitted to their boxes with
 * horizontal scaling. OCRmyPDF and Tesseract's PDF renderer use the same kind of font.
 *
 * Why not pdf-lib's `embedFont`: it shapes text (ligatures merge characters), keys ToUnicode by glyph and names
 * the subset with Math.random (output would differ run to run).
 */
export class TextLayerFont {
  readonly ascentEm: number;
  readonly descentEm: number;
  /** Advance of the one glyph, in ems. */
  readonly glyphWidthEm: number;
  private readonly font: Font;
  private readonly glyphId: number;
  private readonly cidByCodePoint = new Map<number, number>();
  private readonly codePointsByCid: number[] = [];

  constructor(font: Font) {
    this.font = font;
    this.ascentEm = font.ascent / font.unitsPerEm;
    this.descentEm = font.descent / font.unitsPerEm;
    const space = font.glyphForCodePoint(0x20);
    if (space.id === 0 || space.advanceWidth <= 0) throw new Error('The text-layer font has no space glyph; use another font');
    this.glyphId = space.id;
    this.glyphWidthEm = Math.round((space.advanceWidth * 1000) / font.unitsPerEm) / 1000;
  }

  encode(text: string): EncodedText {
    let hex = '';
    let count = 0;
    for (const char of text) {
      hex += hex4(this.cidFor(char.codePointAt(0) as number));
      count++;
    }
    return { hex, widthEm: count * this.glyphWidthEm };
  }

  /** Characters encoded so far, in CID order. */
  get codePoints(): number[] {
    return [...this.codePointsByCid];
  }

  /** Writes the Type0 font and everything it points to, at `ref` (reserved before the pages used it). */
  async embed(context: PDFContext, ref: PDFRef): Promise<void> {
    const baseFont = `${subsetTag(this.codePoints)}+${this.font.postscriptName ?? 'DejaVuSans'}`;
    const subset = this.font.createSubset();
    const glyph = subset.includeGlyph(this.glyphId);
    const cidToGid = new Uint8Array((this.codePointsByCid.length + 1) * 2);
    for (let cid = 1; cid <= this.codePointsByCid.length; cid++) {
      cidToGid[cid * 2] = glyph >> 8;
      cidToGid[cid * 2 + 1] = glyph & 0xff;
    }
    const fontProgram = await encodeSubset(subset);
    const widthUnits = this.glyphWidthEm * 1000;

    const fontFileRef = context.register(
      context.stream(deflateSync(fontProgram), { Filter: 'FlateDecode', Length1: fontProgram.length }),
    );
    const descriptorRef = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: baseFont,
        // Symbolic: glyphs are reached through CIDs, not a standard Latin encoding.
        Flags: 4,
        FontBBox: [0, Math.round(this.descentEm * 1000), Math.round(widthUnits), Math.round(this.ascentEm * 1000)],
        ItalicAngle: 0,
        Ascent: Math.round(this.ascentEm * 1000),
        Descent: Math.round(this.descentEm * 1000),
        CapHeight: Math.round(this.ascentEm * 1000),
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
        DW: widthUnits,
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

  private cidFor(codePoint: number): number {
    let cid = this.cidByCodePoint.get(codePoint);
    if (cid === undefined) {
      if (this.codePointsByCid.length >= 0xfffe) {
        throw new Error('A document uses more than 65534 distinct characters; split it into several documents');
      }
      this.codePointsByCid.push(codePoint);
      cid = this.codePointsByCid.length;
      this.cidByCodePoint.set(codePoint, cid);
    }
    return cid;
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
