// A stand-in dossier handler for queue tests: sleeps like a dossier would and leaves marker files to count.
/*
 * Loaded by scripts/lib/queue-test-worker.ts (in the queue tests and scripts/soak/soak-queue.ts) as the `--handler`
 * module; a module for that flag exports `setup()` returning the handler and, optionally, the batch-report writer
 * and a close.
 *
 * Settings come from the environment, so every worker process of a test shares them:
 *   SOHOA_TEST_MARKER_DIR  folder for marker files (required)
 *   SOHOA_TEST_JOB_MS      how long a dossier takes (default 500); dossiers named `slow-…` take SOHOA_TEST_SLOW_JOB_MS
 *
 * Marker files, the ground truth the tests count (one file each, written whole with a rename):
 *   start@<dossier>@<pid>@<n>   an attempt began in process <pid>
 *   done@<dossier>@<pid>        the dossier's outputs were "published" by process <pid>
 *   skip@<dossier>@<pid>@<n>    an attempt found the dossier already published and did nothing
 *   report@<batch>@<pid>@<n>    process <pid> wrote the batch report
 * Like the real pipeline (whose dossier.json is written last and makes a rerun a no-op), an attempt that finds
 * its dossier already published does nothing: so a job whose worker died after publishing but before the queue
 * heard of it is rerun harmlessly. Two workers running one dossier at the same time would both publish, which
 * is what the tests look for.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DossierHandler, DossierJob } from '../../src/queue/job-queue.ts';

export interface HandlerModule {
  handler: DossierHandler;
  onBatchComplete?: (batchId: string) => Promise<void>;
  close?: () => Promise<void>;
}

export interface MarkerEvent {
  /** Dossier (or batch, for reports) id as it appears in marker names. */
  id: string;
  pid: number;
  /** Epoch milliseconds when the marker was written. */
  at: number;
}

export interface Markers {
  starts: MarkerEvent[];
  done: MarkerEvent[];
  skips: MarkerEvent[];
  reports: MarkerEvent[];
}

function writeMarker(dir: string, name: string, body: object): void {
  const temporary = path.join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
  writeFileSync(temporary, JSON.stringify({ ...body, pid: process.pid, at: Date.now() }));
  renameSync(temporary, path.join(dir, name));
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9_.-]/g, '_');

export function setup(): HandlerModule {
  const dir = process.env.SOHOA_TEST_MARKER_DIR;
  if (!dir) throw new Error('SOHOA_TEST_MARKER_DIR is not set');
  const jobMs = Number(process.env.SOHOA_TEST_JOB_MS ?? 500);
  const slowJobMs = Number(process.env.SOHOA_TEST_SLOW_JOB_MS ?? 5_000);
  let counter = 0;

  const handler = async (job: DossierJob, signal: AbortSignal): Promise<void> => {
    const id = safe(job.dossierId);
    const attempt = readdirSync(dir).filter((name) => name.startsWith(`start@${id}@`)).length + 1;
    writeMarker(dir, `start@${id}@${process.pid}@${++counter}`, { dossierId: job.dossierId, attempt });
    if (readdirSync(dir).some((name) => name.startsWith(`done@${id}@`))) {
      writeMarker(dir, `skip@${id}@${process.pid}@${++counter}`, { dossierId: job.dossierId });
      return;
    }
    await sleep(job.dossierId.startsWith('slow-') ? slowJobMs : jobMs, undefined, { signal });
    writeMarker(dir, `done@${id}@${process.pid}`, { dossierId: job.dossierId });
  };

  return {
    handler,
    async onBatchComplete(batchId) {
      writeMarker(dir, `report@${safe(batchId)}@${process.pid}@${++counter}`, { batchId });
    },
  };
}

/** Reads the markers of a test's folder: attempts, publications, no-op reruns and batch reports. */
export function readMarkers(dir: string): Markers {
  const markers: Markers = { starts: [], done: [], skips: [], reports: [] };
  const lists: Record<string, MarkerEvent[]> = { start: markers.starts, done: markers.done, skip: markers.skips, report: markers.reports };
  for (const name of readdirSync(dir)) {
    const [kind, id, pid] = name.split('@');
    const list = kind === undefined ? undefined : lists[kind];
    if (!list || id === undefined || pid === undefined) continue;
    const body = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { at: number };
    list.push({ id, pid: Number(pid), at: body.at });
  }
  for (const list of Object.values(lists)) list.sort((a, b) => a.at - b.at);
  return markers;
}

/** How many times each id occurs in a marker list. */
export function countById(events: readonly MarkerEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
  return counts;
}
