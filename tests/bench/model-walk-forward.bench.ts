// The walk-forward backtest of the attention model as a user runs it (`backtest --strategy model`, no
// other option): the default model configuration, 90-day training windows, 30-day folds, daily
// rebalancing, one model trained per fold, with the baselines on the same bars; 3.5 years × 5 assets
// hourly (about 40 folds). The backends are chosen as the core chooses them at start (measured per
// job, model/backend-choice.ts). The market is the project's synthetic simulator (seeded), not real
// data. Goal: under 5 minutes on a quiet machine.
// The machine may be shared: the load average is printed before and after, and `--torch PYTHON`
// measures the PyTorch mirror's training throughput (batch 32, best of 1 and 2 threads) before and
// after, so that the time can be read against it.
// Run: npx tsx tests/bench/model-walk-forward.bench.ts [--years 3.5] [--folds N] [--torch PYTHON]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BacktestSummary } from '../../src/shared/contract/backtest';
import type { ModelMetrics } from '../../src/shared/contract/model';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { chooseBackends } from '../../src/main/core/model/backend-choice';
import { createModelHandlers } from '../../src/main/core/model/handlers';
import { BacktestsRepo } from '../../src/main/core/store/backtests.repo';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import { ModelsRepo } from '../../src/main/core/store/models.repo';
import { createBacktestHandlers } from '../../src/main/core/trading/handlers';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const years = Number(flag('--years') ?? 3.5);
const maxFolds = flag('--folds') === undefined ? Infinity : Number(flag('--folds'));
const torch = flag('--torch');
const HOUR = 3_600_000;
const START = Date.UTC(2021, 0, 1);
const TRAIN = 90 * 24;
const TEST = 30 * 24;
const allBars = Math.round(years * 365 * 24);
const bars = Math.min(allBars, maxFolds === Infinity ? Infinity : TRAIN + 25 + maxFolds * TEST);
const load = () => loadavg()[0]!.toFixed(2);

function torchSamplesPerSecond(): number | null {
  if (!torch) return null;
  const mirror = fileURLToPath(new URL('./torch_mirror.py', import.meta.url));
  const result = spawnSync(torch, [mirror, '1', '2'], {
    encoding: 'utf8',
    env: { ...process.env, BATCH: '32' },
  });
  if (result.status !== 0) return null;
  const rows = result.stdout
    .trim()
    .split('\n')
    .map((r) => JSON.parse(r) as { train_samples_per_s: number });
  return Math.max(...rows.map((r) => r.train_samples_per_s));
}

const torchBefore = torchSamplesPerSecond();
const loadBefore = load();
const dir = mkdtempSync(join(tmpdir(), 'crossdesk-model-walk-forward-'));
const db = openDatabase(join(dir, 'crossdesk.db'));
const candles = new CandlesRepo(db);
const market = generateMarket(DEFAULT_MARKET_SPEC, { seed: 3, interval: '60', startTime: START, bars });
for (const [symbol, list] of Object.entries(market)) {
  candles.upsert(
    { feed: 'simulator', symbol, interval: '60' },
    list.map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
  );
}
// As at core start: each job's backend measured.
const choice = await chooseBackends({ now: () => performance.now() });
const events = new CoreEvents();
const jobs = new JobRegistry(events);
const clock = { now: () => Date.now() };
const model = createModelHandlers({ models: new ModelsRepo(db), candles, events, jobs, clock });
const backtest = createBacktestHandlers({
  candles,
  backtests: new BacktestsRepo(db),
  jobs,
  clock,
  model: model.service,
  pause: () => new Promise((resolve) => setImmediate(resolve)),
});

let lastFold = '';
let started = Date.now();
events.on('job.progress', (p) => {
  if (p.kind !== 'backtest' || !p.message.startsWith('fold') || p.message === lastFold) return;
  if (p.message.endsWith('fitting'))
    process.stderr.write(
      `  ${p.message} (bar ${p.done}/${p.total}, ${((Date.now() - started) / 1000).toFixed(0)} s, load ${load()})\n`,
    );
  lastFold = p.message;
});

console.log(
  `model walk-forward: ${bars} hourly bars x 5 assets (${(bars / 24 / 365).toFixed(2)} years, synthetic market), ` +
    `default model configuration, train ${TRAIN} / test ${TEST} bars; training on ${choice.training}, ` +
    `predictions on ${choice.decisions} (${choice.how}), ${choice.concurrentTrainings} training(s) at once; ` +
    `node ${process.version}; load ${loadBefore}`,
);
started = Date.now();
const summary = (await backtest.handlers['backtest.run'](
  {
    feed: 'simulator',
    symbols: DEFAULT_MARKET_SPEC.symbols,
    interval: '60',
    from: START,
    to: START + (bars - 1) * HOUR,
    strategy: 'model',
  },
  { signal: new AbortController().signal },
)) as BacktestSummary;
const seconds = (Date.now() - started) / 1000;
const torchAfter = torchSamplesPerSecond();
const fullFolds = Math.floor((allBars - TRAIN - 24) / TEST);
console.log(
  `total ${seconds.toFixed(1)} s for ${summary.folds} folds (${(seconds / summary.folds).toFixed(1)} s per fold` +
    (summary.folds < fullFolds
      ? `; ${fullFolds} folds at that rate: ${((seconds / summary.folds) * fullFolds).toFixed(0)} s`
      : '') +
    `); ${summary.bars} out-of-sample bars; load ${loadBefore} before, ${load()} after`,
);
// What the fold models trained: the walk-forward's time is mostly that training.
const foldModels = new ModelsRepo(db).list().map((row) => row.metrics as ModelMetrics);
const trained = foldModels.reduce((sum, m) => sum + (m.trainedSamples ?? 0), 0);
const epochs = foldModels.reduce((sum, m) => sum + m.epochs, 0);
const fitSeconds = foldModels.reduce((sum, m) => sum + m.durationMs, 0) / 1000;
const stepSeconds = foldModels.reduce(
  (sum, m) => sum + (m.trainedSamples ?? 0) / Math.max(1e-9, m.samplesPerSecond),
  0,
);
console.log(
  `${foldModels.length} fold models trained ${trained} samples (${(epochs / Math.max(1, foldModels.length)).toFixed(1)} epochs each on average); ` +
    `their fits took ${fitSeconds.toFixed(0)} s in all, ${stepSeconds.toFixed(0)} s of it in training steps (the rest: validation passes, set-up)`,
);
if (torchBefore !== null && torchAfter !== null) {
  const torchRate = (torchBefore + torchAfter) / 2;
  console.log(
    `PyTorch mirror (batch 32, best of 1 and 2 threads) in this run: ${torchBefore.toFixed(0)} samples/s before, ${torchAfter.toFixed(0)} after; ` +
      `at that rate the fold models' training alone would take ${(trained / torchRate).toFixed(0)} s`,
  );
}
for (const m of summary.metrics) {
  const f = m.metrics.forecast;
  console.log(
    `  ${m.strategy.padEnd(28)} Sharpe ${(m.metrics.sharpe ?? NaN).toFixed(2).padStart(6)}  return ${(m.metrics.totalReturn * 100).toFixed(1).padStart(7)}%  ` +
      `maxDD ${(m.metrics.maxDrawdown * 100).toFixed(1)}%` +
      (f
        ? `  hit ${((f.hitRate ?? NaN) * 100).toFixed(1)}%  IC ${(f.informationCoefficient ?? NaN).toFixed(3)}`
        : ''),
  );
}
model.close();
db.close();
rmSync(dir, { recursive: true, force: true });
