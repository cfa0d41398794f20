// One shape for every validation error: `<file>: <path>: expected X but received Y (type)`.
import { z } from 'zod';

/** Formats a JSON path like `stages[1].normalize.dpi`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? String(part) : `.${String(part)}`;
  }
  return out.length > 0 ? out : '(top level)';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const shown = JSON.stringify(value);
  const short = shown !== undefined && shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  return `${short} (${type})`;
}

/** Turns zod issues into sentences naming the source, the path, what was expected and what was received. */
export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.map((issue) => {
    const where = formatPath([...prefix, ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      return `${source}: ${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; check the spelling`;
    }
    const received = 'input' in issue ? ` but received ${describeValue(issue.input)}` : '';
    return `${source}: ${where}: ${issue.message}${received}`;
  });
}

/** An integer option within bounds, with the message every such option uses. */
export function intBetween(min: number, max: number) {
  const error = `expected an integer ${min}–${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A number option within bounds. */
export function numberBetween(min: number, max: number) {
  const error = `expected a number ${min}–${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
}

export function bool() {
  return z.boolean({ error: 'expected true or false' });
}
