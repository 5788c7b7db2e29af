// Engine throughput in asset-bars per second (bars x symbols through onBar: fills, history, marking,
// strategy, risk, orders), with baseline strategies on a synthetic random walk held in memory.
// Goal >= 1M asset-bars/s; anchor: Jesse backtests about 510k one-minute candles/s.
// Run: npx tsx tests/bench/engine.bench.ts [bars] [symbols]
import { mulberry32, normal } from '../../src/main/core/market/simulator/prng';
import {
  crossSectionalMomentum,
  equalWeightBuyAndHold,
  equalWeightRebalanced,
} from '../../src/main/core/trading/baselines';
import { createBarSet, TradingEngine } from '../../src/main/core/trading/engine';
import type { RiskConfig } from '../../src/main/core/trading/risk';
import type { Strategy } from '../../src/main/core/trading/types';

const bars = Number(process.argv[2] ?? 400_000);
const symbolCount = Number(process.argv[3] ?? 5);
const symbols = Array.from({ length: symbolCount }, (_, i) => `SYM${i}USDT`);
const MINUTE = 60_000;
const start = Date.UTC(2024, 0, 1);

// Columnar prices, generated once: [bar * symbols + symbol].
const rng = mulberry32(42);
const open = new Float64Array(bars * symbolCount);
const close = new Float64Array(bars * symbolCount);
const high = new Float64Array(bars * symbolCount);
const low = new Float64Array(bars * symbolCount);
const volume = new Float64Array(bars * symbolCount);
for (let s = 0; s < symbolCount; s++) {
  let price = 100 + 50 * s;
  for (let b = 0; b < bars; b++) {
    const k = b * symbolCount + s;
    open[k] = price;
    price *= Math.exp(0.001 * normal(rng));
    close[k] = price;
    high[k] = Math.max(open[k]!, price) * 1.0005;
    low[k] = Math.min(open[k]!, price) * 0.9995;
    volume[k] = 10 + rng();
  }
}

function run(
  label: string,
  strategy: Strategy,
  risk: Partial<RiskConfig>,
  volatilitySlippage: boolean,
): void {
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
      costs: { volatilityMultiplier: volatilitySlippage ? 0.5 : 0, volatilityWindow: 24 },
      risk,
    },
    strategy,
  );
  const bar = createBarSet(symbolCount);
  let fills = 0;
  let orders = 0;
  const t0 = process.hrtime.bigint();
  for (let b = 0; b < bars; b++) {
    const base = b * symbolCount;
    bar.time = start + b * MINUTE;
    // One feed object reused for every bar: copy the bar's columns in (what a decoder would do).
    bar.open.set(open.subarray(base, base + symbolCount));
    bar.close.set(close.subarray(base, base + symbolCount));
    bar.high.set(high.subarray(base, base + symbolCount));
    bar.low.set(low.subarray(base, base + symbolCount));
    bar.volume.set(volume.subarray(base, base + symbolCount));
    const r = engine.onBar(bar);
    fills += r.fills.length;
    orders += r.orders.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const assetBars = bars * symbolCount;
  console.log(
    `${label.padEnd(52)} ${(assetBars / seconds / 1e6).toFixed(2).padStart(6)} M asset-bars/s  ` +
      `(${bars} bars x ${symbolCount} symbols in ${seconds.toFixed(2)} s, ${fills} fills, ${orders} orders, ` +
      `equity ${engine.portfolio.equity(bar.close).toFixed(0)})`,
  );
}

console.log(`engine throughput, ${bars} bars x ${symbolCount} symbols, node ${process.version}`);
// Warm the JIT once on a short run so the figures measure steady state.
run('warm-up (equal weight, every bar)', equalWeightRebalanced(), { cadenceBars: 1 }, false);
run(
  'equal-weight rebalanced, every bar, 1% threshold',
  equalWeightRebalanced(),
  { cadenceBars: 1, rebalanceThreshold: 0.01 },
  false,
);
run(
  'equal-weight rebalanced, every bar, no threshold',
  equalWeightRebalanced(),
  { cadenceBars: 1, rebalanceThreshold: 0, minTradeNotional: 0 },
  false,
);
run(
  'equal-weight rebalanced, every 24 bars, vol slippage',
  equalWeightRebalanced(),
  { cadenceBars: 24 },
  true,
);
run('equal-weight buy-and-hold', equalWeightBuyAndHold(), {}, false);
run('cross-sectional momentum (168), every bar', crossSectionalMomentum(), { cadenceBars: 1 }, false);
