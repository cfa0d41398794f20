// TesseractEngine against the real tesseract.js workers and npm language data, on small rendered images.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { createWorker } from 'tesseract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../../src/domain/errors.ts';
import { characterErrorRate } from '../../../src/domain/text-metrics.ts';
import { TesseractEngine } from '../../../src/ocr/tesseract-engine.ts';
import type { CreateWorker } from '../../../src/ocr/tesseract-worker.ts';
import { memoryLog } from '../../support/memory-log.ts';

const require = createRequire(import.meta.url);
const FONT_FILE = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf', 'DejaVuSerif.ttf');
const DPI = 300;

const LINE = 'Quyết định số 15/QĐ-UBND về việc phê duyệt hồ sơ lưu trữ';
const PARAGRAPH = [
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'Lào Cai, ngày 05 tháng 3 năm 2024',
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;',
  'Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 120/TTr-SNV,',
  'Điều 1. Phê duyệt kế hoạch số hóa tài liệu lưu trữ của các cơ quan,',
  'tổ chức thuộc nguồn nộp lưu vào Lưu trữ lịch sử tỉnh, với tổng số',
  'khoảng 1.250 mét giá tài liệu, thời gian thực hiện từ tháng 4 đến hết',
  'tháng 12 năm 2024. Kinh phí thực hiện từ nguồn ngân sách nhà nước.',
  'Điều 2. Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính, Sở Thông tin',
  'và Truyền thông hướng dẫn, kiểm tra, đôn đốc việc thực hiện; bảo đảm',
];

/** Black DejaVu Serif text on white, grayscale PNG, as a 300 dpi scan of a typed page would be. */
async function renderText(lines: readonly string[], pt = 12, marginPx = 40): Promise<Buffer> {
  const escaped = lines.map((line) => line.replace(/&/gu, '&amp;').replace(/</gu, '&lt;')).join('\n');
  const ink = await sharp({
    text: { text: escaped, fontfile: FONT_FILE, font: `DejaVu Serif ${pt}`, dpi: DPI, spacing: 20 },
  })
    .negate()
    .png()
    .toBuffer();
  return sharp(ink)
    .extend({ top: marginPx, bottom: marginPx, left: marginPx, right: marginPx, background: '#ffffff' })
    .toColourspace('b-w')
    .withMetadata({ density: DPI })
    .png()
    .toBuffer();
}

describe('TesseractEngine', () => {
  let engine: TesseractEngine;
  let line: Buffer;
  let lineSize: { width: number; height: number };

  beforeAll(async () => {
    [engine, line] = await Promise.all([TesseractEngine.create({ poolSize: 2 }), renderText([LINE])]);
    const meta = await sharp(line).metadata();
    lineSize = { width: meta.width, height: meta.height };
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('describes itself: tesseract.js version, core version, languages and the npm best_int model', () => {
    expect(engine.info.engine).toBe('tesseract.js');
    expect(engine.info.engineVersion).toMatch(/^7\.\d+\.\d+ \(Tesseract 5\./u);
    expect(engine.info.languages).toEqual(['vie']);
    expect(engine.info.model).toBe('4.0.0_best_int');
  });

  it('reads a Vietnamese line with its diacritics, in NFC, with boxes inside the image and confidences', async () => {
    const result = await engine.recognize(line, { dpi: DPI });

    expect(result.text).toBe(LINE);
    expect(result.text).toBe(result.text.normalize('NFC'));
    expect(result.words.map((w) => w.text)).toEqual(LINE.split(' '));
    for (const word of result.words) {
      expect(word.lineIndex).toBe(0);
      expect(word.box.x0).toBeGreaterThanOrEqual(0);
      expect(word.box.y0).toBeGreaterThanOrEqual(0);
      expect(word.box.x1).toBeGreaterThan(word.box.x0);
      expect(word.box.y1).toBeGreaterThan(word.box.y0);
      expect(word.box.x1).toBeLessThanOrEqual(lineSize.width);
      expect(word.box.y1).toBeLessThanOrEqual(lineSize.height);
      expect(word.confidence).toBeGreaterThan(50);
      expect(word.confidence).toBeLessThanOrEqual(100);
    }
    // Words run left to right.
    const lefts = result.words.map((w) => w.box.x0);
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    const mean = result.words.reduce((sum, w) => sum + w.confidence, 0) / result.words.length;
    expect(result.meanConfidence).toBeCloseTo(mean, 6);
  });

  it('builds the text from the words: one line per lineIndex, words joined by one space', async () => {
    const result = await engine.recognize(await renderText(PARAGRAPH.slice(0, 6)), { dpi: DPI });

    const lineCount = Math.max(...result.words.map((w) => w.lineIndex)) + 1;
    const rebuilt = Array.from({ length: lineCount }, (_, i) =>
      result.words
        .filter((w) => w.lineIndex === i)
        .map((w) => w.text)
        .join(' '),
    ).join('\n');
    expect(result.text).toBe(rebuilt);
    expect(lineCount).toBe(6);
    expect(characterErrorRate(PARAGRAPH.slice(0, 6).join('\n'), result.text).cer).toBeLessThan(0.02);
  });

  it('accepts a file path as well as bytes', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sohoa-ocr-test-'));
    try {
      const file = join(folder, 'line.png');
      await sharp(line).toFile(file);
      expect((await engine.recognize(file, { dpi: DPI })).text).toBe(LINE);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('gives the clockwise rotation that makes a turned page upright', async () => {
    const page = await renderText(PARAGRAPH, 11);
    for (const turnedDeg of [0, 90, 180, 270]) {
      const turned = await sharp(page).rotate(turnedDeg).png().toBuffer();
      const orientation = await engine.detectOrientation(turned);
      expect({ turnedDeg, rotateDeg: orientation.rotateDeg }).toEqual({
        turnedDeg,
        rotateDeg: (360 - turnedDeg) % 360,
      });
      expect(orientation.confidence).toBeGreaterThan(1);
    }
  });

  it('runs 4 concurrent pages on a pool of 2 and returns each its own result', async () => {
    const texts = ['Số: 15/QĐ-UBND', 'Lào Cai, ngày 05 tháng 3 năm 2024', 'QUYẾT ĐỊNH', 'Độc lập - Tự do - Hạnh phúc'];
    const images = await Promise.all(texts.map((text) => renderText([text])));
    const results = await Promise.all(images.map((image) => engine.recognize(image, { dpi: DPI })));
    // Short lone lines may lose a diacritic; what matters is that each page gets its own text back.
    results.forEach((result, i) => {
      expect(characterErrorRate(texts[i] as string, result.text).cer, result.text).toBeLessThan(0.15);
    });
  });

  it('fails an undecodable image as bad input and keeps working', async () => {
    await expect(engine.recognize(Buffer.from('not an image'), { dpi: DPI })).rejects.toThrow(InputError);
    await expect(engine.recognize('/nonexistent/page.png', { dpi: DPI })).rejects.toThrow(/nonexistent\/page\.png/u);
    expect((await engine.recognize(line, { dpi: DPI })).text).toBe(LINE);
  });

  it('rejects a resolution Tesseract cannot use', async () => {
    await expect(engine.recognize(line, { dpi: 0 })).rejects.toThrow(/dpi/u);
  });
});

describe('TesseractEngine worker failures', () => {
  it('fails only the page whose worker died, replaces the worker and goes on', async () => {
    const poison = Buffer.from('this page kills its worker');
    // A worker whose thread dies when handed the poison page, like a wasm abort on a pathological image.
    const crashing: CreateWorker = async (...args) => {
      const worker = await createWorker(...args);
      const recognize = worker.recognize.bind(worker);
      worker.recognize = (image, ...rest) => {
        if (image === poison) {
          void (worker as unknown as { worker: ThreadWorker }).worker.terminate();
          return new Promise(() => {});
        }
        return recognize(image, ...rest);
      };
      return worker;
    };
    const { log: logger, lines } = memoryLog<{ msg: string }>();
    const engine = await TesseractEngine.create({ poolSize: 2, createWorker: crashing, logger });
    try {
      const [a, b] = await Promise.all([renderText(['Số: 15/QĐ-UBND']), renderText(['QUYẾT ĐỊNH'])]);
      const settled = await Promise.allSettled([a, poison, b, a].map((img) => engine.recognize(img, { dpi: DPI })));

      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const failure = settled[1] as PromiseRejectedResult;
      expect(failure.reason).toBeInstanceOf(Error);
      expect(String(failure.reason.message)).toMatch(/worker thread exited/u);
      const again = await Promise.all([b, b, b].map((img) => engine.recognize(img, { dpi: DPI })));
      expect(again.map((r) => r.text)).toEqual(['QUYẾT ĐỊNH', 'QUYẾT ĐỊNH', 'QUYẾT ĐỊNH']);
    } finally {
      await engine.close();
    }
    // close() waits for the replacement, so by now it has been logged.
    expect(lines.map((line) => line.msg)).toContain('OCR worker replaced');
  });

  it('recycles a worker after recyclePages pages', async () => {
    const { log: logger, lines } = memoryLog<{ msg: string; reason?: string }>();
    const engine = await TesseractEngine.create({ poolSize: 1, recyclePages: 2, logger });
    try {
      const image = await renderText(['Hạnh phúc']);
      for (let i = 0; i < 3; i++) expect((await engine.recognize(image, { dpi: DPI })).text).toBe('Hạnh phúc');
      expect(lines.filter((line) => line.msg === 'OCR worker replaced' && line.reason === 'recycled after 2 pages')).toHaveLength(1);
    } finally {
      await engine.close();
    }
  });

  it('finishes accepted pages on close, then rejects new work with a clear error', async () => {
    const engine = await TesseractEngine.create({ poolSize: 1, languages: ['vie'] });
    const image = await renderText(['Hạnh phúc']);
    const pending = [engine.recognize(image, { dpi: DPI }), engine.recognize(image, { dpi: DPI })];
    await engine.close();
    expect((await Promise.all(pending)).map((r) => r.text)).toEqual(['Hạnh phúc', 'Hạnh phúc']);
    await expect(engine.recognize(image, { dpi: DPI })).rejects.toThrow(/closed: create a new TesseractEngine/u);
    await expect(engine.detectOrientation(image)).rejects.toThrow(/closed/u);
    await engine.close();
  });
});

describe('TesseractEngine options', () => {
  it('rejects a missing language in a custom language folder with a ConfigError naming it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sohoa-tessdata-empty-'));
    try {
      const creating = TesseractEngine.create({ langDataDir: folder, languages: ['vie'] });
      await expect(creating).rejects.toThrow(ConfigError);
      await expect(creating).rejects.toThrow(new RegExp(`${folder}.*vie\\.traineddata`, 'u'));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('reads plain (not gzipped) traineddata from a custom folder, as Debian installs it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sohoa-tessdata-plain-'));
    try {
      const gz = join(require.resolve('@tesseract.js-data/vie/package.json'), '..', '4.0.0_best_int', 'vie.traineddata.gz');
      await writeFile(join(folder, 'vie.traineddata'), gunzipSync(await readFile(gz)));
      const engine = await TesseractEngine.create({ langDataDir: folder, languages: ['vie'], poolSize: 1 });
      try {
        expect(engine.info.langPath).toBe(folder);
        expect(engine.info.model).toBe(basename(folder));
        expect((await engine.recognize(await renderText(['Hạnh phúc']), { dpi: DPI })).text).toBe('Hạnh phúc');
      } finally {
        await engine.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('rejects page segmentation modes that need data it does not load', async () => {
    await expect(TesseractEngine.create({ pageSegMode: 1 })).rejects.toThrow(ConfigError);
    await expect(TesseractEngine.create({ poolSize: 0 })).rejects.toThrow(/poolSize/u);
  });
});
