#!/usr/bin/env node
// Entry point of the `sohoa` command; the TypeScript source runs directly on Node 24.
import { main } from '../src/cli.ts';

process.exitCode = await main(process.argv);
