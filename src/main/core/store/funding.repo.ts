// Settled funding rates per feed, symbol and funding time (migration 0005), and the span of funding
// times known complete per series, so the upkeep fetches only what lies after it and a run can tell
// "the source had no funding then" from "funding was never downloaded".
import type { Statement } from 'better-sqlite3';
import type { FundingRate } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { Db } from './db';

export interface FundingQuery {
  feed: string;
  symbol: string;
  /** Inclusive funding-time bounds, epoch ms. */
  from: number;
  to: number;
}

export interface FundingCoverage {
  /** Rates stored for the series. */
  count: number;
  /** Oldest and newest stored funding time; null when none. */
  first: number | null;
  last: number | null;
  /** The span known complete (every record of the source in it is stored); null when none. */
  checkedFrom: number | null;
  checkedTo: number | null;
}

export class FundingRepo {
  private readonly upsertStatement: Statement;
  private readonly rangeStatement: Statement;
  private readonly statsStatement: Statement;
  private readonly coverageStatement: Statement;
  private readonly setCoverageStatement: Statement;
  private readonly symbolsStatement: Statement;
  private readonly firstAfterStatement: Statement;
  private readonly writeRates: (feed: string, rates: readonly FundingRate[]) => number;
  private readonly widen: (feed: string, symbol: string, from: number, to: number) => void;

  constructor(db: Db) {
    // A rate re-sent with the same value changes nothing and is not counted; a changed value (the
    // exchange corrected a record) replaces the stored one.
    this.upsertStatement = db.prepare(
      `INSERT INTO funding_rates (feed, symbol, funding_time, rate) VALUES (?, ?, ?, ?)
       ON CONFLICT (feed, symbol, funding_time) DO UPDATE SET rate = excluded.rate
       WHERE funding_rates.rate <> excluded.rate`,
    );
    this.rangeStatement = db
      .prepare(
        `SELECT symbol, funding_time, rate FROM funding_rates
         WHERE feed = ? AND symbol = ? AND funding_time >= ? AND funding_time <= ? ORDER BY funding_time`,
      )
      .raw();
    this.statsStatement = db.prepare(
      `SELECT COUNT(*) AS count, MIN(funding_time) AS first, MAX(funding_time) AS last
       FROM funding_rates WHERE feed = ? AND symbol = ?`,
    );
    this.coverageStatement = db.prepare(
      'SELECT from_time, to_time FROM funding_coverage WHERE feed = ? AND symbol = ?',
    );
    this.setCoverageStatement = db.prepare(
      `INSERT INTO funding_coverage (feed, symbol, from_time, to_time) VALUES (?, ?, ?, ?)
       ON CONFLICT (feed, symbol) DO UPDATE SET from_time = excluded.from_time, to_time = excluded.to_time`,
    );
    this.symbolsStatement = db
      .prepare('SELECT symbol FROM funding_coverage WHERE feed = ? ORDER BY symbol')
      .pluck();
    this.firstAfterStatement = db
      .prepare(
        'SELECT MIN(funding_time) FROM funding_rates WHERE feed = ? AND symbol = ? AND funding_time > ?',
      )
      .pluck();
    this.writeRates = db.transaction((feed: string, rates: readonly FundingRate[]) => {
      let changed = 0;
      for (const r of rates) {
        if (!Number.isFinite(r.rate) || !Number.isInteger(r.fundingTimeMs)) {
          throw new CoreError(
            'INVALID_PARAMS',
            `A funding rate of ${r.symbol} at ${r.fundingTimeMs} is not a number (${r.rate}).`,
            { symbol: r.symbol, fundingTimeMs: r.fundingTimeMs },
          );
        }
        changed += this.upsertStatement.run(feed, r.symbol, r.fundingTimeMs, r.rate).changes;
      }
      return changed;
    });
    this.widen = db.transaction((feed: string, symbol: string, from: number, to: number) => {
      const span = this.checkedSpan(feed, symbol);
      if (span && (from > span.to + 1 || to < span.from - 1)) {
        // Disjoint spans would leave an unknown hole inside one span: keep the old span.
        return;
      }
      const next = span ? { from: Math.min(span.from, from), to: Math.max(span.to, to) } : { from, to };
      this.setCoverageStatement.run(feed, symbol, next.from, next.to);
    });
  }

  /** Writes rates (idempotent, keyed by feed + symbol + funding time); returns rows inserted or changed. */
  upsert(feed: string, rates: readonly FundingRate[]): number {
    return this.writeRates(feed, rates);
  }

  /**
   * Records that every funding record the source has in [from, to] is now stored. The span only
   * grows, and only by a span that touches (ends 1 ms before or after) or overlaps it (a disjoint one is ignored: the time
   * between would be unknown). Downloads call it per page; an import calls it for its file's range.
   */
  markChecked(feed: string, symbol: string, from: number, to: number): void {
    if (!(to >= from)) return;
    this.widen(feed, symbol, from, to);
  }

  /** Rates with funding time in [from, to], ascending. */
  range(query: FundingQuery): FundingRate[] {
    const rows = this.rangeStatement.all(query.feed, query.symbol, query.from, query.to) as Array<
      [string, number, number]
    >;
    return rows.map(([symbol, fundingTimeMs, rate]) => ({ symbol, fundingTimeMs, rate }));
  }

  coverage(feed: string, symbol: string): FundingCoverage {
    const stats = this.statsStatement.get(feed, symbol) as {
      count: number;
      first: number | null;
      last: number | null;
    };
    const span = this.checkedSpan(feed, symbol);
    return { ...stats, checkedFrom: span?.from ?? null, checkedTo: span?.to ?? null };
  }

  /** Newest stored funding time of the series, or null. */
  last(feed: string, symbol: string): number | null {
    return this.coverage(feed, symbol).last;
  }

  /** The first stored funding time after `after`, or null. */
  firstAfter(feed: string, symbol: string, after: number): number | null {
    const t = this.firstAfterStatement.get(
      feed,
      symbol,
      Number.isFinite(after) ? after : -Number.MAX_SAFE_INTEGER,
    );
    return (t as number | null) ?? null;
  }

  /** Symbols of `feed` with a checked funding span. */
  symbols(feed: string): string[] {
    return this.symbolsStatement.all(feed) as string[];
  }

  private checkedSpan(feed: string, symbol: string): { from: number; to: number } | null {
    const row = this.coverageStatement.get(feed, symbol) as
      { from_time: number; to_time: number } | undefined;
    return row ? { from: row.from_time, to: row.to_time } : null;
  }
}
