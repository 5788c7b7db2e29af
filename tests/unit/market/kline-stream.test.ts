// The kline stream client against a scripted local websocket server.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { BybitKlineStream, type StreamStatus } from '../../../src/main/core/market/bybit-ws';
import type { KlineUpdate } from '../../../src/main/core/market/kline-parse';

const T0 = Date.UTC(2026, 0, 5, 0, 0);
let server: WebSocketServer | null = null;
let stream: BybitKlineStream | null = null;

afterEach(async () => {
  stream?.stop();
  stream = null;
  if (server) {
    for (const client of server.clients) client.terminate();
    await new Promise((r) => server!.close(r));
  }
  server = null;
});

type Script = (socket: WebSocket, message: Record<string, unknown>, connection: number) => void;

async function scriptedServer(
  script: Script,
): Promise<{ url: string; connections: () => number; requests: Record<string, unknown>[] }> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server!.once('listening', r));
  let connections = 0;
  const requests: Record<string, unknown>[] = [];
  server.on('connection', (socket) => {
    const n = ++connections;
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      requests.push(message);
      script(socket, message, n);
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}/v5/public/linear`, connections: () => connections, requests };
}

const ack = (socket: WebSocket, message: Record<string, unknown>, success = true, retMsg = '') =>
  socket.send(
    JSON.stringify({ success, ret_msg: retMsg, conn_id: 'c', req_id: message.req_id, op: 'subscribe' }),
  );

const kline = (symbol: string, confirm: boolean) =>
  JSON.stringify({
    topic: `kline.1.${symbol}`,
    data: [
      {
        start: T0,
        end: T0 + 59_999,
        interval: '1',
        open: '1',
        close: '2',
        high: '3',
        low: '0.5',
        volume: '4',
        turnover: '5',
        confirm,
        timestamp: T0 + 1,
      },
    ],
    ts: T0 + 1,
    type: 'snapshot',
  });

function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (check()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error('condition not met in time'));
      }
    }, 5);
  });
}

describe('BybitKlineStream', () => {
  it('subscribes in batches with a req_id each and delivers klines; malformed frames are counted and dropped', async () => {
    const symbols = Array.from({ length: 12 }, (_, i) => `SYM${i}USDT`);
    const { url, requests } = await scriptedServer((socket, message) => {
      if (message.op !== 'subscribe') return;
      ack(socket, message);
      socket.send('not json at all');
      socket.send('{"topic":"kline.1.SYM0USDT","data":[{"start":');
      socket.send(JSON.stringify({ topic: 'kline.1.SYM0USDT', data: { confirm: 'maybe' }, ts: 'soon' }));
      socket.send('[1,2]');
      socket.send(kline('SYM0USDT', true));
    });
    const updates: KlineUpdate[] = [];
    let subscribed = 0;
    stream = new BybitKlineStream({
      wsUrl: url,
      symbols,
      interval: '1',
      onKline: (u) => updates.push(u),
      onSubscribed: () => subscribed++,
    });
    stream.start();
    await until(() => updates.length >= 2 && subscribed === 1);
    const subs = requests.filter((r) => r.op === 'subscribe');
    expect(subs.map((r) => (r.args as string[]).length)).toEqual([10, 2]);
    expect(new Set(subs.map((r) => r.req_id)).size).toBe(2);
    expect(stream.status().malformedFrames).toBe(8);
    expect(stream.status().connection).toBe('live');
    expect(updates[0]!.candle).toMatchObject({ openTime: T0, close: 2, confirmed: true });
  });

  it('names a refused topic in the status and treats "already subscribed" as harmless', async () => {
    const { url } = await scriptedServer((socket, message) => {
      if (message.op !== 'subscribe') return;
      const args = message.args as string[];
      if (args.includes('kline.1.NOPEUSDT'))
        ack(socket, message, false, 'error:handler not found,topic:kline.1.NOPEUSDT');
      else ack(socket, message, false, 'error:already subscribed,topic:kline.1.BTCUSDT');
    });
    const statuses: StreamStatus[] = [];
    stream = new BybitKlineStream({
      wsUrl: url,
      symbols: ['BTCUSDT', 'NOPEUSDT'],
      interval: '1',
      subscribeBatch: 1,
      onKline: () => undefined,
      onStatus: (s) => statuses.push(s),
    });
    stream.start();
    await until(() => stream!.status().connection === 'live');
    expect(stream.status().reason).toContain('kline.1.NOPEUSDT');
    expect(stream.status().reason).not.toContain('BTCUSDT');
  });

  it('reconnects and resubscribes when pongs stop coming', async () => {
    const { url, connections, requests } = await scriptedServer((socket, message, connection) => {
      if (message.op === 'subscribe') ack(socket, message);
      // The first connection goes silent: no pong.
      if (message.op === 'ping' && connection > 1)
        socket.send(JSON.stringify({ success: true, ret_msg: 'pong', op: 'ping' }));
    });
    let subscribed = 0;
    stream = new BybitKlineStream({
      wsUrl: url,
      symbols: ['BTCUSDT'],
      interval: '1',
      pingIntervalMs: 50,
      pongTimeoutMs: 100,
      reconnect: { baseMs: 10, maxMs: 20 },
      onKline: () => undefined,
      onSubscribed: () => subscribed++,
    });
    stream.start();
    await until(() => subscribed >= 2);
    expect(connections()).toBeGreaterThanOrEqual(2);
    expect(requests.filter((r) => r.op === 'subscribe').length).toBeGreaterThanOrEqual(2);
    expect(stream.status().reconnects).toBeGreaterThanOrEqual(1);
    // The second connection answers pongs: it stays up.
    const before = connections();
    await new Promise((r) => setTimeout(r, 400));
    expect(connections()).toBe(before);
  });

  it('goes offline with a reason naming the URL when nothing listens, backing off, and stops cleanly', async () => {
    // A port that refuses connections: bind then close.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const url = `ws://127.0.0.1:${port}/v5/public/linear`;
    const statuses: StreamStatus[] = [];
    stream = new BybitKlineStream({
      wsUrl: url,
      symbols: ['BTCUSDT'],
      interval: '1',
      reconnect: { baseMs: 20, maxMs: 80 },
      random: () => 1,
      offlineAfterAttempts: 3,
      onKline: () => undefined,
      onStatus: (s) => statuses.push(s),
    });
    stream.start();
    await until(() => stream!.status().connection === 'offline');
    expect(stream.status().reason).toContain(url);
    expect(stream.status().reason).toMatch(/ECONNREFUSED/);
    expect(statuses.some((s) => s.connection === 'reconnecting')).toBe(true);
    // Waits grow with the attempt (random fixed at 1): 20, 40, 80 ms.
    const reasons = statuses.map((s) => s.reason ?? '').filter((r) => r.includes('retrying'));
    expect(reasons.slice(0, 3).map((r) => /retrying in (\d+) ms \(attempt (\d)\)/.exec(r)?.slice(1))).toEqual(
      [
        ['20', '1'],
        ['40', '2'],
        ['80', '3'],
      ],
    );
    stream.stop();
    expect(stream.status().connection).toBe('idle');
  });
});
