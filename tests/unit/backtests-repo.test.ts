// The backtests repository on a real SQLite file: a whole run written in one transaction, read back
// exactly (float64 series bit for bit), listed newest first, deleted with everything hanging off it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BacktestsRepo,
  decodeFloat64,
  encodeFloat64,
  type StoredBacktest,
} from '../../src/main/core/store/backtests.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';

let dir: string;
let db: Db;
let repo: BacktestsRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-backtests-'));
  db = openDatabase(join(dir, 'store.sqlite'));
  repo = new BacktestsRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function run(id: string, createdAt: number): StoredBacktest {
  const times = Float64Array.from({ length: 4 }, (_, k) => T0 + k * HOUR);
  const fill = {
    time: T0 + HOUR,
    decidedAt: T0,
    symbol: 'BTCUSDT',
    side: 'buy' as const,
    quantity: 0.123,
    price: 65_000.5,
    notional: 0.123 * 65_000.5,
    fee: 0.123 * 65_000.5 * 0.00055,
    slippageBps: 2,
    realisedPnl: 0,
    reason: 'rebalance' as const,
  };
  return {
    id,
    name: `run ${id}`,
    createdAt,
    feed: 'simulator',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    interval: '60',
    from: T0 - 100 * HOUR,
    to: T0 + 3 * HOUR,
    strategy: 'linear-lead-lag',
    params: { walkForward: { trainBars: 100 } },
    bars: 3,
    times,
    folds: [
      {
        index: 0,
        trainFrom: T0 - 100 * HOUR,
        trainTo: T0 - 2 * HOUR,
        testFrom: T0,
        testTo: T0 + 3 * HOUR,
        modelId: 'm-1',
      },
    ],
    runs: [
      {
        strategy: 'linear-lead-lag',
        role: 'strategy',
        metrics: { sharpe: 1.5, cagr: null, contribution: { BTCUSDT: 0.01 } },
        equity: Float64Array.from([100_000, 100_000.1, 99_999.99, 100_123.456789]),
        gross: Float64Array.from([0, 8000, 8001, 7999]),
        weights: Float64Array.from([0, 0, 0.08, -0.01, 0.08, -0.01, 0.079, 0.1 / 3]),
        fills: [fill, { ...fill, time: T0 + 2 * HOUR, side: 'sell', quantity: 0.1, realisedPnl: 12.5 }],
      },
      {
        strategy: 'btc-only',
        role: 'baseline',
        metrics: { sharpe: null },
        equity: Float64Array.from([100_000, 100_001, 100_002, 100_003]),
        gross: Float64Array.from([0, 1, 2, 3]),
        weights: new Float64Array(8),
        fills: [fill],
      },
    ],
    attention: {
      times: [T0, T0 + HOUR],
      matrices: [
        [
          [0.7, 0.3],
          [0.4, 0.6],
        ],
        [
          [0.5, 0.5],
          [0.2, 0.8],
        ],
      ],
      lagWeights: [
        [0.9, 0.1],
        [0.8, 0.2],
      ],
    },
  };
}

describe('backtests repository', () => {
  it('encodes float64 series little-endian and decodes them bit for bit', () => {
    const values = Float64Array.from([0, -0, 1 / 3, 1e-300, -123456.789, Number.MAX_VALUE]);
    const buffer = encodeFloat64(values);
    expect(buffer.length).toBe(48);
    expect(buffer.readDoubleLE(16)).toBe(1 / 3);
    expect(Array.from(decodeFloat64(buffer))).toEqual(Array.from(values));
  });

  it('stores a whole run and loads it back exactly', () => {
    const stored = run('bt-1', T0);
    repo.insert(stored);
    const loaded = repo.get('bt-1')!;
    expect(loaded.times).toEqual(stored.times);
    expect(loaded.folds).toEqual(stored.folds);
    expect(loaded.runs.map((r) => [r.strategy, r.role, r.metrics])).toEqual(
      stored.runs.map((r) => [r.strategy, r.role, r.metrics]),
    );
    expect(loaded.runs[0]!.equity).toEqual(stored.runs[0]!.equity);
    expect(loaded.runs[0]!.weights).toEqual(stored.runs[0]!.weights);
    expect(loaded.attention).toEqual(stored.attention);
    expect(loaded.params).toEqual(stored.params);
    expect(repo.fills('bt-1', 'linear-lead-lag').map(({ strategy: _s, ...f }) => f)).toEqual(
      stored.runs[0]!.fills,
    );
    expect(repo.fills('bt-1')).toHaveLength(3);
    expect(repo.fillCounts('bt-1')).toEqual({ 'linear-lead-lag': 2, 'btc-only': 1 });
    expect(repo.get('missing')).toBeNull();
  });

  it('writes all or nothing: a failing fill leaves no trace of the run', () => {
    const bad = run('bt-bad', T0);
    (bad.runs[1]!.fills as unknown[]) = [{ ...bad.runs[1]!.fills[0]!, quantity: -1 }]; // CHECK (quantity > 0)
    expect(() => repo.insert(bad)).toThrow(/CHECK/);
    expect(repo.get('bt-bad')).toBeNull();
    expect(db.prepare('SELECT COUNT(*) FROM backtest_fills').pluck().get()).toBe(0);
    expect(() => repo.insert(run('bt-dup', T0))).not.toThrow();
    expect(() => repo.insert(run('bt-dup', T0))).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('lists runs newest first with their metrics and out-of-sample span, and deletes a run with everything in it', () => {
    repo.insert(run('bt-old', T0));
    repo.insert(run('bt-new', T0 + 1));
    const listing = repo.list();
    expect(listing.map((l) => l.id)).toEqual(['bt-new', 'bt-old']);
    expect(listing[0]).toMatchObject({ outOfSampleFrom: T0, outOfSampleTo: T0 + 3 * HOUR, folds: 1 });
    expect(listing[0]!.metrics.map((m) => m.strategy)).toEqual(['linear-lead-lag', 'btc-only']);
    expect(repo.list(1)).toHaveLength(1);

    expect(repo.delete('bt-old')).toBe(true);
    expect(repo.delete('bt-old')).toBe(false);
    for (const table of ['backtest_folds', 'backtest_strategies', 'backtest_attention', 'backtest_fills']) {
      expect(db.prepare(`SELECT COUNT(*) FROM ${table} WHERE backtest_id = 'bt-old'`).pluck().get()).toBe(0);
      expect(
        db.prepare(`SELECT COUNT(*) FROM ${table} WHERE backtest_id = 'bt-new'`).pluck().get(),
      ).toBeGreaterThan(0);
    }
  });
});
