// Runs a command to its end and hands back its exit code and everything it printed, for the benchmarks; measured,
// also its wall time, CPU time and the peak memory of its process tree.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { treeAndTopRssMiB } from './process-tree-rss.ts';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RssSample {
  /** `Date.now()` of the reading, the clock a caller has when a log line arrives. */
  atMs: number;
  rssMiB: number;
  /** The command's own process, without its children (for sohoa: Node, without the tesseract processes). */
  topRssMiB: number;
}

export interface MeasuredCommand extends CommandResult {
  wallMs: number;
  /** User + system seconds of the command and of every child it waited for; NaN without GNU time. */
  cpuSeconds: number;
  peakTreeRssMiB: number;
  /** The tree's summed RSS every `rssIntervalMs`, so a caller can read it at a moment of its choosing. */
  rssSamples: RssSample[];
}

export interface MeasureOptions {
  /** Called with each stdout line as it arrives (without its newline), e.g. to note when a log event happened. */
  onStdoutLine?: (line: string) => void;
}

const gnuTime = '/usr/bin/time';
const rssIntervalMs = 100;
let toldNoGnuTime = false;

/** `env` is added to this process's environment, so a caller names only what it changes. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return collect(spawn(command, args, { env: { ...process.env, ...env } }));
}

/**
 * Runs the command under GNU time, whose figures go to a file of their own (`-o`) so they never mix with the
 * command's stderr, and samples the summed RSS of the command and all its descendants while it runs.
 */
export async function measureCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}, options: MeasureOptions = {}): Promise<MeasuredCommand> {
  const timed = existsSync(gnuTime);
  if (!timed && !toldNoGnuTime) {
    toldNoGnuTime = true;
    console.warn(`${gnuTime} is missing (apt-get install time): wall time and memory are measured, CPU seconds are not`);
  }
  const dir = timed ? await mkdtemp(path.join(os.tmpdir(), 'sohoa-bench-time-')) : undefined;
  try {
    const timesFile = dir ? path.join(dir, 'times') : '';
    const started = performance.now();
    const child = timed
      ? spawn(gnuTime, ['-o', timesFile, '-f', '%e %U %S', command, ...args], { env: { ...process.env, ...env } })
      : spawn(command, args, { env: { ...process.env, ...env } });
    const rssSamples: RssSample[] = [];
    const sample = () => {
      if (child.pid === undefined) return;
      const { tree, top } = treeAndTopRssMiB(child.pid, { includeRoot: !timed });
      rssSamples.push({ atMs: Date.now(), rssMiB: tree, topRssMiB: top });
    };
    sample();
    const sampler = setInterval(sample, rssIntervalMs);
    const result = await collect(child, options.onStdoutLine).finally(() => clearInterval(sampler));
    const wallMs = performance.now() - started;
    const cpuSeconds = timed ? cpuSecondsOf(await readFile(timesFile, 'utf8').catch(() => '')) : NaN;
    const peakTreeRssMiB = rssSamples.reduce((peak, s) => Math.max(peak, s.rssMiB), 0);
    return { ...result, wallMs, cpuSeconds, peakTreeRssMiB, rssSamples };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** GNU time's last line is our format, "%e %U %S"; a line before it may say the command failed or was killed. */
export function cpuSecondsOf(timesFile: string): number {
  const [, user, system] = (timesFile.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return user === undefined || system === undefined ? NaN : user + system;
}

function collect(child: ChildProcessWithoutNullStreams, onStdoutLine?: (line: string) => void): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (!onStdoutLine) return;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onStdoutLine(line);
    });
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (partial) onStdoutLine?.(partial);
      resolve({ code, stdout, stderr });
    });
  });
}
