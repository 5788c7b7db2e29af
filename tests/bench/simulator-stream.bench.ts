// Simulator throughput under faults: streams `bars` bars of 5 symbols at `barMs` real ms per bar with
// every fault kind armed, to a raw client that reconnects after cuts and refusals, then rebuilds the
// closed candles from confirm frames + REST gap fill and checks them against truth().
// Prints: achieved bars/s vs target, frames sent, faults injected, REST calls, and whether the
// rebuilt series equals the truth. Run: npx tsx tests/bench/simulator-stream.bench.ts [bars] [barMs]
import WebSocket from 'ws';
import { startSimulator } from '../../src/main/core/market/simulator';

const bars = Number(process.argv[2] ?? 2000);
const barMs = Number(process.argv[3] ?? 25);
const MINUTE = 60_000;

const sim = await startSimulator({
  barMs,
  historyBars: 100,
  maxBars: bars,
  restRateLimit: null,
  faults: {
    dropConfirm: 0.1,
    duplicateConfirm: 0.1,
    reorder: 0.1,
    cutSocket: 0.1,
    malformed: 0.1,
    refuseConnections: 200,
    rest403: 200,
    rest10006: 200,
  },
});
const topics = sim.symbols.map((s) => `kline.1.${s}`);
const confirmed = new Map<string, Map<number, string[]>>(sim.symbols.map((s) => [s, new Map()]));
let reconnects = 0;
let malformedSeen = 0;
let stopped = false;
const firstLiveOpen = sim.truth(sim.symbols[0]!).at(-1)!.openTime + MINUTE;

function connect(): void {
  if (stopped) return;
  const ws = new WebSocket(sim.wsUrl);
  ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', args: topics })));
  ws.on('message', (data) => {
    let m: { topic?: string; data?: Array<Record<string, unknown>> };
    try {
      m = JSON.parse(String(data));
    } catch {
      malformedSeen++;
      return;
    }
    if (!m.topic || !Array.isArray(m.data)) {
      if (m.topic) malformedSeen++;
      return;
    }
    const symbol = m.topic.split('.')[2]!;
    for (const d of m.data) {
      if (d.confirm === true) {
        confirmed
          .get(symbol)!
          .set(
            d.start as number,
            [d.start, d.open, d.high, d.low, d.close, d.volume, d.turnover].map(String),
          );
      }
    }
  });
  ws.on('error', () => undefined);
  ws.on('close', () => {
    reconnects++;
    setTimeout(connect, 10);
  });
}

const began = performance.now();
connect();
await sim.waitForLiveBars(bars, bars * barMs * 20 + 60_000);
const elapsed = performance.now() - began;
stopped = true;

let restCalls = 0;
async function restRows(symbol: string, start: number, end: number): Promise<string[][]> {
  for (;;) {
    restCalls++;
    const res = await fetch(
      `${sim.restUrl}/v5/market/kline?category=linear&symbol=${symbol}&interval=1&start=${start}&end=${end}&limit=1000`,
    );
    if (res.status === 403) continue;
    const json = (await res.json()) as { retCode: number; result: { list: string[][] } };
    if (json.retCode === 10006) continue;
    return json.result.list;
  }
}

let filled = 0;
let mismatches = 0;
for (const symbol of sim.symbols) {
  const got = confirmed.get(symbol)!;
  const truth = sim.truth(symbol).filter((c) => c.openTime >= firstLiveOpen);
  const missing = truth.filter((c) => !got.has(c.openTime));
  // Windows of at most 1000 bars, so that no window is larger than `limit`.
  const windows = new Set(missing.map((c) => Math.floor((c.openTime - firstLiveOpen) / (1000 * MINUTE))));
  for (const w of windows) {
    const from = firstLiveOpen + w * 1000 * MINUTE;
    for (const row of await restRows(symbol, from, from + 999 * MINUTE)) {
      if (!got.has(Number(row[0]))) {
        got.set(Number(row[0]), row);
        filled++;
      }
    }
  }
  for (const c of truth) {
    const row = got.get(c.openTime);
    const expected = [c.openTime, c.open, c.high, c.low, c.close, c.volume, c.turnover].map(String);
    if (!row || row.join() !== expected.join()) {
      if (mismatches++ < 3) console.log('  mismatch', symbol, row ?? 'missing', expected);
    }
  }
}

const stats = sim.stats();
console.log(`simulator stream: ${bars} bars x ${sim.symbols.length} symbols at ${barMs} ms/bar`);
console.log(
  `  achieved ${(bars / (elapsed / 1000)).toFixed(1)} bars/s (target ${(1000 / barMs).toFixed(1)}), ${elapsed.toFixed(0)} ms`,
);
console.log(
  `  frames sent ${stats.framesSent}, ws connections ${stats.wsConnections}, refused ${stats.wsRefused}, client reconnects ${reconnects}`,
);
console.log(`  faults injected ${JSON.stringify(sim.faultCounts())}`);
console.log(
  `  malformed frames seen by client ${malformedSeen}; bars filled from REST ${filled} in ${restCalls} calls`,
);
console.log(`  rebuilt series equal truth: ${mismatches === 0 ? 'yes' : `NO (${mismatches} mismatches)`}`);
await sim.close();
process.exit(mismatches === 0 ? 0 : 1);
