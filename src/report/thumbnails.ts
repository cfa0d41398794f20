// Small page pictures for the batch report: a few KB of JPEG each, inlined as data: URIs so the report stands alone.
import sharp from 'sharp';

export interface Thumbnail {
  /** `data:image/jpeg;base64,…` */
  dataUri: string;
  widthPx: number;
  heightPx: number;
  /** Encoded JPEG bytes (the data URI is about 4/3 of this). */
  sizeBytes: number;
  colour: boolean;
}

export interface ThumbnailOptions {
  /** Width of the picture, after any rotation. */
  widthPx?: number;
  /** 0-based page of a multi-page file (TIFF). */
  page?: number;
  /** Clockwise turn after the EXIF orientation is applied, to show the page as it stands in the PDF: 0, 90, 180 or 270. */
  rotateDeg?: number;
  /** JPEG quality 1–100. */
  quality?: number;
  /** `auto` keeps colour only where the page has some (a red seal, a coloured form); scans of text become gray. */
  colour?: 'auto' | 'gray' | 'colour';
  /** Refuses images with more pixels than this (sharp's default guard against decompression bombs). */
  maxInputPixels?: number;
}

export const thumbnailDefaults = { widthPx: 160, page: 0, rotateDeg: 0, quality: 50, colour: 'auto', maxInputPixels: 268_402_689 } as const;

/** A pixel counts as coloured when its channels differ by more than this (0–255)... */
const chromaThreshold = 40;
/** ...and a page is colour when at least this share of its pixels are (a round seal covers about 1–3 % of an A4 page). */
const colourShare = 0.002;

export async function makeThumbnail(input: string | Buffer, options: ThumbnailOptions = {}): Promise<Thumbnail> {
  const settings = { ...thumbnailDefaults, ...withoutUndefined(options) };
  if (!Number.isInteger(settings.widthPx) || settings.widthPx < 8 || settings.widthPx > 1024) {
    throw new TypeError(`Expected an integer 8–1024 for widthPx but received ${String(settings.widthPx)}`);
  }
  if (![0, 90, 180, 270].includes(settings.rotateDeg)) throw new TypeError(`Expected 0, 90, 180 or 270 for rotateDeg but received ${String(settings.rotateDeg)}`);
  const sideways = settings.rotateDeg === 90 || settings.rotateDeg === 270;
  // Resize first (JPEG and WebP shrink while decoding), then turn the small picture: the side that ends up
  // horizontal is the one sized to widthPx.
  const small = await sharp(input, { page: settings.page, limitInputPixels: settings.maxInputPixels })
    .autoOrient()
    .resize(sideways ? { height: settings.widthPx } : { width: settings.widthPx })
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = small.info;
  const colour = settings.colour === 'colour' || (settings.colour === 'auto' && channels >= 3 && hasColour(small.data, channels));
  let picture = sharp(small.data, { raw: { width, height, channels } });
  if (settings.rotateDeg !== 0) picture = picture.rotate(settings.rotateDeg);
  if (!colour) picture = picture.toColourspace('b-w');
  const { data, info } = await picture.jpeg({ quality: settings.quality, mozjpeg: true }).toBuffer({ resolveWithObject: true });
  return { dataUri: `data:image/jpeg;base64,${data.toString('base64')}`, widthPx: info.width, heightPx: info.height, sizeBytes: data.byteLength, colour };
}

function hasColour(pixels: Buffer, channels: number): boolean {
  const total = pixels.length / channels;
  const needed = Math.max(1, Math.ceil(total * colourShare));
  let coloured = 0;
  for (let i = 0; i + 2 < pixels.length; i += channels) {
    const r = pixels[i] as number;
    const g = pixels[i + 1] as number;
    const b = pixels[i + 2] as number;
    if (Math.max(r, g, b) - Math.min(r, g, b) > chromaThreshold && ++coloured >= needed) return true;
  }
  return false;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
