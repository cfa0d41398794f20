// Paints laid-out pages into 8-bit gray pixels (0 = ink, 255 = paper) and adds seeded scanner dust.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { PageDraw, Rect } from './layout.ts';
import { seededRandom } from './seeded-random.ts';

export interface Gray {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

/** Text, rules, a pen stroke per signature area (from `seed`) and the QR symbol, on white paper. */
export function paint(draw: PageDraw, seed: number): Gray {
  const { widthPx, heightPx } = draw;
  const data = new Uint8Array(widthPx * heightPx).fill(255);
  for (const { tile, xPx, baselinePx, ink } of draw.placed) {
    const top = baselinePx - tile.baselinePx;
    for (let ty = 0; ty < tile.heightPx; ty++) {
      const py = top + ty;
      if (py < 0 || py >= heightPx) continue;
      for (let tx = 0; tx < tile.widthPx; tx++) {
        const a = tile.alpha[ty * tile.widthPx + tx] ?? 0;
        if (a === 0) continue;
        const i = py * widthPx + xPx + tx;
        const value = ink === undefined ? 255 - a : 255 - Math.round((a * (255 - ink)) / 255);
        data[i] = Math.min(data[i] ?? 255, value);
      }
    }
  }
  for (const r of draw.rules) fillRect(data, widthPx, r, r.ink ?? 0);
  const random = seededRandom(seed);
  for (const area of draw.signatures) drawSignature(data, widthPx, area, random, draw.dpi);
  if (draw.qr) {
    const { xPx, yPx, modulePx, size, dark } = draw.qr;
    for (let my = 0; my < size; my++) {
      for (let mx = 0; mx < size; mx++) {
        if (dark[my * size + mx]) fillRect(data, widthPx, { xPx: xPx + mx * modulePx, yPx: yPx + my * modulePx, widthPx: modulePx, heightPx: modulePx }, 0);
      }
    }
  }
  return { data, widthPx, heightPx };
}

function fillRect(data: Uint8Array, widthPx: number, r: Rect, value: number): void {
  for (let y = r.yPx; y < r.yPx + r.heightPx; y++) data.fill(value, y * widthPx + r.xPx, y * widthPx + r.xPx + r.widthPx);
}

/** A pen stroke in the signature space: a few loops drifting right, so the page looks signed (it is not text). */
function drawSignature(data: Uint8Array, widthPx: number, area: Rect, random: () => number, dpi: number): void {
  const loops = 3 + Math.floor(random() * 3);
  const phase = random() * Math.PI;
  const radius = Math.max(1, Math.round(dpi / 150));
  const steps = 1600;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    const x = area.xPx + area.widthPx * (0.05 + 0.9 * t) + Math.cos(t * loops * 2 * Math.PI + phase) * area.widthPx * 0.06;
    const y = area.yPx + area.heightPx * (0.55 - 0.25 * t) + Math.sin(t * loops * 2 * Math.PI + phase) * area.heightPx * 0.25;
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) data[Math.round(y + dy) * widthPx + Math.round(x + dx)] = 40;
    }
  }
}

/** Scanner dust: dark specks and white drop-outs, seeded so the file never changes; `density` scales both. */
export function speckle(gray: Gray, seed: number, density = 1): Gray {
  const data = Uint8Array.from(gray.data);
  const random = seededRandom(seed);
  const area = gray.widthPx * gray.heightPx;
  const put = (count: number, value: () => number, maxRadius: number) => {
    for (let n = 0; n < count; n++) {
      const cx = Math.floor(random() * gray.widthPx);
      const cy = Math.floor(random() * gray.heightPx);
      const r = Math.floor(random() * (maxRadius + 1));
      const v = value();
      for (let y = Math.max(0, cy - r); y <= Math.min(gray.heightPx - 1, cy + r); y++) {
        for (let x = Math.max(0, cx - r); x <= Math.min(gray.widthPx - 1, cx + r); x++) data[y * gray.widthPx + x] = v;
      }
    }
  };
  put(Math.round(area * 0.0005 * density), () => Math.floor(random() * 90), 1);
  put(Math.round(area * 0.0004 * density), () => 255, 1);
  return { ...gray, data };
}

/**
 * Single-pixel dust for synthetic test scans: dark specks (20) on `fraction` of the pixels and white drop-outs (245)
 * on as many, seeded. The committed samples use `speckle` above.
 */
export function addSpecks(image: Gray, fraction: number, seed = 1): Gray {
  const data = new Uint8Array(image.data);
  const random = seededRandom(seed);
  const count = Math.round(fraction * data.length);
  for (let i = 0; i < count; i++) data[Math.floor(random() * data.length)] = 20;
  for (let i = 0; i < count; i++) data[Math.floor(random() * data.length)] = 245;
  return { data, widthPx: image.widthPx, heightPx: image.heightPx };
}

export const rawInput = (gray: Gray): Sharp => sharp(gray.data, { raw: { width: gray.widthPx, height: gray.heightPx, channels: 1 } });

export async function toGray(image: Sharp): Promise<Gray> {
  const { data, info } = await image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected one channel but received ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height };
}

/** Content turned `skewDeg` counter-clockwise (positive, as `skewDeg` in src/domain/page.ts) on a scanner bed of the same size. */
export async function skew(gray: Gray, skewDeg: number): Promise<Gray> {
  const turned = await toGray(rawInput(gray).rotate(-skewDeg, { background: { r: 255, g: 255, b: 255 } }));
  const left = Math.floor((turned.widthPx - gray.widthPx) / 2);
  const top = Math.floor((turned.heightPx - gray.heightPx) / 2);
  return toGray(rawInput(turned).extract({ left, top, width: gray.widthPx, height: gray.heightPx }));
}
