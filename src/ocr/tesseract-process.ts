// One run of the tesseract command: its input checked first, its time limited, its failures told apart.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { InputError } from '../domain/errors.ts';

/** What the command printed, when it exited with code 0, or with code 1 and a reason the caller may accept. */
export interface ProcessOutput {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunTesseractOptions {
  binary: string;
  args: readonly string[];
  /** Bytes for standard input (the image argument is then `stdin`). */
  input?: Buffer | undefined;
  /** The process is killed after this long; 0 waits forever. */
  timeoutMs: number;
}

/** Most of a page's TSV is a few hundred KiB; the cap only stops a runaway process from filling memory. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_STDERR_BYTES = 16 * 1024;

/**
 * Runs tesseract with one thread (the pool runs one process per core), resolving with its output for exit codes 0
 * and 1 (Tesseract's "Error during processing", which the caller reads from stderr); a signal, another code, a
 * time-out or a missing binary rejects.
 */
export function runTesseract({ binary, args, input, timeoutMs }: RunTesseractOptions): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      // Its own process group: Ctrl-C in a terminal reaches sohoa, which lets the pages in OCR finish (see
      // cli/interrupt.ts), instead of killing them in the middle and failing those pages.
      detached: true,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: Error | undefined;
    const timer = timeoutMs > 0
      ? setTimeout(() => {
        failure = new Error(`no answer within ${timeoutMs} ms`);
        child.kill('SIGKILL');
      }, timeoutMs)
      : undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_OUTPUT_BYTES) {
        failure = new Error(`more than ${MAX_OUTPUT_BYTES} bytes of output`);
        child.kill('SIGKILL');
      } else {
        stdout.push(chunk);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
    });
    child.on('error', (err) => {
      failure ??= new Error(`cannot start ${binary} (${(err as NodeJS.ErrnoException).code ?? err.message})`, { cause: err });
    });
    child.stdin?.on('error', () => undefined); // a process that dies early closes its stdin: the exit says why
    child.stdin?.end(input);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (signal !== null) return reject(new Error(`tesseract process crashed (${signal})${lastLine(stderr)}`));
      if (code === 0 || code === 1) return resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr, code });
      reject(new Error(`tesseract exited with code ${code}${lastLine(stderr)}`));
    });
  });
}

/** The last line of stderr, as a clause for an error message. */
export function lastLine(stderr: string): string {
  const line = stderr.trim().split('\n').at(-1)?.trim();
  return line ? `: ${line}` : '';
}

/**
 * Tesseract reads a file it cannot decode as a list of image file names, one per line, and opens each: the
 * image is therefore checked here, by its signature, before the command sees it. The formats are the ones
 * Leptonica decodes.
 */
export function imageFormat(head: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (starts(0x42, 0x4d)) return 'bmp';
  if (head[0] === 0x50 && head[1] !== undefined && head[1] >= 0x31 && head[1] <= 0x37) return 'pnm';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45) return 'webp';
  return undefined;
}

/** Refuses what is not an image: a missing file is FILE_MISSING, anything else IMAGE_UNREADABLE. */
export async function checkImage(image: Buffer | string): Promise<void> {
  let head: Uint8Array;
  if (typeof image === 'string') {
    try {
      const handle = await open(image, 'r');
      try {
        head = new Uint8Array(16);
        await handle.read(head, 0, 16, 0);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw new InputError('FILE_MISSING',
        `Cannot read the page image ${image} (${(err as NodeJS.ErrnoException).code ?? String(err)}): check that the file exists.`,
        { file: image },
        { cause: err },
      );
    }
  } else {
    head = image.subarray(0, 16);
  }
  if (imageFormat(head) === undefined) {
    throw new InputError('IMAGE_UNREADABLE',
      'Tesseract could not decode the page image (not a PNG, JPEG, TIFF, BMP, PNM, GIF or WebP file): pass one of those.',
      typeof image === 'string' ? { file: image } : {},
    );
  }
}

/** Tesseract's words for an image it could not read. */
export function isUnreadableImage(stderr: string): boolean {
  return /cannot be read|pixReadStream|findFileFormat|Unsupported image|Error in pixRead/iu.test(stderr);
}
