// A real pino logger whose JSON lines are kept in memory, for tests that check what was logged.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';

export function memoryLog<Line extends Record<string, unknown> = Record<string, unknown>>(): { log: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Line);
      callback();
    },
  });
  return { log: createLogger({ level: 'info', pretty: false, destination }), lines };
}
