// Raw page pixels and the sharp steps every stage and analysis shares: in and out of raw, resize, gray, rotate, crop.
import sharp from 'sharp';
import type { Sharp } from 'sharp';

/** 8-bit pixels, row-major, interleaved: what every analysis and every write of a page starts from. */
export interface RawImage {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  channels: 1 | 3;
}

/** The background of corners uncovered by a rotation and of flattened transparency: paper. */
export const WHITE = { r: 255, g: 255, b: 255 };

/** A sharp pipeline over the image's pixels. */
export function rawInput(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.widthPx, height: image.heightPx, channels: image.channels } });
}

/** Runs the pipeline to 8-bit raw pixels of `channels` channels (gray or sRGB). */
export async function toRaw(pipeline: Sharp, channels: 1 | 3): Promise<RawImage> {
  const { data, info } = await pipeline.toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, widthPx: info.width, heightPx: info.height, channels };
}

/** A copy whose long side is at most `longSidePx` (never enlarged). */
export async function resize(image: RawImage, longSidePx: number): Promise<RawImage> {
  if (Math.max(image.widthPx, image.heightPx) <= longSidePx) return image;
  return toRaw(rawInput(image).resize({ width: longSidePx, height: longSidePx, fit: 'inside' }), image.channels);
}

/** The image as one gray channel. */
export async function toGray(image: RawImage): Promise<RawImage> {
  return image.channels === 1 ? image : toRaw(rawInput(image), 1);
}

/** The page resampled to `grid` (a palette page, decoded at full size to judge its entries). */
export async function resampleTo(image: RawImage, grid: { widthPx: number; heightPx: number }): Promise<RawImage> {
  if (image.widthPx === grid.widthPx && image.heightPx === grid.heightPx) return image;
  return toRaw(rawInput(image).resize({ width: grid.widthPx, height: grid.heightPx, fit: 'fill' }), image.channels);
}

/** Where a canvas of `inner` size sits centred in one of `outer` size. */
export function centredCrop(outerWidthPx: number, outerHeightPx: number, innerWidthPx: number, innerHeightPx: number): { left: number; top: number; width: number; height: number } {
  const width = Math.min(outerWidthPx, innerWidthPx);
  const height = Math.min(outerHeightPx, innerHeightPx);
  return { left: Math.floor((outerWidthPx - width) / 2), top: Math.floor((outerHeightPx - height) / 2), width, height };
}

/**
 * Applies the right-angle turn and the skew correction as one rotation (one resampling). Rotating by an arbitrary
 * angle enlarges the canvas; the result is cropped back, centred, to the upright page size so a page keeps its
 * paper size, and the corners uncovered by the rotation are white. Content within the margin the crop removes
 * (at most ~4.4 % of the page width at 5°) was in the scan's border, not on the page's text block.
 */
export async function rotateUpright(decoded: RawImage, rotateDeg: number, correctionDeg: number, channels: 1 | 3): Promise<RawImage> {
  const swap = rotateDeg % 180 !== 0;
  const uprightWidthPx = swap ? decoded.heightPx : decoded.widthPx;
  const uprightHeightPx = swap ? decoded.widthPx : decoded.heightPx;
  if (correctionDeg === 0) {
    if (rotateDeg === 0 && channels === decoded.channels) return decoded;
    return toRaw(rotateDeg === 0 ? rawInput(decoded) : rawInput(decoded).rotate(rotateDeg), channels);
  }
  // sharp turns clockwise for positive angles, which undoes a counter-clockwise (positive) skew.
  const rotated = await toRaw(rawInput(decoded).rotate(rotateDeg + correctionDeg, { background: WHITE }), channels);
  return toRaw(rawInput(rotated).extract(centredCrop(rotated.widthPx, rotated.heightPx, uprightWidthPx, uprightHeightPx)), channels);
}
