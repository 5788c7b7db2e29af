// The backtest handlers through the contract's dispatch, on a real SQLite file holding the simulator's
// synthetic candles: run as a job with progress, list, get with series and fills, CSV export, delete,
// cancel by job id, and the errors a user can meet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BacktestDetail, BacktestSummary } from '../../src/shared/contract/backtest';
import type { EventPayload } from '../../src/shared/contract';
import type { CoreError } from '../../src/shared/errors';
import { domainDispatch } from '../support/domain-dispatch';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { BacktestsRepo } from '../../src/main/core/store/backtests.repo';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { createBacktestHandlers } from '../../src/main/core/trading/handlers';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = DEFAULT_MARKET_SPEC.symbols;
const BARS = 1600;

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-backtest-handlers-'));
  db = openDatabase(join(dir, 'crossdesk.db'));
  const candles = new CandlesRepo(db);
  const market = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 5,
    interval: '60',
    startTime: START,
    bars: BARS,
  });
  candles.upsertMany(
    SYMBOLS.map((symbol) => ({
      key: { feed: 'simulator', symbol, interval: '60' as const },
      candles: market[symbol]!.map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
    })),
  );
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const events = new CoreEvents();
  const jobs = new JobRegistry(events);
  let now = Date.UTC(2026, 5, 1);
  const { handlers } = createBacktestHandlers({
    candles: new CandlesRepo(db),
    backtests: new BacktestsRepo(db),
    jobs,
    clock: { now: () => now++ },
    pause: () => new Promise((resolve) => setImmediate(resolve)),
  });
  const dispatch = domainDispatch({
    ...handlers,
    'job.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  });
  const call = <T>(method: string, params: unknown) =>
    dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
  return { events, call };
}

const RANGE = {
  feed: 'simulator',
  symbols: SYMBOLS,
  interval: '60',
  from: START,
  to: START + (BARS - 1) * HOUR,
};

describe('backtest handlers', () => {
  it('runs a walk-forward backtest as a job, stores it, and serves it back through list, get, exportCsv and delete', async () => {
    const { events, call } = setup();
    const progress: Array<EventPayload<'job.progress'>> = [];
    events.on('job.progress', (p) => progress.push(p));
    const summary = await call<BacktestSummary & { jobId: string }>('backtest.run', {
      ...RANGE,
      strategy: 'linear-lead-lag',
      trainBars: 500,
      testBars: 300,
      jobId: 'bt-job-1',
    });
    expect(summary.jobId).toBe('bt-job-1');
    expect(summary.folds).toBe(4); // tests start at 501, 801, 1101, 1401
    expect(summary.bars).toBe(BARS - 501 - 1);
    expect(summary.outOfSampleFrom).toBe(START + 501 * HOUR);
    expect(summary.metrics.map((m) => m.strategy)).toEqual([
      'linear-lead-lag',
      'equal-weight-rebalanced',
      'equal-weight-buy-and-hold',
      'btc-only',
      'cross-sectional-momentum',
    ]);
    expect(summary.metrics[0]!.metrics.sharpe!).toBeGreaterThan(0);
    expect(progress.some((p) => p.jobId === 'bt-job-1' && p.state === 'running')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ jobId: 'bt-job-1', state: 'done' });

    const list = await call<BacktestSummary[]>('backtest.list', {});
    expect(list.map((s) => s.id)).toEqual([summary.id]);
    expect(list[0]!.metrics).toEqual(summary.metrics);

    const detail = await call<BacktestDetail>('backtest.get', { id: summary.id, fillsOf: 'btc-only' });
    expect(detail.times).toHaveLength(summary.bars + 1);
    expect(detail.series).toHaveLength(5);
    for (const s of detail.series) {
      expect(s.equity[0]).toBe(100_000);
      expect(s.weights[0]).toHaveLength(SYMBOLS.length);
      // Each series' drawdown, recomputed here from its own equity curve (fall from the running peak),
      // against both the stored drawdown series and that strategy's maxDrawdown metric.
      let peak = -Infinity;
      const expected = s.equity.map((e) => {
        peak = Math.max(peak, e);
        return (peak - e) / peak;
      });
      expect(Math.max(...expected)).toBeGreaterThan(0);
      s.drawdown.forEach((d, t) => expect(d, `${s.strategy} bar ${t}`).toBeCloseTo(expected[t]!, 9));
      const metric = detail.metrics.find((m) => m.strategy === s.strategy)!.metrics.maxDrawdown;
      expect(metric, s.strategy).toBeCloseTo(Math.max(...expected), 9);
    }
    expect(detail.fills!.every((f) => f.strategy === 'btc-only')).toBe(true);
    expect(detail.fills![0]).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'buy',
      time: START + 502 * HOUR,
      decidedAt: START + 501 * HOUR,
    });
    expect(detail.fillCounts['linear-lead-lag']).toBeGreaterThan(10);
    expect(detail.foldList.map((f) => f.testFrom)).toEqual(
      [501, 801, 1101, 1401].map((b) => START + b * HOUR),
    );
    expect(detail.params).toMatchObject({
      strategy: 'linear-lead-lag',
      walkForward: { trainBars: 500, testBars: 300, purgeBars: 1 },
    });

    const equityCsv = await call<{ filename: string; csv: string }>('backtest.exportCsv', {
      id: summary.id,
      table: 'equity',
    });
    const lines = equityCsv.csv.trim().split('\r\n');
    expect(equityCsv.filename).toBe(`${summary.id}-equity.csv`);
    expect(lines[0]).toBe(
      'time,time_ms,linear-lead-lag,equal-weight-rebalanced,equal-weight-buy-and-hold,btc-only,cross-sectional-momentum',
    );
    expect(lines).toHaveLength(detail.times.length + 1);
    expect(lines[1]!.split(',')[1]).toBe(String(START + 501 * HOUR));
    const fillsCsv = await call<{ csv: string }>('backtest.exportCsv', { id: summary.id, table: 'fills' });
    const fillCount = Object.values(detail.fillCounts).reduce((s, x) => s + x, 0);
    expect(fillsCsv.csv.trim().split('\r\n')).toHaveLength(fillCount + 1);
    const metricsCsv = await call<{ csv: string }>('backtest.exportCsv', {
      id: summary.id,
      table: 'metrics',
    });
    expect(metricsCsv.csv.trim().split('\r\n')).toHaveLength(6);

    expect(await call('backtest.delete', { id: summary.id })).toEqual({ deleted: true });
    expect(await call('backtest.delete', { id: summary.id })).toEqual({ deleted: false });
    expect(await call('backtest.list', {})).toEqual([]);
    const missing = (await call('backtest.get', { id: summary.id }).catch((e: unknown) => e)) as CoreError;
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('is cancelled by job.cancel and stores nothing', async () => {
    const { events, call } = setup();
    let cancelRequested = false;
    events.on('job.progress', (p) => {
      if (p.jobId === 'bt-cancel' && p.state === 'running' && !cancelRequested) {
        cancelRequested = true;
        void call('job.cancel', { jobId: 'bt-cancel' });
      }
    });
    const error = (await call('backtest.run', {
      ...RANGE,
      trainBars: 500,
      testBars: 300,
      jobId: 'bt-cancel',
    }).catch((e: unknown) => e)) as CoreError;
    expect(error.code).toBe('CANCELLED');
    expect(await call('backtest.list', {})).toEqual([]);
  });

  it('explains missing candles, too short a range, an unavailable model and bad params', async () => {
    const { call } = setup();
    const code = async (params: unknown) =>
      (await call('backtest.run', params).catch((e: unknown) => e)) as CoreError;
    const noData = await code({ ...RANGE, symbols: ['BTCUSDT', 'XRPUSDT'] });
    expect(noData.code).toBe('DATA_INCOMPLETE');
    expect(noData.message).toMatch(/XRPUSDT.*Backfill/);
    const short = await code({ ...RANGE, trainBars: 1598 });
    expect(short.code).toBe('DATA_INCOMPLETE');
    expect(short.message).toMatch(/needs at least/);
    const model = await code({ ...RANGE, strategy: 'model' });
    expect(model.code).toBe('INVALID_PARAMS');
    const invalid = await code({ ...RANGE, from: RANGE.to + 1 });
    expect(invalid.code).toBe('INVALID_PARAMS');
    const badRisk = await code({ ...RANGE, risk: { leverage: -1 } });
    expect(badRisk.code).toBe('INVALID_PARAMS');
  });
});
