// Live ingest latency and throughput: a websocket server in a worker thread sends pre-built kline
// frames (5 symbols, several updates per bar, then the confirm) to the real BybitKlineStream +
// LiveIngest writing into a real SQLite file. Reports frame received → committed → event emitted
// (p50/p99) at a paced rate, and the sustained frames/s when the server sends as fast as it can.
// Goals: p99 < 5 ms, >= 20k frames/s.
// Run: npx tsx tests/bench/ingest.bench.ts [frames] [pacedRate]
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { BybitRest } from '../../src/main/core/market/bybit-rest';
import { LiveIngest } from '../../src/main/core/market/ingest';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';

const totalFrames = Number(process.argv[2] ?? 200_000);
const pacedRate = Number(process.argv[3] ?? 5_000);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'];
const UPDATES_PER_BAR = 10;
const T0 = Date.UTC(2026, 0, 5);

function buildFrames(count: number, barOffset: number): string[] {
  const frames: string[] = [];
  for (let bar = 0; frames.length < count; bar++) {
    const start = T0 + (barOffset + bar) * 60_000;
    for (let step = 0; step < UPDATES_PER_BAR && frames.length < count; step++) {
      const confirm = step === UPDATES_PER_BAR - 1;
      for (const symbol of SYMBOLS) {
        if (frames.length >= count) break;
        const close = (100 + Math.sin(bar + step) * 2).toFixed(2);
        frames.push(
          JSON.stringify({
            topic: `kline.1.${symbol}`,
            data: [
              {
                start,
                end: start + 59_999,
                interval: '1',
                open: '100.00',
                close,
                high: '103.00',
                low: '97.00',
                volume: String(10 + step),
                turnover: String(1000 + step * 100),
                confirm,
                timestamp: start + step * 5000 + 1,
              },
            ],
            ts: start + step * 5000 + 1,
            type: 'snapshot',
          }),
        );
      }
    }
  }
  return frames;
}

// The exchange side runs on its own thread so that sending does not share the ingest's event loop.
const SERVER = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('listening', () => parentPort.postMessage({ port: wss.address().port }));
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.op !== 'subscribe') return;
    socket.send(JSON.stringify({ success: true, ret_msg: '', conn_id: 'bench', req_id: m.req_id, op: 'subscribe' }));
  });
});
parentPort.on('message', ({ frames, rate }) => {
  const socket = [...wss.clients][0];
  let i = 0;
  const startedAt = performance.now();
  const pump = () => {
    if (i >= frames.length) return parentPort.postMessage({ sent: i });
    // Paced: keep to 'rate' frames/s; unpaced: as fast as the socket drains.
    const due = rate > 0 ? Math.min(frames.length, Math.floor(((performance.now() - startedAt) * rate) / 1000) + 1) : i + 500;
    if (socket.bufferedAmount < 4_000_000) while (i < due && i < frames.length) socket.send(frames[i++]);
    if (rate > 0) setTimeout(pump, 1); else setImmediate(pump);
  };
  pump();
});
`;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const dir = mkdtempSync(join(tmpdir(), 'crossdesk-bench-'));
const rest = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ retCode: 0, retMsg: 'OK', result: { list: [] }, time: T0 }));
});
await new Promise<void>((r) => rest.listen(0, '127.0.0.1', () => r()));
const worker = new Worker(SERVER, { eval: true });
const wsPort = await new Promise<number>((resolve) =>
  worker.once('message', (m: { port: number }) => resolve(m.port)),
);
const db = openDatabase(join(dir, 'bench.db'));
const repo = new CandlesRepo(db);
const now = () => performance.timeOrigin + performance.now();

let latencies: number[] = [];
let emitted = 0;
let lastEmitAt = 0;
let firstReceivedAt = 0;
let subscribed!: () => void;
const ready = new Promise<void>((r) => (subscribed = r));
const ingest = new LiveIngest({
  feed: 'bench',
  interval: '1',
  symbols: SYMBOLS,
  wsUrl: `ws://127.0.0.1:${wsPort}/v5/public/linear`,
  repo,
  rest: new BybitRest({ baseUrl: `http://127.0.0.1:${(rest.address() as AddressInfo).port}` }),
  now,
  onCandles: (candles) => {
    const t = now();
    lastEmitAt = t;
    for (const c of candles) {
      emitted++;
      if (c.receivedAt !== null) {
        if (firstReceivedAt === 0) firstReceivedAt = c.receivedAt;
        latencies.push(t - c.receivedAt);
      }
    }
  },
  onStatus: (s) => {
    if (s.connection === 'live') subscribed();
  },
});
ingest.start();
await ready;
await new Promise((r) => setTimeout(r, 200));

async function run(frames: string[], rate: number) {
  latencies = [];
  emitted = 0;
  firstReceivedAt = 0;
  const done = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  worker.postMessage({ frames, rate });
  await done;
  const target = frames.length;
  const deadline = Date.now() + 60_000;
  while (emitted < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const sorted = Float64Array.from(latencies).sort();
  return {
    frames: emitted,
    seconds: (lastEmitAt - firstReceivedAt) / 1000,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const pacedFrames = Math.min(totalFrames, pacedRate * 6);
const paced = await run(buildFrames(pacedFrames, 0), pacedRate);
const blast = await run(buildFrames(totalFrames, 1_000_000), 0);
await ingest.stop();
const stored = repo.coverage({ feed: 'bench', symbol: 'BTCUSDT', interval: '1' }).count;

console.log(`ingest bench: 5 symbols, ${UPDATES_PER_BAR} updates per bar, real SQLite file (WAL)`);
console.log(
  `  paced ${pacedRate} frames/s : ${paced.frames} frames; received -> committed -> event: p50 ${paced.p50.toFixed(3)} ms, p99 ${paced.p99.toFixed(3)} ms, max ${paced.max.toFixed(2)} ms`,
);
console.log(
  `  unpaced (blast)      : ${blast.frames} frames in ${blast.seconds.toFixed(2)} s = ${Math.round(blast.frames / blast.seconds)} frames/s sustained; p50 ${blast.p50.toFixed(3)} ms, p99 ${blast.p99.toFixed(3)} ms`,
);
console.log(`  confirmed BTCUSDT bars stored: ${stored}`);

db.close();
await worker.terminate();
rest.close();
rmSync(dir, { recursive: true, force: true });
