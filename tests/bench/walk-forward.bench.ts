// Walk-forward backtest of the attention model on wasm, as the app runs it (store → backtest.run →
// one model trained per fold in a worker → batch inference per fold → stored run): five assets, hourly,
// monthly retraining (90-day training windows, 30-day folds), with the four baselines on the same bars.
// Goal for three years: < 10 minutes on this machine.
// Run: npx tsx tests/bench/walk-forward.bench.ts [years=3] [preset=fast|default] [maxFolds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestSummary } from '../../src/shared/contract/backtest';
import { ModelConfigSchema } from '../../src/shared/contract/model';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { createModelHandlers } from '../../src/main/core/model/handlers';
import { BacktestsRepo } from '../../src/main/core/store/backtests.repo';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import { ModelsRepo } from '../../src/main/core/store/models.repo';
import { createBacktestHandlers } from '../../src/main/core/trading/handlers';

const years = Number(process.argv[2] ?? 3);
const preset = process.argv[3] ?? 'fast';
const maxFolds = process.argv[4] === undefined ? Infinity : Number(process.argv[4]);
const HOUR = 3_600_000;
const START = Date.UTC(2023, 0, 1);
const TRAIN = 90 * 24;
const TEST = 30 * 24;
const bars = Math.min(
  Math.round(years * 365 * 24),
  maxFolds === Infinity ? Infinity : TRAIN + 1 + maxFolds * TEST,
);

/** 'default' is the model contract's defaults; 'fast' bounds each retraining for monthly refits. */
const configs: Record<string, unknown> = {
  default: { horizon: 1, portfolio: 'long-short' },
  fast: {
    horizon: 1,
    portfolio: 'long-short',
    lookback: 48,
    patchLength: 8,
    dModel: 32,
    heads: 4,
    layers: 1,
    training: { epochs: 8, maxStepsPerEpoch: 60, batchSize: 32 },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'crossdesk-walk-forward-bench-'));
const db = openDatabase(join(dir, 'crossdesk.db'));
const candles = new CandlesRepo(db);
const market = generateMarket(DEFAULT_MARKET_SPEC, { seed: 3, interval: '60', startTime: START, bars });
for (const [symbol, list] of Object.entries(market)) {
  candles.upsert(
    { feed: 'simulator', symbol, interval: '60' },
    list.map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
  );
}
const events = new CoreEvents();
const jobs = new JobRegistry(events);
const clock = { now: () => Date.now() };
const model = createModelHandlers({
  models: new ModelsRepo(db),
  candles,
  events,
  jobs,
  clock,
  backend: 'wasm',
});
const backtest = createBacktestHandlers({
  candles,
  backtests: new BacktestsRepo(db),
  jobs,
  clock,
  model: model.service,
  pause: () => new Promise((resolve) => setImmediate(resolve)),
});

let lastFold = '';
let foldStarted = Date.now();
const foldTimes: number[] = [];
events.on('job.progress', (p) => {
  if (p.kind !== 'backtest' || !p.message.startsWith('fold') || p.message === lastFold) return;
  if (p.message.endsWith('fitting')) {
    if (lastFold) foldTimes.push(Date.now() - foldStarted);
    foldStarted = Date.now();
    process.stderr.write(`  ${p.message} (bar ${p.done}/${p.total})\n`);
  }
  lastFold = p.message;
});

console.log(
  `walk-forward: ${bars} hourly bars x 5 assets (${(bars / 24 / 365).toFixed(2)} years), train ${TRAIN}, test ${TEST}, ` +
    `preset '${preset}', backend wasm, node ${process.version}`,
);
const started = Date.now();
const summary = (await backtest.handlers['backtest.run'](
  {
    feed: 'simulator',
    symbols: DEFAULT_MARKET_SPEC.symbols,
    interval: '60',
    from: START,
    to: START + (bars - 1) * HOUR,
    strategy: 'model',
    trainBars: TRAIN,
    testBars: TEST,
    risk: { cadenceBars: 1, rebalanceThreshold: 0.05 },
    model: { config: ModelConfigSchema.parse(configs[preset]), seed: 1 },
  },
  { signal: new AbortController().signal },
)) as BacktestSummary;
foldTimes.push(Date.now() - foldStarted);
const seconds = (Date.now() - started) / 1000;
console.log(
  `total ${seconds.toFixed(1)} s for ${summary.folds} folds (${(seconds / summary.folds).toFixed(1)} s per fold, ` +
    `slowest ${(Math.max(...foldTimes) / 1000).toFixed(1)} s); ${summary.bars} out-of-sample bars`,
);
for (const m of summary.metrics) {
  const f = m.metrics.forecast;
  console.log(
    `  ${m.strategy.padEnd(28)} Sharpe ${(m.metrics.sharpe ?? NaN).toFixed(2).padStart(6)}  return ${(m.metrics.totalReturn * 100).toFixed(1).padStart(7)}%  ` +
      `maxDD ${(m.metrics.maxDrawdown * 100).toFixed(1)}%  fees ${m.metrics.feesPaid.toFixed(0)}` +
      (f
        ? `  hit ${((f.hitRate ?? NaN) * 100).toFixed(1)}%  IC ${(f.informationCoefficient ?? NaN).toFixed(3)}`
        : ''),
  );
}
model.close();
db.close();
rmSync(dir, { recursive: true, force: true });
