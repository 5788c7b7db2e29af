// Migration instruments_funding, tested on its own from the previous version with data, and the repos
// it exists for: instrument rules per feed, funding rates keyed by feed + symbol + funding time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstrumentRules } from '../../src/shared/domain';
import { migrate, migrations, schemaVersion } from '../../src/main/core/store/db';
import { FundingRepo } from '../../src/main/core/store/funding.repo';
import { InstrumentsRepo } from '../../src/main/core/store/instruments.repo';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-migration-funding-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const version = () => migrations().find((m) => m.name === 'instruments_funding')!.version;

const RULES: InstrumentRules = {
  symbol: 'BTCUSDT',
  status: 'Trading',
  launchTimeMs: 1_584_230_400_000,
  tickSize: 0.1,
  qtyStep: 0.001,
  minOrderQty: 0.001,
  maxMarketOrderQty: 119,
  minNotionalValue: 5,
  maxLeverage: 100,
  fundingIntervalMinutes: 480,
  source: 'exchange',
  fetchedAtMs: 1_700_000_000_000,
};

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
}

describe('migration instruments_funding', () => {
  it('adds the instrument and funding tables to a database at the previous version and keeps its candles', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    migrate(db, version() - 1);
    db.prepare(
      "INSERT INTO candles VALUES ('bybit', 'BTCUSDT', '60', 0, 1, 2, 0.5, 1.5, 10, 15, 1, 0)",
    ).run();
    migrate(db, version());
    expect(schemaVersion(db)).toBe(version());
    expect(db.prepare('SELECT COUNT(*) FROM candles').pluck().get()).toBe(1);
    expect(columns(db, 'instruments')).toEqual([
      'feed',
      'symbol',
      'status',
      'launch_time',
      'tick_size',
      'qty_step',
      'min_order_qty',
      'max_market_order_qty',
      'min_notional_value',
      'max_leverage',
      'funding_interval_minutes',
      'source',
      'fetched_at',
    ]);
    expect(columns(db, 'funding_rates')).toEqual(['feed', 'symbol', 'funding_time', 'rate']);
    expect(columns(db, 'funding_coverage')).toEqual(['feed', 'symbol', 'from_time', 'to_time']);
    db.close();
  });

  it('stores rules per feed, replaces them on a later fetch and refuses rules the engine cannot use', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    migrate(db, version());
    const repo = new InstrumentsRepo(db);
    repo.upsert('bybit', [RULES]);
    repo.upsert('my-csv', [{ ...RULES, qtyStep: 0.01, source: 'user', fetchedAtMs: null }]);
    expect(repo.get('bybit', 'BTCUSDT')).toEqual(RULES);
    expect(repo.get('my-csv', 'BTCUSDT')).toMatchObject({ qtyStep: 0.01, source: 'user', fetchedAtMs: null });
    expect(repo.get('bybit', 'ETHUSDT')).toBeNull();
    repo.upsert('bybit', [{ ...RULES, maxMarketOrderQty: 100, fetchedAtMs: RULES.fetchedAtMs! + 1 }]);
    expect(repo.list('bybit')).toEqual([
      { ...RULES, maxMarketOrderQty: 100, fetchedAtMs: RULES.fetchedAtMs! + 1 },
    ]);
    expect(() =>
      repo.upsert('bybit', [
        { ...RULES, symbol: 'ETHUSDT' },
        { ...RULES, qtyStep: 0 },
      ]),
    ).toThrow(/qtyStep = 0/);
    // All or nothing: the valid ETHUSDT row of the refused write is not stored.
    expect(repo.get('bybit', 'ETHUSDT')).toBeNull();
    db.close();
  });

  it('keys funding by feed, symbol and time: repeats write nothing, ranges come back ascending', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    migrate(db, version());
    const repo = new FundingRepo(db);
    const h8 = 8 * 3_600_000;
    const rates = [3, 1, 2].map((i) => ({ symbol: 'BTCUSDT', fundingTimeMs: i * h8, rate: i * 1e-4 }));
    expect(repo.upsert('bybit', rates)).toBe(3);
    expect(repo.upsert('bybit', rates)).toBe(0);
    expect(repo.upsert('simulator', rates.slice(0, 1))).toBe(1);
    expect(repo.upsert('bybit', [{ ...rates[0]!, rate: -5e-4 }])).toBe(1);
    expect(repo.range({ feed: 'bybit', symbol: 'BTCUSDT', from: h8, to: 2 * h8 })).toEqual([
      { symbol: 'BTCUSDT', fundingTimeMs: h8, rate: 1e-4 },
      { symbol: 'BTCUSDT', fundingTimeMs: 2 * h8, rate: 2e-4 },
    ]);
    expect(repo.range({ feed: 'bybit', symbol: 'BTCUSDT', from: 3 * h8, to: 3 * h8 })[0]!.rate).toBe(-5e-4);
    expect(repo.last('bybit', 'BTCUSDT')).toBe(3 * h8);
    expect(repo.coverage('bybit', 'ETHUSDT')).toEqual({
      count: 0,
      first: null,
      last: null,
      checkedFrom: null,
      checkedTo: null,
    });
    expect(() => repo.upsert('bybit', [{ symbol: 'BTCUSDT', fundingTimeMs: 0, rate: NaN }])).toThrow(
      /not a number/,
    );
  });

  it('widens the checked span only by spans that touch it', () => {
    const db = new Database(join(dir, 'store.sqlite'));
    migrate(db, version());
    const repo = new FundingRepo(db);
    repo.markChecked('bybit', 'BTCUSDT', 100, 200);
    repo.markChecked('bybit', 'BTCUSDT', 150, 300);
    repo.markChecked('bybit', 'BTCUSDT', 50, 100);
    repo.markChecked('bybit', 'BTCUSDT', 400, 500);
    expect(repo.coverage('bybit', 'BTCUSDT')).toMatchObject({ checkedFrom: 50, checkedTo: 300 });
    expect(repo.symbols('bybit')).toEqual(['BTCUSDT']);
    db.close();
  });
});
