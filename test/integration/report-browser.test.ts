// The batch report as staff will open it: built from a real run of the samples (plus one broken page), in chromium.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalog } from '../../src/domain/error-codes.ts';
import type { BatchReport } from '../../src/domain/record.ts';
import { reportHtmlKey } from '../../src/report/build-report.ts';
import { renderReportHtml } from '../../src/report/report-html.ts';
import { makeThumbnail } from '../../src/report/thumbnails.ts';
import { loadGroundTruth, samplePath } from '../fixtures/index.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { copyBatchWithBrokenPage, type BatchWithBrokenPage } from '../support/report-batch.ts';
import { syntheticReport } from '../../scripts/lib/synthetic-report.ts';

/** Kept after the run (git-ignored): the screenshot shows what staff see. */
const artifacts = path.resolve(import.meta.dirname, '../../test-output');

let work: string;
let out: string;
let batch: BatchWithBrokenPage;
let run: CliRun;
let report: BatchReport;
let written: Record<string, unknown> | undefined;
let reportUrl: string;
let browser: Browser;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'sohoa-report-'));
  out = path.join(work, 'out');
  batch = await copyBatchWithBrokenPage(work);
  // The runner writes report.html beside report.json and says so in its log.
  run = await runCli(['run', batch.batchDir, '--out', out, '--no-progress']);
  report = JSON.parse(await readFile(path.join(out, batch.batchId, 'report.json'), 'utf8')) as BatchReport;
  written = run.events.find((e) => e['event'] === 'report.written');
  reportUrl = pathToFileURL(path.join(out, ...reportHtmlKey(batch.batchId).split('/'))).href;
  // scripts/test/test.sh installs Debian's chromium and names it in SOHOA_CHROMIUM.
  browser = await chromium.launch({ executablePath: process.env['SOHOA_CHROMIUM'] || '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await rm(work, { recursive: true, force: true });
});

/** The few DOM properties read in the browser (the project compiles without the DOM typings). */
interface RenderedElement {
  innerText: string;
  offsetParent: unknown;
}
interface RenderedImage {
  naturalWidth: number;
}

interface Row {
  id: string;
  page: string;
  file: string;
  status: string;
  confidence: string;
  flags: string;
  error: string;
  hasPicture: boolean;
}

/** What a reader sees in each page row: innerText leaves out the language that is hidden. */
function visibleRows(page: Page): Promise<Row[]> {
  return page.$$eval('tr.pg', (rows) =>
    rows
      .filter((row) => (row as unknown as RenderedElement).offsetParent !== null)
      .map((row) => {
        const cells = [...row.querySelectorAll('td')].map((td) => (td as unknown as RenderedElement).innerText.trim());
        const img = row.querySelector('img');
        return {
          id: row.id,
          page: cells[0] ?? '',
          file: cells[2] ?? '',
          status: cells[3] ?? '',
          confidence: cells[4] ?? '',
          flags: cells[5] ?? '',
          error: cells[6] ?? '',
          hasPicture: img !== null && img.getAttribute('src')!.startsWith('data:image/jpeg;base64,'),
        };
      }),
  );
}

/** Opens the report and records every request that is not the report itself or an inline picture. */
async function open(url: string): Promise<{ page: Page; outside: string[]; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const outside: string[] = [];
  const problems: string[] = [];
  page.on('request', (request) => {
    const target = request.url();
    if (target !== url && !target.startsWith('data:')) outside.push(target);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(url, { waitUntil: 'load' });
  return { page, outside, problems };
}

describe('report.html of a real run', () => {
  it('comes from a run with one failed page', () => {
    expect(run.code, run.stderr).toBe(3);
    expect(report.totals.pagesFailed).toBe(1);
    expect(written).toMatchObject({ key: reportHtmlKey(batch.batchId), pages: report.totals.pages, thumbnails: report.totals.pages - 1 });
  });

  it('lists every page of the sample batch with its status, and the failed page with its reason', async () => {
    const { page, outside, problems } = await open(reportUrl);
    try {
      const rows = await visibleRows(page);
      const truth = loadGroundTruth().pages;
      expect(rows).toHaveLength(truth.length + 1);
      for (const expected of truth) {
        const shown = expected.filePageNumber === 1 ? expected.file : `${expected.file} tr. ${expected.filePageNumber}`;
        const row = rows.find((r) => r.file === shown);
        expect(row, `${expected.file} page ${expected.filePageNumber}`).toBeDefined();
        expect(row?.status).toBe('Hoàn thành');
        expect(Number(row?.confidence)).toBeGreaterThan(50);
        expect(row?.error).toBe('');
        expect(row?.hasPicture).toBe(true);
      }
      const broken = rows.find((r) => r.file === batch.brokenFile);
      const error = report.dossiers.flatMap((d) => d.documents).flatMap((d) => d.pages).find((p) => p.file === batch.brokenFile)?.error;
      const reason = error?.message ?? '';
      expect(reason).toMatch(/cannot be decoded|truncated|could not be read/);
      expect(['IMAGE_UNREADABLE', 'IMAGE_UNDECODABLE']).toContain(error?.code);
      expect(broken).toMatchObject({ page: String(batch.pageNumber), status: 'Lỗi', confidence: '—', hasPicture: false });
      // In Vietnamese the clerk reads the code's reason and what to do, not the English technical message.
      const vi = errorCatalog[error!.code].vi;
      expect(broken?.error).toBe(`Lỗi tệp đầu vào ${error!.code} ${vi.reason} ${vi.action}`);
      // The failed page leads the list of pages to review, and its document says why it was not stored.
      const firstReview = await page.locator('table.rv tbody tr').first().innerText();
      expect(firstReview).toContain(`${batch.dossierId} › ${batch.documentId} › trang ${batch.pageNumber}`);
      const documentBox = await page.locator('article.doc', { has: page.locator('td.file', { hasText: batch.brokenFile }) }).locator('.bad-box').innerText();
      expect(documentBox).toContain('Văn bản không được lưu');
      expect(documentBox).toContain(`${error!.code} ${vi.reason}`);

      await mkdir(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
      expect((await stat(path.join(artifacts, 'report.png'))).size).toBeGreaterThan(10_000);
      // Every picture is decoded by the load event: none is left blank in a screenshot or a printout.
      const pictures = await page.$$eval('img', (imgs) => imgs.map((img) => (img as unknown as RenderedImage).naturalWidth));
      expect(pictures).toEqual(Array(report.totals.pages - 1).fill(160));
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('switches to English and back, and filters to the pages to review, without any script', async () => {
    const { page } = await open(reportUrl);
    try {
      expect(await page.locator('script').count()).toBe(0);
      await expect(page.getByRole('heading', { name: /Cần xem lại/ }).isVisible()).resolves.toBe(true);
      await page.click('label[for=l-en]');
      await expect(page.getByRole('heading', { name: /To review/ }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('heading', { name: /Cần xem lại/ }).isVisible()).resolves.toBe(false);
      const english = await visibleRows(page);
      expect(new Set(english.map((r) => r.status))).toEqual(new Set(['Done', 'Failed']));
      // In English, the message itself: file, page, technical cause and what to do.
      expect(english.find((r) => r.file === batch.brokenFile)?.error).toMatch(/^Input error IMAGE_UN(READABLE|DECODABLE) .*(cannot be decoded|truncated|could not be read)/);
      await page.screenshot({ path: path.join(artifacts, 'report-en.png') });

      const reviewCount = await page.locator('table.rv tbody tr a[href^="#d"]').evaluateAll((links) => links.filter((a) => (a.getAttribute('href') ?? '').split('-').length === 3).length);
      await page.click('label[for=f-rv]');
      const filtered = await visibleRows(page);
      expect(filtered).toHaveLength(reviewCount);
      expect(filtered.some((r) => r.file === batch.brokenFile)).toBe(true);
      expect(filtered.length).toBeLessThan(english.length);

      await page.click('label[for=l-vi]');
      expect(new Set((await visibleRows(page)).map((r) => r.status))).toContain('Lỗi');
    } finally {
      await page.close();
    }
  });

  it('works when served with a Content-Security-Policy that forbids every outside resource', async () => {
    const html = await readFile(new URL(reportUrl));
    const server: Server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" });
      response.end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/samples/report.html`;
    const { page, outside, problems } = await open(url);
    try {
      await page.click('label[for=l-en]');
      expect(new Set((await visibleRows(page)).map((r) => r.status))).toEqual(new Set(['Done', 'Failed']));
      expect(await page.$$eval('img', (imgs) => imgs.slice(0, 3).map((img) => (img as unknown as RenderedImage).naturalWidth))).toEqual([160, 160, 160]);
      expect(outside).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('report.html of a 500-page batch', () => {
  it('weighs under 5 MB and lists its 500 pages with their pictures (load time printed)', async () => {
    // Real thumbnails of the sample pages, handed out in turn, so every row carries a picture of true size.
    const truth = loadGroundTruth().pages;
    const thumbnails = await Promise.all(truth.map((p) => makeThumbnail(samplePath(p.file), { page: p.filePageNumber - 1 })));
    const { report: large, documents } = syntheticReport({ pages: 500, failEvery: 50, thumbnails });
    const html = renderReportHtml(large, documents, { lang: 'vi' });
    const file = path.join(work, 'report-500.html');
    await writeFile(file, html);
    const sizeBytes = Buffer.byteLength(html);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      const started = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const loadMs = performance.now() - started;
      const navigation = await page.evaluate(() => {
        // Runs in the browser; the Node typings used here do not know the navigation entry.
        const entry = performance.getEntriesByType('navigation' as never)[0] as unknown as { loadEventEnd: number; domContentLoadedEventEnd: number };
        return { loadEventEndMs: entry.loadEventEnd, domContentLoadedMs: entry.domContentLoadedEventEnd };
      });
      const thumbnailBytes = thumbnails.reduce((n, t) => n + t.sizeBytes, 0) / thumbnails.length;
      console.log(
        `500-page report: ${(sizeBytes / 1024 / 1024).toFixed(2)} MiB (${sizeBytes} bytes), goto→load ${loadMs.toFixed(0)} ms ` +
          `(in-page loadEventEnd ${navigation.loadEventEndMs.toFixed(0)} ms, DOMContentLoaded ${navigation.domContentLoadedMs.toFixed(0)} ms), ` +
          `mean thumbnail ${thumbnailBytes.toFixed(0)} bytes`,
      );
      expect(await page.locator('tr.pg').count()).toBe(500);
      expect(await page.$$eval('img', (imgs) => imgs.filter((img) => (img as unknown as RenderedImage).naturalWidth === 160).length)).toBe(large.totals.pagesDone + large.totals.pagesFailed);
      // The load time is printed above, not asserted: timings belong to the benchmark (npm run bench -- --report).
      expect(sizeBytes).toBeLessThan(5 * 1024 * 1024);
    } finally {
      await page.close();
    }
  });
});
