// Several workers on one machine with the default metrics port: each takes the next free port and says which.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serveMetrics } from '../../../src/cli/common.ts';
import { ConfigError } from '../../../src/domain/errors.ts';
import type { MetricsServer } from '../../../src/metrics/metrics-server.ts';
import { memoryLog } from '../../support/memory-log.ts';

const servers: MetricsServer[] = [];
const blockers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(blockers.splice(0).map((blocker) => new Promise((resolve) => blocker.close(resolve))));
});

/** A port some other process holds, got from the system so the test never depends on 9464 being free. */
async function takenPort(): Promise<number> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  blockers.push(blocker);
  return (blocker.address() as net.AddressInfo).port;
}

describe('serveMetrics', () => {
  it('moves on to the next free port when the default one is taken, and logs which port it serves', async () => {
    const busy = await takenPort();
    const { log, lines } = memoryLog();
    const first = await serveMetrics(busy, '127.0.0.1', {}, log, { fallback: true });
    const second = await serveMetrics(busy, '127.0.0.1', {}, log, { fallback: true });
    servers.push(first.server, second.server);
    expect(new Set([busy, first.server.port, second.server.port]).size).toBe(3);
    for (const { server } of [first, second]) {
      const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('sohoa_build_info');
    }
    const taken = lines.filter((line) => line['event'] === 'metrics.port_taken');
    expect(taken).toHaveLength(2);
    expect(taken[0]).toMatchObject({ level: 40, wanted: busy, port: first.server.port });
    expect(lines.filter((line) => line['event'] === 'metrics.listening').map((line) => line['url'])).toEqual([first.server.url, second.server.url]);
  });

  it('keeps a port the operator chose: taken, it is a start-up error that says what to do', async () => {
    const busy = await takenPort();
    const error = await serveMetrics(busy, '127.0.0.1', {}, memoryLog().log).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`metrics port 127\\.0\\.0\\.1:${busy} is already in use; choose another with --metrics-port`));
  });
});
