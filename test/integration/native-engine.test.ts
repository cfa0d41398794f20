// NativeTesseractEngine against the real tesseract command and the npm models, on the committed sample pages, beside tesseract.js.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/domain/errors.ts';
import { characterErrorRate, pooledCer, type CerResult } from '../../src/domain/text-metrics.ts';
import { findTesseract, NativeTesseractEngine } from '../../src/ocr/native-tesseract-engine.ts';
import { tessdataDirFrom } from '../../src/ocr/tesseract-tsv.ts';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { OcrEngine, OcrResult } from '../../src/ocr/ocr-engine.ts';
import { startOcrEngine } from '../../src/ocr/select-engine.ts';
import { TesseractEngine } from '../../src/ocr/tesseract-engine.ts';
import { loadPipeline } from '../../src/pipeline/pipeline-file.ts';
import { normalizePage, type PageSource } from '../../src/stages/normalize.ts';
import { fixtures, loadGroundTruth, sampleBatchDir, samplePath, type GroundTruthPage } from '../fixtures/index.ts';
import { memoryLog } from '../support/memory-log.ts';
import { runCli, type CliRun } from '../support/cli.ts';

/** Pooled CER may differ this much between the engines: same models, same Tesseract core, other builds. */
const MAX_CER_GAP = 0.005;
/** The resolution the normalize stage gives orientation detection. */
const ORIENTATION_DPI = 170;

const tesseract = await findTesseract();
const inCi = Boolean(process.env['CI']);
const missingReason = 'no Tesseract 5 command on PATH or in SOHOA_TESSERACT (apt install tesseract-ocr tesseract-ocr-vie)';

/** Each line of the text rebuilt from the words that carry its lineIndex, words joined by one space. */
function textFromWords(result: OcrResult): string {
  const lineCount = result.words.length === 0 ? 0 : Math.max(...result.words.map((w) => w.lineIndex)) + 1;
  return Array.from({ length: lineCount }, (_, i) =>
    result.words
      .filter((w) => w.lineIndex === i)
      .map((w) => w.text)
      .join(' '),
  ).join('\n');
}

it('finds the tesseract command (CI installs tesseract-ocr, so there it must be found)', ({ skip }) => {
  skip(tesseract === undefined && !inCi, `${missingReason}: the native engine tests are skipped`);
  expect(tesseract, `CI is set but ${missingReason}: install tesseract-ocr in the CI image`).toBeDefined();
  expect(Number(tesseract?.version.split('.')[0])).toBeGreaterThanOrEqual(5);
});

describe.skipIf(tesseract === undefined)('NativeTesseractEngine (needs a Tesseract 5 command)', () => {
  let cacheDir: string;
  let native: NativeTesseractEngine;
  let js: TesseractEngine;
  const started: OcrEngine[] = [];

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'sohoa-native-engine-'));
    // The npm models, as tesseract.js reads them: the engines are compared on the same models.
    native = await NativeTesseractEngine.create({ poolSize: 2, languages: ['vie'], cacheDir, systemModels: false });
    js = await TesseractEngine.create({ poolSize: 2, languages: ['vie'], cacheDir });
  });
  afterAll(async () => {
    await Promise.all([native, js, ...started].map((engine) => engine?.close()));
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('describes itself: the command, its version and the npm best_int model unpacked as plain files', () => {
    expect(native.info).toMatchObject({ engine: 'tesseract', engineVersion: tesseract?.version, languages: ['vie'], model: '4.0.0_best_int' });
    expect(native.info.langPath.startsWith(cacheDir)).toBe(true);
  });

  it('reads the models installed with the command by default, when they hold every language', async () => {
    const system = tessdataDirFrom((await promisify(execFile)(tesseract!.binary, ['--list-langs'])).stdout);
    const installed = system !== undefined && existsSync(join(system, 'vie.traineddata'));
    const engine = await NativeTesseractEngine.create({ poolSize: 1, languages: ['vie'], cacheDir });
    try {
      expect(engine.info.langPath).toBe(installed ? system : native.info.langPath);
    } finally {
      await engine.close();
    }
  });

  it('reads a committed page: words with boxes inside the image, whole-number confidences, text rebuilt from its words', async () => {
    const { path, pages } = fixtures.clean;
    const page = pages[0] as GroundTruthPage;
    const { width, height } = await sharp(path).metadata();
    const result = await native.recognize(path, { dpi: page.dpi });

    expect(result.words.length).toBeGreaterThan(100);
    for (const word of result.words) {
      expect(word.text).not.toBe('');
      expect(word.text).toBe(word.text.normalize('NFC'));
      expect(word.box.x0).toBeGreaterThanOrEqual(0);
      expect(word.box.y0).toBeGreaterThanOrEqual(0);
      expect(word.box.x1).toBeGreaterThan(word.box.x0);
      expect(word.box.y1).toBeGreaterThan(word.box.y0);
      expect(word.box.x1).toBeLessThanOrEqual(width);
      expect(word.box.y1).toBeLessThanOrEqual(height);
      expect(Number.isInteger(word.confidence)).toBe(true);
      expect(word.confidence).toBeGreaterThanOrEqual(0);
      expect(word.confidence).toBeLessThanOrEqual(100);
    }
    expect(result.text).toBe(textFromWords(result));
    expect(result.meanConfidence).toBeCloseTo(result.words.reduce((sum, w) => sum + w.confidence, 0) / result.words.length, 6);
    expect(characterErrorRate(page.text, result.text).cer).toBeLessThan(0.03);
  });

  it('reads the same page from bytes as from its path', async () => {
    const { path, pages } = fixtures.clean;
    const dpi = (pages[0] as GroundTruthPage).dpi;
    const [fromPath, fromBytes] = await Promise.all([native.recognize(path, { dpi }), native.recognize(await sharp(path).png().toBuffer(), { dpi })]);
    expect(fromBytes.text).toBe(fromPath.text);
  });

  describe('parity with tesseract.js on the sample pages', () => {
    let workDir: string;
    let normalized: { page: GroundTruthPage; ocrImagePath: string; ocrDpi: number }[];

    // Both engines read the pages the pipeline gives them: normalized once (orientation by tesseract.js), upright OCR copies.
    beforeAll(async () => {
      workDir = await mkdtemp(join(tmpdir(), 'sohoa-native-parity-'));
      const options = (await loadPipeline('dossier')).stages.normalize;
      normalized = [];
      for (const page of loadGroundTruth().pages) {
        const source: PageSource = {
          ref: { dossierId: page.dossierId, documentId: page.documentId, pageNumber: page.pageNumber, file: page.file, filePageNumber: page.filePageNumber },
          path: samplePath(page.file),
          pageIndex: page.filePageNumber - 1,
          inputBytes: 0,
        };
        const result = await normalizePage(source, { workDir, orientation: js, options });
        normalized.push({ page, ocrImagePath: result.ocrImagePath, ocrDpi: result.ocrDpi });
      }
    }, 300_000);
    afterAll(async () => {
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it('reads them with a pooled CER within 0.5 percentage points of tesseract.js', async () => {
      const readAll = async (engine: OcrEngine) => {
        const startedAt = performance.now();
        const results = await Promise.all(normalized.map(({ ocrImagePath, ocrDpi }) => engine.recognize(ocrImagePath, { dpi: ocrDpi })));
        const scores: CerResult[] = results.map((result, i) => characterErrorRate((normalized[i] as (typeof normalized)[number]).page.text, result.text));
        return { cer: pooledCer(scores), scores, durationMs: performance.now() - startedAt };
      };
      const nativeRun = await readAll(native);
      const jsRun = await readAll(js);

      const pct = (cer: number) => `${(cer * 100).toFixed(2)}%`;
      console.log(
        `pooled CER on ${normalized.length} sample pages: tesseract ${pct(nativeRun.cer)} (${Math.round(nativeRun.durationMs)} ms), ` +
          `tesseract.js ${pct(jsRun.cer)} (${Math.round(jsRun.durationMs)} ms)\n` +
          normalized.map(({ page }, i) => `  ${page.file}#${page.filePageNumber}: ${pct(nativeRun.scores[i]?.cer ?? NaN)} vs ${pct(jsRun.scores[i]?.cer ?? NaN)}`).join('\n'),
      );
      expect(normalized.length).toBe(loadGroundTruth().pages.length);
      expect(Math.abs(nativeRun.cer - jsRun.cer)).toBeLessThanOrEqual(MAX_CER_GAP);
    }, 600_000);
  });

  it('gives the clockwise turn that makes a page turned 90° clockwise upright, as tesseract.js does', async () => {
    const { path, pages } = fixtures.clean;
    const dpi = (pages[0] as GroundTruthPage).dpi;
    const { width } = await sharp(path).metadata();
    // As the normalize stage gives it: a gray PNG at about 170 dpi.
    const turned = await sharp(path)
      .resize({ width: Math.round((width * ORIENTATION_DPI) / dpi) })
      .rotate(90)
      .toColourspace('b-w')
      .png()
      .toBuffer();

    const [fromNative, fromJs] = await Promise.all([native.detectOrientation(turned), js.detectOrientation(turned)]);
    expect(fromNative.rotateDeg).toBe(270);
    expect(fromJs.rotateDeg).toBe(fromNative.rotateDeg);
    expect(fromNative.confidence).toBeGreaterThan(2);
    const upright = await native.detectOrientation(await sharp(turned).rotate(270).png().toBuffer());
    expect(upright.rotateDeg).toBe(0);
  });

  it('gives a page with too little text to tell as upright with confidence 0, as tesseract.js does', async () => {
    const blank = await sharp({ create: { width: 1400, height: 2000, channels: 3, background: '#ffffff' } }).toColourspace('b-w').png().toBuffer();
    const [fromNative, fromJs] = await Promise.all([native.detectOrientation(blank), js.detectOrientation(blank)]);
    expect(fromNative).toEqual({ rotateDeg: 0, confidence: 0 });
    expect(fromJs).toEqual(fromNative);
    expect(await native.recognize(blank, { dpi: 170 })).toMatchObject({ words: [], text: '', meanConfidence: 0 });
  });

  it('reads only the first page of a multi-page TIFF, as tesseract.js does', async () => {
    const { path, pages } = fixtures.g4Tiff;
    const first = pages[0] as GroundTruthPage;
    const [fromPath, fromBytes] = await Promise.all([
      native.recognize(path, { dpi: first.dpi }),
      native.recognize(await readFile(path), { dpi: first.dpi }),
    ]);
    expect(pages.length).toBeGreaterThan(1);
    expect(characterErrorRate(first.text, fromPath.text).cer).toBeLessThan(0.03);
    expect(fromBytes.text).toBe(fromPath.text);
    expect((await native.detectOrientation(path)).rotateDeg).toBe(0);
  });

  it('fails a file of text as IMAGE_UNREADABLE and reads a good page afterwards', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sohoa-native-bad-'));
    try {
      const notAnImage = join(folder, 'page.png');
      await writeFile(notAnImage, `${fixtures.clean.path}\n`);
      const reading = native.recognize(notAnImage, { dpi: 300 });
      await expect(reading).rejects.toBeInstanceOf(InputError);
      await expect(reading).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
      await expect(native.recognize(Buffer.from('not an image'), { dpi: 300 })).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
      await expect(native.detectOrientation(Buffer.from('not an image'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
      await expect(native.recognize(join(folder, 'missing.png'), { dpi: 300 })).rejects.toMatchObject({ code: 'FILE_MISSING' });

      const good = await native.recognize(fixtures.clean.path, { dpi: 300 });
      expect(good.words.length).toBeGreaterThan(100);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('rejects a resolution Tesseract cannot use', async () => {
    await expect(native.recognize(fixtures.clean.path, { dpi: 0 })).rejects.toThrow(RangeError);
    await expect(native.recognize(fixtures.clean.path, { dpi: 300.5 })).rejects.toThrow(/dpi/u);
  });

  it('abandons a page that takes longer than pageTimeoutMs, as an engine failure naming the limit', async () => {
    const hasty = await NativeTesseractEngine.create({ poolSize: 1, languages: ['vie'], cacheDir, pageTimeoutMs: 1 });
    started.push(hasty);
    const reading = hasty.recognize(fixtures.clean.path, { dpi: 300 });
    await expect(reading).rejects.toThrow(/no answer within 1 ms/u);
    await expect(reading).rejects.not.toBeInstanceOf(InputError);
  });

  it('finishes accepted pages on close, then rejects new work', async () => {
    const engine = await NativeTesseractEngine.create({ poolSize: 1, languages: ['vie'], cacheDir });
    started.push(engine);
    const pending = engine.recognize(fixtures.clean.path, { dpi: 300 });
    await engine.close();
    expect((await pending).words.length).toBeGreaterThan(100);
    await expect(engine.recognize(fixtures.clean.path, { dpi: 300 })).rejects.toThrow(/engine is closed/u);
    await expect(engine.detectOrientation(fixtures.clean.path)).rejects.toThrow(/engine is closed/u);
  });

  describe('startOcrEngine', () => {
    it("picks the tesseract command for 'auto' when it answers, and says so", async () => {
      const { log: logger, lines } = memoryLog<{ event?: string; engine?: string; version?: string }>();
      const engine = await startOcrEngine('auto', { poolSize: 1, languages: ['vie'], cacheDir, logger });
      started.push(engine);
      expect(engine).toBeInstanceOf(NativeTesseractEngine);
      expect(engine.info.engine).toBe('tesseract');
      expect(lines.find((line) => line.event === 'ocr.engine')).toMatchObject({ engine: 'tesseract', version: tesseract?.version });
    });

    it("falls back to tesseract.js for 'auto' when the command named does not exist", async () => {
      const engine = await startOcrEngine('auto', { poolSize: 1, languages: ['vie'], cacheDir, binary: '/nonexistent/tesseract' });
      started.push(engine);
      expect(engine.info.engine).toBe('tesseract.js');
    });

    it("refuses 'tesseract' without the command, saying to install it or choose tesseract.js", async () => {
      const starting = startOcrEngine('tesseract', { poolSize: 1, languages: ['vie'], cacheDir, binary: '/nonexistent/tesseract' });
      await expect(starting).rejects.toBeInstanceOf(ConfigError);
      await expect(starting).rejects.toMatchObject({ code: 'OCR_START_FAILED' });
      await expect(starting).rejects.toThrow(/\/nonexistent\/tesseract.*install it \(apt install tesseract-ocr.*--engine tesseract\.js/u);
    });
  });
});

describe.skipIf(tesseract === undefined)('sohoa run with each engine (needs a Tesseract 5 command)', () => {
  let out: string;
  const runs: Partial<Record<'tesseract' | 'tesseract.js', CliRun>> = {};

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'sohoa-engines-'));
    // One after the other: each run takes both cores.
    for (const engine of ['tesseract', 'tesseract.js'] as const) {
      runs[engine] = await runCli(['run', sampleBatchDir, '--out', join(out, engine), '--no-progress'], { SOHOA_ENGINE: engine === 'tesseract' ? 'auto' : engine });
    }
  }, 300_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it("runs the tesseract command for 'auto' and says so in the start-up line", () => {
    const run = runs.tesseract as CliRun;
    expect(run.code, run.stderr).toBe(0);
    const line = run.events.find((e) => e['event'] === 'ocr.engine');
    expect(line).toMatchObject({ engine: 'tesseract', choice: 'auto' });
    expect(String(line?.['msg'])).toMatch(/native/u);
  });

  it('extracts the same fields from every sample document with either engine', async () => {
    const fields = async (engine: string) => {
      const batch = join(out, engine, 'samples-2024-03');
      const values = new Map<string, unknown>();
      for (const dossier of ['HS-001', 'HS-002']) {
        const record = JSON.parse(await readFile(join(batch, dossier, 'dossier.json'), 'utf8')) as { documents: Array<{ documentId: string }> };
        for (const document of record.documents) {
          const id = document.documentId;
          const doc = JSON.parse(await readFile(join(batch, dossier, `${id}.json`), 'utf8')) as { metadata: Record<string, { value: unknown }> };
          for (const [key, field] of Object.entries(doc.metadata)) values.set(`${dossier}/${id}/${key}`, field.value);
        }
      }
      return values;
    };
    expect((runs['tesseract.js'] as CliRun).code).toBe(0);
    const native = await fields('tesseract');
    const embedded = await fields('tesseract.js');
    expect(native.size).toBeGreaterThan(30);
    expect([...native.keys()].sort()).toEqual([...embedded.keys()].sort());
    const differing = [...native].filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(embedded.get(key)));
    expect(differing.map(([key, value]) => `${key}: ${JSON.stringify(value)} (tesseract.js ${JSON.stringify(embedded.get(key))})`)).toEqual([]);
  });
});
