// kill -9 of the paper trader mid-rebalance, many times: each restart resumes from the database, and in
// the end every bar was applied exactly once, with the same fills and equity as an uninterrupted run.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/main/core/clock';
import { CoreEvents } from '../../src/main/core/events';
import { mulberry32 } from '../../src/main/core/market/simulator/prng';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase } from '../../src/main/core/store/db';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { PaperTrader, type PaperSettings } from '../../src/main/core/trading/paper';

const CHILD = fileURLToPath(new URL('./fixtures/paper-child.ts', import.meta.url));
const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = DEFAULT_MARKET_SPEC.symbols;
const HISTORY = 300;
const BARS = 4_000;

const SETTINGS: PaperSettings = {
  accountId: 'crash',
  feed: 'simulator',
  symbols: SYMBOLS,
  interval: '60',
  strategy: 'linear-lead-lag',
  initialCapital: 100_000,
  costs: {},
  risk: { cadenceBars: 1, rebalanceThreshold: 0.05 },
  trainBars: 250,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-paper-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A database with the history, a created account, and then every later bar stored (none applied). */
async function prepare(file: string): Promise<void> {
  const market = generateMarket(DEFAULT_MARKET_SPEC, {
    seed: 17,
    interval: '60',
    startTime: START,
    bars: BARS,
  });
  const db = openDatabase(file);
  const candles = new CandlesRepo(db);
  const store = (from: number, to: number) =>
    candles.upsertMany(
      SYMBOLS.map((symbol) => ({
        key: { feed: 'simulator', symbol, interval: '60' as const },
        candles: market[symbol]!.slice(from, to).map((c) => ({ ...c, updatedAt: c.openTime + HOUR })),
      })),
    );
  store(0, HISTORY);
  const trader = new PaperTrader({
    candles,
    paper: new PaperRepo(db),
    events: new CoreEvents(),
    clock: systemClock,
  });
  await trader.start(SETTINGS);
  await trader.stop();
  store(HISTORY, BARS);
  db.close();
}

/** Runs the child until it has applied `killAfter` more bars, then SIGKILLs its process group. */
function runChild(
  file: string,
  killAfter: number | null,
): Promise<{ applied: number; finished: boolean; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', CHILD, file, JSON.stringify(SETTINGS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const applied = out.split('\n').filter((l) => l.startsWith('applied')).length;
      if (!killed && killAfter !== null && applied >= killAfter) {
        killed = true;
        process.kill(-child.pid!, 'SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const applied = out.split('\n').filter((l) => l.startsWith('applied')).length;
      if (!killed && code !== 0) reject(new Error(`paper child failed (${code}): ${stderr}`));
      else resolve({ applied, finished: out.includes('finished'), signal });
    });
  });
}

describe('paper trader killed with SIGKILL', () => {
  it('applies each bar exactly once across many crashes, ending identical to an uninterrupted run', async () => {
    const file = join(dir, 'crossdesk.db');
    await prepare(file);
    copyFileSync(file, join(dir, 'reference.db'));

    const rng = mulberry32(5);
    let kills = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const run = await runChild(file, 50 + Math.floor(rng() * 400));
      if (run.finished) break;
      expect(run.signal).toBe('SIGKILL');
      kills++;
      // Between crashes the account is consistent: one equity mark per bar up to last_bar_time.
      const db = openDatabase(file);
      const paper = new PaperRepo(db);
      const account = paper.get('crash')!;
      const marks = paper.equity('crash');
      expect(marks.length).toBe((account.lastBarTime! - account.startTime) / HOUR + 1);
      expect(new Set(marks.map((m) => m.time)).size).toBe(marks.length);
      db.close();
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    const last = await runChild(file, null);
    expect(last.finished).toBe(true);

    // The reference: the same database, applied in one uninterrupted run in this process.
    const refDb = openDatabase(join(dir, 'reference.db'));
    const refPaper = new PaperRepo(refDb);
    const reference = new PaperTrader({
      candles: new CandlesRepo(refDb),
      paper: refPaper,
      events: new CoreEvents(),
      clock: systemClock,
    });
    await reference.start(SETTINGS);
    await reference.stop();

    const db = openDatabase(file);
    const paper = new PaperRepo(db);
    const account = paper.get('crash')!;
    expect(account.lastBarTime).toBe(START + (BARS - 1) * HOUR);
    expect(paper.equity('crash')).toHaveLength(BARS - HISTORY);
    const fills = paper.fills('crash', 1_000_000);
    expect(fills.length).toBeGreaterThan(100);
    expect(fills).toEqual(refPaper.fills('crash', 1_000_000));
    expect(paper.equity('crash')).toEqual(refPaper.equity('crash'));
    expect(account.snapshot).toEqual(refPaper.get('crash')!.snapshot);
    db.close();
    refDb.close();
  });
});
