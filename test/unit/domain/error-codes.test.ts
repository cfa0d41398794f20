// Every code sohoa throws is in the catalog and in the README's table, with the kind of the class that throws it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalog, errorCodes, isErrorCode, verifyProblemCodes, withErrorCodeTable } from '../../../src/domain/error-codes.ts';
import { ConfigError, errorReport, InputError, TransientError } from '../../../src/domain/errors.ts';

const root = path.resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const classKinds = { InputError: 'input', ConfigError: 'config', TransientError: 'transient' } as const;

/** Every code given where an error is made: the constructors, the helpers that take a code first, manifest problems. */
function codesInSource(): { code: string; kind?: string; where: string }[] {
  const found: { code: string; kind?: string; where: string }[] = [];
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const where = path.relative(root, file);
    for (const m of text.matchAll(/new (InputError|ConfigError|TransientError)\(\s*'([A-Za-z0-9_]+)'/g)) {
      found.push({ code: m[2]!, kind: classKinds[m[1] as keyof typeof classKinds], where });
    }
    // Helpers whose first argument is the code (fileError, pageError, inputError) and `code: 'X'` in problems.
    for (const m of text.matchAll(/\b(?:fileError|pageError|inputError)\(\s*'([A-Za-z0-9_]+)'/g)) found.push({ code: m[1]!, kind: 'input', where });
    for (const m of text.matchAll(/\bcode: '([A-Z][A-Z0-9_]+)'/g)) found.push({ code: m[1]!, where });
    // Anything else that reads like a code where an error is made is suspect too: super('X', ...).
    for (const m of text.matchAll(/\bsuper\(\s*'([A-Za-z0-9_]+)'/g)) found.push({ code: m[1]!, where });
  }
  return found;
}

describe('error codes', () => {
  it('lists in the catalog, with the kind of the class that throws it, every code the source throws', () => {
    const found = codesInSource();
    expect(found.length).toBeGreaterThan(60);
    for (const { code, kind, where } of found) {
      expect(isErrorCode(code), `${where}: ${code} is not in src/domain/error-codes.ts`).toBe(true);
      if (kind && isErrorCode(code)) expect(errorCatalog[code].kind, `${where}: ${code} is thrown as ${kind}`).toBe(kind);
    }
  });

  it('has the README table the catalog generates, listing every code once (run "npm run schemas" after a change)', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(withErrorCodeTable(readme)).toBe(readme);
    const listed = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(errorCodes);
    for (const { code, where } of codesInSource()) expect(listed, `${where} throws ${code}, which the README does not list`).toContain(code);
  });

  it('says each reason and what to do in Vietnamese and in English', () => {
    const vietnamese = /[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]/iu;
    for (const code of errorCodes) {
      const entry = errorCatalog[code];
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^INTERNAL$/);
      for (const text of [entry.vi.reason, entry.vi.action]) expect(text, code).toMatch(vietnamese);
      for (const text of [entry.vi.reason, entry.vi.action, entry.en.reason, entry.en.action]) expect(text.trim().length, code).toBeGreaterThan(10);
    }
  });

  it('maps every verify problem and every error to a listed code; anything else is INTERNAL', () => {
    for (const code of Object.values(verifyProblemCodes)) expect(isErrorCode(code)).toBe(true);
    expect(errorReport(new InputError('PDF_ENCRYPTED', '"a.pdf": the PDF is encrypted'))).toEqual({ code: 'PDF_ENCRYPTED', kind: 'input', message: '"a.pdf": the PDF is encrypted' });
    expect(errorReport(new ConfigError('CONFIG_INVALID', 'bad')).kind).toBe('config');
    expect(errorReport(new TransientError('STORE_UNAVAILABLE', 'down')).code).toBe('STORE_UNAVAILABLE');
    expect(errorReport(new TypeError('x is undefined'))).toEqual({ code: 'INTERNAL', kind: 'internal', message: 'x is undefined' });
  });
});
