// The contract suite: every behaviour of the one contract, run over two transports: in-process (`serve`
// over a Transport pair in memory, envelopes crossing as JSON text) and WebSocket against the real
// headless host in a child process (its core in a worker thread). The desktop app's IPC path carries
// the same envelopes; desktop-wiring.test.ts drives it through the real main process and preload.
// Both use a temp data directory and the project's simulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CallName, EventPayload, EventTopic, Settings } from '../../src/shared/contract';
import type { Candle, JobProgress, MarketStatus } from '../../src/shared/domain';
import { CoreError } from '../../src/shared/errors';
import { createClient, serve, type CoreClient } from '../../src/shared/rpc';
import { createCore, type Core } from '../../src/main/core/core';
import { startFeed } from '../../src/main/host/feed-startup';
import { socketTransport } from '../../src/main/host/ws-transport';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';
import { memoryPair } from '../support/memory-transport';
import { startServerProcess, type ServerProcess } from './support/server-process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MINUTE = 60_000;

interface Connection {
  client: CoreClient;
  close(): Promise<void>;
}

interface Harness {
  name: string;
  setUp(): Promise<void>;
  connect(): Promise<Connection>;
  tearDown(): Promise<void>;
}

function inProcess(): Harness {
  let dataDir = '';
  let core: Core;
  return {
    name: 'in-process',
    async setUp() {
      dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-contract-'));
      core = await createCore({ dataDir });
      await startFeed(core, { demo: true });
    },
    async connect() {
      const [clientSide, serverSide] = memoryPair();
      const detach = serve(core.dispatch, serverSide, core.events);
      return { client: createClient(clientSide), close: async () => detach() };
    },
    async tearDown() {
      await core?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function overWebSocket(): Harness & { server(): ServerProcess } {
  let dataDir = '';
  let server: ServerProcess;
  return {
    name: 'websocket',
    server: () => server,
    async setUp() {
      dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-contract-ws-'));
      server = await startServerProcess(root, [
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--demo',
        '--no-demo-model',
      ]);
    },
    async connect() {
      const socket = new WebSocket(server.rpcUrl);
      await new Promise<void>((ok, fail) => {
        socket.once('open', () => ok());
        socket.once('error', fail);
      });
      const client = createClient(socketTransport(socket));
      socket.on('close', () => client.failPending({ code: 'NETWORK', message: 'socket closed' }));
      return {
        client,
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            socket.once('close', () => done());
            socket.close();
          }),
      };
    },
    async tearDown() {
      const code = await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      // Graceful shutdown on SIGTERM is part of the host's contract.
      expect(code, server?.output()).toBe(0);
    },
  };
}

/** The rejection of `promise` as a CoreError. */
async function failure(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CoreError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function nextEvent<T extends EventTopic>(
  client: CoreClient,
  topic: T,
  accept: (payload: EventPayload<T>) => boolean,
  timeoutMs = 30_000,
): Promise<EventPayload<T>> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      off();
      fail(new Error(`no matching ${topic} event arrived`));
    }, timeoutMs);
    const off = client.on(topic, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      ok(payload);
    });
  });
}

let simulator: Simulator;

beforeAll(async () => {
  // The exchange the backfills read from: one-minute bars, a long history (for the cancellation test),
  // a slow live clock so that the truth does not move during a test.
  simulator = await startSimulator({
    port: 0,
    seed: 11,
    interval: '1',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    historyBars: 150_000,
    barMs: 600_000,
  });
});

afterAll(async () => {
  await simulator?.close();
});

for (const harness of [inProcess(), overWebSocket()]) {
  describe(`the contract over ${harness.name}`, () => {
    let connection: Connection;
    let client: CoreClient;

    beforeAll(async () => {
      await harness.setUp();
      connection = await harness.connect();
      client = connection.client;
    });

    afterAll(async () => {
      await connection?.close();
      await harness.tearDown();
    });

    it('returns the defaults, then round-trips a settings change', async () => {
      const before = await client.call('settings.get', {});
      expect(before.theme).toBe('dark');
      const saved = await client.call('settings.set', { theme: 'light', symbols: ['BTCUSDT', 'ETHUSDT'] });
      expect(saved).toMatchObject({ theme: 'light', symbols: ['BTCUSDT', 'ETHUSDT'] });
      const after: Settings = await client.call('settings.get', {});
      expect(after).toEqual(saved);
    });

    it('rejects invalid params with INVALID_PARAMS and the issues, and changes nothing', async () => {
      const error = await failure(
        client.call('settings.set', { theme: 'purple' as 'dark', interval: '7' as '1' }),
      );
      expect(error.code).toBe('INVALID_PARAMS');
      const paths = (error.details as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
      expect(paths).toEqual(['interval', 'theme']);
      expect((await client.call('settings.get', {})).theme).toBe('light');

      const unknownKey = await failure(client.call('market.status', { verbose: true } as never));
      expect(unknownKey.code).toBe('INVALID_PARAMS');
    });

    it('answers an unknown method with UNKNOWN_METHOD', async () => {
      const error = await failure(client.call('market.teleport' as CallName, {} as never));
      expect(error.code).toBe('UNKNOWN_METHOD');
      expect(error.message).toContain('market.teleport');
    });

    it('delivers events: the demo stream pushes candles and a live status', async () => {
      const candle = await nextEvent(client, 'market.candle', (e) => e.feed === 'simulator');
      expect(candle.candle.high).toBeGreaterThanOrEqual(candle.candle.low);
      const status: MarketStatus = await client.call('market.status', {});
      expect(status.feed).toBe('simulator');
      expect(['live', 'connecting', 'reconnecting']).toContain(status.connection);
    });

    it('backfills from a simulator and serves exactly its candles', async () => {
      const to = simulator.truth('BTCUSDT').at(-1)!.openTime;
      const from = to - 2_999 * MINUTE;
      const result = await client.call('market.backfill', {
        feed: 'contract',
        symbols: ['BTCUSDT', 'ETHUSDT'],
        interval: '1',
        from,
        to,
        restUrl: simulator.restUrl,
      });
      expect(result.written['BTCUSDT']).toBe(3_000);
      const stored: Candle[] = await client.call('market.candles', {
        feed: 'contract',
        symbol: 'ETHUSDT',
        interval: '1',
        includeUnconfirmed: false,
      });
      const truth = simulator.truth('ETHUSDT').filter((c) => c.openTime >= from && c.openTime <= to);
      expect(stored).toEqual(truth);
      const symbols = await client.call('market.symbols', { feed: 'contract' });
      expect(symbols.stored.map((s) => [s.symbol, s.count, s.gaps])).toEqual([
        ['BTCUSDT', 3_000, 0],
        ['ETHUSDT', 3_000, 0],
      ]);
    });

    it('cancels a long backfill when the caller aborts, and reports it as cancelled', async () => {
      const controller = new AbortController();
      const jobId = `contract-cancel-${harness.name}`;
      const progress: JobProgress[] = [];
      const off = client.on('job.progress', (p) => {
        if (p.jobId !== jobId) return;
        progress.push(p);
        if (p.state === 'running') controller.abort();
      });
      const to = simulator.truth('BTCUSDT').at(-1)!.openTime;
      const call = client.call(
        'market.backfill',
        {
          feed: 'contract-cancel',
          symbols: ['BTCUSDT'],
          interval: '1',
          from: to - 149_000 * MINUTE,
          to,
          restUrl: simulator.restUrl,
          jobId,
        },
        { signal: controller.signal },
      );
      const error = await failure(call);
      expect(error.code).toBe('CANCELLED');
      await expect.poll(() => progress.at(-1)?.state, { timeout: 10_000 }).toBe('cancelled');
      off();
      const coverage = await client.call('market.symbols', { feed: 'contract-cancel' });
      expect(coverage.stored[0]?.count ?? 0).toBeLessThan(149_001);
    });

    it('cancels a job by id with job.cancel', async () => {
      const jobId = `contract-job-cancel-${harness.name}`;
      const started = nextEvent(client, 'job.progress', (p) => p.jobId === jobId);
      const to = simulator.truth('ETHUSDT').at(-1)!.openTime;
      const call = client.call('market.backfill', {
        feed: 'contract-job-cancel',
        symbols: ['ETHUSDT'],
        interval: '1',
        from: to - 149_000 * MINUTE,
        to,
        restUrl: simulator.restUrl,
        jobId,
      });
      await started;
      expect(await client.call('job.cancel', { jobId })).toEqual({ cancelled: true });
      expect((await failure(call)).code).toBe('CANCELLED');
      expect(await client.call('job.cancel', { jobId })).toEqual({ cancelled: false });
    });
  });
}

describe('the WebSocket host guards its door', () => {
  const harness = overWebSocket();
  beforeAll(() => harness.setUp());
  afterAll(() => harness.tearDown());

  it('prints the page URL with a token first, and refuses the page and the socket without it', async () => {
    const server = harness.server();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const base = server.url.replace(/\/\?token=.*$/, '/');
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
    expect([200, 503]).toContain((await fetch(server.url)).status);

    for (const rpcUrl of [
      server.rpcUrl.replace(/token=.*$/, 'token=wrong'),
      server.rpcUrl.replace(/\?token=.*$/, ''),
    ]) {
      const status = await new Promise<number>((done) => {
        const socket = new WebSocket(rpcUrl);
        socket.on('unexpected-response', (_request, response) => done(response.statusCode ?? 0));
        socket.on('open', () => done(101));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
  });

  it('survives malformed frames and closed sockets: other connections keep their events', async () => {
    const first = await harness.connect();
    const rude = new WebSocket(harness.server().rpcUrl);
    await new Promise((ok) => rude.once('open', ok));
    const answers: { t: string; id: unknown; error?: { code: string } }[] = [];
    rude.on('message', (data) => {
      const message = JSON.parse(String(data)) as { t: string; id: unknown; error?: { code: string } };
      if (message.t !== 'evt') answers.push(message);
    });
    rude.send('this is not json');
    rude.send(JSON.stringify({ t: 'req', id: 'x', method: 42 }));
    rude.send(Buffer.from([0xff, 0x00]));
    // Each malformed frame is answered with a protocol error (no usable id: id null).
    while (answers.length < 3) await new Promise((ok) => setTimeout(ok, 10));
    expect(answers.map((a) => [a.id, a.error?.code])).toEqual([
      [null, 'INVALID_REQUEST'],
      [null, 'INVALID_REQUEST'],
      [null, 'INVALID_REQUEST'],
    ]);
    rude.terminate(); // gone without a close frame while events are being fanned out

    const status = await first.client.call('market.status', {});
    expect(status.feed).toBe('simulator');
    const event = await nextEvent(first.client, 'market.candle', () => true);
    expect(event.feed).toBe('simulator');
    await first.close();
  });
});
