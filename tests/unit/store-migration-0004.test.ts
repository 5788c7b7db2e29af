// Migration 0004 (paper trading accounts), tested on its own from the previous version, with data, and
// the exactly-once guard of PaperRepo.applyBar that it exists for.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from '../../src/main/core/store/db';
import { PaperRepo } from '../../src/main/core/store/paper.repo';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-migration-0004-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

const FILL = {
  time: 7_200_000,
  decidedAt: 3_600_000,
  symbol: 'BTCUSDT',
  side: 'buy' as const,
  quantity: 0.5,
  price: 100,
  notional: 50,
  fee: 0.0275,
  slippageBps: 2,
  realisedPnl: 0,
  reason: 'rebalance' as const,
};

describe('0004 paper', () => {
  it('is named paper', () => {
    expect(migrations()[3]?.name).toBe('paper');
  });

  it('adds the paper tables to a version-3 database and keeps its backtests', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 3);
    db.prepare(
      "INSERT INTO backtests VALUES ('bt', 'n', 1, 'simulator', '[]', '60', 0, 10, 's', '{}', x'', 0)",
    ).run();
    migrate(db, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT id FROM backtests').pluck().all()).toEqual(['bt']);
    expect(columns(db, 'paper_accounts')).toEqual([
      'id',
      'created_at',
      'updated_at',
      'feed',
      'symbols',
      'interval',
      'strategy',
      'params',
      'snapshot',
      'last_bar_time',
      'start_time',
      'model_id',
    ]);
    expect(columns(db, 'paper_fills')).toEqual([
      'account_id',
      'seq',
      'time',
      'decided_at',
      'symbol',
      'side',
      'quantity',
      'price',
      'notional',
      'fee',
      'slippage_bps',
      'realised_pnl',
      'reason',
    ]);
    expect(columns(db, 'paper_equity')).toEqual([
      'account_id',
      'time',
      'equity',
      'cash',
      'gross',
      'drawdown',
      'weights',
    ]);
    db.close();
  });

  it('applies a bar exactly once: fills, mark and snapshot together, a repeat or an older bar changes nothing', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 4);
    const repo = new PaperRepo(db);
    repo.create({
      id: 'a',
      createdAt: 1,
      feed: 'simulator',
      symbols: ['BTCUSDT'],
      interval: '60',
      strategy: 'btc-only',
      params: { initialCapital: 1000 },
      startTime: 3_600_000,
      modelId: null,
    });
    const mark = (time: number) => ({
      time,
      equity: 1000,
      cash: 950,
      gross: 50,
      drawdown: 0,
      weights: [0.05],
    });
    const bar = (time: number, fills = [FILL]) => ({
      accountId: 'a',
      time,
      updatedAt: 9,
      fills,
      mark: mark(time),
      snapshot: { at: time },
    });
    expect(repo.applyBar(bar(7_200_000))).toBe(true);
    expect(repo.applyBar(bar(7_200_000))).toBe(false);
    expect(repo.applyBar(bar(3_600_000))).toBe(false);
    expect(repo.fills('a')).toHaveLength(1);
    expect(repo.get('a')).toMatchObject({ lastBarTime: 7_200_000, snapshot: { at: 7_200_000 } });
    // A failing write (a fill breaking a CHECK) rolls the whole bar back.
    expect(() => repo.applyBar(bar(10_800_000, [FILL, { ...FILL, price: -1 }]))).toThrow(/CHECK/);
    expect(repo.get('a')!.lastBarTime).toBe(7_200_000);
    expect(repo.fills('a')).toHaveLength(1);
    expect(repo.equity('a').map((m) => m.time)).toEqual([7_200_000]);
    expect(repo.applyBar(bar(10_800_000, [FILL, FILL]))).toBe(true);
    expect(repo.fills('a').map((f) => f.seq)).toEqual([2, 1, 0]);
    expect(repo.fills('a', 10, 2).map((f) => f.seq)).toEqual([1, 0]);
    // Deleting the account deletes its fills and marks.
    expect(repo.delete('a')).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM paper_fills').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM paper_equity').pluck().get()).toBe(0);
    db.close();
  });
});
