// The --json summaries: one shape for four commands, checked against the published JSON Schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorSummary, queueShown, runSummary, statusSummary, summaryJsonSchema, summarySchema, verifySummary } from '../../../src/cli/summary.ts';
import { ConfigError } from '../../../src/domain/errors.ts';
import { ManifestError } from '../../../src/domain/manifest.ts';
import { schemaText } from '../../../src/domain/metadata/json-schema.ts';
import { syntheticReport } from '../../../scripts/lib/synthetic-report.ts';

const root = path.resolve(import.meta.dirname, '../../..');

describe('--json summaries', () => {
  it('publish the JSON Schema the code generates (run "npm run schemas" after a change)', () => {
    expect(readFileSync(path.join(root, 'pipelines/schema/summary.schema.json'), 'utf8')).toBe(schemaText(summaryJsonSchema()));
  });

  it('of run: totals, one failure per failed page with its code and place, and where the outputs are', () => {
    const { report } = syntheticReport({ pages: 20, failEvery: 7 });
    const summary = summarySchema.parse(runSummary(report, 's3://archive/2024/', 3));
    expect(summary).toMatchObject({ command: 'run', ok: false, exitCode: 3, batchId: 'synthetic-batch', counts: { pages: 20, pagesFailed: 2, pagesDone: 18 } });
    expect(summary.failures).toHaveLength(2);
    expect(summary.failures[0]).toMatchObject({ code: 'IMAGE_UNREADABLE', kind: 'input', dossierId: 'HS-0001', documentId: 'VB-002', file: 'HS-0001/vb-002-p2.png', pageNumber: 1 });
    expect(summary.outputs).toEqual({
      store: 's3://archive/2024/',
      batch: 's3://archive/2024/synthetic-batch',
      report: 's3://archive/2024/synthetic-batch/report.json',
      reportHtml: 's3://archive/2024/synthetic-batch/report.html',
    });
  });

  it('of status and verify, with codes for each failure and no password', () => {
    const status = statusSummary(
      {
        batchId: 'b1',
        total: 3,
        counts: { waiting: 0, active: 0, retrying: 0, done: 1, failed: 2 },
        failed: [
          { dossierId: 'HS-1', kind: 'input', code: 'DOSSIER_DOCUMENTS_FAILED', message: '1 of 1 documents failed', attempts: 1 },
          { dossierId: 'HS-2', kind: 'transient', message: 'stored before codes existed', attempts: 9 },
        ],
        complete: true,
        reported: true,
      },
      3,
      queueShown('postgres://sohoa:secret@db.example:5432/jobs'),
    );
    expect(summarySchema.parse(status).failures.map((f) => [f.dossierId, f.code])).toEqual([['HS-1', 'DOSSIER_DOCUMENTS_FAILED'], ['HS-2', 'WORKER_LOST']]);
    expect(status.outputs.queue).toBe('postgres://db.example:5432/jobs');
    expect(JSON.stringify(status)).not.toContain('secret');
    const verify = verifySummary({ dossiers: 1, objectsChecked: 4, bytesChecked: 100, problems: [{ kind: 'corrupt', key: 'b1/HS-1/a.pdf', detail: 'SHA-256 differs' }] }, './out', 3);
    expect(summarySchema.parse(verify).failures).toEqual([{ code: 'RECORD_OBJECT_CORRUPT', kind: 'input', message: 'b1/HS-1/a.pdf: SHA-256 differs', key: 'b1/HS-1/a.pdf' }]);
  });

  it('of a command that stopped early: the error, and one failure per manifest mistake', () => {
    const config = summarySchema.parse(errorSummary('enqueue', new ConfigError('QUEUE_MISSING', 'no job queue given'), 2));
    expect(config).toMatchObject({ ok: false, exitCode: 2, error: { code: 'QUEUE_MISSING', kind: 'config' }, failures: [{ code: 'QUEUE_MISSING' }] });
    const manifest = new ManifestError('manifest.csv', [
      { where: 'row 3', row: 3, field: 'file', message: 'file "p9.png" was not found', code: 'MANIFEST_FILE_MISSING' },
      { where: 'row 4', row: 4, field: 'issueDate', message: 'expected a date' },
    ]);
    const summary = summarySchema.parse(errorSummary('run', manifest, 3));
    expect(summary.error?.code).toBe('MANIFEST_INVALID');
    expect(summary.failures.map((f) => [f.code, f.message])).toEqual([
      ['MANIFEST_FILE_MISSING', 'manifest.csv row 3, field "file": file "p9.png" was not found'],
      ['MANIFEST_INVALID', 'manifest.csv row 4, field "issueDate": expected a date'],
    ]);
    expect(summarySchema.parse(errorSummary('verify', new RangeError('bug'), 70)).error).toEqual({ code: 'INTERNAL', kind: 'internal', message: 'bug' });
  });
});
