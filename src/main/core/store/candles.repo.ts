// Candles of every feed: writes under the rules of CandleWrite (types.ts), range reads, coverage.
import type { Statement } from 'better-sqlite3';
import { SeriesKeySchema, type Candle, type SeriesKey } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import { alignUp, barsBetween, nextBarOpenTime } from './bar-times';
import type { Db } from './db';
import type { CandleQuery, CandleWrite, Coverage, SeriesBatch } from './types';

const MIN_TIME = -Number.MAX_SAFE_INTEGER;
const MAX_TIME = Number.MAX_SAFE_INTEGER;

// The write rules live in the statement so no caller can bypass them:
// - a confirmed write applies unless the stored row is confirmed with identical values (a re-sent
//   closed bar is a no-op and keeps its updated_at);
// - an unconfirmed write applies only while the stored row is unconfirmed, and only if it is newer,
//   or equally new with different values. An identical repeat changes nothing.
// `changes` therefore counts rows actually inserted or altered.
const UPSERT_SQL = `
INSERT INTO candles (feed, symbol, interval, open_time, open, high, low, close, volume, turnover, confirmed, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (feed, symbol, interval, open_time) DO UPDATE SET
  open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
  volume = excluded.volume, turnover = excluded.turnover,
  confirmed = excluded.confirmed, updated_at = excluded.updated_at
WHERE
  CASE WHEN excluded.confirmed = 1
    THEN candles.confirmed = 0 OR (
      candles.open <> excluded.open OR candles.high <> excluded.high OR candles.low <> excluded.low OR
      candles.close <> excluded.close OR candles.volume <> excluded.volume OR candles.turnover <> excluded.turnover)
    ELSE candles.confirmed = 0 AND (
      excluded.updated_at > candles.updated_at OR (excluded.updated_at = candles.updated_at AND (
        candles.open <> excluded.open OR candles.high <> excluded.high OR candles.low <> excluded.low OR
        candles.close <> excluded.close OR candles.volume <> excluded.volume OR candles.turnover <> excluded.turnover)))
  END`;

const COLUMNS = 'open_time, open, high, low, close, volume, turnover, confirmed';
const SERIES = 'feed = ? AND symbol = ? AND interval = ?';

type CandleRow = [number, number, number, number, number, number, number, number];

export class CandlesRepo {
  private readonly db: Db;
  private readonly validKeys = new Set<string>();
  private readonly upsertStatement: Statement;
  private readonly rangeAscending: Statement;
  private readonly rangeNewest: Statement;
  private readonly getStatement: Statement;
  private readonly lastConfirmedStatement: Statement;
  private readonly firstConfirmedStatement: Statement;
  private readonly coverageStatement: Statement;
  private readonly openTimesStatement: Statement;
  private readonly firstSeries: Statement;
  private readonly nextSeries: Statement;
  private readonly deleteStatement: Statement;
  private readonly writeBatches: (batches: readonly SeriesBatch[]) => number;

  constructor(db: Db) {
    this.db = db;
    this.upsertStatement = db.prepare(UPSERT_SQL);
    // `confirmed >= ?` with 1 (confirmed only) or 0 (all) keeps one statement per shape.
    const rangeWhere = `${SERIES} AND open_time >= ? AND open_time <= ? AND confirmed >= ?`;
    this.rangeAscending = db
      .prepare(`SELECT ${COLUMNS} FROM candles WHERE ${rangeWhere} ORDER BY open_time`)
      .raw();
    this.rangeNewest = db
      .prepare(`SELECT ${COLUMNS} FROM candles WHERE ${rangeWhere} ORDER BY open_time DESC LIMIT ?`)
      .raw();
    this.getStatement = db
      .prepare(`SELECT ${COLUMNS}, updated_at FROM candles WHERE ${SERIES} AND open_time = ?`)
      .raw();
    this.lastConfirmedStatement = db
      .prepare(
        `SELECT ${COLUMNS} FROM candles WHERE ${SERIES} AND confirmed = 1 ORDER BY open_time DESC LIMIT 1`,
      )
      .raw();
    this.firstConfirmedStatement = db
      .prepare(`SELECT ${COLUMNS} FROM candles WHERE ${SERIES} AND confirmed = 1 ORDER BY open_time LIMIT 1`)
      .raw();
    this.coverageStatement = db.prepare(
      `SELECT COUNT(*) AS count, MIN(open_time) AS first, MAX(open_time) AS last FROM candles WHERE ${SERIES} AND confirmed = 1`,
    );
    this.openTimesStatement = db
      .prepare(
        `SELECT open_time FROM candles WHERE ${SERIES} AND open_time >= ? AND open_time <= ? AND confirmed = 1`,
      )
      .pluck();
    // listSeries walks the primary key from one series to the next (a loose index scan), so its cost
    // grows with the number of series, not of candles.
    this.firstSeries = db.prepare(
      'SELECT feed, symbol, interval FROM candles WHERE feed >= ? ORDER BY feed, symbol, interval LIMIT 1',
    );
    this.nextSeries = db.prepare(
      'SELECT feed, symbol, interval FROM candles WHERE (feed, symbol, interval) > (?, ?, ?) ORDER BY feed, symbol, interval LIMIT 1',
    );
    this.deleteStatement = db.prepare(`DELETE FROM candles WHERE ${SERIES}`);
    this.writeBatches = db.transaction((batches: readonly SeriesBatch[]) => {
      let changed = 0;
      for (const batch of batches) changed += this.writeSeries(batch.key, batch.candles);
      return changed;
    });
  }

  /** Writes one series' candles in one transaction; returns the number of rows inserted or altered. */
  upsert(key: SeriesKey, candles: readonly CandleWrite[]): number {
    return this.writeBatches([{ key, candles }]);
  }

  /** Writes several series in one transaction (all or nothing); returns rows inserted or altered. */
  upsertMany(batches: readonly SeriesBatch[]): number {
    return this.writeBatches(batches);
  }

  /**
   * Candles of a series, ascending by open time. `from`/`to` are inclusive open times; `limit` keeps
   * the newest candles of the range. Confirmed candles only unless `includeUnconfirmed`.
   */
  range(key: SeriesKey, query: CandleQuery = {}): Candle[] {
    const args = [
      key.feed,
      key.symbol,
      key.interval,
      query.from ?? MIN_TIME,
      query.to ?? MAX_TIME,
      query.includeUnconfirmed ? 0 : 1,
    ];
    if (query.limit === undefined) return (this.rangeAscending.all(...args) as CandleRow[]).map(toCandle);
    if (query.limit <= 0) return [];
    const newest = this.rangeNewest.all(...args, Math.floor(query.limit)) as CandleRow[];
    const candles = new Array<Candle>(newest.length);
    for (let i = 0; i < newest.length; i++) candles[newest.length - 1 - i] = toCandle(newest[i] as CandleRow);
    return candles;
  }

  /** The stored version of one bar, confirmed or not, with the exchange time of that version. */
  get(key: SeriesKey, openTime: number): (Candle & { updatedAt: number }) | null {
    const row = this.getStatement.get(key.feed, key.symbol, key.interval, openTime) as
      [...CandleRow, number] | undefined;
    if (!row) return null;
    return { ...toCandle(row.slice(0, 8) as CandleRow), updatedAt: row[8] };
  }

  lastConfirmed(key: SeriesKey): Candle | null {
    const row = this.lastConfirmedStatement.get(key.feed, key.symbol, key.interval) as CandleRow | undefined;
    return row ? toCandle(row) : null;
  }

  firstConfirmed(key: SeriesKey): Candle | null {
    const row = this.firstConfirmedStatement.get(key.feed, key.symbol, key.interval) as CandleRow | undefined;
    return row ? toCandle(row) : null;
  }

  /**
   * Confirmed candles of a series: how many, first and last open time, and how many bars are missing
   * between first and last. `intervalMs` defaults to the key's interval; monthly series count
   * calendar months.
   */
  coverage(key: SeriesKey, intervalMs?: number): Coverage {
    const row = this.coverageStatement.get(key.feed, key.symbol, key.interval) as Coverage;
    if (row.first === null || row.last === null) return { count: 0, first: null, last: null, gaps: 0 };
    const expected =
      intervalMs === undefined || key.interval === 'M'
        ? barsBetween(row.first, row.last, key.interval)
        : Math.floor((row.last - row.first) / intervalMs) + 1;
    return { count: row.count, first: row.first, last: row.last, gaps: Math.max(0, expected - row.count) };
  }

  /**
   * Open times in [from, to] (inclusive, aligned up to the interval) that have no confirmed candle:
   * what a gap fill must fetch. `intervalMs` defaults to the key's interval; monthly series step by
   * calendar months.
   */
  missingOpenTimes(key: SeriesKey, from: number, to: number, intervalMs?: number): number[] {
    const stored = new Set(
      this.openTimesStatement.all(key.feed, key.symbol, key.interval, from, to) as number[],
    );
    const missing: number[] = [];
    const step =
      intervalMs === undefined || key.interval === 'M'
        ? (t: number) => nextBarOpenTime(t, key.interval)
        : (t: number) => t + intervalMs;
    const start =
      intervalMs === undefined || key.interval === 'M'
        ? alignUp(from, key.interval)
        : alignUpBy(from, intervalMs);
    for (let t = start; t <= to; t = step(t)) if (!stored.has(t)) missing.push(t);
    return missing;
  }

  /** Every stored series (of one feed, if given), ordered by feed, symbol, interval. */
  listSeries(feed?: string): SeriesKey[] {
    const series: SeriesKey[] = [];
    let row = this.firstSeries.get(feed ?? '') as SeriesKey | undefined;
    while (row && (feed === undefined || row.feed === feed)) {
      series.push({ feed: row.feed, symbol: row.symbol, interval: row.interval });
      row = this.nextSeries.get(row.feed, row.symbol, row.interval) as SeriesKey | undefined;
    }
    return series;
  }

  /** Deletes every candle of a series; returns how many. */
  deleteSeries(key: SeriesKey): number {
    return this.deleteStatement.run(key.feed, key.symbol, key.interval).changes;
  }

  private writeSeries(key: SeriesKey, candles: readonly CandleWrite[]): number {
    this.checkKey(key);
    const { feed, symbol, interval } = key;
    const statement = this.upsertStatement;
    let changed = 0;
    for (const c of candles) {
      checkCandle(key, c);
      changed += statement.run(
        feed,
        symbol,
        interval,
        c.openTime,
        c.open,
        c.high,
        c.low,
        c.close,
        c.volume,
        c.turnover,
        c.confirmed ? 1 : 0,
        c.updatedAt,
      ).changes;
    }
    return changed;
  }

  private checkKey(key: SeriesKey): void {
    const id = `${key.feed}\u0000${key.symbol}\u0000${key.interval}`;
    if (this.validKeys.has(id)) return;
    const parsed = SeriesKeySchema.safeParse(key);
    if (!parsed.success) {
      throw new CoreError(
        'INVALID_PARAMS',
        `Invalid series ${key.feed}/${key.symbol}/${key.interval}: ${parsed.error.message}`,
      );
    }
    this.validKeys.add(id);
  }
}

function alignUpBy(time: number, step: number): number {
  return Math.ceil(time / step) * step;
}

/** Rejects what SQLite would store silently (Infinity) or turn into a confusing constraint error (NaN). */
function checkCandle(key: SeriesKey, c: CandleWrite): void {
  if (
    Number.isSafeInteger(c.openTime) &&
    Number.isSafeInteger(c.updatedAt) &&
    Number.isFinite(c.open) &&
    Number.isFinite(c.high) &&
    Number.isFinite(c.low) &&
    Number.isFinite(c.close) &&
    Number.isFinite(c.volume) &&
    Number.isFinite(c.turnover) &&
    c.volume >= 0 &&
    c.turnover >= 0
  ) {
    return;
  }
  throw new CoreError(
    'INVALID_PARAMS',
    `Candle ${key.feed}/${key.symbol}/${key.interval} at ${c.openTime} has an invalid value ` +
      `(open ${c.open}, high ${c.high}, low ${c.low}, close ${c.close}, volume ${c.volume}, turnover ${c.turnover}, ` +
      `updatedAt ${c.updatedAt}); nothing of this batch was written.`,
  );
}

function toCandle(row: CandleRow): Candle {
  return {
    openTime: row[0],
    open: row[1],
    high: row[2],
    low: row[3],
    close: row[4],
    volume: row[5],
    turnover: row[6],
    confirmed: row[7] === 1,
  };
}
