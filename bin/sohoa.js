#!/usr/bin/env node
// Entry point of the `sohoa` command: the compiled dist/cli.js in an installed package, src/cli.ts in a checkout.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// glibc gives every thread that allocates (libvips, OCR worker threads) its own malloc arena and keeps freed
// memory in each; two arenas cut the peak memory of a batch by about 70 MiB at no measured cost in speed. A young
// generation of 2 MiB semi-spaces (V8's default is 16 MiB) keeps short-lived page data from piling up in the heap:
// about 40 MiB less at peak for 1-2 % more CPU. Both only work from process start, so the process replaces itself
// once with them set (same pid); the container image sets them in its environment instead.
const semiSpace = '--max-semi-space-size=2';
const hasSemiSpace = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--max-semi-space-size'));
if (process.platform === 'linux' && (process.env.MALLOC_ARENA_MAX === undefined || !hasSemiSpace) && typeof process.execve === 'function') {
  const flags = hasSemiSpace ? process.execArgv : [...process.execArgv, semiSpace];
  process.execve(process.execPath, [process.execPath, ...flags, ...process.argv.slice(1)], { MALLOC_ARENA_MAX: '2', ...process.env });
}

// The source wins whenever it is there: the packed package and the image ship dist/ without src/, and a checkout
// runs what is being edited, so `bash scripts/dev/demo.sh` and the tests work on a fresh clone with no build step and
// never run a stale dist/ left by an earlier `npm run build` or `npm pack`. Comparing dates instead would have to
// walk all of src/ and would trust mtimes that git checkouts set arbitrarily. Node refuses to strip types under
// node_modules, so a src/ found there (a package installed from a git URL, say) is never used either.
const source = new URL('../src/cli.ts', import.meta.url);
const inCheckout = existsSync(source) && !fileURLToPath(source).split(/[\\/]/).includes('node_modules');
const { main } = inCheckout ? await import('../src/cli.ts') : await import('../dist/cli.js');
process.exitCode = await main(process.argv);
