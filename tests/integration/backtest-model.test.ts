// Walk-forward backtests of the attention model through the contract: one model trained per fold (in a
// worker, registered, its id stored with the fold), batch inference per fold, attention and forecast
// quality stored. The look-ahead guard: an out-of-sample edge after costs that beats every baseline on
// the planted lead-lag, and no significant edge on a random walk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestDetail, BacktestSummary } from '../../src/shared/contract/backtest';
import type { ModelInfo } from '../../src/shared/contract/model';
import { domainDispatch } from '../support/domain-dispatch';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import {
  DEFAULT_MARKET_SPEC,
  generateMarket,
  randomWalkSpec,
  type MarketSpec,
} from '../../src/main/core/market/simulator/synthetic';
import { createModelHandlers } from '../../src/main/core/model/handlers';
import { trainingWorkers } from '../../src/main/core/model/worker-client';
import { BacktestsRepo } from '../../src/main/core/store/backtests.repo';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { ModelsRepo } from '../../src/main/core/store/models.repo';
import { createBacktestHandlers } from '../../src/main/core/trading/handlers';
import { TEST_BACKEND } from '../support/model-backend';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const BARS = 2_600;
const SYMBOLS = DEFAULT_MARKET_SPEC.symbols;

const config = {
  lookback: 24,
  patchLength: 4,
  dModel: 32,
  heads: 2,
  layers: 1,
  maxLag: 3,
  horizon: 1,
  portfolio: 'long-short',
  training: { epochs: 6 },
};

let dir: string;
let db: Db;
let model: ReturnType<typeof createModelHandlers>;
let call: <T>(method: string, params: unknown) => Promise<T>;

function store(feed: string, spec: MarketSpec, seed: number): void {
  const candles = new CandlesRepo(db);
  const market = generateMarket(spec, { seed, interval: '60', startTime: START, bars: BARS });
  for (const [symbol, list] of Object.entries(market)) {
    candles.upsert(
      { feed, symbol, interval: '60' },
      list.map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
    );
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-backtest-model-'));
  db = openDatabase(join(dir, 'crossdesk.db'));
  store('leadlag', DEFAULT_MARKET_SPEC, 31);
  store('random', randomWalkSpec(SYMBOLS), 32);
  const events = new CoreEvents();
  const jobs = new JobRegistry(events);
  const candles = new CandlesRepo(db);
  let now = 1;
  const clock = { now: () => now++ };
  model = createModelHandlers({
    models: new ModelsRepo(db),
    candles,
    events,
    jobs,
    clock,
    backend: TEST_BACKEND,
  });
  const backtest = createBacktestHandlers({
    candles,
    backtests: new BacktestsRepo(db),
    jobs,
    clock,
    model: model.service,
    pause: () => new Promise((resolve) => setImmediate(resolve)),
  });
  const dispatch = domainDispatch({ ...model.handlers, ...backtest.handlers });
  call = <T>(method: string, params: unknown) =>
    dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
});

afterAll(() => {
  model.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (feed: string) =>
  call<BacktestSummary>('backtest.run', {
    feed,
    symbols: SYMBOLS,
    interval: '60',
    from: START,
    to: START + (BARS - 1) * HOUR,
    strategy: 'model',
    trainBars: 1_400,
    testBars: 600,
    risk: { cadenceBars: 1, rebalanceThreshold: 0.05 },
    // The return head's forecasts trade here: this test is about the model finding a planted lead-lag
    // in its forecasts. (The default portfolio head, trained on a cost-penalised Sharpe, is exercised
    // by the real-data tests and the evaluation.)
    model: { config, seed: 2, weightsFrom: 'return-head' },
  });

describe('walk-forward backtest of the attention model', () => {
  it('trains one model per fold on its window, and beats every baseline after costs on the planted lead-lag', async () => {
    const spawned = trainingWorkers().spawned;
    const summary = await run('leadlag');
    // The folds' trainings shared their workers (one per training at once), ended with the run.
    const atOnce = await model.service.concurrentTrainings();
    expect(trainingWorkers().spawned - spawned).toBeLessThanOrEqual(Math.min(2, atOnce));
    expect(trainingWorkers().idle).toBe(0);
    const detail = await call<BacktestDetail>('backtest.get', { id: summary.id });
    expect(detail.foldList).toHaveLength(2);
    const ids = detail.foldList.map((f) => f.modelId);
    expect(new Set(ids).size).toBe(2);
    // The fold models belong to the run: listed with it, not among the user's models.
    const models = await call<ModelInfo[]>('model.list', { backtestId: summary.id });
    expect(models.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(models.every((m) => m.backtestId === summary.id)).toBe(true);
    expect(await call<ModelInfo[]>('model.list', {})).toEqual([]);
    detail.foldList.forEach((fold) => {
      const info = models.find((m) => m.id === fold.modelId)!;
      // Trained on the fold's window only, which ends a purge gap (the horizon, 1 bar) before its test.
      expect(info.trainFrom).toBe(fold.trainFrom);
      expect(info.trainTo).toBe(fold.trainTo);
      expect(fold.testFrom - fold.trainTo).toBe(2 * HOUR);
    });
    const [strategy, ...baselines] = summary.metrics;
    expect(strategy!.strategy).toBe('model');
    expect(strategy!.metrics.sharpe!).toBeGreaterThan(0);
    for (const b of baselines)
      expect(strategy!.metrics.sharpe!).toBeGreaterThan(b.metrics.sharpe ?? -Infinity);
    expect(strategy!.metrics.forecast!.hitRate!).toBeGreaterThan(0.55);
    expect(strategy!.metrics.forecast!.informationCoefficient!).toBeGreaterThan(0.03);
    expect(strategy!.metrics.forecast!.pooledInformationCoefficient!).toBeGreaterThan(0.1);
    // The attention at every decision is stored: 5 x 5 rows that sum to 1.
    expect(detail.attention!.times.length).toBeGreaterThan(500);
    const matrix = detail.attention!.matrices[0]!;
    expect(matrix).toHaveLength(5);
    for (const row of matrix) expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 4);
  });

  it('shows no significant out-of-sample edge on a random walk', async () => {
    const summary = await run('random');
    const m = summary.metrics[0]!.metrics;
    const standardError = Math.sqrt((365 * 24) / m.bars);
    expect(m.sharpe ?? 0).toBeLessThan(2 * standardError);
    expect(m.forecast!.hitRate!).toBeLessThan(0.55);
    expect(Math.abs(m.forecast!.pooledInformationCoefficient!)).toBeLessThan(0.08);
    // Deleting the run deletes the models it trained, and only those.
    const all = await call<ModelInfo[]>('model.list', { includeFolds: true });
    const mine = await call<ModelInfo[]>('model.list', { backtestId: summary.id });
    expect(mine.length).toBe(2);
    expect(await call<{ deleted: boolean }>('backtest.delete', { id: summary.id })).toEqual({
      deleted: true,
    });
    expect(await call<ModelInfo[]>('model.list', { backtestId: summary.id })).toEqual([]);
    expect((await call<ModelInfo[]>('model.list', { includeFolds: true })).length).toBe(all.length - 2);
  });
});
