// Synthetic scans of Circular 01/2023 documents for the QR tests and `scripts/eval/qr-eval.ts`: an A4 page with a QR code top-left, text around it, then the scanner's faults. Made on the fly, never committed.
import path from 'node:path';
import QRCode from 'qrcode';
import sharp, { type Sharp } from 'sharp';
import { addSpecks } from './raster.ts';

/** An 8-bit gray raster, one byte per pixel, rows top to bottom. */
export interface GrayImage {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const fontFile = path.resolve(import.meta.dirname, '../../node_modules/dejavu-fonts-ttf/ttf/DejaVuSerif.ttf');

const A4_WIDTH_MM = 210;
const A4_HEIGHT_MM = 297;
/** Printed width of the symbol without its quiet zone; receipts from provincial systems print it about this size. */
export const QR_PRINTED_MM = 25;
/** Where the symbol's top-left module sits: inside the top-left margin, as the circular places it. */
const QR_LEFT_MM = 15;
const QR_TOP_MM = 10;

const mmToPx = (mm: number, dpi: number): number => Math.round((mm / 25.4) * dpi);

/** Contents the way provincial systems print them, in the three accepted forms, 150–300 characters each. */
export const sampleContents: readonly string[] = [
  JSON.stringify({
    maHoSo: '000.00.16.H05-240305-0001',
    maTTHC: '1.000466',
    soDinhDanh: '001085012345',
    tenGiayTo: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    heThong: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai',
    thoiGian: '05/03/2024 09:15',
    ngayHenTra: '12/03/2024',
  }),
  [
    'Mã hồ sơ: 000.00.04.G18-240611-0042',
    'Mã TTHC: 2.001178',
    'Số định danh: 079199001234',
    'Tên giấy tờ: Giấy phép hành nghề khám bệnh, chữa bệnh',
    'Hệ thống: Cổng dịch vụ công Bộ Y tế',
    'Thời gian: 11/06/2024 14:30',
    'Hiệu lực: 11/06/2024 - 11/06/2029',
    'Phạm vi: Toàn quốc',
  ].join('\n'),
  'https://dichvucong.laocai.gov.vn/tra-cuu-ho-so?mahoso=000.00.16.H05-240305-0001&matthc=1.000466&sodinhdanh=001085012345&tengiayto=Phieu%20tiep%20nhan&thoigian=2024-03-05T09%3A15&ngayhentra=2024-03-12',
  JSON.stringify({
    maHoSo: 'G09.20-20260609-0092637',
    maTTHC: '1.005129',
    maDinhDanh: '0101234567',
    tenGiayTo: 'Quyết định công nhận kết quả',
    heThong: 'Cổng DVC Bộ Nội vụ',
    thoiGian: '2026-06-09T10:02:00+07:00',
    hieuLucTu: '09/06/2026',
    hieuLucDen: 'Vĩnh viễn',
    phamVi: 'Toàn quốc',
  }),
];

/** The text lines of the page: letterhead to the right of the code, then body text under it. */
const letterhead = ['ỦY BAN NHÂN DÂN            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'TỈNH LÀO CAI                       Độc lập - Tự do - Hạnh phúc', 'Số: 125/GTN-UBND                Lào Cai, ngày 05 tháng 3 năm 2024'];
const bodyLines = [
  'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
  'Bộ phận tiếp nhận và trả kết quả tiếp nhận hồ sơ của ông Nguyễn Văn Hùng,',
  'số định danh cá nhân 001085012345, địa chỉ thôn Đông Hải, xã Quỳnh Lưu.',
  'Nội dung yêu cầu giải quyết: cấp bản sao trích lục khai sinh từ sổ gốc.',
  'Thành phần hồ sơ gồm: tờ khai theo mẫu; bản sao giấy tờ tùy thân; giấy ủy quyền.',
  'Thời gian giải quyết theo quy định là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ.',
  'Người nộp hồ sơ đến nhận kết quả tại Bộ phận một cửa theo lịch hẹn ghi dưới đây.',
];

/** Renders text lines with Pango as a mask (ink is white on black), cut to `maxWidthPx`×`maxHeightPx`. */
async function renderText(lines: readonly string[], dpi: number, fontPt: number, maxWidthPx: number, maxHeightPx: number): Promise<Buffer> {
  const text = await sharp({ text: { text: lines.join('\n'), fontfile: fontFile, font: `DejaVu Serif ${fontPt}`, dpi, width: maxWidthPx, spacing: Math.round((fontPt * dpi) / 72 / 3) } })
    .png()
    .toBuffer({ resolveWithObject: true });
  return sharp(text.data)
    .extract({ left: 0, top: 0, width: Math.min(text.info.width, maxWidthPx), height: Math.min(text.info.height, maxHeightPx) })
    .png()
    .toBuffer();
}

const blankPages = new Map<number, Promise<GrayImage>>();

/** A4 at `dpi` with the letterhead and body text and an empty top-left corner for the code; made once per dpi. */
export function blankPage(dpi: number): Promise<GrayImage> {
  let page = blankPages.get(dpi);
  if (page === undefined) {
    page = renderBlankPage(dpi);
    blankPages.set(dpi, page);
  }
  return page;
}

async function renderBlankPage(dpi: number): Promise<GrayImage> {
  const widthPx = mmToPx(A4_WIDTH_MM, dpi);
  const heightPx = mmToPx(A4_HEIGHT_MM, dpi);
  const head = await renderText(letterhead, dpi, 11, widthPx - mmToPx(65, dpi), mmToPx(30, dpi));
  const body = await renderText(Array.from({ length: 30 }, (_, i) => bodyLines[i % bodyLines.length]!), dpi, 12, widthPx - mmToPx(50, dpi), heightPx - mmToPx(75, dpi));
  const ink = await sharp({ create: { width: widthPx, height: heightPx, channels: 3, background: '#000000' } })
    .composite([
      { input: head, left: mmToPx(48, dpi), top: mmToPx(12, dpi), blend: 'lighten' },
      { input: body, left: mmToPx(30, dpi), top: mmToPx(50, dpi), blend: 'lighten' },
    ])
    .negate()
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(ink.data.buffer, ink.data.byteOffset, ink.data.byteLength), widthPx: ink.info.width, heightPx: ink.info.height };
}

/** The QR symbol of `text` (error correction M), `sizePx` wide without quiet zone, anti-aliased as a scanner sees print. */
export async function renderQrSymbol(text: string, sizePx: number): Promise<GrayImage & { modules: number }> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  // Drawn at 16 px a module and shrunk, so module edges fall between pixels as they do in a scan.
  const drawScale = 16;
  const drawnPx = modules.size * drawScale;
  const drawn = new Uint8Array(drawnPx * drawnPx).fill(255);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.data[row * modules.size + col]) continue;
      for (let y = row * drawScale; y < (row + 1) * drawScale; y++) drawn.fill(0, y * drawnPx + col * drawScale, y * drawnPx + (col + 1) * drawScale);
    }
  }
  const out = await sharp(drawn, { raw: { width: drawnPx, height: drawnPx, channels: 1 } })
    .resize(sizePx, sizePx, { kernel: 'linear' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return { data: out, widthPx: sizePx, heightPx: sizePx, modules: modules.size };
}

export interface ScanOptions {
  text: string;
  dpi: number;
  /** Counter-clockwise turn of the paper on the scanner; the page grows so no corner is lost. */
  rotationDeg?: number;
  /** Gaussian blur of the scanner optics, in pixels. */
  blurSigmaPx?: number;
  /** Fraction of pixels turned into dark specks, and as many into white drop-outs (dust, paper fibre). */
  speckFraction?: number;
  /** JPEG quality the scan was saved at. */
  jpegQuality?: number;
  /** Seeds the specks, so a scan is the same every run. */
  seed?: number;
}

export interface Scan {
  page: GrayImage;
  /** Where the symbol is on the page before rotation, in pixels. */
  qrBox: PixelBox;
  /** Symbol width in modules and pixels per module at this dpi. */
  modules: number;
  modulePx: number;
}

/** Prints `text` as a QR code top-left on an A4 page at `dpi` and "scans" it with the requested faults. */
export async function makeQrScan(options: ScanOptions): Promise<Scan> {
  const page = await blankPage(options.dpi);
  const sizePx = mmToPx(QR_PRINTED_MM, options.dpi);
  const symbol = await renderQrSymbol(options.text, sizePx);
  const left = mmToPx(QR_LEFT_MM, options.dpi);
  const top = mmToPx(QR_TOP_MM, options.dpi);
  const data = new Uint8Array(page.data);
  for (let y = 0; y < sizePx; y++) data.set(symbol.data.subarray(y * sizePx, (y + 1) * sizePx), (top + y) * page.widthPx + left);

  let image = sharp(data, { raw: { width: page.widthPx, height: page.heightPx, channels: 1 } });
  const rotationDeg = options.rotationDeg ?? 0;
  // sharp turns clockwise; a paper turned counter-clockwise on the glass is a negative sharp angle.
  if (rotationDeg !== 0) {
    // Materialised so the blur below applies to the turned page, as in a scanner.
    const turned = await toGray(image.rotate(-rotationDeg, { background: '#ffffff' }));
    image = sharp(turned.data, { raw: { width: turned.widthPx, height: turned.heightPx, channels: 1 } });
  }
  if (options.blurSigmaPx) image = image.blur(options.blurSigmaPx);
  let scanned = await toGray(image);
  if (options.speckFraction) scanned = addSpecks(scanned, options.speckFraction, options.seed ?? 1);
  if (options.jpegQuality) {
    const jpeg = await sharp(scanned.data, { raw: { width: scanned.widthPx, height: scanned.heightPx, channels: 1 } }).jpeg({ quality: options.jpegQuality }).toBuffer();
    scanned = await toGray(sharp(jpeg));
  }
  return { page: scanned, qrBox: { x0: left, y0: top, x1: left + sizePx, y1: top + sizePx }, modules: symbol.modules, modulePx: sizePx / symbol.modules };
}

async function toGray(image: Sharp): Promise<GrayImage> {
  const { data, info } = await image.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), widthPx: info.width, heightPx: info.height };
}
