// The candles store: write rules, reads, coverage and gaps, on a real SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../src/shared/domain';
import { CoreError } from '../../src/shared/errors';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { SettingsRepo } from '../../src/main/core/store/settings.repo';
import type { CandleWrite } from '../../src/main/core/store/types';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const BTC: SeriesKey = { feed: 'simulator', symbol: 'BTCUSDT', interval: '1' };

let dir: string;
let db: Db;
let repo: CandlesRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-candles-'));
  db = openDatabase(join(dir, 'store.sqlite'));
  repo = new CandlesRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Bar `i` of a 1-minute series; `close` distinguishes versions. */
function bar(
  i: number,
  close: number,
  confirmed: boolean,
  updatedAt: number = T0 + (i + 1) * MINUTE,
): CandleWrite {
  return {
    openTime: T0 + i * MINUTE,
    open: 100,
    high: Math.max(100, close) + 1,
    low: Math.min(100, close) - 1,
    close,
    volume: 5,
    turnover: 5 * close,
    confirmed,
    updatedAt,
  };
}

function bars(indexes: number[], confirmed = true): CandleWrite[] {
  return indexes.map((i) => bar(i, 100 + i, confirmed));
}

describe('write rules', () => {
  it('a confirmed write replaces a forming bar, whatever its exchange time', () => {
    expect(repo.upsert(BTC, [bar(0, 101, false, T0 + 50_000)])).toBe(1);
    expect(repo.upsert(BTC, [bar(0, 102, true, T0 + 10_000)])).toBe(1);
    expect(repo.get(BTC, T0)).toMatchObject({ close: 102, confirmed: true, updatedAt: T0 + 10_000 });
  });

  it('a confirmed write with new values replaces a confirmed bar (a correction)', () => {
    repo.upsert(BTC, [bar(0, 101, true)]);
    expect(repo.upsert(BTC, [bar(0, 103, true)])).toBe(1);
    expect(repo.get(BTC, T0)?.close).toBe(103);
  });

  it('an unconfirmed write never overwrites a confirmed bar, even if newer', () => {
    repo.upsert(BTC, [bar(0, 101, true, T0 + MINUTE)]);
    expect(repo.upsert(BTC, [bar(0, 999, false, T0 + 10 * MINUTE)])).toBe(0);
    expect(repo.get(BTC, T0)).toMatchObject({ close: 101, confirmed: true, updatedAt: T0 + MINUTE });
  });

  it('a newer unconfirmed write updates a forming bar; an older one is ignored', () => {
    repo.upsert(BTC, [bar(0, 101, false, T0 + 20_000)]);
    expect(repo.upsert(BTC, [bar(0, 102, false, T0 + 30_000)])).toBe(1);
    expect(repo.upsert(BTC, [bar(0, 150, false, T0 + 25_000)])).toBe(0);
    expect(repo.get(BTC, T0)).toMatchObject({ close: 102, confirmed: false, updatedAt: T0 + 30_000 });
  });

  it('an unconfirmed write with the same exchange time but other values applies', () => {
    repo.upsert(BTC, [bar(0, 101, false, T0 + 20_000)]);
    expect(repo.upsert(BTC, [bar(0, 104, false, T0 + 20_000)])).toBe(1);
    expect(repo.get(BTC, T0)?.close).toBe(104);
  });

  it('repeating a write changes nothing and is counted as no change', () => {
    const forming = [bar(0, 101, false, T0 + 20_000)];
    const closed = bars([1, 2, 3]);
    expect(repo.upsert(BTC, forming)).toBe(1);
    expect(repo.upsert(BTC, forming)).toBe(0);
    expect(repo.upsert(BTC, closed)).toBe(3);
    expect(repo.upsert(BTC, closed)).toBe(0);
    // A re-sent closed bar with a later server time is still the same bar: it keeps its updated_at.
    expect(repo.upsert(BTC, [{ ...bar(1, 101, true), updatedAt: T0 + 99 * MINUTE }])).toBe(0);
    expect(repo.get(BTC, T0 + MINUTE)?.updatedAt).toBe(T0 + 2 * MINUTE);
    expect(repo.range(BTC, { includeUnconfirmed: true })).toHaveLength(4);
  });

  it('within one batch, later entries of the same bar follow the same rules', () => {
    const changed = repo.upsert(BTC, [
      bar(0, 101, false, T0 + 10_000),
      bar(0, 102, false, T0 + 30_000),
      bar(0, 103, false, T0 + 20_000), // older: ignored
      bar(0, 104, true, T0 + 5_000), // closed: wins
      bar(0, 105, false, T0 + 90_000), // after close: ignored
    ]);
    expect(changed).toBe(3);
    expect(repo.get(BTC, T0)).toMatchObject({ close: 104, confirmed: true });
  });

  it('a batch with an invalid candle writes nothing and says which candle', () => {
    repo.upsert(BTC, bars([0]));
    const batch = [bar(1, 101, true), { ...bar(2, 102, true), close: Number.NaN }, bar(3, 103, true)];
    const error = catchError(() => repo.upsert(BTC, batch));
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('INVALID_PARAMS');
    expect((error as CoreError).message).toContain(String(T0 + 2 * MINUTE));
    expect(repo.range(BTC).map((c) => c.openTime)).toEqual([T0]);
    expect(() => repo.upsert(BTC, [{ ...bar(1, 101, true), volume: Number.POSITIVE_INFINITY }])).toThrow(
      CoreError,
    );
    expect(() => repo.upsert(BTC, [{ ...bar(1, 101, true), openTime: T0 + 0.5 }])).toThrow(CoreError);
    expect(repo.range(BTC)).toHaveLength(1);
  });

  it('upsertMany is one transaction across series: a bad series rolls back the good ones', () => {
    const ETH: SeriesKey = { ...BTC, symbol: 'ETHUSDT' };
    expect(() =>
      repo.upsertMany([
        { key: BTC, candles: bars([0, 1]) },
        { key: ETH, candles: [{ ...bar(0, 1, true), high: Number.NaN }] },
      ]),
    ).toThrow(CoreError);
    expect(repo.listSeries()).toEqual([]);
    expect(
      repo.upsertMany([
        { key: BTC, candles: bars([0, 1]) },
        { key: ETH, candles: bars([0]) },
      ]),
    ).toBe(3);
    expect(repo.listSeries().map((k) => k.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('refuses a series key that the contract would refuse', () => {
    expect(() => repo.upsert({ ...BTC, feed: 'Not A Feed' }, bars([0]))).toThrow(CoreError);
    expect(() => repo.upsert({ ...BTC, symbol: 'btc' }, bars([0]))).toThrow(CoreError);
  });
});

describe('reads', () => {
  it('range is ascending, inclusive, confirmed only unless asked, and limit keeps the newest', () => {
    repo.upsert(BTC, [...bars([4, 0, 2, 1, 3]), bar(5, 105, false)]);
    expect(repo.range(BTC).map((c) => c.openTime)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * MINUTE));
    expect(repo.range(BTC, { includeUnconfirmed: true }).map((c) => c.confirmed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(repo.range(BTC, { from: T0 + MINUTE, to: T0 + 3 * MINUTE }).map((c) => c.close)).toEqual([
      101, 102, 103,
    ]);
    expect(repo.range(BTC, { limit: 2 }).map((c) => c.close)).toEqual([103, 104]);
    expect(repo.range(BTC, { limit: 2, includeUnconfirmed: true }).map((c) => c.close)).toEqual([104, 105]);
    expect(repo.range(BTC, { to: T0 + 2 * MINUTE, limit: 2 }).map((c) => c.close)).toEqual([101, 102]);
    expect(repo.range(BTC, { limit: 0 })).toEqual([]);
    expect(repo.range(BTC)[0]).toEqual({
      openTime: T0,
      open: 100,
      high: 101,
      low: 99,
      close: 100,
      volume: 5,
      turnover: 500,
      confirmed: true,
    });
  });

  it('first and last confirmed skip the forming bar; get returns it with its exchange time', () => {
    expect(repo.lastConfirmed(BTC)).toBeNull();
    expect(repo.firstConfirmed(BTC)).toBeNull();
    expect(repo.get(BTC, T0)).toBeNull();
    repo.upsert(BTC, [...bars([1, 2]), bar(3, 103, false, T0 + 3 * MINUTE + 7)]);
    expect(repo.firstConfirmed(BTC)?.openTime).toBe(T0 + MINUTE);
    expect(repo.lastConfirmed(BTC)?.openTime).toBe(T0 + 2 * MINUTE);
    expect(repo.get(BTC, T0 + 3 * MINUTE)).toMatchObject({
      confirmed: false,
      updatedAt: T0 + 3 * MINUTE + 7,
    });
  });

  it('feeds, symbols and intervals never mix', () => {
    const testnet: SeriesKey = { ...BTC, feed: 'bybit-testnet' };
    const fiveMinutes: SeriesKey = { ...BTC, interval: '5' };
    repo.upsert(BTC, [bar(0, 101, true)]);
    repo.upsert(testnet, [bar(0, 202, true)]);
    repo.upsert(fiveMinutes, [bar(0, 303, true)]);
    expect(repo.range(BTC).map((c) => c.close)).toEqual([101]);
    expect(repo.range(testnet).map((c) => c.close)).toEqual([202]);
    expect(repo.range(fiveMinutes).map((c) => c.close)).toEqual([303]);
    expect(repo.listSeries()).toEqual([
      { feed: 'bybit-testnet', symbol: 'BTCUSDT', interval: '1' },
      { feed: 'simulator', symbol: 'BTCUSDT', interval: '1' },
      { feed: 'simulator', symbol: 'BTCUSDT', interval: '5' },
    ]);
    expect(repo.listSeries('simulator').map((k) => k.interval)).toEqual(['1', '5']);
    expect(repo.listSeries('bybit')).toEqual([]);
    expect(repo.deleteSeries(testnet)).toBe(1);
    expect(repo.range(testnet)).toEqual([]);
    expect(repo.range(BTC)).toHaveLength(1);
  });
});

describe('coverage and gaps', () => {
  it('counts confirmed bars and the bars missing between the first and the last', () => {
    expect(repo.coverage(BTC, MINUTE)).toEqual({ count: 0, first: null, last: null, gaps: 0 });
    repo.upsert(BTC, [...bars([0, 1, 4, 5, 9]), bar(10, 110, false)]);
    expect(repo.coverage(BTC, MINUTE)).toEqual({ count: 5, first: T0, last: T0 + 9 * MINUTE, gaps: 5 });
    expect(repo.coverage(BTC)).toEqual(repo.coverage(BTC, MINUTE));
  });

  it('missingOpenTimes lists the absent or still forming bars of an inclusive range', () => {
    repo.upsert(BTC, [...bars([0, 1, 4, 5]), bar(6, 106, false)]);
    const at = (...indexes: number[]) => indexes.map((i) => T0 + i * MINUTE);
    expect(repo.missingOpenTimes(BTC, T0, T0 + 7 * MINUTE, MINUTE)).toEqual(at(2, 3, 6, 7));
    // An unaligned start is rounded up to the next bar.
    expect(repo.missingOpenTimes(BTC, T0 + 1, T0 + 3 * MINUTE, MINUTE)).toEqual(at(2, 3));
    expect(repo.missingOpenTimes(BTC, T0, T0 + MINUTE, MINUTE)).toEqual([]);
    expect(repo.missingOpenTimes(BTC, T0 + MINUTE, T0, MINUTE)).toEqual([]);
  });

  it('monthly series count calendar months', () => {
    const monthly: SeriesKey = { ...BTC, interval: 'M' };
    const month = (m: number) => Date.UTC(2024, m, 1);
    repo.upsert(
      monthly,
      [0, 1, 4].map((m) => ({ ...bar(0, 101, true), openTime: month(m), updatedAt: month(m + 1) })),
    );
    expect(repo.coverage(monthly)).toMatchObject({ count: 3, gaps: 2 });
    expect(repo.missingOpenTimes(monthly, month(0), month(5))).toEqual([month(2), month(3), month(5)]);
  });
});

describe('settings', () => {
  it('stores JSON values by key and lists them all', () => {
    const settings = new SettingsRepo(db);
    expect(settings.get('symbols')).toBeUndefined();
    settings.set('symbols', ['BTCUSDT', 'ETHUSDT']);
    settings.set('autoStream', false);
    settings.set('symbols', ['SOLUSDT']);
    expect(settings.get<string[]>('symbols')).toEqual(['SOLUSDT']);
    expect(settings.all()).toEqual({ autoStream: false, symbols: ['SOLUSDT'] });
    settings.set('autoStream', undefined);
    expect(settings.all()).toEqual({ symbols: ['SOLUSDT'] });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
