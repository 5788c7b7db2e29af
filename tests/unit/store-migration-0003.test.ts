// Migration 0003 (backtests), tested on its own from the previous version, with data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from '../../src/main/core/store/db';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-migration-0003-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

describe('0003 backtests', () => {
  it('is named backtests', () => {
    expect(migrations()[2]?.name).toBe('backtests');
  });

  it('adds the backtest tables to a version-2 database and keeps its data', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, 2);
    db.prepare(
      "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 3600000, 1, 2, 0.5, 1.5, 10, 15, 1, 7200000)",
    ).run();
    migrate(db, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT COUNT(*) FROM candles').pluck().get()).toBe(1);
    expect(columns(db, 'backtests')).toEqual([
      'id',
      'name',
      'created_at',
      'feed',
      'symbols',
      'interval',
      'range_from',
      'range_to',
      'strategy',
      'params',
      'times',
      'bars',
    ]);
    expect(columns(db, 'backtest_folds')).toEqual([
      'backtest_id',
      'fold',
      'train_from',
      'train_to',
      'test_from',
      'test_to',
      'model_id',
    ]);
    expect(columns(db, 'backtest_strategies')).toEqual([
      'backtest_id',
      'strategy',
      'role',
      'position',
      'metrics',
      'equity',
      'gross',
      'weights',
    ]);
    expect(columns(db, 'backtest_attention')).toEqual(['backtest_id', 'time', 'matrix', 'lag_weights']);
    expect(columns(db, 'backtest_fills')).toEqual([
      'backtest_id',
      'strategy',
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

    const blob = Buffer.alloc(8);
    db.prepare(
      "INSERT INTO backtests VALUES ('bt', 'n', 1, 'simulator', '[\"BTCUSDT\"]', '60', 0, 10, 's', '{}', ?, 1)",
    ).run(blob);
    db.prepare("INSERT INTO backtest_strategies VALUES ('bt', 's', 'strategy', 0, '{}', ?, ?, ?)").run(
      blob,
      blob,
      blob,
    );
    const fill = db.prepare(
      "INSERT INTO backtest_fills VALUES ('bt', ?, ?, 2, 1, 'BTCUSDT', ?, 1, 100, 100, 0.05, 2, 0, 'rebalance')",
    );
    fill.run('s', 0, 'buy');
    // Constraints: a side that is neither buy nor sell, a fill of an unknown strategy, invalid JSON.
    expect(() => fill.run('s', 1, 'hold')).toThrow(/CHECK/);
    expect(() => fill.run('other', 1, 'buy')).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO backtests VALUES ('bt2', 'n', 1, 'f', 'not json', '60', 0, 10, 's', '{}', ?, 1)",
        )
        .run(blob),
    ).toThrow(/CHECK/);
    // Deleting the run removes everything hanging off it.
    db.prepare("DELETE FROM backtests WHERE id = 'bt'").run();
    expect(db.prepare('SELECT COUNT(*) FROM backtest_fills').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM backtest_strategies').pluck().get()).toBe(0);
    db.close();
  });
});
