// The shape docs/architecture.md promises: each folder imports only the layers below it, files stay under 400 lines
// and functions under 80, so that a page's way through the code only goes down.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAst } from 'rolldown/parseAst';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../../src');

/**
 * What each folder of src/ may import besides itself (the top-level files count as folders of their name). The
 * order of this table is the order of the layers, top first; docs/architecture.md draws the same table.
 */
const mayImport: Record<string, readonly string[]> = {
  cli: ['config', 'watch', 'pipeline', 'queue', 'report', 'stages', 'split', 'metrics', 'ocr', 'storage', 'verify', 'common', 'log', 'domain'],
  config: ['ocr', 'queue', 'storage', 'common', 'domain'],
  pipeline: ['stages', 'report', 'export', 'extract', 'pdf', 'ocr', 'metrics', 'queue', 'storage', 'common', 'domain'],
  stages: ['split', 'extract', 'image', 'ocr', 'pdf', 'qr', 'storage', 'common', 'domain'],
  report: ['pdf', 'storage', 'common', 'domain'],
  split: ['qr', 'domain'],
  export: ['pdf', 'domain'],
  pdf: ['image', 'domain'],
  extract: ['domain'],
  image: ['domain'],
  qr: ['domain'],
  ocr: ['log', 'common', 'domain'],
  queue: ['log', 'common', 'domain'],
  metrics: ['storage', 'domain'],
  verify: ['storage', 'domain'],
  watch: ['storage', 'common', 'domain'],
  storage: ['common', 'domain'],
  common: ['domain'],
  log: [],
  domain: [],
};

/** Functions whose length says something, with the reason; every other function stays within 80 lines. */
const longFunctions: Record<string, string> = {};

interface SourceFile {
  file: string;
  folder: string;
  code: string;
}

function sourceFiles(): SourceFile[] {
  return readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const file = path.relative(src, path.join(entry.parentPath, entry.name));
      return { file, folder: folderOf(file), code: readFileSync(path.join(src, file), 'utf8') };
    });
}

function folderOf(file: string): string {
  return file.split('/')[0]!.replace(/\.ts$/, '');
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };

function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, visit);
  else if (node && typeof node === 'object' && typeof (node as Node).type === 'string') {
    visit(node as Node);
    for (const value of Object.values(node)) if (value && typeof value === 'object') walk(value, visit);
  }
}

const files = sourceFiles();
const asts = new Map(files.map((f) => [f.file, parseAst(f.code, { lang: 'ts' }, f.file)]));

describe('the code keeps its shape', () => {
  it('lets each folder import only the layers below it', () => {
    const climbs: string[] = [];
    for (const { file, folder } of files) {
      expect(mayImport[folder], `src/${folder} is not in the layer table of this test and docs/architecture.md`).toBeDefined();
      walk(asts.get(file)!.body, (node) => {
        const source = (node['source'] as { value?: unknown } | undefined)?.value;
        if (!/^(Import|ExportNamed|ExportAll)Declaration$/.test(node.type) || typeof source !== 'string' || !source.startsWith('.')) return;
        const target = folderOf(path.relative(src, path.resolve(src, path.dirname(file), source)));
        if (target !== folder && !mayImport[folder]!.includes(target)) climbs.push(`src/${file} imports ${source}`);
      });
    }
    expect(climbs).toEqual([]);
  });

  it('keeps every file of src/ within 400 lines', () => {
    const long = files.map((f) => ({ file: f.file, lines: f.code.split('\n').length - 1 })).filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });

  it('keeps every function within 80 lines, unless its length says something', () => {
    const long: string[] = [];
    for (const { file, code } of files) {
      const lineOf = (offset: number) => code.slice(0, offset).split('\n').length;
      walk(asts.get(file)!.body, (node) => {
        if (!/^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(node.type)) return;
        const lines = lineOf(node.end) - lineOf(node.start) + 1;
        const at = `${file}:${lineOf(node.start)}`;
        if (lines > 80 && !Object.keys(longFunctions).some((key) => at.startsWith(key))) long.push(`${at} (${lines} lines)`);
      });
    }
    expect(long).toEqual([]);
  });

  it('keeps src/ free of scripts/, samples/ and test/, and scripts/ free of test/', () => {
    const root = path.resolve(src, '..');
    const reaching: string[] = [];
    for (const folder of ['src', 'scripts']) {
      for (const entry of readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
        const file = path.join(entry.parentPath, entry.name);
        for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
          const top = path.relative(root, path.resolve(path.dirname(file), target!)).split('/')[0];
          if (top === 'test' || (folder === 'src' && (top === 'scripts' || top === 'samples'))) reaching.push(`${path.relative(root, file)} imports ${target}`);
        }
      }
    }
    expect(reaching).toEqual([]);
  });
});

