// Paper trading loop latency: from the last symbol's closed candle (stored and announced as the live
// ingest does) to the bar's fills, equity mark and snapshot committed and its events sent, on a real
// SQLite file (WAL). Goal: p99 < 50 ms.
// Run: npx tsx tests/bench/paper.bench.ts [bars]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreEvents } from '../../src/main/core/events';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { PaperTrader, type PaperSettings } from '../../src/main/core/trading/paper';

const bars = Number(process.argv[2] ?? 1_000);
const HISTORY = 1_200;
const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = DEFAULT_MARKET_SPEC.symbols;
const market = generateMarket(DEFAULT_MARKET_SPEC, {
  seed: 1,
  interval: '60',
  startTime: START,
  bars: HISTORY + bars,
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(label: string, settings: PaperSettings): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossdesk-paper-bench-'));
  const db = openDatabase(join(dir, 'crossdesk.db'));
  const candles = new CandlesRepo(db);
  const paper = new PaperRepo(db);
  const events = new CoreEvents();
  const trader = new PaperTrader({ candles, paper, events, clock: { now: () => Date.now() } });
  const key = (symbol: string) => ({ feed: 'simulator', symbol, interval: '60' as const });
  candles.upsertMany(
    SYMBOLS.map((symbol) => ({
      key: key(symbol),
      candles: market[symbol]!.slice(0, HISTORY).map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
    })),
  );
  await trader.start(settings);
  let committedAt = 0;
  let fills = 0;
  events.on('paper.fill', () => fills++);
  events.on('paper.equity', () => (committedAt = performance.now()));
  const latencies: number[] = [];
  for (let b = HISTORY; b < HISTORY + bars; b++) {
    let closedAt = 0;
    for (const [k, symbol] of SYMBOLS.entries()) {
      const candle = market[symbol]![b]!;
      candles.upsert(key(symbol), [{ ...candle, updatedAt: candle.openTime + HOUR }]);
      // The bar is complete when the last symbol's closed candle is announced.
      if (k === SYMBOLS.length - 1) closedAt = performance.now();
      events.emit('market.candle', { feed: 'simulator', symbol, interval: '60', candle });
    }
    await trader.schedule();
    latencies.push(committedAt - closedAt);
  }
  await trader.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} p50 ${percentile(latencies, 50).toFixed(2)} ms  p99 ${percentile(latencies, 99).toFixed(2)} ms  ` +
      `max ${latencies[latencies.length - 1]!.toFixed(2)} ms  (${bars} bars, ${fills} fills)`,
  );
}

const base: PaperSettings = {
  accountId: 'bench',
  feed: 'simulator',
  symbols: SYMBOLS,
  interval: '60',
  strategy: 'equal-weight-rebalanced',
  initialCapital: 100_000,
  costs: {},
  risk: { cadenceBars: 1, rebalanceThreshold: 0, minTradeNotional: 0 },
  trainBars: 1_000,
};
console.log(`paper loop latency: closed bar → fills committed and events sent, node ${process.version}`);
await measure('equal-weight rebalanced every bar (5 fills/bar)', base);
await measure('linear lead-lag every bar', {
  ...base,
  strategy: 'linear-lead-lag',
  risk: { cadenceBars: 1, rebalanceThreshold: 0.05 },
});
