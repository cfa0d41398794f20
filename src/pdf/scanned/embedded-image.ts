// Takes a page's scan out of the PDF as stored: which image kinds can be (JPEG, Group 4, Flate, JBIG2), and writing them.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodePDFRawStream, PDFName, PDFRawStream } from 'pdf-lib';
import type { PDFDict } from 'pdf-lib';
import sharp from 'sharp';
import { describeError, InputError } from '../../domain/errors.ts';
import type { Jbig2Original } from '../../domain/page.ts';
import { readJpegFrameInfo } from '../page-image-xobject.ts';
import { buildCcittTiff, type CcittParams } from './ccitt-tiff.ts';
import type { Matrix, PdfRect } from './content-summary.ts';
import { decodeFlateImage, flatePredictorProblem, type FlateImageParams } from './flate-image.ts';
import { damagedFix, pageError, type PageContext } from './page-context.ts';
import { boolIn, colourSpaceOf, describeSpace, filtersOf, numberIn, numbersIn, type ColourSpace } from './pdf-dict.ts';
import { imageFileName, type WrittenImage } from './written-image.ts';

export type EmbeddedImage =
  | { kind: 'jpeg'; data: Uint8Array }
  | { kind: 'ccitt'; data: Uint8Array; params: CcittParams }
  | { kind: 'flate'; data: Uint8Array; image: FlateImageParams }
  /** Rendered for the engine (nothing here decodes JBIG2), and stored as it came when normalize changes no pixel. */
  | { kind: 'jbig2'; data: Uint8Array; globals: Uint8Array | undefined; decode: [number, number] | undefined };

type ImageChoice = { image: EmbeddedImage; widthPx: number; heightPx: number; warnings: string[] } | { reason: string };

/** What the rules of every kind read from an image dictionary with one filter. */
interface ImageFacts {
  data: Uint8Array;
  params: PDFDict | undefined;
  colourSpace: ColourSpace;
  bitsPerComponent: number;
  channels: number;
  widthPx: number;
  heightPx: number;
  isDefaultDecode: boolean;
  isInvertDecode: boolean;
}

type KindChoice = EmbeddedImage | { reason: string };

/** Which embedded image kinds can be taken out as they are; everything else is rendered, with the reason. */
export function chooseEmbeddedImage(stream: PDFRawStream): ImageChoice {
  const dict = stream.dict;
  const widthPx = numberIn(dict, 'Width') ?? 0;
  const heightPx = numberIn(dict, 'Height') ?? 0;
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx <= 0 || heightPx <= 0) return { reason: 'the image has no valid size' };
  if (boolIn(dict, 'ImageMask') === true) return { reason: 'the image is a stencil mask' };
  const warnings = dict.has(PDFName.of('SMask')) || dict.has(PDFName.of('Mask')) ? ['the image has a transparency mask, which was ignored'] : [];
  const filters = filtersOf(dict);
  if (filters.length !== 1) {
    return { reason: filters.length === 0 ? 'the image is stored uncompressed' : `the image has ${filters.map((f) => f.name).join(' + ')} filters` };
  }
  const [{ name: filter, params }] = filters as [{ name: string; params: PDFDict | undefined }];
  const colourSpace = colourSpaceOf(dict, dict.get(PDFName.of('ColorSpace')));
  const decode = numbersIn(dict, 'Decode');
  const channels = colourSpace.kind === 'gray' ? 1 : colourSpace.kind === 'rgb' ? 3 : 0;
  const facts: ImageFacts = {
    data: stream.getContents(),
    params,
    colourSpace,
    bitsPerComponent: numberIn(dict, 'BitsPerComponent') ?? 8,
    channels,
    widthPx,
    heightPx,
    isDefaultDecode: decode === undefined || decode.every((v, i) => v === (i % 2 === 0 ? 0 : 1)),
    isInvertDecode: decode !== undefined && decode.length === 2 * channels && decode.every((v, i) => v === (i % 2 === 0 ? 1 : 0)),
  };
  const choice: KindChoice =
    filter === 'DCTDecode'
      ? chooseJpeg(facts)
      : filter === 'CCITTFaxDecode'
        ? chooseCcitt(facts)
        : filter === 'FlateDecode'
          ? chooseFlate(facts)
          : filter === 'JBIG2Decode'
            ? chooseJbig2(facts, dict)
            : { reason: `the image is ${filter === 'JPXDecode' ? 'JPEG 2000' : filter}, which is rendered` };
  return 'reason' in choice ? choice : { image: choice, widthPx, heightPx, warnings };
}

/** A JPEG is kept when a PDF reader would show its own pixels: gray or RGB, no /Decode remapping. */
function chooseJpeg(facts: ImageFacts): KindChoice {
  if (facts.channels === 0) return { reason: `the JPEG uses the ${describeSpace(facts.colourSpace)} colour space` };
  if (!facts.isDefaultDecode) return { reason: 'the JPEG has a /Decode array' };
  return { kind: 'jpeg', data: facts.data };
}

/** Only Group 4 with rows a TIFF can describe is wrapped as it is. */
function chooseCcitt(facts: ImageFacts): KindChoice {
  const { params, widthPx, heightPx } = facts;
  const k = params === undefined ? 0 : (numberIn(params, 'K') ?? 0);
  if (k >= 0) return { reason: 'the image is CCITT Group 3, which is rendered (only Group 4 is taken out as it is)' };
  if (params !== undefined && boolIn(params, 'EncodedByteAlign') === true) return { reason: 'the Group 4 image has byte-aligned rows, which TIFF cannot say' };
  const columns = params === undefined ? 1728 : (numberIn(params, 'Columns') ?? 1728);
  if (columns !== widthPx) return { reason: `the Group 4 image is ${columns} columns wide but says /Width ${widthPx}` };
  if (facts.colourSpace.kind !== 'gray' || facts.bitsPerComponent !== 1) return { reason: 'the Group 4 image is not 1-bit gray' };
  if (!facts.isDefaultDecode && !facts.isInvertDecode) return { reason: 'the Group 4 image has an unusual /Decode array' };
  const blackIs1 = params !== undefined && boolIn(params, 'BlackIs1') === true;
  return { kind: 'ccitt', data: facts.data, params: { widthPx, heightPx, k, whiteIsZero: blackIs1 === facts.isInvertDecode, dpi: 0 } };
}

/** A Flate image is decoded here when its samples, palette, /Decode and predictor are ones `decodeFlateImage` knows. */
function chooseFlate(facts: ImageFacts): KindChoice {
  const { colourSpace, bitsPerComponent, params } = facts;
  if (colourSpace.kind === 'other') return { reason: `the image uses the ${describeSpace(colourSpace)} colour space` };
  const indexed = colourSpace.kind === 'indexed';
  if (![1, 2, 4, 8, 16].includes(bitsPerComponent) || (indexed && bitsPerComponent === 16) || (!indexed && (bitsPerComponent === 2 || bitsPerComponent === 4))) {
    return { reason: `the image has ${bitsPerComponent} bits per component` };
  }
  if (!facts.isDefaultDecode && (indexed || !facts.isInvertDecode)) return { reason: 'the image has an unusual /Decode array' };
  const predictor = {
    predictor: params === undefined ? 1 : (numberIn(params, 'Predictor') ?? 1),
    colors: params === undefined ? 1 : (numberIn(params, 'Colors') ?? 1),
    bitsPerComponent: params === undefined ? 8 : (numberIn(params, 'BitsPerComponent') ?? 8),
    columns: params === undefined ? 1 : (numberIn(params, 'Columns') ?? 1),
  };
  if (predictor.predictor !== 1 && predictor.predictor < 10 && !(predictor.predictor === 2 && bitsPerComponent === 8)) {
    return { reason: `the image uses predictor ${predictor.predictor}` };
  }
  const predictorProblem = flatePredictorProblem({ bitsPerComponent, colourSpace, predictor });
  if (predictorProblem !== undefined) return { reason: predictorProblem };
  const invert = facts.isInvertDecode && !facts.isDefaultDecode;
  return { kind: 'flate', data: facts.data, image: { widthPx: facts.widthPx, heightPx: facts.heightPx, bitsPerComponent, colourSpace, predictor, invert, dpi: 0 } };
}

/** A 1-bit JBIG2 image, with its global segments when it has readable ones. */
function chooseJbig2(facts: ImageFacts, dict: PDFDict): KindChoice {
  if (facts.colourSpace.kind !== 'gray' || facts.bitsPerComponent !== 1) return { reason: 'the JBIG2 image is not 1-bit gray' };
  if (!facts.isDefaultDecode && !facts.isInvertDecode) return { reason: 'the JBIG2 image has an unusual /Decode array' };
  const globals = jbig2Globals(dict, facts.params);
  if (globals === 'unreadable') return { reason: 'the JBIG2 global segments cannot be read, so the image is rendered and stored as G4' };
  return { kind: 'jbig2', data: facts.data, globals, decode: facts.isInvertDecode ? [1, 0] : undefined };
}

/** The decoded /JBIG2Globals stream of a JBIG2 image; undefined when it has none. */
function jbig2Globals(dict: PDFDict, params: PDFDict | undefined): Uint8Array | undefined | 'unreadable' {
  const ref = params?.get(PDFName.of('JBIG2Globals'));
  if (ref === undefined) return undefined;
  const stream = dict.context.lookup(ref);
  if (!(stream instanceof PDFRawStream)) return 'unreadable';
  try {
    return filtersOf(stream.dict).length === 0 ? stream.getContents() : decodePDFRawStream(stream).decode();
  } catch {
    return 'unreadable';
  }
}

/** Where an embedded scan sits on its page and what it is, as the page plan found it. */
export interface EmbeddedPlacement {
  image: EmbeddedImage;
  widthPx: number;
  heightPx: number;
  dpi: number;
  box: PdfRect;
  inputBytes: number;
}

/** The image fills the visible box exactly, so user space maps to pixels by a scale and a flip. */
function boxToPixels(box: PdfRect, widthPx: number, heightPx: number): Matrix {
  const sx = widthPx / (box.x1 - box.x0);
  const sy = heightPx / (box.y1 - box.y0);
  return [sx, 0, 0, -sy, -box.x0 * sx, box.y1 * sy];
}

/** Writes the embedded scan, or says why it must be rendered after all (what only the JPEG header tells). */
export async function writeEmbeddedImage(
  plan: EmbeddedPlacement,
  outDir: string,
  context: PageContext,
): Promise<WrittenImage | { renderBecause: string }> {
  const { image, widthPx, heightPx, dpi, box } = plan;
  const common = { dpi, widthPx, heightPx, inputBytes: plan.inputBytes, toPixels: boxToPixels(box, widthPx, heightPx), notes: [] };
  try {
    if (image.kind === 'jpeg') {
      const frame = readJpegFrameInfo(image.data);
      if (frame.widthPx !== widthPx || frame.heightPx !== heightPx) {
        throw pageError('PDF_PAGE_DAMAGED', context, `the page's JPEG is ${frame.widthPx}×${frame.heightPx} px but its PDF dictionary says ${widthPx}×${heightPx}; ${damagedFix}`);
      }
      if (frame.components !== 1 && frame.components !== 3) return { renderBecause: `the JPEG has ${frame.components} colour components` };
      // PDF readers ignore EXIF orientation but sharp applies it, which would turn the page.
      const { orientation } = await sharp(image.data).metadata();
      if (orientation !== undefined && orientation !== 1) return { renderBecause: `the JPEG carries EXIF orientation ${orientation}, which PDF readers ignore` };
      const imagePath = path.join(outDir, imageFileName(context, 'jpg'));
      await writeFile(imagePath, image.data);
      return { ...common, imagePath, method: 'embedded-jpeg' };
    }
    if (image.kind === 'ccitt') {
      const imagePath = path.join(outDir, imageFileName(context, 'tif'));
      await writeFile(imagePath, buildCcittTiff(image.data, { ...image.params, dpi }));
      return { ...common, imagePath, method: 'embedded-ccitt' };
    }
    if (image.kind === 'jbig2') return { renderBecause: 'the image is JBIG2, which only a renderer decodes' };
    const raw = decodeFlateImage(image.data, image.image);
    const imagePath = path.join(outDir, imageFileName(context, 'png'));
    const { input } = raw;
    // An intermediate in the work folder: fast compression, 1-bit stays 1-bit.
    await (raw.bitonal
      ? input.toColourspace('b-w').withDensity(dpi).png({ colours: 2, palette: false, compressionLevel: 1 })
      : input.toColourspace(raw.channels === 1 ? 'b-w' : 'srgb').withDensity(dpi).png({ compressionLevel: 1 })
    ).toFile(imagePath);
    return { ...common, imagePath, method: 'embedded-flate' };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw pageError('PDF_PAGE_DAMAGED', context, `the page's image cannot be read (${describeError(err)}); ${damagedFix}`, err);
  }
}

/**
 * The JBIG2 stream (and its global segments) beside the rendered page, when the render has the scan's own size;
 * otherwise the page is stored from the rendered pixels, as G4.
 */
export async function writeJbig2(
  image: Extract<EmbeddedImage, { kind: 'jbig2' }>,
  plan: { widthPx: number; heightPx: number },
  written: WrittenImage,
  outDir: string,
  context: PageContext,
): Promise<Jbig2Original | undefined> {
  if (written.widthPx !== plan.widthPx || written.heightPx !== plan.heightPx) return undefined;
  const streamPath = path.join(outDir, imageFileName(context, 'jb2'));
  await writeFile(streamPath, image.data);
  const globalsPath = image.globals === undefined ? undefined : path.join(outDir, imageFileName(context, 'jb2g'));
  if (globalsPath !== undefined) await writeFile(globalsPath, image.globals as Uint8Array);
  return { streamPath, widthPx: plan.widthPx, heightPx: plan.heightPx, ...(globalsPath ? { globalsPath } : {}), ...(image.decode ? { decode: image.decode } : {}) };
}
