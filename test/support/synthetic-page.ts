// Synthetic scanned pages for the image and normalize tests: Vietnamese text rendered by Pango, black on white.
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';

export const fontFile = path.resolve('node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif.ttf');

const bodyLines = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
  'Xét đề nghị của Trưởng phòng Tư pháp về việc chứng thực bản sao từ bản chính,',
  'Ủy ban nhân dân xã xác nhận ông Nguyễn Văn Hùng, sinh ngày 12 tháng 8 năm 1975,',
  'thường trú tại thôn Đông Hải, xã Quỳnh Lưu, tỉnh Nghệ An, có hồ sơ đầy đủ theo quy định.',
  'Điều 1. Chấp thuận hồ sơ đăng ký khai sinh và cấp bản sao trích lục cho người được nêu trên.',
  'Điều 2. Văn phòng Ủy ban nhân dân và các đơn vị có liên quan chịu trách nhiệm thi hành.',
];

/** Text of an administrative page: national heading, then `lineCount` body lines. */
export function pageText(lineCount = 28): string {
  const body = Array.from({ length: lineCount }, (_, i) => bodyLines[i % bodyLines.length]!);
  return ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', '', ...body].join('\n');
}

/**
 * Renders a text page as a 1-channel raw raster of exactly `widthPx`×`heightPx`, text in the upper part with
 * margins like a letter, at roughly `dpi` (Pango point sizes are scaled by it).
 */
export async function renderTextPage(options: { widthPx: number; heightPx: number; dpi: number; lineCount?: number }): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const marginPx = Math.round(options.widthPx * 0.08);
  const text = sharp({
    text: { text: pageText(options.lineCount), fontfile: fontFile, font: 'DejaVu Serif 11', dpi: options.dpi, width: options.widthPx - 2 * marginPx, spacing: 4 },
  });
  return onWhitePage(text, options, marginPx);
}

/** Rotates a 1-channel raw page counter-clockwise by `skewDeg` (the page.ts sign) on white, keeping its size. */
export async function skewPage(page: { data: Uint8Array; widthPx: number; heightPx: number }, skewDeg: number): Promise<Buffer> {
  const rotated = await sharp(page.data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } })
    .rotate(-skewDeg, { background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const left = Math.floor((rotated.info.width - page.widthPx) / 2);
  const top = Math.floor((rotated.info.height - page.heightPx) / 2);
  return sharp(rotated.data, { raw: { width: rotated.info.width, height: rotated.info.height, channels: 1 } })
    .extract({ left, top, width: page.widthPx, height: page.heightPx })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
}

/** Downscales a 1-channel raw page to `widthPx` wide, as the normalize stage does before estimating skew. */
export async function downscaleGray(data: Buffer, widthPx: number, heightPx: number, targetWidthPx: number): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const out = await sharp(data, { raw: { width: widthPx, height: heightPx, channels: 1 } })
    .resize({ width: targetWidthPx })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, widthPx: out.info.width, heightPx: out.info.height };
}

export const sansFontFile = path.resolve('node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

const documentHeadings = ['QUYẾT ĐỊNH', 'VỀ VIỆC CÔNG NHẬN KẾT QUẢ XÉT TUYỂN VIÊN CHỨC', 'CHƯƠNG I. NHỮNG QUY ĐỊNH CHUNG', 'ỦY BAN NHÂN DÂN HUYỆN QUỲNH LƯU'];

/** Text of an administrative page with an all-caps heading after every `headingEvery` body lines. */
export function documentText(lineCount = 28, headingEvery = 6): string {
  const lines = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', ''];
  for (let i = 0; i < lineCount; i++) {
    if (i % headingEvery === 0) lines.push(documentHeadings[(i / headingEvery) % documentHeadings.length]!);
    lines.push(bodyLines[i % bodyLines.length]!);
  }
  return lines.join('\n');
}

/**
 * Renders `text` in DejaVu Serif or Sans at `fontPt` as a 1-channel raw page of exactly `widthPx`×`heightPx`
 * at `dpi`, from the top-left margin; text that does not fit is cut off.
 */
export async function renderDocumentPage(options: {
  widthPx: number;
  heightPx: number;
  dpi: number;
  fontPt: number;
  family: 'serif' | 'sans';
  text: string;
}): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const marginPx = Math.round(options.widthPx * 0.08);
  const serif = options.family === 'serif';
  const text = sharp({
    text: {
      text: options.text,
      fontfile: serif ? fontFile : sansFontFile,
      font: `DejaVu ${serif ? 'Serif' : 'Sans'} ${options.fontPt}`,
      dpi: options.dpi,
      width: options.widthPx - 2 * marginPx,
      spacing: Math.round((options.fontPt * options.dpi) / 72 / 4),
      wrap: 'word',
    },
  });
  return onWhitePage(text, options, marginPx);
}

/** Turns a 1-channel raw page clockwise by a right angle, as sharp's `rotate(deg)`. */
export async function turnPage(page: { data: Uint8Array; widthPx: number; heightPx: number }, clockwiseDeg: 0 | 90 | 180 | 270): Promise<{ data: Uint8Array; widthPx: number; heightPx: number }> {
  if (clockwiseDeg === 0) return page;
  const out = await sharp(page.data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } })
    .rotate(clockwiseDeg)
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, widthPx: out.info.width, heightPx: out.info.height };
}

/** Pango's text (white on black) as black type on a white page of exactly the asked size, inside the margins. */
async function onWhitePage(rendered: Sharp, size: { widthPx: number; heightPx: number }, marginPx: number): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const text = await rendered.negate().toColourspace('b-w').png().toBuffer({ resolveWithObject: true });
  const textWidthPx = Math.min(text.info.width, size.widthPx - 2 * marginPx);
  const textHeightPx = Math.min(text.info.height, size.heightPx - 2 * marginPx);
  const data = await sharp({ create: { width: size.widthPx, height: size.heightPx, channels: 3, background: '#ffffff' } })
    .composite([{ input: await sharp(text.data).extract({ left: 0, top: 0, width: textWidthPx, height: textHeightPx }).toBuffer(), left: marginPx, top: marginPx }])
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return { data, widthPx: size.widthPx, heightPx: size.heightPx };
}
