// Stored backtests (migration 0003): a run with its folds, per-strategy series and metrics, attention
// per decision and every fill, written in one transaction, read back whole or in parts, deleted whole.
// Series are float64 little-endian BLOBs (see the migration for why).
import type { Statement, Transaction } from 'better-sqlite3';
import type { FillDto, FundingPaymentDto } from '../../../shared/contract/backtest';
import type { Interval } from '../../../shared/domain';
import type { Db } from './db';

export interface StoredFold {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
  modelId: string | null;
}

export interface StoredStrategyRun {
  strategy: string;
  role: 'strategy' | 'baseline';
  /** JSON-safe metrics (the contract's PerformanceMetrics). */
  metrics: unknown;
  equity: Float64Array;
  gross: Float64Array;
  /** Row-major [bar x symbols + symbol]. */
  weights: Float64Array;
  fills: readonly FillDto[];
  /** Funding payments, in the order they happened (table backtest_funding). */
  funding?: readonly FundingPaymentDto[];
}

export interface StoredAttention {
  times: number[];
  matrices: number[][][];
  /** Empty, or one per decision. */
  lagWeights: number[][];
}

export interface BacktestHeader {
  id: string;
  name: string;
  createdAt: number;
  feed: string;
  symbols: string[];
  interval: Interval;
  from: number;
  to: number;
  strategy: string;
  params: unknown;
  bars: number;
}

export interface StoredBacktest extends BacktestHeader {
  /** Open times of the out-of-sample bars. */
  times: Float64Array;
  folds: StoredFold[];
  runs: StoredStrategyRun[];
  attention: StoredAttention | null;
}

/** A listing row: the header, the out-of-sample span, the fold count and each strategy's metrics. */
export interface BacktestListing extends BacktestHeader {
  outOfSampleFrom: number;
  outOfSampleTo: number;
  folds: number;
  metrics: Array<{ strategy: string; role: 'strategy' | 'baseline'; metrics: unknown }>;
}

interface HeaderRow {
  id: string;
  name: string;
  created_at: number;
  feed: string;
  symbols: string;
  interval: string;
  range_from: number;
  range_to: number;
  strategy: string;
  params: string;
  times: Buffer;
  bars: number;
}

interface StrategyRow {
  strategy: string;
  role: 'strategy' | 'baseline';
  metrics: string;
  equity: Buffer;
  gross: Buffer;
  weights: Buffer;
}

interface FillRow {
  strategy: string;
  time: number;
  decided_at: number;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  notional: number;
  fee: number;
  slippage_bps: number;
  realised_pnl: number;
  reason: 'rebalance' | 'kill';
}

export function encodeFloat64(values: Float64Array): Buffer {
  // Copy into a little-endian buffer explicitly: the file must read the same on any machine.
  const buffer = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) buffer.writeDoubleLE(values[i]!, i * 8);
  return buffer;
}

export function decodeFloat64(buffer: Buffer): Float64Array {
  const out = new Float64Array(buffer.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readDoubleLE(i * 8);
  return out;
}

export class BacktestsRepo {
  private readonly insertHeader: Statement;
  private readonly insertFold: Statement;
  private readonly insertStrategy: Statement;
  private readonly insertAttention: Statement;
  private readonly insertFill: Statement;
  private readonly insertFunding: Statement;
  private readonly fundingOf: Statement;
  private readonly headerById: Statement;
  private readonly headers: Statement;
  private readonly foldsOf: Statement;
  private readonly strategiesOf: Statement;
  private readonly metricsOf: Statement;
  private readonly attentionOf: Statement;
  private readonly fillsOf: Statement;
  private readonly fillsOfStrategy: Statement;
  private readonly fillCountsOf: Statement;
  private readonly deleteById: Statement;
  private readonly writeRun: Transaction<(run: StoredBacktest) => void>;

  constructor(private readonly db: Db) {
    this.insertHeader = db.prepare(
      `INSERT INTO backtests (id, name, created_at, feed, symbols, interval, range_from, range_to, strategy, params, times, bars)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertFold = db.prepare(
      'INSERT INTO backtest_folds (backtest_id, fold, train_from, train_to, test_from, test_to, model_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertStrategy = db.prepare(
      `INSERT INTO backtest_strategies (backtest_id, strategy, role, position, metrics, equity, gross, weights)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAttention = db.prepare(
      'INSERT INTO backtest_attention (backtest_id, time, matrix, lag_weights) VALUES (?, ?, ?, ?)',
    );
    this.insertFill = db.prepare(
      `INSERT INTO backtest_fills (backtest_id, strategy, seq, time, decided_at, symbol, side, quantity, price, notional,
         fee, slippage_bps, realised_pnl, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.headerById = db.prepare('SELECT * FROM backtests WHERE id = ?');
    this.headers = db.prepare('SELECT * FROM backtests ORDER BY created_at DESC, id LIMIT ?');
    this.foldsOf = db.prepare(
      'SELECT fold, train_from, train_to, test_from, test_to, model_id FROM backtest_folds WHERE backtest_id = ? ORDER BY fold',
    );
    this.strategiesOf = db.prepare(
      'SELECT strategy, role, metrics, equity, gross, weights FROM backtest_strategies WHERE backtest_id = ? ORDER BY position',
    );
    this.metricsOf = db.prepare(
      'SELECT strategy, role, metrics FROM backtest_strategies WHERE backtest_id = ? ORDER BY position',
    );
    this.attentionOf = db.prepare(
      'SELECT time, matrix, lag_weights FROM backtest_attention WHERE backtest_id = ? ORDER BY time',
    );
    const fillColumns =
      'strategy, time, decided_at, symbol, side, quantity, price, notional, fee, slippage_bps, realised_pnl, reason';
    this.fillsOf = db.prepare(
      `SELECT ${fillColumns} FROM backtest_fills WHERE backtest_id = ? ORDER BY strategy, seq`,
    );
    this.fillsOfStrategy = db.prepare(
      `SELECT ${fillColumns} FROM backtest_fills WHERE backtest_id = ? AND strategy = ? ORDER BY seq`,
    );
    this.fillCountsOf = db.prepare(
      'SELECT strategy, COUNT(*) AS count FROM backtest_fills WHERE backtest_id = ? GROUP BY strategy',
    );
    this.insertFunding = db.prepare(
      `INSERT INTO backtest_funding (backtest_id, strategy, seq, time, symbol, quantity, price, position_value, rate,
         payment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.fundingOf = db.prepare(
      `SELECT strategy, time, symbol, quantity, price, position_value AS positionValue, rate, payment
       FROM backtest_funding WHERE backtest_id = ? AND (? IS NULL OR strategy = ?) ORDER BY strategy, seq`,
    );
    this.deleteById = db.prepare('DELETE FROM backtests WHERE id = ?');
    this.writeRun = db.transaction((run: StoredBacktest) => this.writeAll(run));
  }

  /** Writes a whole run in one transaction: all of it, or (on any error) none of it. */
  insert(run: StoredBacktest): void {
    this.writeRun.immediate(run);
  }

  get(id: string): StoredBacktest | null {
    const header = this.headerById.get(id) as HeaderRow | undefined;
    if (!header) return null;
    const attentionRows = this.attentionOf.all(id) as Array<{
      time: number;
      matrix: string;
      lag_weights: string | null;
    }>;
    return {
      ...toHeader(header),
      times: decodeFloat64(header.times),
      folds: (this.foldsOf.all(id) as Array<Record<string, number | string | null>>).map(toFold),
      runs: (this.strategiesOf.all(id) as StrategyRow[]).map((row) => ({
        strategy: row.strategy,
        role: row.role,
        metrics: JSON.parse(row.metrics) as unknown,
        equity: decodeFloat64(row.equity),
        gross: decodeFloat64(row.gross),
        weights: decodeFloat64(row.weights),
        fills: [],
      })),
      attention:
        attentionRows.length === 0
          ? null
          : {
              times: attentionRows.map((r) => r.time),
              matrices: attentionRows.map((r) => JSON.parse(r.matrix) as number[][]),
              lagWeights: attentionRows
                .filter((r) => r.lag_weights !== null)
                .map((r) => JSON.parse(r.lag_weights!) as number[]),
            },
    };
  }

  /** Fills of a run, of one strategy or all (ordered by strategy, then as they happened). */
  fills(id: string, strategy?: string): Array<FillDto & { strategy: string }> {
    const rows = (
      strategy === undefined ? this.fillsOf.all(id) : this.fillsOfStrategy.all(id, strategy)
    ) as FillRow[];
    return rows.map((r) => ({
      strategy: r.strategy,
      time: r.time,
      decidedAt: r.decided_at,
      symbol: r.symbol,
      side: r.side,
      quantity: r.quantity,
      price: r.price,
      notional: r.notional,
      fee: r.fee,
      slippageBps: r.slippage_bps,
      realisedPnl: r.realised_pnl,
      reason: r.reason,
    }));
  }

  /** Funding payments of a run, of one strategy or all (ordered by strategy, then as they happened). */
  funding(id: string, strategy?: string): Array<FundingPaymentDto & { strategy: string }> {
    const s = strategy ?? null;
    return this.fundingOf.all(id, s, s) as Array<FundingPaymentDto & { strategy: string }>;
  }

  fillCounts(id: string): Record<string, number> {
    const rows = this.fillCountsOf.all(id) as Array<{ strategy: string; count: number }>;
    return Object.fromEntries(rows.map((r) => [r.strategy, r.count]));
  }

  /** Newest first, without series or fills. */
  list(limit = 1_000): BacktestListing[] {
    return (this.headers.all(limit) as HeaderRow[]).map((row) => {
      const times = decodeFloat64(row.times);
      return {
        ...toHeader(row),
        outOfSampleFrom: times[0] ?? row.range_from,
        outOfSampleTo: times[times.length - 1] ?? row.range_to,
        folds: (this.foldsOf.all(row.id) as unknown[]).length,
        metrics: (
          this.metricsOf.all(row.id) as Array<{
            strategy: string;
            role: 'strategy' | 'baseline';
            metrics: string;
          }>
        ).map((m) => ({ strategy: m.strategy, role: m.role, metrics: JSON.parse(m.metrics) as unknown })),
      };
    });
  }

  /** Deletes a run with everything hanging off it; false when there was none. */
  delete(id: string): boolean {
    return this.deleteById.run(id).changes > 0;
  }

  private writeAll(run: StoredBacktest): void {
    const id = run.id;
    this.insertHeader.run(
      id,
      run.name,
      run.createdAt,
      run.feed,
      JSON.stringify(run.symbols),
      run.interval,
      run.from,
      run.to,
      run.strategy,
      JSON.stringify(run.params ?? {}),
      encodeFloat64(run.times),
      run.bars,
    );
    for (const f of run.folds)
      this.insertFold.run(id, f.index, f.trainFrom, f.trainTo, f.testFrom, f.testTo, f.modelId);
    run.runs.forEach((r, position) => {
      this.insertStrategy.run(
        id,
        r.strategy,
        r.role,
        position,
        JSON.stringify(r.metrics),
        encodeFloat64(r.equity),
        encodeFloat64(r.gross),
        encodeFloat64(r.weights),
      );
      r.fills.forEach((f, seq) =>
        this.insertFill.run(
          id,
          r.strategy,
          seq,
          f.time,
          f.decidedAt,
          f.symbol,
          f.side,
          f.quantity,
          f.price,
          f.notional,
          f.fee,
          f.slippageBps,
          f.realisedPnl,
          f.reason,
        ),
      );
      r.funding?.forEach((f, seq) =>
        this.insertFunding.run(
          id,
          r.strategy,
          seq,
          f.time,
          f.symbol,
          f.quantity,
          f.price,
          f.positionValue,
          f.rate,
          f.payment,
        ),
      );
    });
    if (run.attention) {
      const a = run.attention;
      a.times.forEach((time, k) =>
        this.insertAttention.run(
          id,
          time,
          JSON.stringify(a.matrices[k] ?? []),
          a.lagWeights[k] === undefined ? null : JSON.stringify(a.lagWeights[k]),
        ),
      );
    }
  }
}

function toHeader(row: HeaderRow): BacktestHeader {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    feed: row.feed,
    symbols: JSON.parse(row.symbols) as string[],
    interval: row.interval as Interval,
    from: row.range_from,
    to: row.range_to,
    strategy: row.strategy,
    params: JSON.parse(row.params) as unknown,
    bars: row.bars,
  };
}

function toFold(row: Record<string, number | string | null>): StoredFold {
  return {
    index: row.fold as number,
    trainFrom: row.train_from as number,
    trainTo: row.train_to as number,
    testFrom: row.test_from as number,
    testTo: row.test_to as number,
    modelId: (row.model_id as string | null) ?? null,
  };
}
