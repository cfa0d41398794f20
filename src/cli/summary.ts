// The one JSON object that `run`, `enqueue`, `status` and `verify` print at the end with --json, for scripts.
/*
 * One shape for the four commands, so a script reads any of them the same way: did it work (`ok`, `exitCode`),
 * how much (`counts`, numbers only, named per command), what failed (`failures`, each with its stable code) and
 * where the results are (`outputs`). Its JSON Schema is pipelines/schema/summary.schema.json (`npm run schemas`).
 */
import { z } from 'zod';
import { errorCodes, verifyProblemCodes, type ErrorCode } from '../domain/error-codes.ts';
import { errorReport, ExitCode, SohoaError } from '../domain/errors.ts';
import { formatProblem, ManifestError } from '../domain/manifest.ts';
import { failedStacks, type BatchSplitReport } from '../domain/batch.ts';
import type { BatchReport } from '../domain/record.ts';
import { failureCode, type BatchStatus } from '../queue/job-queue.ts';
import type { VerifyResult } from '../verify/verify-records.ts';

export const summarySchemaId = 'sohoa.summary/1';

const kindSchema = z.enum(['input', 'transient', 'config', 'internal']);
const codeSchema = z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]);

const failureSchema = z
  .object({
    code: codeSchema.describe('stable error code; see the README table'),
    kind: kindSchema,
    message: z.string().describe('what went wrong and what to do, naming the file, page or key'),
    dossierId: z.string().optional(),
    documentId: z.string().optional(),
    file: z.string().optional().describe('input file, relative to the batch folder'),
    pageNumber: z.number().int().optional().describe('1-based page of the input file'),
    key: z.string().optional().describe('object key in the store (verify)'),
    attempts: z.number().int().optional().describe('attempts made (status)'),
  })
  .strict();

export const summarySchema = z
  .object({
    schema: z.literal(summarySchemaId),
    command: z.enum(['run', 'enqueue', 'status', 'verify']),
    ok: z.boolean().describe('true when the command did all it was asked without a failure'),
    exitCode: z.number().int().describe('the process exit code (0 ok, 2 usage or configuration, 3 some input failed, 4 a service unavailable, 70 internal, 130/143 stopped by a signal)'),
    batchId: z.string().optional(),
    counts: z.record(z.string(), z.number().int().nonnegative()).describe('what the command counted; the names depend on the command'),
    failures: z.array(failureSchema),
    outputs: z
      .object({
        store: z.string().optional().describe('the output store: a folder or s3://bucket/prefix'),
        batch: z.string().optional().describe('where this batch’s records are'),
        report: z.string().optional().describe('report.json of the batch'),
        reportHtml: z.string().optional().describe('report.html of the batch'),
        queue: z.string().optional().describe('the job queue, without its password'),
      })
      .strict(),
    interrupted: z.object({ signal: z.string() }).strict().optional(),
    error: z
      .object({ code: codeSchema, kind: kindSchema, message: z.string() })
      .strict()
      .optional()
      .describe('why the command stopped before its end'),
  })
  .strict();

export type Summary = z.infer<typeof summarySchema>;
export type Failure = z.infer<typeof failureSchema>;
type Command = Summary['command'];

export function summaryJsonSchema(): object {
  return {
    $id: 'https://sohoa.local/schema/summary/1',
    title: 'sohoa command summary (--json)',
    ...z.toJSONSchema(summarySchema),
  };
}

function joinLocation(store: string, ...parts: string[]): string {
  return [store.replace(/\/+$/u, ''), ...parts].join('/');
}

/** Every failed page, every document failure of its own, every dossier that failed as a whole. */
export function reportFailures(report: BatchReport): Failure[] {
  const failures: Failure[] = stackFailures(report.split);
  for (const dossier of report.dossiers) {
    if (dossier.error) failures.push({ ...dossier.error, dossierId: dossier.dossierId });
    for (const document of dossier.documents) {
      const where = { dossierId: dossier.dossierId, documentId: document.documentId };
      const pageMessages = new Set<string>();
      for (const page of document.pages) {
        if (!page.error) continue;
        pageMessages.add(page.error.message);
        failures.push({ ...page.error, ...where, file: page.file, ...(page.filePageNumber ? { pageNumber: page.filePageNumber } : {}) });
      }
      // A document fails with its pages' errors; only an error of its own (assembly, storage) is added.
      for (const error of document.errors) if (!pageMessages.has(error.message)) failures.push({ ...error, ...where });
    }
  }
  return failures;
}

/** Every stack the split could not cut or read, with its file: its pages are in no dossier. */
function stackFailures(split: BatchSplitReport | undefined): Failure[] {
  return failedStacks(split).map((stack) => ({ code: stack.error.code as ErrorCode, kind: 'input' as const, message: stack.error.message, file: stack.file }));
}

/** How many stacks failed, as a count, when the batch was split at all. */
function stackCounts(split: BatchSplitReport | undefined): Record<string, number> {
  return split ? { stacks: split.stacks.length, stacksFailed: failedStacks(split).length } : {};
}

/** The fields every summary starts with. */
function envelope(command: Command, exitCode: number): Pick<Summary, 'schema' | 'command' | 'ok' | 'exitCode'> {
  return { schema: summarySchemaId, command, ok: exitCode === 0, exitCode };
}

export function runSummary(report: BatchReport, store: string, exitCode: number): Summary {
  const t = report.totals;
  const batch = joinLocation(store, report.batchId);
  return {
    ...envelope('run', exitCode),
    batchId: report.batchId,
    counts: { ...t, documentsStored: t.documents - t.documentsFailed - t.documentsNotStarted, ...stackCounts(report.split) },
    failures: reportFailures(report),
    outputs: { store, batch, report: `${batch}/report.json`, reportHtml: `${batch}/report.html` },
    ...(report.interrupted ? { interrupted: report.interrupted } : {}),
  };
}

export function enqueueSummary(batchId: string, counts: { dossiers: number; created: number; existing: number }, outputs: { store: string; queue: string }, split?: BatchSplitReport): Summary {
  const failures = stackFailures(split);
  return { ...envelope('enqueue', failures.length > 0 ? ExitCode.someFailed : ExitCode.ok), batchId, counts: { ...counts, ...stackCounts(split) }, failures, outputs: { ...outputs, batch: joinLocation(outputs.store, batchId) } };
}

/** A queue URL as a summary may show it: no user name, no password. */
export function queueShown(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export function statusSummary(status: BatchStatus, exitCode: number, queue: string): Summary {
  return {
    ...envelope('status', exitCode),
    batchId: status.batchId,
    counts: { total: status.total, ...status.counts, complete: status.complete ? 1 : 0, reported: status.reported ? 1 : 0 },
    failures: status.failed.map((f) => ({ code: failureCode(f), kind: f.kind, message: f.message, dossierId: f.dossierId, attempts: f.attempts })),
    outputs: { queue },
  };
}

export function verifySummary(result: VerifyResult, store: string, exitCode: number): Summary {
  return {
    ...envelope('verify', exitCode),
    counts: { dossiers: result.dossiers, objectsChecked: result.objectsChecked, bytesChecked: result.bytesChecked, problems: result.problems.length },
    failures: result.problems.map((p) => ({ code: verifyProblemCodes[p.kind], kind: 'input' as const, message: `${p.key}: ${p.detail}`, key: p.key })),
    outputs: { store },
  };
}

/** A command that stopped before its end (bad option, unreadable manifest, store down) still answers in JSON. */
export function errorSummary(command: Command, err: unknown, exitCode: number): Summary {
  const error = errorReport(err);
  // A manifest's mistakes are listed one by one, so a script can show each row to fix.
  const failures: Failure[] =
    err instanceof ManifestError
      ? err.problems.map((p) => ({ code: p.code ?? 'MANIFEST_INVALID', kind: 'input', message: formatProblem(err.manifestFile, p), file: err.manifestFile }))
      : [error];
  return { ...envelope(command, exitCode), counts: {}, failures, outputs: {}, error };
}

/** `status` and `verify` answer in JSON off a terminal, as if given --json: the flags say it once for both places. */
export function jsonOffTerminal(flags: Record<string, unknown>): Record<string, unknown> {
  return process.stdout.isTTY ? flags : { ...flags, json: true };
}

/** What a command prints with --json: the summary, one line, on standard output. */
export function writeSummary(summary: Summary, out: { write(text: string): unknown } = process.stdout): void {
  out.write(`${JSON.stringify(summary)}\n`);
}

/** The exit code the CLI gives an error that ends a command. */
export function exitCodeOfError(err: unknown): number {
  return err instanceof SohoaError ? err.exitCode : ExitCode.internal;
}

/**
 * Runs a command; with --json, an error that ends it is answered with a summary object on stdout as well as the
 * usual line on stderr, so a script always gets one JSON object.
 */
export async function answering(command: Command, flags: Record<string, unknown>, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (!flags['json']) throw err;
    const exitCode = exitCodeOfError(err);
    writeSummary(errorSummary(command, err, exitCode));
    reportError(err);
    return exitCode;
  }
}

/** The one line (or lines, for a manifest) a person reads on stderr when a command stops. */
export function reportError(err: unknown): void {
  if (err instanceof SohoaError) process.stderr.write(`sohoa: [${err.code}] ${err.message}\n`);
  else process.stderr.write(`sohoa: [INTERNAL] internal error: ${(err as Error)?.stack ?? String(err)}\n`);
}
