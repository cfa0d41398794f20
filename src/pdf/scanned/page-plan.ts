// Decides from a page's objects whether its scan can be taken out as stored or the page is rendered, and what it weighed.
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import type { PDFDocument, PDFObject, PDFPageLeaf } from 'pdf-lib';
import { describeError } from '../../domain/errors.ts';
import { shareOfBytes, type ColourMode } from '../../domain/page.ts';
import {
  contentStreams,
  identity,
  pageContentBytes,
  streamBytes,
  summarizeContent,
  UnreadableContent,
  type ContentSummary,
  type ImageDraw,
  type Matrix,
  type PdfRect,
} from './content-summary.ts';
import { chooseEmbeddedImage, type EmbeddedImage } from './embedded-image.ts';
import { damagedFix, pageError, type PageContext } from './page-context.ts';
import { imageColourMode, nameIn, numberIn } from './pdf-dict.ts';
import { defaultRenderDpi, maxRenderPixels } from './render-page.ts';

/** A native resolution is used for rendering only within these bounds; outside, the default is safer for OCR. */
const nativeDpiRange = { min: 150, max: 600 } as const;

/** Every page of a file encrypted with an empty user password is rendered: only pdf.js decrypts its streams. */
const encryptedRenderReason = 'rendered: the PDF is encrypted with an empty user password (owner permissions only), so its images are read by rendering the page';

/**
 * The image that covers most of a page, when it covers at least half of it: a rendered page is drawn at its
 * resolution and stored in its colour mode, so a 1-bit scan with a signature box drawn over it stays a 1-bit page.
 */
export interface DominantImage {
  /** Its pixels over its placed size, within `nativeDpiRange` and small enough to render. */
  dpi: number;
  /** What its pixels can show: 1-bit, gray, or colour (also for colour spaces this code does not know). */
  mode: ColourMode;
  /** Set for a page of drawn type with no scan on it: the "image" is the type itself, black on white. */
  drawn?: true;
}

/**
 * Images covering less than this share of a page leave it a page of drawn type (a born-digital page, an e-office
 * export with a seal image): it renders as black and white, as a typed page is, unless its colour covers
 * `keepColourFromShare`. Rendered in colour, such a page came out ten times its input (80 KB → 870 KB).
 */
const drawnPageImageShare = 0.2;

/** The render basis of a page without a dominant image, when it is drawn type rather than a collage of pictures. */
export function drawnPageBasis(images: readonly ImageDraw[], box: PdfRect): DominantImage | undefined {
  const pageAreaPt = (box.x1 - box.x0) * (box.y1 - box.y0);
  const imageAreaPt = images.reduce((sum, { ctm }) => sum + Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]), 0);
  return pageAreaPt > 0 && imageAreaPt < drawnPageImageShare * pageAreaPt ? { dpi: defaultRenderDpi, mode: 'bitonal', drawn: true } : undefined;
}

/** `inputBytes` (see `pageInputBytes`) is absent only when the page's content could not be read. */
export type PagePlan =
  | { kind: 'embedded'; image: EmbeddedImage; widthPx: number; heightPx: number; dpi: number; box: PdfRect; warnings: string[]; dominant: DominantImage; inputBytes: number }
  | { kind: 'render'; reason: string; dominant?: DominantImage; inputBytes?: number };

/**
 * The scan is taken out only when the page is that scan alone: one image exactly covering an unturned page, with no
 * other marks, no visible annotations, and square pixels; anything else is rendered, and the reason kept.
 */
export function planPage(leaf: PDFPageLeaf, context: PageContext): PagePlan {
  const box = visibleBox(leaf, context);
  let summary: ContentSummary;
  try {
    summary = summarizeContent(pageContentBytes(leaf), leaf.Resources(), identity);
  } catch (err) {
    // pdf.js reads broken content more leniently than this walk: let it try, and say why.
    const why = err instanceof UnreadableContent ? err.message : `its content could not be analysed (${describeError(err)})`;
    return { kind: 'render', reason: `rendered: ${why}` };
  }
  const dominant = dominantImage(summary.images, box) ?? drawnPageBasis(summary.images, box);
  const inputBytes = pageInputBytes(contentStreams(leaf), [...summary.images.map((draw) => draw.stream), ...summary.forms, ...annotationStreams(leaf)]);
  const render = (why: string): PagePlan => ({ kind: 'render', reason: `rendered: ${why}`, ...(dominant ? { dominant } : {}), inputBytes });
  const rotate = leaf.Rotate()?.asNumber() ?? 0;
  if (rotate % 360 !== 0) return render(`the page is turned by /Rotate ${rotate}`);
  if (summary.otherMarks.length > 0) return render(`the page has more than a scan on it (${[...new Set(summary.otherMarks)].join(', ')})`);
  if (summary.images.length !== 1) return render(summary.images.length === 0 ? 'the page holds no image' : `the page holds ${summary.images.length} images`);
  if (hasVisibleAnnotations(leaf)) return render('the page has annotations with their own appearance (a stamp or signature)');
  const [draw] = summary.images as [ImageDraw];
  if (!coversBox(draw.ctm, box)) return render('the image does not exactly cover the page (placed, cropped, turned or mirrored)');
  const choice = chooseEmbeddedImage(draw.stream);
  if ('reason' in choice) return render(choice.reason);
  const dpiX = (choice.widthPx * 72) / (box.x1 - box.x0);
  const dpiY = (choice.heightPx * 72) / (box.y1 - box.y0);
  if (Math.abs(dpiX - dpiY) > 0.02 * Math.max(dpiX, dpiY)) {
    return render(`the scan has different horizontal and vertical resolutions (${Math.round(dpiX)}×${Math.round(dpiY)} dpi)`);
  }
  // Page sizes in points are rounded by writers (A4 = 595.28 pt), so the computed 299.96 dpi is 300.
  const dpi = Math.round((dpiX + dpiY) / 2);
  return {
    kind: 'embedded',
    image: choice.image,
    widthPx: choice.widthPx,
    heightPx: choice.heightPx,
    dpi,
    box,
    warnings: choice.warnings,
    dominant: { dpi, mode: imageColourMode(draw.stream.dict) },
    inputBytes,
  };
}

/**
 * An encrypted page's content stream (which places its images) cannot be read here, only its dictionaries: the
 * image with the most pixels is taken to cover the page when its shape is the page's, as a scanner writes it.
 */
export function planEncryptedPage(leaf: PDFPageLeaf): PagePlan {
  const plan: PagePlan = { kind: 'render', reason: encryptedRenderReason };
  const box = rectOf(leaf.MediaBox());
  const resources = leaf.Resources();
  if (box === undefined || resources === undefined) return plan;
  const images = resourceImages(resources);
  // Encrypted streams keep their length (RC4) or grow by at most 32 bytes (AES): near enough for a measure.
  const withBytes = { ...plan, inputBytes: pageInputBytes(contentStreams(leaf), images) };
  const boxAspect = (box.x1 - box.x0) / (box.y1 - box.y0);
  const fitting = images
    .filter((image) => {
      const widthPx = numberIn(image.dict, 'Width') ?? 0;
      const heightPx = numberIn(image.dict, 'Height') ?? 0;
      return widthPx > 0 && heightPx > 0 && Math.abs(widthPx / heightPx / boxAspect - 1) <= 0.02;
    })
    .sort((a, b) => pixelsOf(b) - pixelsOf(a));
  const [largest] = fitting;
  if (largest === undefined) return withBytes;
  const fills: Matrix = [box.x1 - box.x0, 0, 0, box.y1 - box.y0, box.x0, box.y0];
  const dominant = dominantImage([{ stream: largest, ctm: fills }], box);
  return dominant ? { ...withBytes, dominant } : withBytes;
}

function pixelsOf(image: PDFRawStream): number {
  return (numberIn(image.dict, 'Width') ?? 0) * (numberIn(image.dict, 'Height') ?? 0);
}

/** The image XObjects a page's resources name (not those of its forms). */
function resourceImages(resources: PDFDict): PDFRawStream[] {
  const xobjects = resources.lookup(PDFName.of('XObject'));
  if (!(xobjects instanceof PDFDict)) return [];
  return xobjects.values().flatMap((ref) => {
    const xobject = resources.context.lookup(ref);
    return xobject instanceof PDFRawStream && nameIn(xobject.dict, 'Subtype') === 'Image' ? [xobject] : [];
  });
}


/**
 * The input bytes of a PDF page: the stored (encoded) bytes of its content streams and of every image and form
 * XObject it draws, and of the visible annotations' appearances (see `annotationStreams`), each counted once. Fonts
 * and objects the file's pages share otherwise are left out: the page's image is made from its images, drawing and
 * annotations, and the output page is compared with that. For a page that
 * is one scan this is the scan's own stream plus a few dozen bytes of placement.
 */
export function pageInputBytes(contents: readonly (PDFObject | undefined)[], xobjects: readonly PDFRawStream[]): number {
  const counted = new Set<PDFObject>();
  let total = 0;
  for (const stream of [...contents, ...xobjects]) {
    if (!(stream instanceof PDFRawStream) || counted.has(stream)) continue;
    counted.add(stream);
    total += stream.getContents().length;
  }
  return total;
}

/** CropBox within MediaBox: what a reader shows. */
function visibleBox(leaf: PDFPageLeaf, context: PageContext): PdfRect {
  const media = rectOf(leaf.MediaBox());
  if (media === undefined) throw pageError('PDF_PAGE_DAMAGED', context, `the page has no valid MediaBox, so its size is unknown; ${damagedFix}`);
  const crop = rectOf(leaf.CropBox());
  if (crop === undefined) return media;
  const clipped = { x0: Math.max(media.x0, crop.x0), y0: Math.max(media.y0, crop.y0), x1: Math.min(media.x1, crop.x1), y1: Math.min(media.y1, crop.y1) };
  return clipped.x1 > clipped.x0 && clipped.y1 > clipped.y0 ? clipped : media;
}

function rectOf(array: PDFArray | undefined): PdfRect | undefined {
  if (!(array instanceof PDFArray) || array.size() !== 4) return undefined;
  const values = array.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : Number.NaN));
  if (values.some((v) => !Number.isFinite(v))) return undefined;
  const [a, b, c, d] = values as [number, number, number, number];
  const rect = { x0: Math.min(a, c), y0: Math.min(b, d), x1: Math.max(a, c), y1: Math.max(b, d) };
  return rect.x1 > rect.x0 && rect.y1 > rect.y0 ? rect : undefined;
}

/** The unit square under the image's CTM, unrotated and unflipped, matching the box to within 0.5% (min 1 pt). */
export function coversBox(ctm: Matrix, box: PdfRect): boolean {
  const [a, b, c, d, e, f] = ctm;
  if (a <= 0 || d <= 0 || Math.abs(b) > 1e-3 * a || Math.abs(c) > 1e-3 * d) return false;
  const tolX = Math.max(1, 0.005 * (box.x1 - box.x0));
  const tolY = Math.max(1, 0.005 * (box.y1 - box.y0));
  return Math.abs(e - box.x0) <= tolX && Math.abs(e + a - box.x1) <= tolX && Math.abs(f - box.y0) <= tolY && Math.abs(f + d - box.y1) <= tolY;
}

/**
 * The image placed over the largest area, when that is at least half the visible page (a smaller one, such as a
 * photo on a typed page, says nothing about the rest of it). Its resolution is the finer of its two axes, kept
 * within `nativeDpiRange` and lowered, if need be, until the page fits in `maxRenderPixels`.
 */
export function dominantImage(images: readonly ImageDraw[], box: PdfRect): DominantImage | undefined {
  let best: { draw: ImageDraw; dpi: number; areaPt: number } | undefined;
  for (const draw of images) {
    const { stream, ctm } = draw;
    const widthPx = numberIn(stream.dict, 'Width') ?? 0;
    const heightPx = numberIn(stream.dict, 'Height') ?? 0;
    const widthPt = Math.hypot(ctm[0], ctm[1]);
    const heightPt = Math.hypot(ctm[2], ctm[3]);
    // The unit square's area under the CTM: a turned or sheared image covers what its parallelogram covers.
    const areaPt = Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]);
    if (widthPx <= 0 || heightPx <= 0 || widthPt <= 0 || heightPt <= 0 || areaPt <= 0) continue;
    if (best === undefined || areaPt > best.areaPt) {
      best = { draw, dpi: Math.max((widthPx * 72) / widthPt, (heightPx * 72) / heightPt), areaPt };
    }
  }
  const pageAreaPt = (box.x1 - box.x0) * (box.y1 - box.y0);
  if (best === undefined || best.areaPt < 0.5 * pageAreaPt) return undefined;
  const fittingDpi = Math.floor(72 * Math.sqrt(maxRenderPixels / pageAreaPt));
  const dpi = Math.min(fittingDpi, nativeDpiRange.max, Math.max(nativeDpiRange.min, Math.round(best.dpi)));
  return { dpi, mode: imageColourMode(best.draw.stream.dict) };
}

/** Link and popup annotations draw nothing; others (stamps, signatures, notes) would be lost by taking the scan out. */
function hasVisibleAnnotations(leaf: PDFPageLeaf): boolean {
  return visibleAnnotations(leaf).length > 0;
}

/** Annotations a reader draws on the page (a signature's appearance, a stamp): what the render shows besides the content. */
function visibleAnnotations(leaf: PDFPageLeaf): PDFDict[] {
  const annots = leaf.Annots();
  if (annots === undefined) return [];
  const visible: PDFDict[] = [];
  for (let i = 0; i < annots.size(); i++) {
    const annot = annots.lookup(i);
    if (!(annot instanceof PDFDict) || !annot.has(PDFName.of('AP'))) continue;
    const subtype = nameIn(annot, 'Subtype');
    const flags = numberIn(annot, 'F') ?? 0;
    // Flag bits 1 (Invisible), 2 (Hidden) and 6 (NoView) keep it off the screen.
    if (subtype === 'Link' || subtype === 'Popup' || (flags & (1 | 2 | 32)) !== 0) continue;
    visible.push(annot);
  }
  return visible;
}

/**
 * The streams the visible annotations' normal appearances draw with: each appearance and the images and forms it
 * draws. A rendered page shows them (an e-signature's seal image), so its input bytes count them.
 */
function annotationStreams(leaf: PDFPageLeaf): PDFRawStream[] {
  return visibleAnnotations(leaf).flatMap((annot) => {
    const ap = annot.lookup(PDFName.of('AP'));
    const normal = ap instanceof PDFDict ? ap.lookup(PDFName.of('N')) : undefined;
    // /N is one appearance, or a dictionary of them by state (a checkbox's on and off); all are counted.
    const appearances = normal instanceof PDFRawStream ? [normal] : normal instanceof PDFDict ? normal.values().map((v) => leaf.context.lookup(v)).filter((v): v is PDFRawStream => v instanceof PDFRawStream) : [];
    return appearances.flatMap((appearance) => {
      const resources = appearance.dict.lookup(PDFName.of('Resources'));
      try {
        const drawn = summarizeContent(streamBytes(appearance), resources instanceof PDFDict ? resources : undefined, identity);
        return [appearance, ...drawn.images.map((d) => d.stream), ...drawn.forms];
      } catch {
        return [appearance];
      }
    });
  });
}

/** The file's size less the stored bytes of its image XObjects. */
export function bytesBesideImages(doc: PDFDocument, fileSizeBytes: number): number {
  let imageBytes = 0;
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype'))?.toString() === '/Image') imageBytes += object.getContents().length;
  }
  return Math.max(0, fileSizeBytes - imageBytes);
}

/**
 * What a rendered page weighed in its PDF. A scan's page is its streams (`pageInputBytes`); a page of drawn type is
 * at least its share of what the file holds besides images, because the fonts it is drawn with (left out of its
 * streams, and shared between pages) are most of what it costs: an e-office page's content stream is 5 KB, its
 * file 80 KB a page, mostly fonts.
 */
export function renderedInputBytes(plan: PagePlan, context: PageContext): number {
  if (plan.kind === 'render' && plan.dominant?.drawn) return Math.max(plan.inputBytes ?? 0, Math.floor(context.sharedBytes / context.pageCount));
  return plan.inputBytes ?? shareOfFile(context);
}

/** Share of a file's bytes for one page, the same even split as ingest's page list. */
function shareOfFile(context: PageContext): number {
  return shareOfBytes(context.fileSizeBytes, context.pageCount, context.pageNumber - 1);
}
