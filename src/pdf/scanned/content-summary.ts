// Walks a page's content to find what it draws: its images with their placement, its forms, and any other mark.
import { decodePDFRawStream, PDFArray, PDFDict, PDFName, PDFRawStream } from 'pdf-lib';
import type { PDFObject, PDFPageLeaf } from 'pdf-lib';
import { describeError } from '../../domain/errors.ts';
import { lexContentOps, type Operand } from './content-lexer.ts';
import { matrixIn, nameIn, type Matrix } from './pdf-dict.ts';

export type { Matrix } from './pdf-dict.ts';

/** [a b c d e f] as in the PDF `cm` operator: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export const identity: Matrix = [1, 0, 0, 1, 0, 0];

/** m1 then m2 (the PDF order: `cm` sets CTM = m × CTM). */
export function multiply(m1: Matrix, m2: Matrix): Matrix {
  return [
    m1[0] * m2[0] + m1[1] * m2[2],
    m1[0] * m2[1] + m1[1] * m2[3],
    m1[2] * m2[0] + m1[3] * m2[2],
    m1[2] * m2[1] + m1[3] * m2[3],
    m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
    m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
  ];
}

export function applyMatrix(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** A rectangle in PDF user space, x0 < x1 and y0 < y1. */
export interface PdfRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ImageDraw {
  stream: PDFRawStream;
  ctm: Matrix;
}

/** What a page's content does, as far as deciding between taking the image out and rendering. */
export interface ContentSummary {
  images: ImageDraw[];
  /** Form XObjects drawn, for counting the page's bytes. */
  forms: PDFRawStream[];
  /** Painted paths, shadings, inline images or visible text: anything that is not the one scan. */
  otherMarks: string[];
}

export function contentStreams(leaf: PDFPageLeaf): (PDFObject | undefined)[] {
  const contents = leaf.Contents();
  return contents instanceof PDFArray ? contents.asArray().map((ref) => leaf.context.lookup(ref)) : contents === undefined ? [] : [contents];
}

export class UnreadableContent extends Error {}

export function pageContentBytes(leaf: PDFPageLeaf): Uint8Array {
  const parts = contentStreams(leaf).map((stream) => streamBytes(stream));
  // Streams of one page join with whitespace in between (an operator may not span two of them).
  return Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
}

export function streamBytes(stream: PDFObject | undefined): Uint8Array {
  if (!(stream instanceof PDFRawStream)) throw new UnreadableContent('a content stream is missing or not a stream');
  try {
    return decodePDFRawStream(stream).decode();
  } catch (err) {
    throw new UnreadableContent(`a content stream cannot be decoded (${describeError(err)})`);
  }
}

/**
 * Walks a content stream tracking the CTM and the text render mode, collecting image draws and anything else
 * that marks the page. Form XObjects are followed (an earlier OCR often puts its invisible text in one).
 */
export function summarizeContent(bytes: Uint8Array, resources: PDFDict | undefined, startCtm: Matrix, depth = 0): ContentSummary {
  const images: ImageDraw[] = [];
  const forms: PDFRawStream[] = [];
  const otherMarks: string[] = [];
  if (depth > 8) return { images, forms, otherMarks: ['nested forms'] };
  let state = { ctm: startCtm, textRender: 0 };
  const saved: (typeof state)[] = [];
  for (const { op, operands } of lexContentOps(bytes)) {
    switch (op) {
      case 'q':
        saved.push(state);
        break;
      case 'Q':
        state = saved.pop() ?? state;
        break;
      case 'cm': {
        const m = operands.map((o) => (typeof o === 'number' ? o : Number.NaN));
        if (m.length === 6 && m.every(Number.isFinite)) state = { ...state, ctm: multiply(m as unknown as Matrix, state.ctm) };
        break;
      }
      case 'Tr':
        state = { ...state, textRender: typeof operands[0] === 'number' ? operands[0] : 0 };
        break;
      case 'Tj':
      case 'TJ':
      case "'":
      case '"':
        // Mode 3 draws nothing and 7 only clips: that is an OCR text layer, not a mark.
        if (state.textRender !== 3 && state.textRender !== 7) otherMarks.push('visible text');
        break;
      case 'S':
      case 's':
      case 'f':
      case 'F':
      case 'f*':
      case 'B':
      case 'B*':
      case 'b':
      case 'b*':
        otherMarks.push('drawn shapes');
        break;
      case 'sh':
        otherMarks.push('a shading');
        break;
      case 'BI':
        otherMarks.push('an inline image');
        return { images, forms, otherMarks };
      case 'Do': {
        const drawn = xobjectDrawn(operands[0], resources, state.ctm, depth);
        images.push(...drawn.images);
        forms.push(...drawn.forms);
        otherMarks.push(...drawn.otherMarks);
        break;
      }
    }
  }
  return { images, forms, otherMarks };
}

/** What a `Do` draws: an image at the current CTM, or what a form's own content draws, followed into it. */
function xobjectDrawn(operand: Operand | undefined, resources: PDFDict | undefined, ctm: Matrix, depth: number): ContentSummary {
  const none: ContentSummary = { images: [], forms: [], otherMarks: [] };
  if (typeof operand !== 'object' || operand === null) return none;
  const xobject = resources === undefined ? undefined : lookupXObject(resources, operand.name);
  if (xobject === undefined) return none;
  const subtype = nameIn(xobject.dict, 'Subtype');
  if (subtype === 'Image') return { ...none, images: [{ stream: xobject, ctm }] };
  if (subtype !== 'Form') return none;
  const matrix = matrixIn(xobject.dict, 'Matrix') ?? identity;
  const formResources = xobject.dict.lookup(PDFName.of('Resources'));
  const inner = summarizeContent(streamBytes(xobject), formResources instanceof PDFDict ? formResources : resources, multiply(matrix, ctm), depth + 1);
  return { images: inner.images, forms: [xobject, ...inner.forms], otherMarks: inner.otherMarks };
}

function lookupXObject(resources: PDFDict, name: string): PDFRawStream | undefined {
  const xobjects = resources.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return undefined;
  const xobject = xobjects.lookup(PDFName.of(name));
  return xobject instanceof PDFRawStream ? xobject : undefined;
}
