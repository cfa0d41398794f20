// Proves that a change left the outputs alone: runs `sohoa run` on the sample batch (and, with --real, on a
// folder batch of documents from samples/real/) with every input's mtime pinned, since records and PDFs are dated
// from the newest input, and prints one checksum per output file. The batch report is compared without its
// timings and clock stamps, which differ on every run.
// node scripts/dev/output-identity.ts save FILE [--real R01,R05,R17]   (before the change)
// node scripts/dev/output-identity.ts check FILE [--real R01,R05,R17]  (after: exit 1 and the differing files if any)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { real: { type: 'string' } } });
const [mode, file] = positionals;
if ((mode !== 'save' && mode !== 'check') || !file) {
  console.error('usage: node scripts/dev/output-identity.ts save|check FILE [--real R01,R05]');
  process.exit(2);
}
const pinned = new Date('2024-03-01T00:00:00Z');
const work = await mkdtemp(path.join(tmpdir(), 'sohoa-identity-'));
try {
  const sums: Record<string, string> = {};
  Object.assign(sums, await runAndSum('sample', await pinnedCopy(path.join(root, 'samples', 'batch'), 'sample')));
  if (values.real) Object.assign(sums, await runAndSum('real', await realBatch(values.real.split(','))));
  if (mode === 'save') {
    await writeFile(file, `${JSON.stringify(sums, null, 2)}\n`);
    console.log(`saved ${Object.keys(sums).length} output checksums to ${file}`);
  } else {
    const before = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    const names = [...new Set([...Object.keys(before), ...Object.keys(sums)])].sort();
    const differing = names.filter((name) => before[name] !== sums[name]);
    for (const name of differing) console.log(`DIFFERS ${name}: ${before[name] ?? '(absent)'} -> ${sums[name] ?? '(absent)'}`);
    console.log(`${names.length - differing.length} of ${names.length} outputs identical`);
    process.exitCode = differing.length ? 1 : 0;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

async function pinnedCopy(from: string, name: string): Promise<string> {
  const to = path.join(work, name);
  await cp(from, to, { recursive: true });
  await pinTimes(to);
  return to;
}

async function realBatch(ids: string[]): Promise<string> {
  const batch = path.join(work, 'real');
  const names = await readdir(path.join(root, 'samples', 'real'));
  for (const id of ids) {
    const source = names.find((n) => path.parse(n).name === id && !n.endsWith('.json'));
    if (!source) throw new Error(`samples/real has no document ${id}`);
    await mkdir(path.join(batch, id), { recursive: true });
    await cp(path.join(root, 'samples', 'real', source), path.join(batch, id, source));
  }
  await pinTimes(batch);
  return batch;
}

async function pinTimes(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    await utimes(path.join(entry.parentPath, entry.name), pinned, pinned);
  }
  await utimes(dir, pinned, pinned);
}

async function runAndSum(name: string, batch: string): Promise<Record<string, string>> {
  const out = path.join(work, `${name}-out`);
  await promisify(execFile)(process.execPath, [path.join(root, 'bin', 'sohoa.js'), 'run', batch, '--out', out, '--log-level', 'silent', '--no-progress'], {
    cwd: root,
    maxBuffer: 64 << 20,
  }).catch((error: { stderr?: string }) => {
    // A batch with failing pages exits non-zero and still writes its outputs; those are what is compared.
    if (!String(error.stderr ?? '').length) throw error;
  });
  const sums: Record<string, string> = {};
  for (const entry of await readdir(out, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const relative = `${name}/${path.relative(out, full)}`;
    if (entry.name === 'report.html') continue; // rendered from report.json, with its clock stamps
    const bytes = await readFile(full);
    const content = entry.name === 'report.json' ? Buffer.from(JSON.stringify(withoutTimings(JSON.parse(bytes.toString('utf8'))))) : bytes;
    sums[relative] = createHash('sha256').update(content).digest('hex');
  }
  return sums;
}

/** The report without what changes on every run: durations, clock stamps, timing tables and the run's folders. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (!value || typeof value !== 'object') return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (/Ms$|At$|^timings$|^durations?$|^batchRoot$|^outRoot$|^output$|^input$/.test(key)) continue;
    kept[key] = withoutTimings(inner);
  }
  return kept;
}
