import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeteredObjectStore } from '../../../src/metrics/metered-object-store.ts';
import { failureReasons, Metrics, stageNames } from '../../../src/metrics/metrics.ts';
import { LocalObjectStore } from '../../../src/storage/local-object-store.ts';
import type { ObjectStore } from '../../../src/storage/object-store.ts';
import { parseExposition, sampleValue, type Exposition } from '../../support/prometheus-text.ts';

async function scrape(metrics: Metrics): Promise<Exposition> {
  return parseExposition(await metrics.text());
}

describe('Metrics', () => {
  it('exposes every sohoa metric with its type, failures by reason from zero, and process memory', async () => {
    const metrics = new Metrics({ version: '1.2.3' });
    const text = await metrics.text();
    const scraped = parseExposition(text);
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(Object.fromEntries([...scraped.types].filter(([name]) => name.startsWith('sohoa_')))).toEqual({
      sohoa_pages_processed_total: 'counter',
      sohoa_pages_failed_total: 'counter',
      sohoa_documents_processed_total: 'counter',
      sohoa_documents_failed_total: 'counter',
      sohoa_dossiers_total: 'counter',
      sohoa_stage_duration_seconds: 'histogram',
      sohoa_page_ocr_confidence_ratio: 'histogram',
      sohoa_input_bytes_total: 'counter',
      sohoa_output_bytes_total: 'counter',
      sohoa_storage_errors_total: 'counter',
      sohoa_queue_errors_total: 'counter',
      sohoa_jobs_active: 'gauge',
      sohoa_jobs_waiting: 'gauge',
      sohoa_build_info: 'gauge',
    });
    // A rate() over a failure reason needs the series before the first failure.
    for (const reason of failureReasons) expect(sampleValue(scraped, 'sohoa_pages_failed_total', { reason })).toBe(0);
    for (const stage of stageNames) expect(sampleValue(scraped, 'sohoa_stage_duration_seconds_count', { stage })).toBe(0);
    expect(sampleValue(scraped, 'sohoa_build_info', { version: '1.2.3' })).toBe(1);
    expect(sampleValue(scraped, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(sampleValue(scraped, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('counts pages, their stage times, confidence and input bytes', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.pageDone({ normalizeMs: 700, recognizeMs: 2500, meanConfidence: 95.6, inputBytes: 120_000 });
    metrics.pageDone({ normalizeMs: 300, recognizeMs: 1500, meanConfidence: 55, inputBytes: 80_000 });
    metrics.pageFailed('input');
    metrics.pageFailed('internal');
    metrics.pageFailed('input');
    const s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_pages_processed_total')).toBe(2);
    expect(sampleValue(s, 'sohoa_pages_failed_total', { reason: 'input' })).toBe(2);
    expect(sampleValue(s, 'sohoa_pages_failed_total', { reason: 'internal' })).toBe(1);
    expect(sampleValue(s, 'sohoa_pages_failed_total', { reason: 'transient' })).toBe(0);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_count', { stage: 'normalize' })).toBe(2);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_sum', { stage: 'normalize' })).toBeCloseTo(1.0, 9);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_sum', { stage: 'recognize' })).toBeCloseTo(4.0, 9);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_bucket', { stage: 'recognize', le: '2' })).toBe(1);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_bucket', { stage: 'recognize', le: '4' })).toBe(2);
    expect(sampleValue(s, 'sohoa_page_ocr_confidence_ratio_count')).toBe(2);
    expect(sampleValue(s, 'sohoa_page_ocr_confidence_ratio_bucket', { le: '0.6' })).toBe(1);
    expect(sampleValue(s, 'sohoa_page_ocr_confidence_ratio_bucket', { le: '0.95' })).toBe(1);
    expect(sampleValue(s, 'sohoa_page_ocr_confidence_ratio_bucket', { le: '0.98' })).toBe(2);
    expect(sampleValue(s, 'sohoa_page_ocr_confidence_ratio_sum')).toBeCloseTo(0.956 + 0.55, 9);
    expect(sampleValue(s, 'sohoa_input_bytes_total')).toBe(200_000);
  });

  it('counts documents and dossiers, and times the per-document stages that were measured', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.documentStored({ extractMs: 40, assembleMs: 300, storeMs: 1200 });
    metrics.documentStored({ assembleMs: 100 });
    metrics.documentFailed();
    metrics.documentFailed('transient');
    metrics.dossierFinished('done');
    metrics.dossierFinished('skipped');
    metrics.dossierFinished('skipped');
    const s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_documents_processed_total')).toBe(2);
    expect(sampleValue(s, 'sohoa_documents_failed_total', { reason: 'input' })).toBe(1);
    expect(sampleValue(s, 'sohoa_documents_failed_total', { reason: 'transient' })).toBe(1);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_count', { stage: 'extract' })).toBe(1);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_count', { stage: 'assemble' })).toBe(2);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_sum', { stage: 'assemble' })).toBeCloseTo(0.4, 9);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_sum', { stage: 'store' })).toBeCloseTo(1.2, 9);
    expect(sampleValue(s, 'sohoa_dossiers_total', { outcome: 'skipped' })).toBe(2);
    expect(sampleValue(s, 'sohoa_dossiers_total', { outcome: 'failed' })).toBe(0);
  });

  it('times a stage with startStage', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const done = metrics.startStage('store');
    await new Promise((resolve) => setTimeout(resolve, 30));
    done();
    const s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_count', { stage: 'store' })).toBe(1);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_sum', { stage: 'store' })).toBeGreaterThanOrEqual(0.025);
  });

  it('ignores what it cannot label instead of making new series: unknown reasons count as internal', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.pageFailed('constructor' as never);
    metrics.stageDuration('ocr' as never, 100);
    metrics.stageDuration('normalize', -5);
    const s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_pages_failed_total', { reason: 'internal' })).toBe(1);
    expect(s.samples.filter((x) => x.labels['stage'] === 'ocr' || x.labels['reason'] === 'constructor')).toEqual([]);
    expect(sampleValue(s, 'sohoa_stage_duration_seconds_count', { stage: 'normalize' })).toBe(0);
  });

  it('keeps two instances apart, as two runners in one process need', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.pageDone({ normalizeMs: 1, recognizeMs: 1, meanConfidence: 90, inputBytes: 10 });
    expect(sampleValue(await scrape(a), 'sohoa_pages_processed_total')).toBe(1);
    expect(sampleValue(await scrape(b), 'sohoa_pages_processed_total')).toBe(0);
  });

  it('sets the job gauges directly or reads them from the queue at each scrape', async () => {
    const metrics = new Metrics({ defaultMetrics: false, jobsTimeoutMs: 100 });
    metrics.setJobs({ active: 2, waiting: 7 });
    let s = await scrape(metrics);
    expect([sampleValue(s, 'sohoa_jobs_active'), sampleValue(s, 'sohoa_jobs_waiting')]).toEqual([2, 7]);

    let reads = 0;
    metrics.observeJobs(async () => ({ active: 1, waiting: 40 + reads++ }));
    s = await scrape(metrics);
    expect([sampleValue(s, 'sohoa_jobs_active'), sampleValue(s, 'sohoa_jobs_waiting')]).toEqual([1, 40]);
    expect(reads).toBe(1);
    s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_jobs_waiting')).toBe(41);

    // A queue that hangs or fails keeps the last counts and does not hold the scrape (a scrape that waited for
    // this promise would never resolve, and the test would time out).
    metrics.observeJobs(() => new Promise(() => {}));
    s = await scrape(metrics);
    expect([sampleValue(s, 'sohoa_jobs_active'), sampleValue(s, 'sohoa_jobs_waiting')]).toEqual([1, 41]);
    metrics.observeJobs(() => Promise.reject(new Error('connection refused')));
    s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_jobs_waiting')).toBe(41);
  });
});

describe('MeteredObjectStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sohoa-metered-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts the bytes written and passes every call through', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const store = new MeteredObjectStore(new LocalObjectStore(path.join(dir, 'out')), metrics);
    await store.put('b/d/a.pdf', new Uint8Array(1500), { contentType: 'application/pdf' });
    await store.put('b/d/a.txt', new TextEncoder().encode('Cộng hòa'), { contentType: 'text/plain' });
    expect(await store.exists('b/d/a.pdf')).toBe(true);
    expect((await store.get('b/d/a.txt'))?.byteLength).toBe(11);
    const keys: string[] = [];
    for await (const info of store.list('b/')) keys.push(info.key);
    expect(keys).toEqual(['b/d/a.pdf', 'b/d/a.txt']);
    const s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_output_bytes_total')).toBe(1511);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'put' })).toBe(0);
  });

  it('counts a failed operation by name and rethrows the error unchanged', async () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:9');
    const failing: ObjectStore = {
      location: 's3://unreachable',
      put: () => Promise.reject(refused),
      get: () => Promise.reject(refused),
      exists: () => Promise.reject(refused),
      head: () => Promise.reject(refused),
      list: async function* () {
        yield* [];
        throw refused;
      },
      delete: () => Promise.reject(refused),
      close: async () => {},
    };
    const metrics = new Metrics({ defaultMetrics: false });
    const store = new MeteredObjectStore(failing, metrics);
    await expect(store.put('b/x.json', new Uint8Array(3), { contentType: 'application/json' })).rejects.toBe(refused);
    await expect(store.put('b/y.json', new Uint8Array(3), { contentType: 'application/json' })).rejects.toBe(refused);
    await expect(store.get('b/x.json')).rejects.toBe(refused);
    await expect(store.head('b/x.json')).rejects.toBe(refused);
    await expect(store.delete(['b/x.json'])).rejects.toBe(refused);
    await expect((async () => {
      for await (const _ of store.list('b/')) void _;
    })()).rejects.toBe(refused);
    const s = await scrape(metrics);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'put' })).toBe(2);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'get' })).toBe(1);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'head' })).toBe(1);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'delete' })).toBe(1);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'list' })).toBe(1);
    expect(sampleValue(s, 'sohoa_storage_errors_total', { operation: 'exists' })).toBe(0);
    expect(sampleValue(s, 'sohoa_output_bytes_total')).toBe(0);
  });
});
