// One run of the tesseract command, against small shell scripts standing in for it, and the image check before it.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/domain/errors.ts';
import { checkImage, imageFormat, isUnreadableImage, lastLine, runTesseract } from '../../../src/ocr/tesseract-process.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sohoa-tesseract-process-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An executable shell script in the test folder, standing in for the tesseract binary. */
async function fakeBinary(name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('imageFormat', () => {
  it('knows the signatures Leptonica decodes', () => {
    expect(imageFormat(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('png');
    expect(imageFormat(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(imageFormat(bytes(0x49, 0x49, 0x2a, 0x00, 0x08, 0x00))).toBe('tiff');
    expect(imageFormat(bytes(0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00))).toBe('tiff');
    expect(imageFormat(Buffer.from('BM6\u0000\u0000\u0000', 'latin1'))).toBe('bmp');
    for (const magic of ['P1', 'P4', 'P5', 'P6', 'P7']) expect(imageFormat(Buffer.from(`${magic}\n10 10\n`))).toBe('pnm');
    expect(imageFormat(Buffer.from('GIF89a'))).toBe('gif');
    expect(imageFormat(Buffer.from('GIF87a'))).toBe('gif');
    expect(imageFormat(Buffer.from('RIFF\u0024\u0000\u0000\u0000WEBPVP8 ', 'latin1'))).toBe('webp');
  });

  it('is undefined for text and near misses', () => {
    expect(imageFormat(Buffer.from('not an image'))).toBeUndefined();
    expect(imageFormat(Buffer.from('/tmp/page-1.png\n/tmp/page-2.png\n'))).toBeUndefined();
    expect(imageFormat(Buffer.from('P8\n'))).toBeUndefined();
    expect(imageFormat(Buffer.from('P'))).toBeUndefined();
    expect(imageFormat(Buffer.from('RIFF\u0024\u0000\u0000\u0000WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(imageFormat(bytes(0x49, 0x49, 0x2b, 0x00))).toBeUndefined();
    expect(imageFormat(bytes(0x89, 0x50))).toBeUndefined();
    expect(imageFormat(new Uint8Array(0))).toBeUndefined();
  });
});

describe('checkImage', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

  it('passes image bytes and an image file', async () => {
    await expect(checkImage(png)).resolves.toBeUndefined();
    const file = join(dir, 'page.png');
    await writeFile(file, png);
    await expect(checkImage(file)).resolves.toBeUndefined();
  });

  it('refuses a missing file as FILE_MISSING, naming it', async () => {
    const missing = join(dir, 'no-such-page.png');
    const checking = checkImage(missing);
    await expect(checking).rejects.toBeInstanceOf(InputError);
    await expect(checking).rejects.toMatchObject({ code: 'FILE_MISSING', location: { file: missing } });
    await expect(checking).rejects.toThrow(/no-such-page\.png \(ENOENT\): check that the file exists/u);
  });

  it('refuses a text file and text bytes as IMAGE_UNREADABLE', async () => {
    const file = join(dir, 'list.txt');
    await writeFile(file, '/etc/passwd\n');
    const checking = checkImage(file);
    await expect(checking).rejects.toBeInstanceOf(InputError);
    await expect(checking).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', location: { file } });
    await expect(checkImage(Buffer.from('not an image'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    await expect(checkImage(Buffer.alloc(0))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });
});

describe('runTesseract', () => {
  it("resolves with exit 0's output and passes the arguments", async () => {
    const binary = await fakeBinary('echo-args', 'printf "%s|" "$@"; echo "warning" >&2');
    const out = await runTesseract({ binary, args: ['page.png', 'stdout', '--psm', '3'], timeoutMs: 10_000 });
    expect(out).toEqual({ stdout: 'page.png|stdout|--psm|3|', stderr: 'warning\n', code: 0 });
  });

  it('runs the process with one OpenMP thread', async () => {
    const binary = await fakeBinary('env', 'printf "%s" "$OMP_THREAD_LIMIT"');
    expect((await runTesseract({ binary, args: [], timeoutMs: 10_000 })).stdout).toBe('1');
  });

  it('passes the input bytes on standard input', async () => {
    const binary = await fakeBinary('cat', 'cat');
    const input = Buffer.from('Cộng hòa xã hội chủ nghĩa Việt Nam\n'.repeat(5_000));
    const out = await runTesseract({ binary, args: ['stdin', 'stdout'], input, timeoutMs: 10_000 });
    expect(out.code).toBe(0);
    expect(Buffer.from(out.stdout)).toEqual(input);
  });

  it('gives standard input nothing when there is no input', async () => {
    const binary = await fakeBinary('cat-empty', 'cat; echo done');
    expect((await runTesseract({ binary, args: [], timeoutMs: 10_000 })).stdout).toBe('done\n');
  });

  it("resolves exit 1 with its code and stderr, for the caller to read Tesseract's reason", async () => {
    const binary = await fakeBinary('exit-1', 'echo "Error in pixReadStream: Unknown format: no pix returned" >&2; exit 1');
    const out = await runTesseract({ binary, args: [], timeoutMs: 10_000 });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/pixReadStream/u);
    expect(isUnreadableImage(out.stderr)).toBe(true);
  });

  it('rejects another exit code, naming it and the last line of stderr', async () => {
    const binary = await fakeBinary('exit-3', 'echo "first line" >&2; echo "Failed loading language vie" >&2; exit 3');
    await expect(runTesseract({ binary, args: [], timeoutMs: 10_000 })).rejects.toThrow(
      'tesseract exited with code 3: Failed loading language vie',
    );
  });

  it('rejects a process killed by a signal, naming the signal', async () => {
    const binary = await fakeBinary('segv', 'echo "about to crash" >&2; kill -SEGV $$');
    await expect(runTesseract({ binary, args: [], timeoutMs: 10_000 })).rejects.toThrow(
      'tesseract process crashed (SIGSEGV): about to crash',
    );
  });

  it('kills a process that does not answer in time', async () => {
    // exec: the killed process must be the one holding the pipes, as the tesseract binary is.
    const binary = await fakeBinary('sleep', 'exec sleep 30');
    await expect(runTesseract({ binary, args: [], timeoutMs: 200 })).rejects.toThrow('no answer within 200 ms');
  });

  it('rejects a binary that cannot start, naming it and the reason', async () => {
    const binary = join(dir, 'no-such-tesseract');
    await expect(runTesseract({ binary, args: [], timeoutMs: 10_000 })).rejects.toThrow(`cannot start ${binary} (ENOENT)`);
  });

  it('rejects a process that exits before reading its input as it exits, not with EPIPE', async () => {
    const binary = await fakeBinary('early-exit', 'exit 3');
    const input = Buffer.alloc(4 * 1024 * 1024, 0x41);
    await expect(runTesseract({ binary, args: [], input, timeoutMs: 10_000 })).rejects.toThrow('tesseract exited with code 3');
  });
});

describe('lastLine', () => {
  it('gives the last non-empty line of stderr as a clause, or nothing', () => {
    expect(lastLine('Estimating resolution as 300\nError during processing.\n\n')).toBe(': Error during processing.');
    expect(lastLine('  one line  ')).toBe(': one line');
    expect(lastLine('')).toBe('');
    expect(lastLine('\n  \n')).toBe('');
  });
});

describe('isUnreadableImage', () => {
  it("recognizes Tesseract's and Leptonica's words for an image they could not read", () => {
    expect(isUnreadableImage('Error in findFileFormat: truncated file\nError in pixRead: format unknown\n')).toBe(true);
    expect(isUnreadableImage('Tesseract Open Source OCR Engine\nImage file /tmp/x cannot be read!\n')).toBe(true);
    expect(isUnreadableImage('Unsupported image type.\n')).toBe(true);
    expect(isUnreadableImage('Error during processing.\n')).toBe(false);
    expect(isUnreadableImage('')).toBe(false);
  });
});
