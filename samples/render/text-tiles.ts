// Renders words and lines of sample text as alpha tiles with a known baseline (sharp's Pango text input, DejaVu Serif).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

const fontDir = fileURLToPath(new URL('../../node_modules/dejavu-fonts-ttf/ttf/', import.meta.url));
const fonts: Record<FontStyle, { file: string; name: string }> = {
  regular: { file: 'DejaVuSerif.ttf', name: 'DejaVu Serif' },
  bold: { file: 'DejaVuSerif-Bold.ttf', name: 'DejaVu Serif Bold' },
  italic: { file: 'DejaVuSerif-Italic.ttf', name: 'DejaVu Serif Italic' },
  boldItalic: { file: 'DejaVuSerif-BoldItalic.ttf', name: 'DejaVu Serif Bold Italic' },
};

/** A rendered piece of text: coverage 0–255, cropped to its ink horizontally, strut height vertically. */
export interface Tile {
  alpha: Uint8Array;
  widthPx: number;
  heightPx: number;
  /** Row of the baseline inside the tile. */
  baselinePx: number;
}

// libvips crops rendered text to its ink box, which would move the baseline with every accent. An invisible strut
// (fully transparent tall and deep glyphs) on both sides fixes the box height, so the baseline sits at a constant
// offset that is calibrated once per font and size.
const strut = '<span fgalpha="1">Ỗ|g</span>';
const escapeMarkup = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const tileCache = new Map<string, Promise<Tile>>();
const baselineCache = new Map<string, Promise<number>>();

async function renderRaw(text: string, style: FontStyle, sizePt: number, dpi: number): Promise<{ alpha: Uint8Array; widthPx: number; heightPx: number }> {
  const font = fonts[style];
  const { data, info } = await sharp({
    text: { text: strut + escapeMarkup(text) + strut, font: `${font.name} ${sizePt}`, fontfile: join(fontDir, font.file), dpi, rgba: true },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const alpha = new Uint8Array(info.width * info.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[i * 4 + 3] ?? 0;
  return { alpha, widthPx: info.width, heightPx: info.height };
}

function inkColumns(alpha: Uint8Array, widthPx: number, heightPx: number): { x0: number; x1: number } {
  let x0 = widthPx;
  let x1 = -1;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      if ((alpha[y * widthPx + x] ?? 0) > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
      }
    }
  }
  if (x1 < 0) throw new Error('rendered text has no ink');
  return { x0, x1 };
}

function baselineOf(style: FontStyle, sizePt: number, dpi: number): Promise<number> {
  const key = `${style}|${sizePt}|${dpi}`;
  let cached = baselineCache.get(key);
  if (!cached) {
    // The bottom of a flat-bottomed capital is the baseline.
    cached = renderRaw('H', style, sizePt, dpi).then(({ alpha, widthPx, heightPx }) => {
      for (let y = heightPx - 1; y >= 0; y--) {
        for (let x = 0; x < widthPx; x++) if ((alpha[y * widthPx + x] ?? 0) > 128) return y + 1;
      }
      throw new Error(`cannot find the baseline of ${style} ${sizePt}pt`);
    });
    baselineCache.set(key, cached);
  }
  return cached;
}

/** One word or line of text at a size and resolution; cached, so repeated words cost nothing. */
export function renderTile(text: string, style: FontStyle, sizePt: number, dpi: number): Promise<Tile> {
  const key = `${style}|${sizePt}|${dpi}|${text}`;
  let cached = tileCache.get(key);
  if (!cached) {
    cached = (async () => {
      const raw = await renderRaw(text, style, sizePt, dpi);
      const { x0, x1 } = inkColumns(raw.alpha, raw.widthPx, raw.heightPx);
      const widthPx = x1 - x0 + 1;
      const alpha = new Uint8Array(widthPx * raw.heightPx);
      for (let y = 0; y < raw.heightPx; y++) alpha.set(raw.alpha.subarray(y * raw.widthPx + x0, y * raw.widthPx + x1 + 1), y * widthPx);
      return { alpha, widthPx, heightPx: raw.heightPx, baselinePx: await baselineOf(style, sizePt, dpi) };
    })();
    tileCache.set(key, cached);
  }
  return cached;
}

/** Gap between two words: ink of "H H" minus two H's, i.e. a space plus the side bearings. */
export async function wordGapPx(style: FontStyle, sizePt: number, dpi: number): Promise<number> {
  const [pair, single] = await Promise.all([renderTile('H H', style, sizePt, dpi), renderTile('H', style, sizePt, dpi)]);
  return pair.widthPx - 2 * single.widthPx;
}
