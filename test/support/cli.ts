// Runs the real `sohoa` command in a child process and collects its exit code, output and JSON log events.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { summarySchema, summarySchemaId, type Summary } from '../../src/cli/summary.ts';

export const cliPath = path.resolve(import.meta.dirname, '../../bin/sohoa.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The pino JSON lines, parsed: on stdout, or on stderr with --json. */
  events: Array<Record<string, unknown>>;
  /** The --json summary: the last line of stdout, when it is one. */
  summary?: Summary;
  durationMs: number;
}

/**
 * Starts the command (two OCR workers, whatever the machine) and returns the child with a promise of its end. The
 * engine is the embedded tesseract.js unless a test asks for another, so that what the suite reads does not depend
 * on whether the machine has the tesseract command (test/integration/native-engine.test.ts runs that one).
 */
export function startCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, SOHOA_POOL_SIZE: '2', SOHOA_ENGINE: 'tesseract.js', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = (text: string) =>
        text
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      const out = lines(stdout);
      const last = out.at(-1);
      const summary = last?.['schema'] === summarySchemaId ? (summarySchema.parse(last) as Summary) : undefined;
      const events = [...out.filter((e) => e !== last || !summary), ...lines(stderr)].filter((e) => 'event' in e || 'level' in e);
      resolve({ code, stdout, stderr, events, ...(summary ? { summary } : {}), durationMs: performance.now() - started });
    });
  });
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return startCli(args, env).done;
}
