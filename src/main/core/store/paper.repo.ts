// Paper trading accounts (migration 0004). `applyBar` is the one write per closed bar: fills, the
// equity mark and the engine snapshot in one transaction, guarded so that a bar applies exactly once.
import type { Statement, Transaction } from 'better-sqlite3';
import type { FillDto, FundingPaymentDto } from '../../../shared/contract/backtest';
import type { Interval } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import type { Db } from './db';

export interface PaperAccountRow {
  id: string;
  createdAt: number;
  updatedAt: number;
  feed: string;
  symbols: string[];
  interval: Interval;
  strategy: string;
  params: unknown;
  /** Engine snapshot after lastBarTime; null before the first bar. */
  snapshot: unknown;
  lastBarTime: number | null;
  startTime: number;
  modelId: string | null;
}

export interface PaperEquityMark {
  time: number;
  equity: number;
  cash: number;
  gross: number;
  drawdown: number;
  weights: number[];
}

export interface PaperBarWrite {
  accountId: string;
  time: number;
  updatedAt: number;
  fills: readonly FillDto[];
  /** Funding paid or received at this bar (table paper_funding, migration instruments_funding). */
  funding?: readonly FundingPaymentDto[];
  mark: PaperEquityMark;
  snapshot: unknown;
}

interface AccountDbRow {
  id: string;
  created_at: number;
  updated_at: number;
  feed: string;
  symbols: string;
  interval: string;
  strategy: string;
  params: string;
  snapshot: string | null;
  last_bar_time: number | null;
  start_time: number;
  model_id: string | null;
}

export class PaperRepo {
  private readonly insertAccount: Statement;
  private readonly selectAccount: Statement;
  private readonly deleteAccount: Statement;
  private readonly advance: Statement;
  private readonly nextSeq: Statement;
  private readonly insertFill: Statement;
  private readonly insertMark: Statement;
  /** Prepared on first use: the funding table comes with a later migration than this repo's own. */
  private fundingStatements: { insert: Statement; nextSeq: Statement; recent: Statement } | null = null;
  private readonly recentFills: Statement;
  private readonly fillsBefore: Statement;
  private readonly marks: Statement;
  private readonly newestMarks: Statement;
  private readonly apply: Transaction<(write: PaperBarWrite) => boolean>;

  constructor(private readonly db: Db) {
    this.insertAccount = db.prepare(
      `INSERT INTO paper_accounts (id, created_at, updated_at, feed, symbols, interval, strategy, params, snapshot,
         last_bar_time, start_time, model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
    );
    this.selectAccount = db.prepare('SELECT * FROM paper_accounts WHERE id = ?');
    this.deleteAccount = db.prepare('DELETE FROM paper_accounts WHERE id = ?');
    this.advance = db.prepare(
      `UPDATE paper_accounts SET snapshot = ?, last_bar_time = ?, updated_at = ?
       WHERE id = ? AND (last_bar_time IS NULL OR last_bar_time < ?)`,
    );
    this.nextSeq = db
      .prepare('SELECT COALESCE(MAX(seq) + 1, 0) FROM paper_fills WHERE account_id = ?')
      .pluck();
    this.insertFill = db.prepare(
      `INSERT INTO paper_fills (account_id, seq, time, decided_at, symbol, side, quantity, price, notional, fee,
         slippage_bps, realised_pnl, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMark = db.prepare(
      'INSERT INTO paper_equity (account_id, time, equity, cash, gross, drawdown, weights) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const fillColumns =
      'seq, time, decided_at, symbol, side, quantity, price, notional, fee, slippage_bps, realised_pnl, reason';
    this.recentFills = db.prepare(
      `SELECT ${fillColumns} FROM paper_fills WHERE account_id = ? ORDER BY seq DESC LIMIT ?`,
    );
    this.fillsBefore = db.prepare(
      `SELECT ${fillColumns} FROM paper_fills WHERE account_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    );
    this.marks = db.prepare(
      'SELECT time, equity, cash, gross, drawdown, weights FROM paper_equity WHERE account_id = ? AND time >= ? ORDER BY time',
    );
    // A page: the newest `limit` marks from `from` on, returned oldest first.
    this.newestMarks = db.prepare(
      `SELECT * FROM (SELECT time, equity, cash, gross, drawdown, weights FROM paper_equity
       WHERE account_id = ? AND time >= ? AND time <= ? ORDER BY time DESC LIMIT ?) ORDER BY time`,
    );
    this.apply = db.transaction((write: PaperBarWrite) => {
      const changed = this.advance.run(
        JSON.stringify(write.snapshot),
        write.time,
        write.updatedAt,
        write.accountId,
        write.time,
      ).changes;
      // Already applied (a replay after a crash, or a second trader on the same file): change nothing.
      if (changed === 0) return false;
      let seq = this.nextSeq.get(write.accountId) as number;
      for (const f of write.fills) {
        this.insertFill.run(
          write.accountId,
          seq++,
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
        );
      }
      if (write.funding && write.funding.length > 0) {
        const statements = this.funding_();
        let fundingSeq = statements.nextSeq.get(write.accountId) as number;
        for (const f of write.funding) {
          statements.insert.run(
            write.accountId,
            fundingSeq++,
            f.time,
            f.symbol,
            f.quantity,
            f.price,
            f.positionValue,
            f.rate,
            f.payment,
          );
        }
      }
      const m = write.mark;
      this.insertMark.run(
        write.accountId,
        m.time,
        m.equity,
        m.cash,
        m.gross,
        m.drawdown,
        JSON.stringify(m.weights),
      );
      return true;
    });
  }

  create(account: Omit<PaperAccountRow, 'snapshot' | 'lastBarTime' | 'updatedAt'>): PaperAccountRow {
    this.insertAccount.run(
      account.id,
      account.createdAt,
      account.createdAt,
      account.feed,
      JSON.stringify(account.symbols),
      account.interval,
      account.strategy,
      JSON.stringify(account.params ?? {}),
      account.startTime,
      account.modelId,
    );
    return this.get(account.id)!;
  }

  get(id: string): PaperAccountRow | null {
    const row = this.selectAccount.get(id) as AccountDbRow | undefined;
    return row ? toAccount(row) : null;
  }

  delete(id: string): boolean {
    return this.deleteAccount.run(id).changes > 0;
  }

  /**
   * Applies one closed bar in one IMMEDIATE transaction. Returns false (and writes nothing) when the
   * account has already applied this bar or a later one.
   */
  applyBar(write: PaperBarWrite): boolean {
    if (!this.get(write.accountId))
      throw new CoreError('NOT_FOUND', `There is no paper account '${write.accountId}'.`);
    return this.apply.immediate(write);
  }

  /** The newest fills first; `beforeSeq` pages backwards. */
  fills(accountId: string, limit = 100, beforeSeq?: number): Array<FillDto & { seq: number }> {
    const rows = (
      beforeSeq === undefined
        ? this.recentFills.all(accountId, limit)
        : this.fillsBefore.all(accountId, beforeSeq, limit)
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      seq: r.seq as number,
      time: r.time as number,
      decidedAt: r.decided_at as number,
      symbol: r.symbol as string,
      side: r.side as 'buy' | 'sell',
      quantity: r.quantity as number,
      price: r.price as number,
      notional: r.notional as number,
      fee: r.fee as number,
      slippageBps: r.slippage_bps as number,
      realisedPnl: r.realised_pnl as number,
      reason: r.reason as 'rebalance' | 'kill',
    }));
  }

  /** The newest funding payments first. */
  funding(accountId: string, limit = 100): Array<FundingPaymentDto & { seq: number }> {
    return this.funding_().recent.all(accountId, limit) as Array<FundingPaymentDto & { seq: number }>;
  }

  private funding_(): { insert: Statement; nextSeq: Statement; recent: Statement } {
    this.fundingStatements ??= {
      insert: this.db.prepare(
        `INSERT INTO paper_funding (account_id, seq, time, symbol, quantity, price, position_value, rate, payment)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      nextSeq: this.db
        .prepare('SELECT COALESCE(MAX(seq) + 1, 0) FROM paper_funding WHERE account_id = ?')
        .pluck(),
      recent: this.db.prepare(
        `SELECT seq, time, symbol, quantity, price, position_value AS positionValue, rate, payment
         FROM paper_funding WHERE account_id = ? ORDER BY seq DESC LIMIT ?`,
      ),
    };
    return this.fundingStatements;
  }

  /** Marks from `from` on, oldest first; with `page`, only the newest `page.limit` up to `page.to`. */
  equity(accountId: string, from = 0, page?: { limit: number; to?: number }): PaperEquityMark[] {
    const rows = page
      ? this.newestMarks.all(accountId, from, page.to ?? Number.MAX_SAFE_INTEGER, page.limit)
      : this.marks.all(accountId, from);
    return (rows as Array<Record<string, unknown>>).map((r) => ({
      time: r.time as number,
      equity: r.equity as number,
      cash: r.cash as number,
      gross: r.gross as number,
      drawdown: r.drawdown as number,
      weights: JSON.parse(r.weights as string) as number[],
    }));
  }
}

function toAccount(row: AccountDbRow): PaperAccountRow {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    feed: row.feed,
    symbols: JSON.parse(row.symbols) as string[],
    interval: row.interval as Interval,
    strategy: row.strategy,
    params: JSON.parse(row.params) as unknown,
    snapshot: row.snapshot === null ? null : (JSON.parse(row.snapshot) as unknown),
    lastBarTime: row.last_bar_time,
    startTime: row.start_time,
    modelId: row.model_id,
  };
}
