// Renders a page with pdf.js as a reader shows it, written in the colour mode its scan calls for.
import path from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import { describeError, InputError } from '../../domain/errors.ts';
import type { ColourMode } from '../../domain/page.ts';
import { colourMode, measureChroma } from '../../image/colour-mode.ts';
import type { Matrix } from './content-summary.ts';
import { damagedFix, pageError, type PageContext } from './page-context.ts';
import { imageFileName, type WrittenImage } from './written-image.ts';
import { loadPdfjs } from '../pdfjs-document.ts';

/** A rendered page larger than this is refused: 600 dpi A3 is 70 Mpx, so this is a mis-sized page or a bomb. */
export const maxRenderPixels = 150_000_000;
export const defaultRenderDpi = 300;

/** How to render a page: at what resolution, in the colour mode of its dominant image, and what it weighed. */
interface RenderTarget {
  dpi: number;
  mode: ColourMode;
  /** The page is drawn type, not a scan (see `drawnPageBasis`). */
  drawn?: boolean;
  inputBytes: number;
}

/**
 * Coloured content over this share of a page keeps a rendered page in colour although its scan is 1-bit or gray.
 * What e-office systems draw over a scan is a mark: an e-signature box (about 6 × 2.5 cm, 2.4 % of A4 even when
 * filled), a seal (4 cm across, 2 %), a signer's name. Its colour does not pay for a colour page, which costs ten
 * times the 1-bit one (a 76 KB G4 page came out as a 924 KB colour JPEG), and the signed original keeps it. Colour
 * over a twentieth of the page is more than a mark (a coloured form or chart drawn over a background): such a page
 * stays colour and normalize judges it as it judges any colour scan.
 */
export const keepColourFromShare = 0.05;
/** Long side of the copy the overlay's colour is measured on, as normalize measures chroma. */
const chromaLongSidePx = 600;

/**
 * The colour mode a rendered page is written in. `mode` is the dominant image's: a colour one leaves the page as
 * drawn, for normalize to judge. A 1-bit or gray one sets the page's mode unless colour covers `keepColourFromShare`;
 * when colour that normalize would have kept is dropped, the note says so.
 */
export function renderedMode(mode: ColourMode, colouredFraction: number, wouldBeColour: boolean, drawn = false): { mode: ColourMode; note?: string } {
  if (mode === 'colour' || colouredFraction >= keepColourFromShare) return { mode: 'colour' };
  if (!wouldBeColour) return { mode };
  const share = colouredFraction < 0.001 ? 'under 0.1%' : `${(colouredFraction * 100).toFixed(1)}%`;
  if (drawn) return { mode, note: `coloured marks on a page of drawn type (${share} of the page, such as a seal) were flattened to black and white; the kept original has them` };
  const target = mode === 'bitonal' ? 'black and white, as its 1-bit scan' : 'gray, as its gray scan';
  return { mode, note: `coloured marks drawn over the scan (${share} of the page, such as an e-signature box) were flattened to ${target}` };
}

/** Ink below this level, paper above: a rendered 1-bit scan is 0 and 255 except where resampling blends the two. */
const bitonalThreshold = 128;

/**
 * pdf.js draws the page as a reader shows it (annotation appearances included) on white, at `target.dpi`. The image
 * is written in the page's colour mode: a 1-bit PNG (normalize stores it as G4), a gray PNG, or RGB.
 */
export async function renderPage(pdf: PDFDocumentProxy, page: PDFPageProxy, outDir: string, context: PageContext, target: RenderTarget): Promise<WrittenImage> {
  const { dpi } = target;
  if (!Number.isFinite(dpi) || dpi < 36 || dpi > 1200) throw new Error(`Expected renderDpi 36–1200 but received ${dpi}`);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const widthPx = Math.round(viewport.width);
  const heightPx = Math.round(viewport.height);
  if (widthPx * heightPx > maxRenderPixels) {
    throw pageError('PDF_PAGE_TOO_LARGE', context, `rendering the page at ${dpi} dpi would make ${widthPx}×${heightPx} pixels, more than ${maxRenderPixels}; pass a lower renderDpi or split the page`);
  }
  // The document's factory is the one pdf.js uses in Node (@napi-rs/canvas); sohoa does not import the canvas package.
  const canvasFactory = pdf.canvasFactory as CanvasFactory;
  const { canvas, context: drawing } = canvasFactory.create(widthPx, heightPx);
  try {
    const { AnnotationMode } = await loadPdfjs();
    await page.render({ canvas: canvas as never, viewport, annotationMode: AnnotationMode.ENABLE, background: 'rgb(255,255,255)' }).promise;
    const rgba = drawing.getImageData(0, 0, widthPx, heightPx).data;
    const drawn = () => sharp(rgba, { raw: { width: widthPx, height: heightPx, channels: 4 } }).removeAlpha();
    let chosen: { mode: ColourMode; note?: string } = { mode: 'colour' };
    if (target.mode !== 'colour') {
      const small = await drawn().resize({ width: chromaLongSidePx, height: chromaLongSidePx, fit: 'inside', withoutEnlargement: true }).raw().toBuffer();
      const chroma = measureChroma(small, 3);
      chosen = renderedMode(target.mode, chroma.colouredFraction, colourMode({ bitsPerSample: 8, channels: 3, chroma }) === 'colour', target.drawn);
    }
    const imagePath = path.join(outDir, imageFileName(context, 'png'));
    // An intermediate in the work folder: fast compression; a 1-bit page is written 1-bit, so normalize keeps it so.
    // Drawn type is written gray, its anti-aliasing kept for the engine, and stored bitonal (`storeAs`).
    const storeBitonal = chosen.mode === 'bitonal' && target.drawn === true;
    const pipeline =
      chosen.mode === 'bitonal' && !storeBitonal
        ? drawn().toColourspace('b-w').threshold(bitonalThreshold).withDensity(dpi).png({ colours: 2, palette: false, compressionLevel: 1 })
        : chosen.mode === 'gray' || storeBitonal
          ? drawn().toColourspace('b-w').withDensity(dpi).png({ compressionLevel: 1 })
          : drawn().withDensity(dpi).png({ compressionLevel: 1 });
    await pipeline.toFile(imagePath);
    return {
      imagePath,
      method: 'rendered',
      dpi,
      widthPx,
      heightPx,
      inputBytes: target.inputBytes,
      toPixels: viewport.transform as unknown as Matrix,
      notes: chosen.note === undefined ? [] : [chosen.note],
      ...(storeBitonal ? { storeAs: 'bitonal' as const } : {}),
    };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw pageError('PDF_PAGE_DAMAGED', context, `the page cannot be drawn (${describeError(err)}); ${damagedFix}`, err);
  } finally {
    canvasFactory.destroy({ canvas, context: drawing });
  }
}

/** The part of pdf.js's Node canvas factory (backed by @napi-rs/canvas) used here. */
interface CanvasFactory {
  create(width: number, height: number): { canvas: unknown; context: { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
  destroy(pair: { canvas: unknown; context: unknown }): void;
}
