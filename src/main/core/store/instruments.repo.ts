// Trading rules per feed and symbol (migration 0005): what instruments-info said, with the time it was
// fetched, or the simulator's table, or the rules a user gave for an imported feed.
import type { Statement } from 'better-sqlite3';
import { INSTRUMENT_SOURCES, type InstrumentRules, type InstrumentSource } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { Db } from './db';

interface InstrumentRow {
  symbol: string;
  status: string;
  launch_time: number;
  tick_size: number;
  qty_step: number;
  min_order_qty: number;
  max_market_order_qty: number;
  min_notional_value: number;
  max_leverage: number;
  funding_interval_minutes: number;
  source: string;
  fetched_at: number | null;
}

export class InstrumentsRepo {
  private readonly getStatement: Statement;
  private readonly listStatement: Statement;
  private readonly upsertStatement: Statement;
  private readonly writeAll: (feed: string, rules: readonly InstrumentRules[]) => void;

  constructor(db: Db) {
    this.getStatement = db.prepare('SELECT * FROM instruments WHERE feed = ? AND symbol = ?');
    this.listStatement = db.prepare('SELECT * FROM instruments WHERE feed = ? ORDER BY symbol');
    // A later write replaces the row: the exchange adjusts limits over time and the newest fetch is
    // the truth; a user's new entry for an imported feed replaces the old one.
    this.upsertStatement = db.prepare(
      `INSERT INTO instruments (feed, symbol, status, launch_time, tick_size, qty_step, min_order_qty,
         max_market_order_qty, min_notional_value, max_leverage, funding_interval_minutes, source, fetched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (feed, symbol) DO UPDATE SET
         status = excluded.status, launch_time = excluded.launch_time, tick_size = excluded.tick_size,
         qty_step = excluded.qty_step, min_order_qty = excluded.min_order_qty,
         max_market_order_qty = excluded.max_market_order_qty, min_notional_value = excluded.min_notional_value,
         max_leverage = excluded.max_leverage, funding_interval_minutes = excluded.funding_interval_minutes,
         source = excluded.source, fetched_at = excluded.fetched_at`,
    );
    this.writeAll = db.transaction((feed: string, rules: readonly InstrumentRules[]) => {
      for (const r of rules) {
        checkRules(r);
        this.upsertStatement.run(
          feed,
          r.symbol,
          r.status,
          r.launchTimeMs,
          r.tickSize,
          r.qtyStep,
          r.minOrderQty,
          r.maxMarketOrderQty,
          r.minNotionalValue,
          r.maxLeverage,
          r.fundingIntervalMinutes,
          r.source,
          r.fetchedAtMs,
        );
      }
    });
  }

  get(feed: string, symbol: string): InstrumentRules | null {
    const row = this.getStatement.get(feed, symbol) as InstrumentRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Stores (or replaces) the rules of each symbol of `feed`, all in one transaction. */
  upsert(feed: string, rules: readonly InstrumentRules[]): void {
    this.writeAll(feed, rules);
  }

  list(feed: string): InstrumentRules[] {
    return (this.listStatement.all(feed) as InstrumentRow[]).map(fromRow);
  }
}

function fromRow(row: InstrumentRow): InstrumentRules {
  return {
    symbol: row.symbol,
    status: row.status,
    launchTimeMs: row.launch_time,
    tickSize: row.tick_size,
    qtyStep: row.qty_step,
    minOrderQty: row.min_order_qty,
    maxMarketOrderQty: row.max_market_order_qty,
    minNotionalValue: row.min_notional_value,
    maxLeverage: row.max_leverage,
    fundingIntervalMinutes: row.funding_interval_minutes,
    source: row.source as InstrumentSource,
    fetchedAtMs: row.fetched_at,
  };
}

/** Rules the engine cannot trade with are refused here, named, rather than by a CHECK constraint. */
function checkRules(r: InstrumentRules): void {
  const positive: Array<[string, number]> = [
    ['tickSize', r.tickSize],
    ['qtyStep', r.qtyStep],
    ['maxMarketOrderQty', r.maxMarketOrderQty],
    ['maxLeverage', r.maxLeverage],
    ['fundingIntervalMinutes', r.fundingIntervalMinutes],
  ];
  const nonNegative: Array<[string, number]> = [
    ['minOrderQty', r.minOrderQty],
    ['minNotionalValue', r.minNotionalValue],
  ];
  const bad =
    positive.find(([, v]) => !(Number.isFinite(v) && v > 0)) ??
    nonNegative.find(([, v]) => !(Number.isFinite(v) && v >= 0));
  if (bad) {
    throw new CoreError(
      'INVALID_PARAMS',
      `The instrument rules of ${r.symbol} have ${bad[0]} = ${bad[1]}: it must be a ${positive.some(([k]) => k === bad[0]) ? 'positive' : 'non-negative'} number.`,
      { symbol: r.symbol, field: bad[0] },
    );
  }
  if (!INSTRUMENT_SOURCES.includes(r.source))
    throw new CoreError('INVALID_PARAMS', `Unknown instrument rules source '${String(r.source)}'.`);
  if (!Number.isInteger(r.launchTimeMs))
    throw new CoreError('INVALID_PARAMS', `The launch time of ${r.symbol} must be epoch ms.`);
}
