// The `backtest` command as a public interface: after a backfill from the simulator it prints the run
// id and the metrics of the strategy and of every baseline (--json, or a table with each Sharpe's
// interval), reads settings from --config, and explains a range with too little data with exit code 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR = 3_600_000;
const SYMBOLS = 'BTCUSDT,ETHUSDT,SOLUSDT';

let dataDir: string;
let simulator: Simulator;

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CROSSDESK_DATA_DIR: dataDir, FORCE_COLOR: '0' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-cli-backtest-'));
  simulator = await startSimulator({
    port: 0,
    seed: 7,
    interval: '60',
    symbols: SYMBOLS.split(','),
    historyBars: 1_500,
  });
});

afterAll(async () => {
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the backtest command', () => {
  it('prints the run id and the metrics of the strategy and every baseline, with settings from --config', async () => {
    const to = simulator.truth('BTCUSDT').at(-1)!.openTime;
    const from = to - 1_199 * HOUR;
    const range = [
      '--feed',
      'sim',
      '--symbols',
      SYMBOLS,
      '--interval',
      '60',
      '--from',
      String(from),
      '--to',
      String(to),
    ];
    const backfill = await cli('backfill', ...range, '--rest-url', simulator.restUrl, '--json');
    expect(backfill.code, backfill.stderr).toBe(0);

    const config = join(dataDir, 'backtest.json');
    writeFileSync(
      config,
      JSON.stringify({ initialCapital: 50_000, costs: { feeRate: 0.001 }, risk: { cadenceBars: 1 } }),
    );
    const run = await cli(
      'backtest',
      ...range,
      '--train-bars',
      '600',
      '--test-bars',
      '200',
      '--config',
      config,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      id: string;
      strategy: string;
      bars: number;
      folds: number;
      metrics: Record<string, { role: string; sharpe: number | null; totalReturn: number; feesPaid: number }>;
    };
    expect(result.id).toMatch(/^bt-/);
    expect(result.strategy).toBe('linear-lead-lag');
    expect(result.folds).toBe(3); // tests start at bars 601, 801, 1001 of 1200
    expect(result.bars).toBe(1_200 - 601 - 1);
    expect(Object.keys(result.metrics)).toEqual([
      'linear-lead-lag',
      'equal-weight-rebalanced',
      'equal-weight-buy-and-hold',
      'btc-only',
      'cross-sectional-momentum',
    ]);
    expect(result.metrics['linear-lead-lag']!.role).toBe('strategy');
    // The config's fee (0.1%) on the buy-and-hold's single purchase of 50,000.
    expect(result.metrics['btc-only']!.feesPaid).toBeGreaterThan(49);
    expect(result.metrics['btc-only']!.feesPaid).toBeLessThan(51);

    const momentum = [
      'backtest',
      ...range,
      '--train-bars',
      '600',
      '--test-bars',
      '200',
      '--strategy',
      'cross-sectional-momentum',
    ];
    const table = await cli(...momentum);
    expect(table.code, table.stderr).toBe(0);
    // A baseline has no label horizon, so no purge gap: tests start at bar 600.
    expect(table.stdout).toMatch(/^backtest bt-\w+: 599 out-of-sample bars in 3 folds/);
    expect(table.stdout).toMatch(/\* cross-sectional-momentum/);
    expect(table.stdout.match(/cross-sectional-momentum/g)).toHaveLength(1);
    // Each Sharpe with its 95% bootstrap interval, as --json gives them (the same seeded bootstrap).
    const same = await cli(...momentum, '--json');
    const metrics = (
      JSON.parse(same.stdout) as {
        metrics: Record<string, { sharpe: number; sharpeInterval: { low: number; high: number } }>;
      }
    ).metrics;
    expect(table.stdout).toMatch(/net Sharpe\s+95% CI\s+Δ vs best/);
    // One run, no seed sweep: no line about seeds.
    expect(table.stdout).not.toMatch(/across seeds/);
    for (const [strategy, m] of Object.entries(metrics)) {
      const row = table.stdout.split('\n').find((line) => line.slice(2).startsWith(`${strategy} `));
      const interval = `[${m.sharpeInterval.low.toFixed(2)}, ${m.sharpeInterval.high.toFixed(2)}]`;
      expect(row, strategy).toContain(`${m.sharpe.toFixed(2)} `);
      expect(row, strategy).toContain(interval);
    }
  });

  it('explains a range too short for one fold, with exit code 1', async () => {
    const to = simulator.truth('BTCUSDT').at(-1)!.openTime;
    const short = await cli(
      'backtest',
      '--feed',
      'sim',
      '--symbols',
      SYMBOLS,
      '--interval',
      '60',
      '--from',
      String(to - 100 * HOUR),
      '--to',
      String(to),
      '--json',
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/needs at least \d+ bars/);
    const missing = await cli(
      'backtest',
      '--feed',
      'nothing',
      '--symbols',
      'BTCUSDT',
      '--interval',
      '60',
      '--from',
      '0',
      '--to',
      String(to),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No stored 60 candles of BTCUSDT on feed 'nothing'/);
    // Seeds vary only the model's training: a deterministic strategy refuses them as bad usage.
    const seeds = await cli(
      'backtest',
      '--feed',
      'sim',
      '--symbols',
      SYMBOLS,
      '--interval',
      '60',
      '--from',
      '0',
      '--to',
      String(to),
      '--strategy',
      'btc-only',
      '--seeds',
      '3',
    );
    expect(seeds.code).toBe(2);
    expect(seeds.stderr).toMatch(/--seeds .*--strategy model/);
  });
});
