// Exchange-faithful market data: (1) backfill pacing against the simulator with Bybit's own per-IP
// limit (600 requests per 5 s, HTTP 403 beyond): the peak requests in any 5 s window and candles/s
// over loopback with pacing on; (2) funding history backfill of 5 symbols × 4 years (200 a page,
// paged backwards by endTime); (3) engine throughput with funding on against off, as a ratio within
// this one run. Prints the load average with every figure: the machine may be shared.
// Run: npx tsx tests/bench/funding-pacing.bench.ts [bars per symbol for (1), default 300000]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FundingRate } from '../../src/shared/domain';
import { backfill } from '../../src/main/core/market/backfill';
import { BybitRest, type FetchLike } from '../../src/main/core/market/bybit-rest';
import { backfillFunding } from '../../src/main/core/market/funding-backfill';
import { BYBIT_IP_LIMIT } from '../../src/main/core/market/rest-pacer';
import { startSimulator } from '../../src/main/core/market/simulator';
import { mulberry32, normal } from '../../src/main/core/market/simulator/prng';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import { FundingRepo } from '../../src/main/core/store/funding.repo';
import { equalWeightRebalanced } from '../../src/main/core/trading/baselines';
import { createBarSet, TradingEngine } from '../../src/main/core/trading/engine';
import { ArrayFundingFeed } from '../../src/main/core/trading/funding';

const load = () =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
const bars = Number(process.argv[2] ?? 300_000);
const dir = mkdtempSync(join(tmpdir(), 'crossdesk-bench-funding-'));

function peakInWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

async function pacing(): Promise<void> {
  const symbols = ['BTCUSDT', 'ETHUSDT'];
  const simulator = await startSimulator({
    port: 0,
    seed: 1,
    interval: '1',
    symbols,
    historyBars: bars,
    startTime: Date.UTC(2026, 0, 5),
    barMs: 3_600_000,
    restRateLimit: { ...BYBIT_IP_LIMIT },
  });
  try {
    const sent: number[] = [];
    const tracked: FetchLike = (url, init) => {
      sent.push(performance.now());
      return fetch(url, init);
    };
    const db = openDatabase(join(dir, 'pacing.db'));
    const rest = new BybitRest({ baseUrl: simulator.restUrl, fetch: tracked });
    const t = performance.now();
    const result = await backfill(new CandlesRepo(db), rest, {
      feed: 'simulator',
      symbols,
      interval: '1',
      from: simulator.launchTime - 86_400_000,
      to: Date.UTC(2026, 0, 5),
    });
    const seconds = (performance.now() - t) / 1000;
    db.close();
    const written = Object.values(result.written).reduce((a, b) => a + b, 0);
    console.log(
      `(1) backfill with pacing on, ${symbols.length} symbols x ${bars} one-minute bars, limit 600/5 s:`,
    );
    console.log(
      `    ${sent.length} requests, peak ${peakInWindow(sent, 5000)} per 5 s (limit 600, pace 550), ` +
        `403s ${simulator.stats().restRejected}; ${written} candles in ${seconds.toFixed(2)} s = ` +
        `${Math.round(written / seconds)} candles/s (${load()})`,
    );
    // Where loopback answers faster than the pace, the bucket is what limits: small pages back to back.
    const small: number[] = [];
    const client = new BybitRest({
      baseUrl: simulator.restUrl,
      fetch: (url, init) => {
        small.push(performance.now());
        return fetch(url, init);
      },
    });
    const t2 = performance.now();
    const from = simulator.launchTime;
    await Promise.all(
      symbols.map(async (symbol, s) => {
        for (let k = 0; k < 750; k++)
          await client.klines(symbol, '1', from + (k * 2 + s) * 600_000, undefined, 5);
      }),
    );
    const seconds2 = (performance.now() - t2) / 1000;
    console.log(
      `    1,500 small kline pages (5 bars) from 2 concurrent loops: peak ${peakInWindow(small, 5000)} per 5 s, ` +
        `${(small.length / seconds2).toFixed(0)} requests/s, 403s ${simulator.stats().restRejected} (${load()})`,
    );
  } finally {
    await simulator.close();
  }
}

async function fundingHistory(): Promise<void> {
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'AVAXUSDT', 'DOTUSDT'];
  const hours = 4 * 365 * 24;
  const simulator = await startSimulator({
    port: 0,
    seed: 2,
    interval: '60',
    symbols,
    historyBars: hours,
    startTime: Date.UTC(2026, 0, 5),
    barMs: 3_600_000,
  });
  try {
    const db = openDatabase(join(dir, 'funding.db'));
    const repo = new FundingRepo(db);
    const rest = new BybitRest({ baseUrl: simulator.restUrl });
    const t = performance.now();
    let written = 0;
    let requests = 0;
    for (const symbol of symbols) {
      const r = await backfillFunding(repo, rest, {
        feed: 'simulator',
        symbol,
        from: simulator.launchTime,
        to: simulator.now(),
        launchTimeMs: simulator.launchTime,
      });
      written += r.written;
      requests += r.requests;
    }
    const seconds = (performance.now() - t) / 1000;
    db.close();
    console.log(`(2) funding history backfill, ${symbols.length} symbols x 4 years (8-hourly):`);
    console.log(
      `    ${written} rates in ${requests} requests, ${seconds.toFixed(2)} s = ${Math.round(written / seconds)} rates/s (${load()})`,
    );
  } finally {
    await simulator.close();
  }
}

function engineRatio(): void {
  const n = 5;
  const engineBars = 400_000;
  const symbols = Array.from({ length: n }, (_, i) => `SYM${i}USDT`);
  const start = Date.UTC(2024, 0, 1);
  const rng = mulberry32(42);
  const open = new Float64Array(engineBars * n);
  const close = new Float64Array(engineBars * n);
  for (let s = 0; s < n; s++) {
    let price = 100 + 50 * s;
    for (let b = 0; b < engineBars; b++) {
      open[b * n + s] = price;
      price *= Math.exp(0.001 * normal(rng));
      close[b * n + s] = price;
    }
  }
  // A funding time every 8 h of one-minute bars (every 480th bar), a rate per symbol.
  const rates: FundingRate[][] = symbols.map((symbol) => {
    const list: FundingRate[] = [];
    for (let b = 0; b < engineBars; b += 480)
      list.push({ symbol, fundingTimeMs: start + b * 60_000, rate: 1e-4 * (1 + 0.5 * Math.sin(b)) });
    return list;
  });
  const run = (funding: boolean): { seconds: number; paid: number } => {
    const engine = new TradingEngine(
      {
        symbols,
        instruments: symbols.map((symbol) => ({
          symbol,
          qtyStep: 0.001,
          minOrderQty: 0.001,
          minNotionalValue: 5,
        })),
        initialCapital: 100_000,
        risk: { cadenceBars: 1, rebalanceThreshold: 0.01 },
        ...(funding ? { funding: new ArrayFundingFeed(rates) } : {}),
      },
      equalWeightRebalanced(),
    );
    const bar = createBarSet(n);
    const t0 = process.hrtime.bigint();
    for (let b = 0; b < engineBars; b++) {
      bar.time = start + b * 60_000;
      bar.open.set(open.subarray(b * n, b * n + n));
      bar.close.set(close.subarray(b * n, b * n + n));
      bar.high.set(close.subarray(b * n, b * n + n));
      bar.low.set(open.subarray(b * n, b * n + n));
      engine.onBar(bar);
    }
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, paid: engine.portfolio.totalFunding() };
  };
  run(false); // warm the JIT
  const off: number[] = [];
  const on: number[] = [];
  let paid = 0;
  // Interleaved, so that a change of load hits both alike.
  for (let k = 0; k < 3; k++) {
    off.push(run(false).seconds);
    const r = run(true);
    on.push(r.seconds);
    paid = r.paid;
  }
  const best = (xs: number[]) => Math.min(...xs);
  const rate = (s: number) => ((engineBars * n) / s / 1e6).toFixed(2);
  console.log(
    `(3) engine, ${engineBars} one-minute bars x ${n} symbols, equal weight every bar (best of 3):`,
  );
  console.log(
    `    funding off ${rate(best(off))} M asset-bars/s, on ${rate(best(on))} M asset-bars/s ` +
      `(${Math.round(engineBars / 480) * n} payments, ${paid.toFixed(0)} USDT paid); on/off time ratio ` +
      `${(best(on) / best(off)).toFixed(3)} (${load()})`,
  );
}

try {
  console.log(`funding and pacing benchmarks, node ${process.version} (${load()})`);
  await pacing();
  await fundingHistory();
  engineRatio();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
