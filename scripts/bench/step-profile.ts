// Where a page's time goes: a sohoa run with one OCR worker per engine, its info log read into the median
// milliseconds per page of each step and their share of the OCR time.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { median } from './bench-operations.ts';
import { runCommand } from './run-command.ts';
import { logEvents, sohoaRunArgv } from './speed-systems.ts';
import { formatTable } from './text-table.ts';

/** The page steps in the order a page goes through them; steps a newer build adds are shown after these. */
const pageStepOrder = ['extract', 'decode', 'analyse', 'orientation', 'deskew', 'rotate', 'write', 'qr', 'ocr'];
/** What the issue counts as normalizing; its target is at most 15 % of the OCR time. */
const normalizeSteps = ['decode', 'analyse', 'orientation', 'deskew', 'rotate', 'write'];
const normalizeTargetShare = 0.15;
/** Document and batch costs, spread evenly over their pages; named apart from the page step `extract`. */
const spreadSteps = { extractMs: 'fields (document)', assembleMs: 'assemble (document)', storeMs: 'store (document)' } as const;
const reportStep = 'thumbnails+report (batch)';

export interface StepProfile {
  engine: string;
  pages: number;
  /** Step → its milliseconds on each page it ran on. */
  steps: Map<string, number[]>;
  /** Per page, paired by index: the normalize steps summed, and OCR. */
  normalizeMs: number[];
  ocrMs: number[];
  /** False for a build whose page.done has no `steps`: then only normalizeMs and recognizeMs are known. */
  detailed: boolean;
}

/** The profile of one run from its log events. */
export function stepProfile(engine: string, events: ReadonlyArray<Record<string, unknown>>): StepProfile {
  const steps = new Map<string, number[]>();
  const add = (step: string, ms: number, times = 1) => {
    const list = steps.get(step) ?? [];
    for (let i = 0; i < times; i++) list.push(ms);
    steps.set(step, list);
  };
  const profile: StepProfile = { engine, pages: 0, steps, normalizeMs: [], ocrMs: [], detailed: true };
  for (const e of events) {
    if (e['event'] === 'page.done') {
      profile.pages++;
      const detail = isMsRecord(e['steps']) && Object.keys(e['steps']).length > 0 ? e['steps'] : undefined;
      if (!detail) profile.detailed = false;
      const page = detail ?? { normalize: Number(e['normalizeMs']) };
      // A page whose text was kept from its PDF has no ocr step; recognizeMs says what recognizing it took.
      const ocrMs = page['ocr'] ?? Number(e['recognizeMs']);
      for (const [step, ms] of Object.entries({ ...page, ocr: ocrMs })) add(step, ms);
      profile.normalizeMs.push(detail ? normalizeSteps.reduce((sum, step) => sum + (detail[step] ?? 0), 0) : page['normalize']!);
      profile.ocrMs.push(ocrMs);
    } else if (e['event'] === 'document.stored') {
      const pages = Number(e['pages']);
      for (const [field, step] of Object.entries(spreadSteps)) if (typeof e[field] === 'number') add(step, e[field] / pages, pages);
    } else if (e['event'] === 'report.written') {
      const pages = Number(e['pages']);
      add(reportStep, Number(e['durationMs']) / pages, pages);
    }
  }
  return profile;
}

function isMsRecord(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'number');
}

/** Known page steps in page order, then unknown ones as first seen, then the document and batch rows. */
export function stepRows(profiles: readonly StepProfile[]): string[] {
  const seen = [...new Set(profiles.flatMap((p) => [...p.steps.keys()]))];
  const spread: string[] = [...Object.values(spreadSteps), reportStep];
  const known = pageStepOrder.filter((s) => seen.includes(s));
  const unknown = seen.filter((s) => !pageStepOrder.includes(s) && !spread.includes(s));
  return [...known, ...unknown, ...spread.filter((s) => seen.includes(s))];
}

/** One run per engine, one OCR worker, so each step's time is the page's own and not shared with a second worker. */
export async function profileRun(options: { batch: string; engine: string | undefined; langData: string | undefined }): Promise<StepProfile> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-profile-'));
  try {
    const argv = [...sohoaRunArgv(options.batch, out, { poolSize: 1, engine: options.engine, langData: options.langData }), '--log-level', 'info'];
    const result = await runCommand(process.execPath, argv);
    if (result.code !== 0) throw new Error(`sohoa run (profile) exited ${result.code}: ${result.stderr.slice(-2000)}`);
    return stepProfile(options.engine ?? '(its engine)', logEvents(result.stdout));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export function printProfiles(profiles: readonly StepProfile[]): void {
  const cell = (p: StepProfile, step: string) => {
    const values = p.steps.get(step);
    if (!values) return '—';
    const ms = median(values);
    return `${ms.toFixed(0)} ms (${values.length}) ${((ms / median(p.ocrMs)) * 100).toFixed(1)} %`;
  };
  console.log('\nprofile, pool 1: median ms per page (pages it ran on) and its share of the median OCR time');
  console.log(formatTable(['step', ...profiles.map((p) => p.engine)], stepRows(profiles).map((step) => [step, ...profiles.map((p) => cell(p, step))])));
  for (const p of profiles) {
    const share = median(p.normalizeMs) / median(p.ocrMs);
    const parts = p.detailed ? normalizeSteps.join('+') : 'normalizeMs: this build logs no per-step times';
    console.log(
      `  ${p.engine}: normalize (${parts}) median ${median(p.normalizeMs).toFixed(0)} ms a page = ${(share * 100).toFixed(1)} % of OCR ` +
        `(${median(p.ocrMs).toFixed(0)} ms); target ≤ ${normalizeTargetShare * 100} %: ${share <= normalizeTargetShare ? 'met' : 'not met'}`,
    );
  }
}
