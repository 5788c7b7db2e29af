// Real market data end to end (tests/fixtures/real: five USDT perpetuals, 2,500 hours of 2022 with the
// LUNA crash): the CSVs import through the core's import call exactly, a walk-forward backtest of every
// strategy runs on them with its statistics (the model with a compact configuration), the btc-only
// baseline earns what BTC itself did, and the evaluate command reports mean ± std across seeds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestSummary, PerformanceMetricsDto } from '../../src/shared/contract/backtest';
import { BASELINE_NAMES } from '../../src/shared/contract/backtest';
import { createCore, type Core } from '../../src/main/core/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(root, 'tests/fixtures/real');
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'AVAXUSDT'];
const FEED = 'binance-csv';
/** Small enough for CI: one short training per fold. */
const COMPACT_MODEL = {
  lookback: 24,
  patchLength: 6,
  dModel: 16,
  heads: 2,
  layers: 1,
  maxLag: 2,
  training: { epochs: 2, maxStepsPerEpoch: 15, batchSize: 32, workers: 1 },
};

interface Row {
  time: number;
  open: number;
  close: number;
}

function readFixture(symbol: string): Row[] {
  return readFileSync(join(FIXTURES, `${symbol}_60.csv`), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [time, open, , , close] = line.split(',');
      return { time: Number(time), open: Number(open), close: Number(close) };
    });
}

let dataDir: string;
let core: Core;
const call = <T>(method: string, params: unknown) =>
  core.dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-real-data-'));
  core = await createCore({ dataDir });
});

afterAll(async () => {
  await core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('real hourly data', () => {
  it('imports every fixture through the core, candle for candle', async () => {
    for (const symbol of SYMBOLS) {
      const content = readFileSync(join(FIXTURES, `${symbol}_60.csv`), 'utf8');
      const result = await call<{ rows: number; first: number; last: number }>('market.importCsv', {
        feed: FEED,
        symbol,
        interval: '60',
        content,
      });
      const rows = readFixture(symbol);
      expect(result.rows).toBe(rows.length);
      expect([result.first, result.last]).toEqual([rows[0]!.time, rows.at(-1)!.time]);
      const stored = await call<Array<{ openTime: number; close: number }>>('market.candles', {
        feed: FEED,
        symbol,
        interval: '60',
      });
      expect(stored.map((c) => [c.openTime, c.close])).toEqual(rows.map((r) => [r.time, r.close]));
    }
  });

  const range = () => {
    const rows = readFixture('BTCUSDT');
    return { feed: FEED, symbols: SYMBOLS, interval: '60', from: rows[0]!.time, to: rows.at(-1)!.time };
  };
  const runs = new Map<string, BacktestSummary>();

  it.each(['linear-lead-lag', ...BASELINE_NAMES])(
    'runs a walk-forward backtest of %s with its bootstrap intervals',
    async (strategy) => {
      const run = await call<BacktestSummary>('backtest.run', {
        ...range(),
        strategy,
        trainBars: 720,
        testBars: 600,
      });
      runs.set(strategy, run);
      expect(run.folds).toBe(3);
      expect(run.metrics.map((m) => m.strategy).sort()).toEqual(
        [strategy, ...BASELINE_NAMES.filter((b) => b !== strategy)].sort(),
      );
      for (const { metrics } of run.metrics) {
        expect(metrics.bars).toBe(run.bars);
        const { low, high } = metrics.sharpeInterval!;
        expect(low!).toBeLessThan(high!);
        // About 1,800 hourly bars: the interval is wide (several Sharpe units), and never absurd.
        expect(high! - low!).toBeGreaterThan(1);
        expect(high! - low!).toBeLessThan(40);
      }
      const main = run.metrics.find((m) => m.role === 'strategy')!.metrics;
      expect(main.sharpeVsBestBaseline?.baseline).toMatch(/./);
      // No funding history in a CSV feed: the run says so instead of a silent zero.
      for (const symbol of SYMBOLS) {
        expect(run.marketRules?.fundingModelled[symbol]).toBe(false);
        expect(run.marketRules?.notes.join('\n')).toContain(
          `funding not modelled: no funding history for ${symbol} on feed '${FEED}'`,
        );
      }
    },
    60_000,
  );

  it('has the btc-only baseline earn what BTC did from its fill, less costs', () => {
    const run = runs.get('btc-only')!;
    const btc = run.metrics.find((m) => m.strategy === 'btc-only')!.metrics;
    const rows = readFixture('BTCUSDT');
    // Decided at the close of the first out-of-sample bar for a weight of 1 (a quantity of equity / that
    // close); filled at the next open plus 2 bps of slippage, with the 0.055% taker fee; held to the end.
    const first = rows.findIndex((r) => r.time === run.outOfSampleFrom);
    const decisionClose = rows[first]!.close;
    const fill = rows[first + 1]!.open * (1 + 2 / 10_000);
    const quantityPerEquity = 1 / decisionClose;
    const held = quantityPerEquity * (rows.at(-1)!.close - fill) - quantityPerEquity * fill * 0.00055;
    expect(Math.abs(btc.totalReturn - held)).toBeLessThan(0.0005);
    // The same baseline on the same bars gives the same figures in every run.
    for (const other of runs.values()) {
      const again = other.metrics.find((m) => m.strategy === 'btc-only');
      if (again && other.outOfSampleFrom === run.outOfSampleFrom)
        expect(again.metrics.totalReturn).toBeCloseTo(btc.totalReturn, 10);
    }
  });

  it('runs a walk-forward backtest of the model (compact) with IC, rank IC and ICIR of its forecasts', async () => {
    const run = await call<BacktestSummary>('backtest.run', {
      ...range(),
      strategy: 'model',
      trainBars: 720,
      testBars: 900,
      model: { config: COMPACT_MODEL, seed: 3 },
    });
    expect(run.folds).toBe(2);
    const model = run.metrics.find((m) => m.role === 'strategy')!.metrics as PerformanceMetricsDto;
    const { ic, rankIc } = model.forecast!;
    // Daily decisions over ~1,800 bars: about 75 cross-sections of five assets.
    expect(ic!.count).toBeGreaterThan(50);
    expect(rankIc!.count).toBeGreaterThan(50);
    expect(Math.abs(rankIc!.mean!)).toBeLessThan(1);
    expect(rankIc!.icir).toBeCloseTo(rankIc!.mean! / rankIc!.std!, 12);
    expect(rankIc!.tStat).toBeCloseTo((rankIc!.mean! / rankIc!.std!) * Math.sqrt(rankIc!.count), 9);
    const detail = await call<{ params: { model: { weightsFrom: string } } }>('backtest.get', { id: run.id });
    expect(detail.params.model.weightsFrom).toBe('portfolio-head');
  }, 120_000);
});

describe('the evaluate command on real data', () => {
  it('reports every metric as mean ± std across seeds, in JSON, from its own temporary store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossdesk-evaluate-test-'));
    try {
      const config = join(dir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({ trainBars: 720, testBars: 900, model: { config: COMPACT_MODEL } }),
      );
      const rows = readFixture('BTCUSDT');
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/main/cli.ts',
          'evaluate',
          '--data',
          FIXTURES,
          '--symbols',
          'BTCUSDT,ETHUSDT,SOLUSDT',
          '--to',
          String(rows[1_499]!.time),
          '--seeds',
          '2',
          '--config',
          config,
          '--json',
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CROSSDESK_DATA_DIR: dir } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const code = await new Promise((done) => child.once('close', done));
      expect(code, stderr).toBe(0);
      const report = JSON.parse(stdout) as {
        seeds: number[];
        fundingModelled: boolean;
        notes: string[];
        runs: BacktestSummary[];
        strategies: Array<{
          strategy: string;
          role: string;
          metrics: Record<string, { mean: number; std: number; n: number }>;
        }>;
      };
      expect(report.seeds).toEqual([1, 1001]);
      expect(report.runs).toHaveLength(2);
      expect(report.runs[0]!.outOfSampleTo).toBe(rows[1_499]!.time);
      expect(report.strategies.map((s) => s.strategy)).toEqual(['model', ...BASELINE_NAMES]);
      // Mean and sample std across the two runs, computed here from the runs themselves.
      const sharpes = report.runs.map((r) => r.metrics.find((m) => m.strategy === 'model')!.metrics.sharpe!);
      const mean = (sharpes[0]! + sharpes[1]!) / 2;
      const std = Math.abs(sharpes[0]! - sharpes[1]!) / Math.SQRT2;
      const model = report.strategies[0]!.metrics;
      expect(model['sharpe']!.mean).toBeCloseTo(mean, 12);
      expect(model['sharpe']!.std).toBeCloseTo(std, 12);
      // The baselines do not depend on the model's seed.
      expect(report.strategies[1]!.metrics['sharpe']!.std).toBe(0);
      expect(model['feesFractionPerYear']!.mean).toBeGreaterThan(0);
      expect(report.fundingModelled).toBe(false);
      expect(report.notes.join('\n')).toContain('funding not modelled: no funding history for BTCUSDT');
      // Its store was temporary: the data directory holds nothing from it.
      expect(readdirSync(dir).sort()).toEqual(['config.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
