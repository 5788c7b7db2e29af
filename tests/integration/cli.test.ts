// The command line as a public interface: names, flags, stdout/stderr, exit codes. Each test runs the
// real CLI in a child process (as `npm run cli` does) on a temp data directory, reading from the
// simulator on loopback.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../src/shared/domain';
import { startSimulator, type Simulator } from '../../src/main/core/market/simulator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MINUTE = 60_000;

let dataDir: string;
let simulator: Simulator;

/** Runs the CLI without blocking this process, whose event loop serves the simulator. */
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
  dataDir = mkdtempSync(join(tmpdir(), 'crossdesk-cli-'));
  simulator = await startSimulator({
    port: 0,
    seed: 5,
    interval: '1',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    historyBars: 2_000,
    barMs: 600_000,
  });
});

afterAll(async () => {
  await simulator?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the CLI', () => {
  it('backfills a range and exports exactly the simulator’s candles as csv and json', async () => {
    const to = simulator.truth('BTCUSDT').at(-1)!.openTime;
    const from = to - 499 * MINUTE;
    const backfill = await cli(
      'backfill',
      '--feed',
      'sim',
      '--symbols',
      'BTCUSDT,ETHUSDT',
      '--interval',
      '1',
      '--from',
      new Date(from).toISOString(),
      '--to',
      String(to),
      '--rest-url',
      simulator.restUrl,
      '--json',
    );
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(JSON.parse(backfill.stdout)).toMatchObject({ written: { BTCUSDT: 500, ETHUSDT: 500 } });

    const truth = simulator.truth('ETHUSDT').filter((c) => c.openTime >= from && c.openTime <= to);
    const csv = await cli(
      'candles',
      '--feed',
      'sim',
      '--symbol',
      'ETHUSDT',
      '--interval',
      '1',
      '--format',
      'csv',
    );
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('open_time_ms,open,high,low,close,volume,turnover');
    expect(lines.slice(1)).toEqual(
      truth.map((c) => [c.openTime, c.open, c.high, c.low, c.close, c.volume, c.turnover].join(',')),
    );

    const json = await cli(
      'candles',
      '--feed',
      'sim',
      '--symbol',
      'ETHUSDT',
      '--interval',
      '1',
      '--from',
      String(from + 10 * MINUTE),
      '--to',
      String(from + 19 * MINUTE),
      '--format',
      'json',
    );
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as Candle[]).map((c) => c.openTime)).toEqual(
      truth.slice(10, 20).map((c) => c.openTime),
    );
  });

  it('imports a csv export back, and rejects a bad file with numbered rows, writing nothing', async () => {
    const exported = await cli(
      'candles',
      '--feed',
      'sim',
      '--symbol',
      'BTCUSDT',
      '--interval',
      '1',
      '--format',
      'csv',
    );
    const file = join(dataDir, 'btc.csv');
    writeFileSync(file, exported.stdout);
    const imported = await cli(
      'import',
      '--feed',
      'copy',
      '--symbol',
      'BTCUSDT',
      '--interval',
      '1',
      file,
      '--json',
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 500, timeFormat: 'ms' });

    const bad = join(dataDir, 'bad.csv');
    writeFileSync(
      bad,
      'time,open,high,low,close,volume\n1700000040000,10,11,9,10.5,1\n1700000100000,10,9,9,10.5,1\n1700000160000,10,11,9,10.5,-4\n',
    );
    const rejected = await cli('import', '--feed', 'bad', '--symbol', 'BTCUSDT', '--interval', '1', bad);
    expect(rejected.code).toBe(1);
    const errorLines = rejected.stderr.trimEnd().split('\n');
    expect(errorLines.filter((l) => /^\s+row 3\b/.test(l))).toHaveLength(1);
    expect(errorLines.filter((l) => /^\s+row 4\b/.test(l))).toHaveLength(1);
    expect(errorLines.at(-1)).toMatch(/^crossdesk import: .*\[INVALID_CSV\]$/);
    const stored = await cli(
      'candles',
      '--feed',
      'bad',
      '--symbol',
      'BTCUSDT',
      '--interval',
      '1',
      '--format',
      'json',
    );
    expect(JSON.parse(stored.stdout)).toEqual([]);
  });

  it('reports the stored series in status --json', async () => {
    const status = await cli('status', '--feed', 'sim', '--json');
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      dataDir: string;
      stored: { symbol: string; count: number; gaps: number }[];
    };
    expect(parsed.dataDir).toBe(dataDir);
    expect(parsed.stored.map((s) => [s.symbol, s.count, s.gaps])).toEqual([
      ['BTCUSDT', 500, 0],
      ['ETHUSDT', 500, 0],
    ]);
  });

  it('exits 2 with the usage for an unknown command, an unknown flag or a bad value', async () => {
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'frobnicate'");
    expect(unknown.stderr).toContain('--feed F --symbols A,B,.. --interval I --from T --to T');

    const flag = await cli('candles', '--feed', 'sim', '--symbol', 'BTCUSDT', '--interval', '1', '--colour');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--colour');

    const time = await cli(
      'backfill',
      '--feed',
      'sim',
      '--symbols',
      'BTCUSDT',
      '--interval',
      '1',
      '--from',
      'yesterday',
      '--to',
      '0',
    );
    expect(time.code).toBe(2);
    expect(time.stderr.split('\n')[0]).toMatch(/--from 'yesterday' is not a time/);
    expect(time.stdout).toBe('');
  });

  it('exits 1 with a one-line reason when the core refuses the call', async () => {
    const result = await cli(
      'backfill',
      '--feed',
      'sim',
      '--symbols',
      'BTCUSDT',
      '--interval',
      '7',
      '--from',
      '0',
      '--to',
      '1',
      '--rest-url',
      simulator.restUrl,
    );
    expect(result.code).toBe(1);
    const last = result.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(
      /^crossdesk backfill: Invalid parameters for market\.backfill: interval: .*\[INVALID_PARAMS\]$/,
    );
  });

  it('simulate serves Bybit’s paths on one port and stops cleanly on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/main/cli.ts',
        'simulate',
        '--port',
        '0',
        '--seed',
        '9',
        '--bar-ms',
        '100',
        '--interval',
        '5',
        '--symbols',
        'BTCUSDT',
        '--history-bars',
        '50',
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    await expect.poll(() => stdout.includes('WS '), { timeout: 60_000 }).toBe(true);
    const restUrl = /^REST (\S+)$/m.exec(stdout)?.[1];
    expect(/^WS +(ws:\/\/127\.0\.0\.1:\d+\/v5\/public\/linear)$/m.test(stdout)).toBe(true);
    const reply = (await (
      await fetch(`${restUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=5&limit=10`)
    ).json()) as {
      retCode: number;
      result: { list: string[][] };
    };
    expect(reply.retCode).toBe(0);
    expect(reply.result.list).toHaveLength(10);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
