// QR codes printed top-left on scanned A4 pages at 300 and 200 dpi are found, decoded and parsed into the circular's fields, offline.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeQrCodes, decodeQrCodesInFile, loadQrReader, qrAttemptsFor, zxingReaderWasmPath } from '../../../src/qr/decode-qr.ts';
import { parseQrContent } from '../../../src/qr/qr-content.ts';
import { blankPage, makeQrScan, renderQrSymbol, sampleContents } from '../../../samples/render/qr-scan.ts';

/** Any attempt to reach the network fails loudly and is recorded. */
const fetchSpy = vi.fn(async (input: unknown) => {
  throw new Error(`network access attempted: ${String(input)}`);
});

beforeAll(() => {
  vi.stubGlobal('fetch', fetchSpy);
});

afterAll(() => {
  vi.unstubAllGlobals();
});

describe('the QR reader', () => {
  it('loads its WebAssembly from node_modules with the network unavailable', async () => {
    expect(zxingReaderWasmPath).toBe(path.resolve('node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'));
    expect(existsSync(zxingReaderWasmPath)).toBe(true);
    await loadQrReader();
    // A decode proves the module really runs; zxing-wasm's default would have fetched from its CDN.
    const page = await makeQrScan({ text: sampleContents[2]!, dpi: 200 });
    expect((await decodeQrCodes(page.page)).map((qr) => qr.text)).toEqual([sampleContents[2]]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('would otherwise fetch the WebAssembly from a CDN, which is what the check above rules out', async () => {
    // In a child process, so this module's reader stays as loaded: zxing-wasm left to its defaults asks fetch.
    const script = [
      "import { readBarcodes } from 'zxing-wasm/reader';",
      'const urls = [];',
      "globalThis.fetch = async (url) => { urls.push(String(url)); throw new Error('offline'); };",
      'await readBarcodes(new Uint8Array(8)).catch(() => {});',
      'console.log(JSON.stringify(urls));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: path.resolve('.') });
    const urls = JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls[0]).toMatch(/^https:\/\/.*zxing_reader\.wasm$/);
  });
});

describe('decodeQrCodes', () => {
  it('reads a receipt code on a 300 dpi page turned 3°, and its content fills the fields', async () => {
    const scan = await makeQrScan({ text: sampleContents[0]!, dpi: 300, rotationDeg: 3, blurSigmaPx: 0.7, jpegQuality: 75 });
    const found = await decodeQrCodes(scan.page);
    expect(found).toHaveLength(1);
    expect(found[0]!.text).toBe(sampleContents[0]);
    const content = parseQrContent(found[0]!.text);
    expect(content).toEqual({
      format: 'json',
      fields: {
        code: '000.00.16.H05-240305-0001',
        procedureCode: '1.000466',
        ownerId: '001085012345',
        documentName: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
        issuingSystem: 'Hệ thống thông tin giải quyết TTHC tỉnh Lào Cai',
        issuedAt: '2024-03-05T09:15:00+07:00',
        appointmentDate: '2024-03-12',
      },
      unrecognised: [],
      problems: [],
    });
    // The box is in the top-left corner and as large as the printed symbol (its diagonal grows with the turn).
    const { box } = found[0]!;
    const sizePx = scan.qrBox.x1 - scan.qrBox.x0;
    expect(box.x1).toBeLessThan(scan.page.widthPx / 2);
    expect(box.y1).toBeLessThan(scan.page.heightPx / 4);
    expect(box.x1 - box.x0).toBeGreaterThan(sizePx * 0.95);
    expect(box.x1 - box.x0).toBeLessThan(sizePx * 1.15);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reads a result code on a 200 dpi page turned -4° with blur, specks and JPEG noise', async () => {
    const scan = await makeQrScan({ text: sampleContents[1]!, dpi: 200, rotationDeg: -4, blurSigmaPx: 1, speckFraction: 0.001, jpegQuality: 50, seed: 7 });
    const found = await decodeQrCodes(scan.page);
    expect(found.map((qr) => qr.text)).toEqual([sampleContents[1]]);
    expect(parseQrContent(found[0]!.text).fields).toEqual({
      code: '000.00.04.G18-240611-0042',
      procedureCode: '2.001178',
      ownerId: '079199001234',
      documentName: 'Giấy phép hành nghề khám bệnh, chữa bệnh',
      issuingSystem: 'Cổng dịch vụ công Bộ Y tế',
      issuedAt: '2024-06-11T14:30:00+07:00',
      validFrom: '2024-06-11',
      validTo: '2029-06-11',
      scope: 'Toàn quốc',
    });
  });

  it('gives the box in page pixels when the page is not turned', async () => {
    const scan = await makeQrScan({ text: sampleContents[3]!, dpi: 200 });
    const [qr] = await decodeQrCodes(scan.page);
    const tolerancePx = 2 * scan.modulePx;
    for (const side of ['x0', 'y0', 'x1', 'y1'] as const) expect(Math.abs(qr!.box[side] - scan.qrBox[side]), side).toBeLessThanOrEqual(tolerancePx);
  });

  it('keeps short Vietnamese text intact: UTF-8 without an ECI marker, as systems print it', async () => {
    for (const text of ['Mã hồ sơ: 1', 'Hiệu lực: Vĩnh viễn', 'Tên giấy tờ: Đơn']) {
      const symbol = await renderQrSymbol(text, 200);
      const image = { data: new Uint8Array(400 * 400).fill(255), widthPx: 400, heightPx: 400 };
      for (let y = 0; y < 200; y++) image.data.set(symbol.data.subarray(y * 200, (y + 1) * 200), (100 + y) * 400 + 100);
      expect((await decodeQrCodes(image)).map((qr) => qr.text)).toEqual([text]);
    }
  });

  it('finds nothing on a page of text without a code', async () => {
    expect(await decodeQrCodes(await blankPage(200))).toEqual([]);
  });

  it('refuses pixels that do not match the size given', async () => {
    await expect(decodeQrCodes({ data: new Uint8Array(10), widthPx: 4, heightPx: 4 })).rejects.toThrow('Expected 16 bytes (8-bit gray, 4×4) for image.data but received 10');
  });
});

describe('decodeQrCodesInFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sohoa-qr-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a colour JPEG scan as gray and decodes its code', async () => {
    const scan = await makeQrScan({ text: sampleContents[2]!, dpi: 200, rotationDeg: 2 });
    const file = path.join(dir, 'page-0001.jpg');
    await sharp(scan.page.data, { raw: { width: scan.page.widthPx, height: scan.page.heightPx, channels: 1 } })
      .toColourspace('srgb')
      .jpeg({ quality: 85 })
      .toFile(file);
    const found = await decodeQrCodesInFile(file);
    expect(found.map((qr) => qr.text)).toEqual([sampleContents[2]]);
    expect(parseQrContent(found[0]!.text).fields).toEqual({
      code: '000.00.16.H05-240305-0001',
      procedureCode: '1.000466',
      ownerId: '001085012345',
      documentName: 'Phieu tiep nhan',
      issuedAt: '2024-03-05T09:15:00+07:00',
      appointmentDate: '2024-03-12',
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('the committed documents set (samples/documents)', () => {
  interface TruthDocument {
    id: string;
    file: string;
    dpi: number;
    qr: { text: string; mustDecode: boolean; fields: Record<string, string> } | null;
  }
  const setDir = path.resolve(import.meta.dirname, '../../../samples/documents');
  const truth = JSON.parse(readFileSync(path.join(setDir, 'ground-truth.json'), 'utf8')) as { documents: TruthDocument[] };
  const printed = truth.documents.filter((d) => d.qr?.mustDecode);

  it('has codes printed at 200 dpi or more to read', () => {
    expect(printed.length).toBeGreaterThanOrEqual(10);
  });

  // The whole first page, with the attempts the pipeline makes on it: finding the symbol is the decoder's job.
  it.each(printed.map((d) => [d.id, d] as const))('%s: decodes the code on the whole page and parses the fields recorded for it', async (_id, d) => {
    const found = await decodeQrCodesInFile(path.join(setDir, d.file), qrAttemptsFor({ dpi: d.dpi, firstOfDocument: true }));
    expect(found.map((qr) => qr.text)).toEqual([d.qr!.text]);
    expect(parseQrContent(found[0]!.text).fields).toEqual(d.qr!.fields);
  });
});
